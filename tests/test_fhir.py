"""FHIR R4 / mCODE in: the mapping table, what FHIR cannot say, and round trips.

Expected codes are copied from the mCODE IG FSH sources (github.com/HL7/fhir-mCODE-ig at
543477b: VS_Genomics.fsh TumorMarkerTestVS, VS_CancerCondition.fsh SecondaryCancerDisorderVS,
EX_Basic.fsh, EX_ExtendedExample.fsh) and the WHO SMART pregnancy-status value set, as listed
in data/fhir_mapping.toml; expected recommendations come from the scenario itself (a bundle
built from a scenario must give the same answer as that scenario).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scenario_helpers import THP, scenario

import her2guide
from her2guide import Scenario, ScenarioError, parse_scenario, recommend
from her2guide._conformance import vectors
from her2guide.fhir import (
    MAPPING_RULE,
    FhirGapError,
    fhir_overlay,
    from_fhir,
    load_mapping,
    recommend_fhir,
    to_fhir_bundle,
)

ROOT = Path(__file__).resolve().parents[1]
LOINC, SCT = "http://loinc.org", "http://snomed.info/sct"


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"resource": {"subject": {"reference": "Patient/p"}, **resource}}


def _coded(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": [_entry(r) for r in resources]}


def _obs(code: str, **value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": _coded(LOINC, code),
        "effectiveDateTime": "2026-10-20",
        **value,
    }


HER2_POS = _obs("48676-1", valueCodeableConcept=_coded(LOINC, "LA6576-8"))
NOT_PREGNANT = _obs("82810-3", valueCodeableConcept=_coded(LOINC, "LA26683-5"))
METS = {
    "resourceType": "Condition",
    "code": _coded(SCT, "128462008"),
    "onsetDateTime": "2026-11-01",
}


def _drug(
    name: str, start: str, end: str | None = None, status: str = "completed"
) -> dict[str, Any]:
    period = {"start": start} | ({"end": end} if end else {})
    return {
        "resourceType": "MedicationStatement",
        "status": status,
        "medicationCodeableConcept": {"text": name},
        "effectivePeriod": period,
    }


# ---------------------------------------------------------------------- the mapping table


def test_mapping_holds_the_mcode_her2_codes_and_answers() -> None:
    """HER2: LOINC 48676-1, 85319-2, 85318-4 (mCODE TumorMarkerTestVS); LA6576-8 Positive, LA6577-6 Negative."""
    m = load_mapping()
    assert {(LOINC, "48676-1"), (LOINC, "85319-2"), (LOINC, "85318-4")} == m.codes("her2")
    assert m.values("her2") == {(LOINC, "LA6576-8"): "positive", (LOINC, "LA6577-6"): "negative"}


def test_mapping_uses_the_mcode_profile_urls() -> None:
    """Profiles are the mCODE canonical (sushi-config: http://hl7.org/fhir/us/mcode) + profile Id."""
    m = load_mapping()
    assert (
        m.field("setting").profile
        == "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-secondary-cancer-condition"
    )
    assert (
        m.field("her2").profile
        == "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-tumor-marker-test"
    )


def test_every_code_names_a_source_and_what_is_unverified_is_listed() -> None:
    """Every code cites a checked source; RxNorm and ILD codes are listed as not verified."""
    m = load_mapping()
    for f in m.fields:
        for c in (*f.codes, *f.values):
            assert c.source in m.sources, (f.field, c.code)
    left_out = " ".join(what for what, _ in m.unverified)
    assert "RxNorm" in left_out
    assert "interstitial lung disease" in left_out


# ---------------------------------------------------------------------- mapping behaviour


def test_minimal_mcode_bundle_maps_to_a_de_novo_scenario() -> None:
    """HER2 positive + a secondary cancer condition + not pregnant: a de novo line-1 scenario."""
    s = from_fhir(_bundle(HER2_POS, NOT_PREGNANT, METS), overlay={"as_of": "2026-11-23"})
    assert (s.her2, s.setting) == ("positive", "metastatic")
    assert dt.date(2026, 11, 1) == s.metastatic_diagnosis
    assert s.hormone_receptor == "unknown"  # no ER/PR test in the bundle
    assert s.brain_metastases == "unknown"  # no brain secondary: not known, not "none"
    assert s.pregnant is False
    assert s.metastatic_lines == ()
    assert "ild_history" in dict(s.extra["fhir_notes"])


def test_her2_negative_bundle_is_refused_as_out_of_scope() -> None:
    """LA6577-6 (Negative) on 48676-1: out of scope, like a HER2-negative scenario."""
    neg = _obs("48676-1", valueCodeableConcept=_coded(LOINC, "LA6577-6"))
    rec = recommend_fhir(_bundle(neg, METS))
    assert rec.in_scope is False
    assert "negative" in rec.scope_reason


def test_early_disease_bundle_is_refused_as_out_of_scope() -> None:
    """A primary cancer condition and no secondary one: early disease, out of scope."""
    primary = {
        "resourceType": "Condition",
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-primary-cancer-condition"
            ]
        },
        "code": {"text": "Malignant neoplasm of breast"},
    }
    rec = recommend_fhir(_bundle(HER2_POS, primary))
    assert rec.in_scope is False
    assert "early" in rec.scope_reason.lower()


def test_ihc_positive_with_ish_negative_is_positive() -> None:
    """Either test positive makes HER2 positive (DESIGN: IHC 3+ or ISH-amplified)."""
    ish_neg = _obs("85318-4", valueCodeableConcept=_coded(LOINC, "LA6577-6"))
    ihc_pos = _obs("85319-2", valueCodeableConcept=_coded(LOINC, "LA6576-8"))
    s = from_fhir(_bundle(ish_neg, ihc_pos, NOT_PREGNANT, METS), overlay={"as_of": "2026-11-23"})
    assert s.her2 == "positive"


def test_an_unmapped_her2_answer_is_an_error_naming_it() -> None:
    """An answer other than Positive/Negative (e.g. a text 'equivocal') is an error, never a guess."""
    odd = _obs("48676-1", valueCodeableConcept={"text": "Equivocal"})
    with pytest.raises(ScenarioError) as exc:
        from_fhir(_bundle(odd, METS))
    [p] = exc.value.problems
    assert "valueCodeableConcept (her2)" in p.field
    assert "LA6576-8" in p.message


def test_missing_pregnancy_status_is_missing_information() -> None:
    """No pregnancy status: FhirGapError naming `pregnant` (it decides every HER2-directed option)."""
    with pytest.raises(FhirGapError) as exc:
        from_fhir(_bundle(HER2_POS, METS), overlay={"as_of": "2026-11-23"})
    assert [p.field for p in exc.value.problems] == ["pregnant"]
    assert exc.value.problems[0].message.startswith("missing-information")


def test_finished_line_needs_its_stop_reason_and_the_overlay_gives_it() -> None:
    """FHIR says a line ended, not why: missing-information for stopped; --overlay supplies it."""
    b = _bundle(
        HER2_POS,
        NOT_PREGNANT,
        METS,
        _drug("Herceptin", "2026-11-05", "2027-05-01"),
        _drug("Perjeta", "2026-11-05", "2027-05-01"),
        _drug("docetaxel", "2026-11-05", "2027-03-01"),
    )
    with pytest.raises(FhirGapError) as exc:
        from_fhir(b, overlay={"as_of": "2027-06-01"})
    assert [p.field for p in exc.value.problems] == ["metastatic_lines[0].stopped"]
    s = from_fhir(
        b, overlay={"as_of": "2027-06-01", "metastatic_lines": [{"stopped": "progression"}]}
    )
    assert len(s.metastatic_lines) == 1
    assert {"trastuzumab", "pertuzumab", "docetaxel"} == set(s.metastatic_lines[0].agents)
    # Progression after THP: T-DXd is preferred second line (ASCO 2022 rec. 2.1, DESTINY-Breast03).
    rec = recommend(s)
    assert rec.preferred == ("trastuzumab-deruxtecan",)


def test_repeated_doses_stay_in_one_line_and_a_new_drug_starts_the_next() -> None:
    """Later doses of the current line's drugs extend it; T-DXd on a later date is line 2."""
    b = _bundle(
        HER2_POS,
        NOT_PREGNANT,
        METS,
        _drug("trastuzumab", "2026-11-05"),
        _drug("pertuzumab", "2026-11-05"),
        _drug("trastuzumab", "2026-11-26"),
        _drug("T-DXd", "2027-06-01", status="active"),
    )
    s = from_fhir(
        b, overlay={"as_of": "2027-06-10", "metastatic_lines": [{"stopped": "progression"}, {}]}
    )
    assert [ln.agents for ln in s.metastatic_lines] == [
        ("trastuzumab", "pertuzumab"),
        ("trastuzumab-deruxtecan",),
    ]
    assert [ln.stopped for ln in s.metastatic_lines] == ["progression", "ongoing"]


def test_an_unknown_medicine_is_an_error_suggesting_close_names() -> None:
    """A medicine the agent synonyms do not know: an error naming the entry and close names."""
    with pytest.raises(ScenarioError) as exc:
        from_fhir(_bundle(HER2_POS, NOT_PREGNANT, METS, _drug("Enhertoo", "2026-11-05")))
    [p] = exc.value.problems
    assert "medicationCodeableConcept" in p.field
    assert "trastuzumab-deruxtecan" in p.message


def test_invalid_fhir_is_an_error_naming_the_element() -> None:
    """An Observation without `code` is not valid FHIR: the error names Bundle.entry[0].resource.code."""
    bad = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Observation", "status": "final"}}],
    }
    with pytest.raises(ScenarioError) as exc:
        from_fhir(bad)
    assert exc.value.problems[0].field == "Bundle.entry[0].resource.code"


def test_brain_metastases_condition_asks_for_their_status() -> None:
    """SNOMED 94225005 (secondary malignant neoplasm of brain): status is missing-information."""
    brain = {
        "resourceType": "Condition",
        "code": _coded(SCT, "94225005"),
        "onsetDateTime": "2026-11-01",
    }
    with pytest.raises(FhirGapError) as exc:
        from_fhir(_bundle(HER2_POS, NOT_PREGNANT, brain), overlay={"as_of": "2026-11-23"})
    assert [p.field for p in exc.value.problems] == ["brain_metastases"]


def test_importing_her2guide_does_not_import_the_interop_libraries() -> None:
    """The base package stays light (Pyodide): no FastAPI, uvicorn, pydantic or fhir.resources."""
    code = "import sys, her2guide; print(sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'uvicorn', 'pydantic', 'fhir', 'starlette')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------- round trips


def _same(rec_fhir: Any, rec: Any) -> None:
    got = rec_fhir.to_dict()
    got["alerts"] = [a for a in got["alerts"] if a["rule"] != MAPPING_RULE]
    assert rec.to_dict() == got


def _notebook_scenarios() -> list[tuple[str, Any]]:
    """Every scenario a worked-scenario notebook passes to recommend(), captured by running it."""
    seen: list[tuple[str, Any]] = []
    real = her2guide.recommend
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.py")):

        def spy(s: Any, *args: Any, _stem: str = path.stem, **kwargs: Any) -> Any:
            seen.append((_stem, copy.deepcopy(s) if isinstance(s, dict) else s))
            return real(s, *args, **kwargs)

        her2guide.recommend = spy  # type: ignore[assignment]
        try:
            runpy.run_path(str(path), run_name="__notebook__")
        finally:
            her2guide.recommend = real
    return seen


NOTEBOOK_SCENARIOS = _notebook_scenarios()


def test_every_notebook_contributes_a_scenario() -> None:
    """The capture sees all sixteen worked scenarios."""
    assert len({stem for stem, _ in NOTEBOOK_SCENARIOS}) == 16


@pytest.mark.parametrize(
    "item",
    NOTEBOOK_SCENARIOS,
    ids=[f"{stem}-{i}" for i, (stem, _) in enumerate(NOTEBOOK_SCENARIOS)],
)
def test_notebook_scenario_round_trips_through_fhir(item: tuple[str, Any]) -> None:
    """A FHIR bundle built from the notebook's scenario, plus what FHIR cannot say, gives the
    same recommendation as the scenario itself."""
    _, raw = item
    s = raw if isinstance(raw, Scenario) else parse_scenario(raw)
    bundle = json.loads(json.dumps(to_fhir_bundle(s)))  # as it would arrive over the wire
    _same(recommend_fhir(bundle, overlay=fhir_overlay(s)), recommend(s))


VECTORS = dict(vectors())
CASE_IDS = [rel.split("/")[0] for rel in VECTORS if rel.endswith("/input.json")]


@pytest.mark.parametrize("cid", CASE_IDS)
def test_scenario_table_row_round_trips_through_fhir(cid: str) -> None:
    """Each conformance vector's input-fhir.json + overlay.json gives input.json's answer."""
    s = parse_scenario(VECTORS[f"{cid}/input.json"])
    _same(
        recommend_fhir(VECTORS[f"{cid}/input-fhir.json"], overlay=VECTORS[f"{cid}/overlay.json"]),
        recommend(s),
    )


# ---------------------------------------------------------------------- CLI


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "her2guide.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
    )


def test_cli_recommends_from_a_fhir_bundle_with_an_overlay(tmp_path: Path) -> None:
    """`recommend BUNDLE --overlay FILE --format json`: progression on THP → T-DXd preferred (ASCO 2022 rec. 2.1)."""
    s = parse_scenario(scenario(metastatic_lines=[{"agents": THP, "stopped": "progression"}]))
    (tmp_path / "b.json").write_text(json.dumps(to_fhir_bundle(s)))
    (tmp_path / "o.yaml").write_text(
        "as_of: 2026-11-23\nbrain_metastases: none\nmetastatic_lines:\n  - stopped: progression\n"
    )
    r = _cli(
        "recommend",
        str(tmp_path / "b.json"),
        "--overlay",
        str(tmp_path / "o.yaml"),
        "--format",
        "json",
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["preferred"] == ["trastuzumab-deruxtecan"]


def test_cli_names_what_fhir_cannot_say_without_a_traceback(tmp_path: Path) -> None:
    """Without the overlay: exit 2, one line per missing field, no traceback."""
    s = parse_scenario(scenario(metastatic_lines=[{"agents": THP, "stopped": "progression"}]))
    r = _cli("recommend", "-", stdin=json.dumps(to_fhir_bundle(s)))
    assert r.returncode == 2
    assert "missing information" in r.stderr
    assert "metastatic_lines[0].stopped: (missing) — missing-information" in r.stderr
    assert "Traceback" not in r.stderr


def test_medication_reference_is_resolved_in_the_bundle() -> None:
    """A MedicationStatement pointing at a Medication resource is read through that resource."""
    med = {"resourceType": "Medication", "id": "kadcyla", "code": {"text": "Kadcyla"}}
    stmt = {
        "resourceType": "MedicationStatement",
        "status": "active",
        "medicationReference": {"reference": "Medication/kadcyla"},
        "effectivePeriod": {"start": "2026-11-05"},
    }
    b = _bundle(HER2_POS, NOT_PREGNANT, METS, stmt)
    b["entry"].append({"resource": med})
    s = from_fhir(b, overlay={"as_of": "2026-11-23"})
    assert [ln.agents for ln in s.metastatic_lines] == [("trastuzumab-emtansine",)]


def test_planned_requests_are_not_treatment_received() -> None:
    """A MedicationRequest with intent plan is not a line received."""
    req = {
        "resourceType": "MedicationRequest",
        "status": "active",
        "intent": "plan",
        "medicationCodeableConcept": {"text": "tucatinib"},
        "authoredOn": "2026-11-10",
    }
    s = from_fhir(_bundle(HER2_POS, NOT_PREGNANT, METS, req), overlay={"as_of": "2026-11-23"})
    assert s.metastatic_lines == ()


def test_a_newer_preliminary_pregnant_result_wins_over_an_older_not_pregnant() -> None:
    """Pregnancy status: the latest result counts, also when it is preliminary (the safe reading)."""
    newer = _obs(
        "82810-3",
        status="preliminary",
        effectiveDateTime="2026-11-20",
        valueCodeableConcept=_coded(LOINC, "LA15173-0"),
    )
    s = from_fhir(_bundle(HER2_POS, NOT_PREGNANT, newer, METS), overlay={"as_of": "2026-11-23"})
    assert s.pregnant is True


def test_pregnancy_value_with_loinc_and_snomed_codings_is_read() -> None:
    """A value coded both LOINC LA15173-0 and SNOMED CT 77386006 (both "Pregnant") gives true."""
    both = {"coding": [{"system": LOINC, "code": "LA15173-0"}, {"system": SCT, "code": "77386006"}]}
    preg = _obs("82810-3", effectiveDateTime="2026-11-20", valueCodeableConcept=both)
    s = from_fhir(_bundle(HER2_POS, preg, METS), overlay={"as_of": "2026-11-23"})
    assert s.pregnant is True


def test_pregnancy_status_unknown_is_missing_information() -> None:
    """LA4489-6 (Unknown) is not read as not pregnant: missing-information for `pregnant`."""
    unknown = _obs("82810-3", valueCodeableConcept=_coded(LOINC, "LA4489-6"))
    with pytest.raises(FhirGapError) as exc:
        from_fhir(_bundle(HER2_POS, unknown, METS), overlay={"as_of": "2026-11-23"})
    assert [p.field for p in exc.value.problems] == ["pregnant"]
