"""The strict TOML reader every data loader uses: one record at a time, every field typed,
every problem a :class:`DataError` naming file, record, field, bad value and what is allowed.

Used by the catalogue loader and by the other data loaders (decision tables, practical
dosing, supportive care).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

__all__ = ["DataError"]

_ID = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")


class DataError(ValueError):
    """A data file broke its own grammar. The message names file, record, field and value."""


class _Reader:
    """Reads one record, remembering where it came from for error messages."""

    def __init__(self, file: str, table: str, raw: Mapping[str, Any], index: int) -> None:
        self.file = file
        self.raw = raw
        ident = raw.get("id") or raw.get("agent") or raw.get("name") or f"#{index + 1}"
        self.where = f"{file}: [[{table}]] {ident!s}"
        self.used: set[str] = set()

    def fail(self, fld: str, value: object, allowed: str) -> DataError:
        return DataError(f"{self.where}: field {fld!r} has {value!r}; allowed: {allowed}")

    def get(self, fld: str, kind: type, *, required: bool = True, default: Any = None) -> Any:
        self.used.add(fld)
        if fld not in self.raw:
            if required:
                raise DataError(f"{self.where}: field {fld!r} is missing")
            return default
        value = self.raw[fld]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(fld, value, f"a {kind.__name__}")
        return value

    def text(self, fld: str, *, required: bool = True) -> str:
        value: str = self.get(fld, str, required=required, default="")
        if required and not value.strip():
            raise self.fail(fld, value, "non-empty text")
        return value

    def ident(self, fld: str = "id") -> str:
        value = self.text(fld)
        if not _ID.match(value):
            raise self.fail(
                fld, value, "a lower-case kebab-case ID such as 'trastuzumab-deruxtecan'"
            )
        return value

    def choice(self, fld: str, allowed: Sequence[str]) -> str:
        value = self.text(fld)
        if value not in allowed:
            raise self.fail(fld, value, " | ".join(allowed))
        return value

    def strings(self, fld: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.get(fld, list, required=required, default=[])
        if not all(isinstance(v, str) for v in value):
            raise self.fail(fld, value, "a list of strings")
        return tuple(value)

    def numbers(self, fld: str) -> tuple[float, ...]:
        value = self.get(fld, list, required=False, default=[])
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            raise self.fail(fld, value, "a list of numbers")
        return tuple(float(v) for v in value)

    def done(self, *nested: str) -> None:
        extra = set(self.raw) - self.used - set(nested)
        if extra:
            raise DataError(
                f"{self.where}: unknown field(s) {sorted(extra)}; check the file header"
            )


def _records(doc: Mapping[str, Any], file: str, table: str) -> list[Mapping[str, Any]]:
    records = doc.get(table, [])
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError(f"{file}: [[{table}]] must be an array of tables")
    return records


def _read(file: str) -> dict[str, Any]:
    text = resources.files("her2guide").joinpath("data", file).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{file}: not valid TOML: {exc}") from None


def _unique(items: Sequence[Any], file: str, table: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        if item.id in out:
            raise DataError(f"{file}: [[{table}]] id {item.id!r} appears twice")
        out[item.id] = item
    return out


def _norm(name: str) -> str:
    return re.sub(r"[\s\-_.®™]+", "", name).casefold()
