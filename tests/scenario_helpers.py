"""Helpers shared by the unit tests: a valid base scenario with overrides."""

from __future__ import annotations

import copy
from typing import Any

BASE: dict[str, Any] = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2026-11-01",
    "hormone_receptor": "negative",
    "metastatic_lines": [],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 60,
    "pregnant": False,
}

THP = ["trastuzumab", "pertuzumab", "docetaxel"]


def scenario(**overrides: Any) -> dict[str, Any]:
    """A valid in-scope scenario with ``overrides`` applied (value ``...`` removes a field)."""
    data = copy.deepcopy(BASE)
    for key, value in overrides.items():
        if value is ...:
            data.pop(key, None)
        else:
            data[key] = value
    return data
