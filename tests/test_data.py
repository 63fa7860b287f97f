"""Integrity of the clinical data files and the loader's error messages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from her2guide import RULES, Catalogue, DataError
from her2guide._catalogue import load as catalogue_module
from her2guide._dosing import REFERENCES as DOSING_REFERENCES
from her2guide._practical import load_practical

ROOT = Path(__file__).resolve().parents[1]


def test_units_and_routes_in_closed_sets(cat: Catalogue) -> None:
    """Every component uses mg, mg/kg or mg/m2 and a known route."""
    for reg in cat.regimens.values():
        for c in reg.components:
            assert c.unit in {"mg", "mg/kg", "mg/m2"}
            assert c.route in {"IV", "oral", "SC", "IM"}


def test_every_regimen_has_a_reference_and_contract_ids_exist(cat: Catalogue) -> None:
    """All contract regimen IDs (DESIGN.md) exist and each cites at least one reference."""
    contract = {
        "trastuzumab-pertuzumab-taxane", "trastuzumab-deruxtecan-pertuzumab", "trastuzumab-deruxtecan",
        "trastuzumab-emtansine", "tucatinib-trastuzumab-capecitabine", "neratinib-capecitabine",
        "lapatinib-capecitabine", "lapatinib-trastuzumab", "margetuximab-chemotherapy",
        "trastuzumab-chemotherapy", "endocrine-her2", "endocrine-alone",
        "abemaciclib-trastuzumab-fulvestrant",
    }  # fmt: skip
    assert contract <= set(cat.regimens)
    assert all(reg.references for reg in cat.regimens.values())


def test_every_reference_has_a_link_and_is_cited(cat: Catalogue) -> None:
    """Each reference resolves to a link and is used by data or by a rule (no orphans)."""
    used: set[str] = set()
    for reg in cat.regimens.values():
        used.update(reg.references, (c.reference for c in reg.components))
    used.update(a.reference for t in cat.trials.values() for a in t.analyses)
    used.update(s.reference for s in cat.statements.values())
    used.update(t.reference for t in cat.toxicity)
    used.update(ref for r in RULES for ref in r.references)
    used.update(DOSING_REFERENCES)
    used.update(load_practical(cat).references)  # interactions, organ function, formulations
    # approvals.toml has no loader yet; its references count as used.
    approvals = ROOT / "src" / "her2guide" / "data" / "approvals.toml"
    used.update(a["reference"] for a in tomllib.loads(approvals.read_text("utf-8"))["approval"])
    # References cited only on site pages or in notebooks count as used there.
    pages = [*ROOT.glob("docs/**/*.md"), *ROOT.glob("notebooks/*.py")]
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    used.update(rid for rid in cat.references if re.search(rf"\b{re.escape(rid)}\b", text))
    for ref in cat.references.values():
        assert ref.link.startswith(("https://", "http://"))
    assert set(cat.references) - used == set()
    assert used - set(cat.references) == set()


def test_identifiers_are_well_formed(cat: Catalogue) -> None:
    """DOIs start with 10., PMIDs are digits."""
    for ref in cat.references.values():
        assert not ref.doi or re.match(r"^10\.\d{4,9}/\S+$", ref.doi), ref.id
        assert not ref.pmid or ref.pmid.isdigit(), ref.id


def test_decision_tables_reject_an_unknown_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo in an option row's statements fails at load time, naming file, record and field."""
    import her2guide._catalogue.load as catalogue_module
    import her2guide._decisions as decisions_module

    real = catalogue_module._read  # type: ignore[attr-defined]  # the name the loader calls

    def corrupt(file: str) -> dict[str, object]:
        doc = real(file)
        if file == "decisions.toml":
            doc["option"][0]["statements"] = ["asco-2022-9.9"]
        return doc

    monkeypatch.setattr(decisions_module, "read_toml", corrupt)
    catalogue_module.load_catalogue.cache_clear()
    try:
        with pytest.raises(DataError, match=r"decisions\.toml.*statements.*asco-2022-9\.9"):
            catalogue_module.load_catalogue()
    finally:
        monkeypatch.undo()
        catalogue_module.load_catalogue.cache_clear()


def test_db03_figures_are_never_mixed(cat: Catalogue) -> None:
    """The 28.8-month median and HR 0.28 live in different analyses (the seed's error)."""
    analyses = {
        a.id: " ".join(f.result for f in a.figures) for a in cat.trials["destiny-breast03"].analyses
    }
    assert "HR 0.28" in analyses["db03-primary"]
    assert "28.8" not in analyses["db03-primary"]
    assert "28.8" in analyses["db03-updated"]
    assert "HR 0.33" in analyses["db03-updated"]


def test_label_doses_match_the_fact_sheet(cat: Catalogue) -> None:
    """Key label doses (fact sheet §3) are what the data says."""

    def dose(reg: str, agent: str) -> tuple[float | None, float | None, tuple[float, ...]]:
        c = next(c for c in cat.regimens[reg].components if c.agent == agent)
        return c.dose, c.loading_dose, c.reductions

    assert dose("trastuzumab-deruxtecan", "trastuzumab-deruxtecan") == (5.4, None, (4.4, 3.2))
    assert dose("trastuzumab-emtansine", "trastuzumab-emtansine") == (3.6, None, (3.0, 2.4))
    assert dose("tucatinib-trastuzumab-capecitabine", "tucatinib") == (
        300.0,
        None,
        (250.0, 200.0, 150.0),
    )
    assert dose("neratinib-capecitabine", "neratinib") == (240.0, None, (200.0, 160.0, 120.0))
    assert dose("trastuzumab-pertuzumab-taxane", "pertuzumab") == (420.0, 840.0, ())
    assert dose("margetuximab-chemotherapy", "margetuximab") == (15.0, None, ())


def _fake_read(doc: dict[str, Any]) -> Any:
    return lambda file: doc


def test_loader_names_file_record_field_and_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad unit is reported with file, record, field, value and what is allowed."""
    doc = {"regimen": [{
        "id": "bad", "name": "Bad", "short": "B", "her2_directed": True, "signatures": [["x"]],
        "partner": [], "key_agents": [], "cns_active": False, "hormone_receptor_positive_only": False,
        "trials": [], "references": ["r"],
        "component": [{"agent": "x", "dose": 1, "unit": "mg/dl", "route": "IV", "schedule": "s",
                       "cycle_days": 21, "reference": "r"}],
    }]}  # fmt: skip
    monkeypatch.setattr(catalogue_module, "_read", _fake_read(doc))
    with pytest.raises(DataError) as err:
        catalogue_module._load_regimens()
    msg = str(err.value)
    assert "regimens.toml" in msg
    assert "'unit'" in msg
    assert "'mg/dl'" in msg
    assert "mg | mg/kg | mg/m2" in msg


def test_loader_rejects_unknown_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    """A misspelt field is an error, not silently ignored."""
    doc = {"reference": [{"id": "a", "kind": "trial", "short": "s", "citation": "c", "year": 2020,
                          "url": "https://x.org", "verified": ["S1"], "pmdi": "1"}]}  # fmt: skip
    monkeypatch.setattr(catalogue_module, "_read", _fake_read(doc))
    with pytest.raises(DataError, match="unknown field"):
        catalogue_module._load_references()


def _trial(**extra: Any) -> dict[str, Any]:
    base = {"id": "t1", "name": "T1", "phase": "3", "setting": "second-line", "population": "p",
            "arms": "a vs b", "regimens": []}  # fmt: skip
    return {**base, **extra}


def test_trial_phase_is_a_closed_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """A free-text phase (the old HER2CLIMB record) fails naming file, record, field, value
    and the allowed phases."""
    doc = {"trial": [_trial(phase="randomised, placebo-controlled")]}
    monkeypatch.setattr(catalogue_module, "_read", _fake_read(doc))
    with pytest.raises(DataError) as err:
        catalogue_module._load_trials()
    msg = str(err.value)
    assert "trials.toml" in msg
    assert "[[trial]] t1" in msg
    assert "'phase'" in msg
    assert "'randomised, placebo-controlled'" in msg
    assert "1 | 1b | 1/2 | 2 | 2/3 | 3 | 3b | 3b/4 | 4" in msg


def test_trial_design_tokens_are_a_closed_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """Design words go in `design`, one known token each; contradictions are rejected."""
    doc = {"trial": [_trial(design=["randomised", "blinded"])]}
    monkeypatch.setattr(catalogue_module, "_read", _fake_read(doc))
    with pytest.raises(DataError) as err:
        catalogue_module._load_trials()
    assert "'design'" in str(err.value)
    assert "'blinded'" in str(err.value)
    assert "double-blind" in str(err.value)
    doc = {"trial": [_trial(design=["double-blind", "open-label"])]}
    monkeypatch.setattr(catalogue_module, "_read", _fake_read(doc))
    with pytest.raises(DataError, match="not both"):
        catalogue_module._load_trials()


def test_her2climb_is_a_randomised_double_blind_phase_2_trial(cat: Catalogue) -> None:
    """HER2CLIMB: "Phase 2 Randomized, Double-Blinded, Controlled Study" (NCT02614794)."""
    trial = cat.trials["her2climb"]
    assert trial.phase == "2"
    assert {"randomised", "double-blind", "placebo-controlled"} <= set(trial.design)


def test_one_name_for_each_source() -> None:
    """A relapse window's source is named exactly as the statements name that source, so the
    same source never appears under two names (issue 13: 'FDA label' vs 'FDA labels')."""
    from her2guide import load_catalogue

    cat = load_catalogue()
    statement_sources = {s.source for s in cat.statements.values()}
    for w in cat.decisions.windows:
        assert w.source in statement_sources, w.source
