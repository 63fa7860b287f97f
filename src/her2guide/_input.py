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

import yaml

__all__ = ["LIMITS", "limit", "parse_text", "read_source"]

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
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


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Safe YAML: duplicate keys are refused (the C parser is used when available)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict):
                raise InputError(f"line {key_node.start_mark.line + 1}: a mapping key must be text")
            if key in seen:
                raise InputError(
                    f"line {key_node.start_mark.line + 1}: duplicate key {key!r} "
                    "(a second value would silently replace the first)"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        if len(str(node.value).lstrip("+-").replace("_", "")) > _MAX_INT_DIGITS:
            raise InputError(
                f"line {node.start_mark.line + 1}: a number with more than {_MAX_INT_DIGITS} digits"
            )
        return super().construct_yaml_int(node)  # type: ignore[no-any-return]


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)


def _line(ev: yaml.Event) -> int:
    mark = ev.start_mark
    return mark.line + 1 if mark is not None else 0


def _check_yaml_events(text: str) -> None:
    """Refuse anchors, aliases and deep nesting before anything is built."""
    depth = values = 0
    max_depth, max_values = limit("max-depth"), limit("max-values")
    for ev in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(ev, yaml.ScalarEvent):
            values += 1
            if values > max_values:
                raise InputError(f"line {_line(ev)}: more than {max_values:,} values")
        if isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None):
            raise InputError(
                f"line {_line(ev)}: YAML anchors and aliases (& and *) are not allowed"
            )
        if isinstance(ev, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > max_depth:
                raise InputError(f"line {_line(ev)}: nested more than {max_depth} levels deep")
        elif isinstance(ev, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1


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
    try:
        _check_yaml_events(text)
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        raise InputError(f"is not valid YAML: {what}{where}") from None
    except yaml.YAMLError as exc:
        raise InputError(
            f"is not valid YAML: {str(exc).splitlines()[0] if str(exc) else 'error'}"
        ) from None
    except RecursionError:
        raise InputError("nested too deeply") from None
    except ValueError as exc:  # e.g. an out-of-range date such as 2026-13-45
        if isinstance(exc, InputError):
            raise
        raise InputError(f"has a value YAML cannot read: {str(exc)[:120]}") from None


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
