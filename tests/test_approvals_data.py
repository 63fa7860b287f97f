"""approvals.toml, read by the decisions loader: dates as the sources give them, and a bad
record fails at load time naming file, record, field and value."""

from __future__ import annotations

import datetime as dt

import pytest

from her2guide import Catalogue, DataError


def _us(cat: Catalogue, regimen: str) -> list[tuple[dt.date, str, int]]:
    return [
        (a.effective, a.shown, a.min_line)
        for a in cat.decisions.approvals
        if a.regimen == regimen and a.jurisdiction == "US"
    ]


def test_exact_days_where_the_source_gives_them(cat: Catalogue) -> None:
    """FDA notice: T-DXd + pertuzumab on 15 Dec 2025; FDA press release: tucatinib on 17 Apr 2020."""
    assert (dt.date(2025, 12, 15), "2025-12-15", 1) in _us(cat, "trastuzumab-deruxtecan-pertuzumab")
    assert (dt.date(2020, 4, 17), "2020-04-17", 1) in _us(cat, "tucatinib-trastuzumab-capecitabine")


def test_month_only_counts_from_the_last_day_and_carries_the_line(cat: Catalogue) -> None:
    """ESMO-MCBS: T-DXd accelerated approval December 2019 (after ≥2 metastatic regimens), regular May 2022."""
    assert _us(cat, "trastuzumab-deruxtecan") == [
        (dt.date(2019, 12, 31), "December 2019", 3),
        (dt.date(2022, 5, 31), "May 2022", 2),
    ]


def test_every_record_resolves(cat: Catalogue) -> None:
    """Each approval names a regimen and a reference that exist."""
    assert cat.decisions.approvals
    for a in cat.decisions.approvals:
        assert a.regimen in cat.regimens
        assert a.reference in cat.references


def test_a_bad_month_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    """month = '2020-13' is refused with file, field and the allowed form."""
    import her2guide._catalogue.load as catalogue_module
    import her2guide._decisions as decisions_module

    real = catalogue_module._read  # type: ignore[attr-defined]  # the name the loader calls

    def corrupt(file: str) -> dict[str, object]:
        doc = real(file)
        if file == "approvals.toml":
            rec = doc["approval"][0]
            rec.pop("date", None)
            rec["month"] = "2020-13"
        return doc

    monkeypatch.setattr(decisions_module, "read_toml", corrupt)
    catalogue_module.load_catalogue.cache_clear()
    try:
        with pytest.raises(DataError, match=r"approvals\.toml.*'month'.*2020-13.*YYYY-MM"):
            catalogue_module.load_catalogue()
    finally:
        monkeypatch.undo()
        catalogue_module.load_catalogue.cache_clear()
