"""Reading scenario files safely: size cap, UTF-8, YAML without aliases, no duplicate keys,
bounded nesting and integers. Everything that goes wrong becomes a :class:`ScenarioError`
naming the file and what was wrong, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from ._limits import _MAX_INT_DIGITS, LIMITS, InputError, limit

__all__ = ["LIMITS", "InputError", "limit", "parse_text", "read_source"]


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
