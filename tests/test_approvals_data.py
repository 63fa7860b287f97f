"""approvals.toml parses, follows its header grammar and points at existing IDs.

There is no loader for this file yet (the engine work adds one); until then this test keeps
the data honest: exactly one of `date` or `month`, known jurisdictions, and every regimen
and reference ID resolves.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

from her2guide import Catalogue

APPROVALS = Path(__file__).resolve().parents[1] / "src" / "her2guide" / "data" / "approvals.toml"
_FIELDS = {"regimen", "jurisdiction", "date", "month", "indication", "reference", "quote"}


def _records() -> list[dict[str, Any]]:
    with APPROVALS.open("rb") as fh:
        records: list[dict[str, Any]] = tomllib.load(fh)["approval"]
    return records


def test_approvals_follow_the_header_grammar(cat: Catalogue) -> None:
    """Every record names a known regimen and reference and has a date or a month, not both."""
    records = _records()
    assert records
    for rec in records:
        where = f"{rec.get('regimen')}/{rec.get('jurisdiction')}"
        assert set(rec) <= _FIELDS, where
        assert rec["regimen"] in cat.regimens, where
        assert rec["reference"] in cat.references, where
        assert rec["jurisdiction"] in {"US", "EU"}, where
        assert ("date" in rec) != ("month" in rec), where
        if "date" in rec:
            assert isinstance(rec["date"], dt.date), where
        else:
            assert re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])", rec["month"]), where
        assert rec["indication"].strip(), where
        assert rec["quote"].strip(), where


def test_key_approval_dates(cat: Catalogue) -> None:
    """Dates that gate first-line T-DXd + pertuzumab and second-line T-DXd (fact sheet §4)."""
    by_key = {
        (r["regimen"], r["jurisdiction"], r.get("date") or r.get("month")) for r in _records()
    }
    assert ("trastuzumab-deruxtecan-pertuzumab", "US", dt.date(2025, 12, 15)) in by_key
    assert ("trastuzumab-deruxtecan", "US", "2022-05") in by_key
    assert not any(r == "trastuzumab-deruxtecan-pertuzumab" and j == "EU" for r, j, _ in by_key)
