"""Reading scenario files safely: size cap, UTF-8, YAML without aliases, no duplicate keys,
bounded nesting and integers. Everything that goes wrong becomes a :class:`ScenarioError`
naming the file and what was wrong, never a traceback.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any, Final

__all__ = ["LIMITS", "limit", "parse_text", "read_source"]

_MAX_INT_DIGITS: Final = 30


@lru_cache(maxsize=1)
def _limits() -> Mapping[str, int]:
    text = resources.files("her2guide").joinpath("data", "limits.toml").read_text(encoding="utf-8")
    doc = tomllib.loads(text)
    out: dict[str, int] = {}
    for rec in doc.get("limit", []):
        if set(rec) != {"id", "value", "reason"} or not isinstance(rec["value"], int):
            raise ValueError(f"limits.toml: bad [[limit]] record {rec!r}; need id, value, reason")
        out[rec["id"]] = rec["value"]
    return out


LIMITS: Final = _limits()


def limit(name: str) -> int:
    """The value of one limit from ``data/limits.toml``."""
    return LIMITS[name]


class InputError(ValueError):
    """The input could not be read or parsed; ``message`` says why (no field yet)."""


def _json_depth(text: str) -> None:
    depth, in_str, esc = 0, False, False
    max_depth = limit("max-depth")
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                raise InputError(f"nested more than {max_depth} levels deep")
        elif ch in "]}":
            depth -= 1


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise InputError(
                f"duplicate key {k!r} (a second value would silently replace the first)"
            )
        out[k] = v
    return out


def _int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise InputError(f"a number with more than {_MAX_INT_DIGITS} digits")
    return int(text)


def parse_text(text: str, kind: str) -> Any:
    """Parse JSON or YAML text safely; raise :class:`InputError` with a readable reason."""
    if kind == "json" or (kind == "auto" and text.lstrip().startswith(("{", "["))):
        _json_depth(text)
        try:
            return json.loads(text, object_pairs_hook=_pairs, parse_int=_int)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from None
        except RecursionError:
            raise InputError("nested too deeply") from None
    # PyYAML is imported only here: JSON callers (the browser navigator) do without it.
    from ._yaml_input import parse_yaml

    return parse_yaml(text)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def read_source(source: str | Path, stdin: IO[bytes] | None = None) -> tuple[str, Any]:
    """Read a file path (or ``-`` for standard input) and parse it: ``(label, data)``."""
    cap = limit("max-file-bytes")
    if str(source) == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        raw = stream.read(cap + 1)
        label, kind = "(stdin)", "auto"
    else:
        p = Path(source)
        label = str(p)
        kind = "json" if p.suffix.lower() == ".json" else "yaml"
        if not p.exists():
            raise InputError("no such file")
        if p.is_dir():
            raise InputError("is a directory, not a scenario file")
        try:
            with p.open("rb") as fh:
                raw = fh.read(cap + 1)
        except OSError as exc:
            raise InputError(f"cannot be read: {exc.strerror}") from None
    if len(raw) > cap:
        raise InputError(f"is larger than {cap:,} bytes (a scenario is a few hundred)")
    return label, parse_text(_decode(raw), kind)
