"""The data records of a version (``data/*.toml``) by a readable identity, and the
identifiers (regimen, rule, alert, reference IDs) a record names."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final


def _records(data_dir: Path) -> dict[str, str]:
    """Each record of ``data/*.toml`` by a readable identity, with its canonical content."""
    out: dict[str, str] = {}
    for p in sorted(data_dir.glob("*.toml")):
        doc = tomllib.loads(p.read_text("utf-8"))
        for table, value in doc.items():
            items = value if isinstance(value, list) else [value]
            for n, rec in enumerate(items):
                if not isinstance(rec, dict):
                    out[f"{p.name} {table}"] = json.dumps(value, sort_keys=True, default=str)
                    break
                ident = _identity(rec) or f"#{n + 1}"
                name = f"{p.name} [[{table}]] {ident}"
                while name in out:
                    name += "'"
                out[name] = json.dumps(rec, sort_keys=True, default=str)
    return out


_ID_FIELDS: Final = ("id", "code", "line", "regimen", "jurisdiction", "source", "below", "when")


def _identity(rec: Mapping[str, Any]) -> str:
    if "id" in rec:
        return f"id={rec['id']}"
    if "code" in rec:
        return f"code={rec['code']}"
    return " ".join(
        f"{k}={rec[k]}" for k in _ID_FIELDS if k in rec and not isinstance(rec[k], (list, dict))
    )


_ID: Final = re.compile(r"^(?:[a-z0-9]+(?:[-.][a-z0-9]+)+|[A-Z0-9]+(?:-[A-Z0-9]+)+)$")


def _values(record_json: str) -> set[str]:
    """The identifiers among a record's values (regimen, agent, statement, reference, alert
    and rule IDs), not its field names or its prose."""

    def walk(v: Any) -> Iterator[str]:
        if isinstance(v, dict):
            for x in v.values():
                yield from walk(x)
        elif isinstance(v, list):
            for x in v:
                yield from walk(x)
        elif isinstance(v, str):
            yield from v.split()

    words = {w.strip(".,;:()'\"") for w in walk(json.loads(record_json or "{}"))}
    return {w for w in words if _ID.match(w)}  # identifiers only, not the prose around them
