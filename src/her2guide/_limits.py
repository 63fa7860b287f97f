"""The input limits of ``data/limits.toml`` and the error for input that cannot be read.

Shared by the JSON reader (:mod:`her2guide._input`) and its lazily imported YAML half
(:mod:`her2guide._yaml_input`), so neither imports the other back.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Final

__all__ = ["LIMITS", "InputError", "limit"]

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
