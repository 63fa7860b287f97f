"""Practical dosing: interactions, organ function, tablets and vials (issue 11 gaps 1, 2, 5).

Expected values are typed from the label text quoted beside each test, not read from the
data; rule tests carry the rule ID in their names.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from scenario_helpers import scenario

from her2guide import DataError, ScenarioError, load_catalogue, parse_scenario, recommend
from her2guide._practical import (
    Practical,
    interactions_for,
    load_practical,
    match_medicines,
    organ_adjustments,
    tablet_plan,
    vial_plan,
)
from her2guide._practical import load as practical_module
from her2guide.cli import main

SECOND_LINE = [{"agents": ["trastuzumab", "pertuzumab", "docetaxel"], "stopped": "progression"}]
TTC = "tucatinib-trastuzumab-capecitabine"
NC = "neratinib-capecitabine"


def _p() -> Practical:
    return load_practical(load_catalogue())


def _start(agent: str, child_pugh: str | None = None, crcl: float | None = None) -> set[float]:
    return {
        a.start_dose_mg
        for a in organ_adjustments(agent, child_pugh, crcl, load_practical(load_catalogue()))
        if a.start_dose_mg is not None
    }


def _dose(agent: str, med: str) -> set[float | None]:
    p = load_practical(load_catalogue())
    return {i.dose_mg for i, _ in interactions_for([agent], [p.medicines[med]], p)}


# --------------------------------------------------------------------------- label figures


def test_tucatinib_child_pugh_c_starts_at_200_mg_twice_daily() -> None:
    """Tukysa US: 'For patients with severe hepatic impairment (Child-Pugh C), the recommended
    starting dose of TUKYSA is 200 mg orally, twice daily'; no change for A or B."""
    assert {200.0} == _start("tucatinib", "C")
    assert set() == _start("tucatinib", "B")
    assert {"no-adjustment"} == {a.action for a in organ_adjustments("tucatinib", "A", None, _p())}


def test_tucatinib_with_a_strong_cyp2c8_inhibitor_is_100_mg_twice_daily() -> None:
    """Tukysa US: 'If concomitant use with a strong CYP2C8 inhibitor cannot be avoided, reduce
    the recommended dosage to 100 mg orally, twice daily.' Gemfibrozil is the label summary's example."""
    assert {100.0} == _dose("tucatinib", "gemfibrozil")


def test_tucatinib_with_rifampicin_is_avoided_without_a_dose() -> None:
    """Tukysa US Table 7: 'Avoid concomitant use of TUKYSA with a strong CYP3A inducer or a
    moderate CYP2C8 inducer.' (rifampin is the summary's example)."""
    p = load_practical(load_catalogue())
    found = interactions_for(["tucatinib"], [p.medicines["rifampicin"]], p)
    assert [(i.id, i.dose_mg) for i, _ in found] == [("tucatinib-inducers", None)]
    assert "Avoid" in found[0][0].action


def test_tucatinib_severe_renal_impairment_threshold_is_below_30() -> None:
    """Tucatinib US monograph: 'Severe renal impairment (CrCl less than 30 mL/min): Use ... in
    combination with capecitabine and trastuzumab is not recommended.' 30 itself is not 'less than 30'."""

    def actions(crcl: float) -> set[str]:
        return {a.action for a in organ_adjustments("tucatinib", None, crcl, _p())}

    assert "not-recommended" in actions(29.9)
    assert "not-recommended" not in actions(30)


def test_neratinib_child_pugh_c_differs_us_and_eu() -> None:
    """Nerlynx US summary: 'Severe hepatic impairment (Child-Pugh C): reduce initial dose to 80mg.'
    EU: 'Treatment of patients with Child-Pugh C hepatic impairment is contraindicated.'"""
    got = {
        (a.jurisdiction, a.action, a.start_dose_mg)
        for a in organ_adjustments("neratinib", "C", None, _p())
    }
    assert {("US", "reduce-starting-dose", 80.0), ("EU", "contraindicated", None)} == got


def test_lapatinib_hepatic_and_cyp3a4_doses() -> None:
    """Tykerb: Child-Pugh C 'A dose reduction to 750 mg/day'; strong CYP3A4 inhibitor '500 mg/day';
    strong CYP3A4 inducer 'Gradually titrate from 1250 mg/day up to 4500 mg/day'."""
    assert {750.0} == _start("lapatinib", "C")
    assert {500.0} == _dose("lapatinib", "ketoconazole")
    assert {4500.0} == _dose("lapatinib", "carbamazepine")


def test_capecitabine_interactions_with_warfarin_and_phenytoin() -> None:
    """Xeloda US 7.2: 'Monitor INR more frequently ...'; 'Closely monitor phenytoin levels ...'."""
    p = load_practical(load_catalogue())
    meds = [p.medicines["warfarin"], p.medicines["phenytoin"]]
    got = {(i.id, m.id) for i, m in interactions_for(["capecitabine"], meds, p)}
    assert {
        ("capecitabine-vitamin-k-antagonists", "warfarin"),
        ("capecitabine-phenytoin", "phenytoin"),
    } == got


def test_neratinib_acid_reducing_agents_are_avoided() -> None:
    """Nerlynx US summary: 'Avoid concomitant PPIs, H2-receptor antagonists'."""
    p = load_practical(load_catalogue())
    for med in ("omeprazole", "famotidine"):
        assert [i.id for i, _ in interactions_for(["neratinib"], [p.medicines[med]], p)] == [
            "neratinib-acid-reducing"
        ]


@pytest.mark.parametrize(
    ("agent", "strengths"),
    [
        ("tucatinib", (50.0, 150.0)),  # "TUKYSA 50 mg film-coated tablets TUKYSA 150 mg ..."
        ("neratinib", (40.0,)),  # "tablets ... contain 40 mg of neratinib"
        ("lapatinib", (250.0,)),  # "1,250 mg (5 tablets)"
        ("capecitabine", (150.0, 500.0)),  # "Tablets: 150 mg and 500 mg (3)"
        ("trastuzumab-deruxtecan", (100.0,)),  # "100 mg Vial Carton"
        ("trastuzumab-emtansine", (100.0, 160.0)),  # "Kadcyla 100 mg ... Kadcyla 160 mg"
        ("pertuzumab", (420.0,)),  # "Injection: 420 mg/14 mL (30 mg/mL) ... single-dose vial"
    ],
)
def test_tablet_and_vial_strengths(agent: str, strengths: tuple[float, ...]) -> None:
    """Strengths as the cited labels print them."""
    assert strengths == tuple(sorted(load_practical(load_catalogue()).products[agent].strengths_mg))


def test_every_number_in_the_data_is_in_its_quote() -> None:
    """Each adjusted dose and strength appears in the quoted label passage it rests on."""

    def shown(n: float) -> set[str]:
        return {f"{n:g} mg", f"{n:g}mg", f"{n:,g} mg"}

    p = load_practical(load_catalogue())
    for a in p.adjustments:
        if a.start_dose_mg is not None:
            assert any(s in a.quote for s in shown(a.start_dose_mg)), a.id
    for i in p.interactions:
        if i.dose_mg is not None:
            assert any(s in i.quote for s in shown(i.dose_mg)), i.id
    for prod in p.products.values():
        for s in prod.strengths_mg:
            assert f"{s:g} mg" in prod.quote or f"{s * 5:,g} mg (5 tablets)" in prod.quote, prod.id


# --------------------------------------------------------------------------- arithmetic


def test_label_tablet_counts() -> None:
    """Nerlynx: '240 mg (six tablets)'; Tykerb: '1,250 mg (5 tablets)'; tucatinib 300 mg is 2 × 150 mg."""
    assert tablet_plan(240, [40]).tablets == 6
    assert tablet_plan(1250, [250]).tablets == 5
    assert tablet_plan(300, [50, 150]).counts == ((150.0, 2), (50.0, 0))


def test_capecitabine_rounds_to_the_nearest_whole_tablet_total() -> None:
    """1660 mg: 1650 (3 × 500 + 150) is 10 mg away, 1700 (500 + 8 × 150) 40 mg away: 1650.
    1575 mg: 1550 (500 + 7 × 150) and 1600 (2 × 500 + 4 × 150) are both 25 mg away; the tie goes down."""
    plan = tablet_plan(1660, [150, 500])
    assert (plan.total_mg, plan.counts) == (1650.0, ((500.0, 3), (150.0, 1)))
    assert tablet_plan(1575, [150, 500]).total_mg == 1550.0


def test_vials_cover_the_dose_with_the_least_left_over() -> None:
    """335 mg of T-DXd needs 4 × 100 mg; 216 mg of T-DM1 is 160 + 100 (44 mg over), not 3 × 100."""
    assert vial_plan(335, [100]).counts == ((100.0, 4),)
    assert vial_plan(216, [100, 160]).counts == ((160.0, 1), (100.0, 1))


# --------------------------------------------------------------------------- loader


def _broken(monkeypatch: pytest.MonkeyPatch, file: str, edit: Any) -> None:
    real = practical_module.read_toml  # type: ignore[attr-defined]  # the name the loader calls

    def fake(name: str) -> dict[str, Any]:
        doc = copy.deepcopy(real(name))
        if name == file:
            edit(doc)
        return doc

    monkeypatch.setattr(practical_module, "read_toml", fake)
    load_practical.cache_clear()


@pytest.mark.parametrize(
    ("file", "table", "field", "value", "shown", "expected"),
    [
        ("interactions.toml", "interaction", "agent", "tucatinibb", "'tucatinibb'", "a agents.toml ID"),
        ("interactions.toml", "interaction", "classes", ["strong-cyp9-inhibitor"], "'strong-cyp9-inhibitor'", "[[class]] ID"),
        ("organ_function.toml", "adjustment", "action", "halve", "'halve'", "no-adjustment | reduce-starting-dose"),
        ("organ_function.toml", "adjustment", "classes", ["D"], "'D'", "Child-Pugh class ID"),
        ("formulations_practical.toml", "product", "strengths_mg", [0], "[0.0]", "positive numbers"),
        ("interactions.toml", "medicine", "reference", "no-such-ref", "'no-such-ref'", "references.toml ID"),
    ],
)  # fmt: skip
def test_loader_names_file_record_field_value_and_allowed(
    monkeypatch: pytest.MonkeyPatch,
    file: str,
    table: str,
    field: str,
    value: Any,
    shown: str,
    expected: str,
) -> None:
    """A bad value fails at load time with file, record, field, value and what is allowed."""

    def edit(doc: dict[str, Any]) -> None:
        doc[table][0][field] = value

    _broken(monkeypatch, file, edit)
    try:
        with pytest.raises(DataError) as exc:
            load_practical(load_catalogue())
    finally:
        monkeypatch.undo()
        load_practical.cache_clear()
    msg = str(exc.value)
    assert msg.startswith(f"{file}: [[{table}]] ")
    assert f"field {field!r} has {shown}" in msg
    assert expected in msg


def test_loader_rejects_unknown_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    """A misspelt field is an error, not silently ignored."""
    _broken(monkeypatch, "organ_function.toml", lambda d: d["adjustment"][0].update(dose=1))
    try:
        with pytest.raises(DataError, match=r"unknown field\(s\) \['dose'\]"):
            load_practical(load_catalogue())
    finally:
        monkeypatch.undo()
        load_practical.cache_clear()


# --------------------------------------------------------------------------- scenario fields


def test_scenario_fields_parse_with_synonyms_and_case() -> None:
    """'Child-Pugh B' → B; CrCl kept as a number; medicine names kept as given."""
    s = parse_scenario(
        scenario(
            hepatic_impairment="Child-Pugh b",
            creatinine_clearance_ml_min=42,
            concomitant_medications=["Omeprazole", "paracetamol"],
        )
    )
    assert (
        s.hepatic_impairment,
        s.creatinine_clearance_ml_min,
        s.concomitant_medications,
    ) == ("B", 42.0, ("Omeprazole", "paracetamol"))


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("hepatic_impairment", "D", "none | A | B | C | unknown"),
        ("creatinine_clearance_ml_min", -5, "a number from 0 to 250 (mL/min)"),
        ("creatinine_clearance_ml_min", "40", "a number from 0 to 250 (mL/min)"),
        ("concomitant_medications", {"a": 1}, "a list of medicine names"),
    ],
)
def test_bad_scenario_fields_name_field_value_and_allowed(
    field: str, value: object, allowed: str
) -> None:
    """Bad organ-function or medicine input is an error naming the field, value and what is allowed."""
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(scenario(**{field: value}))
    (problem,) = exc.value.problems
    assert (field, value) == (problem.field, problem.value)
    assert allowed in problem.message


def test_unknown_medicine_names_are_not_an_error() -> None:
    """Unknown names are reported by the engine, never rejected by the parser."""
    known, unknown = match_medicines(["ST. JOHN'S WORT", "zzz-not-a-drug"], _p())
    assert ([m.id for _, m in known], unknown) == (["st-johns-wort"], ("zzz-not-a-drug",))


# --------------------------------------------------------------------------- rules


def _notes(rec: Any, rid: str) -> tuple[str, ...]:
    return next(o.notes for o in rec.options if o.regimen == rid)


def _finding(rec: Any, rule_id: str) -> str:
    return str(next(t.finding for t in rec.trace if t.rule == rule_id))


def test_INTERACTION_CONCOMITANT_notes_the_label_action_on_the_option() -> None:
    """Gemfibrozil with tucatinib + trastuzumab + capecitabine: the 100 mg twice-daily label dose is on the option."""
    rec = recommend(scenario(metastatic_lines=SECOND_LINE, concomitant_medications=["gemfibrozil"]))
    notes = " ".join(_notes(rec, TTC))
    assert "gemfibrozil" in notes
    assert "100 mg twice daily" in notes


def test_INTERACTION_CONCOMITANT_reports_unknown_names_and_changes_no_tier() -> None:
    """An unknown name is listed as not checked; tiers equal those without any medicines."""
    base = recommend(scenario(metastatic_lines=SECOND_LINE))
    rec = recommend(
        scenario(metastatic_lines=SECOND_LINE, concomitant_medications=["gemfibrozil", "foo-xyz"])
    )
    assert "not checked: foo-xyz" in _finding(rec, "INTERACTION-CONCOMITANT")
    assert [(o.regimen, o.tier) for o in base.options] == [(o.regimen, o.tier) for o in rec.options]


def test_INTERACTION_CONCOMITANT_silent_without_medicines() -> None:
    """No medicines listed: the rule does not fire."""
    rec = recommend(scenario(metastatic_lines=SECOND_LINE))
    assert "INTERACTION-CONCOMITANT" not in [t.rule for t in rec.trace]


def test_ORGAN_HEPATIC_child_pugh_c_notes_tucatinib_and_neratinib() -> None:
    """Child-Pugh C: tucatinib 200 mg twice daily (US); neratinib 80 mg (US) and contraindicated (EU)."""
    rec = recommend(scenario(metastatic_lines=SECOND_LINE, hepatic_impairment="C"))
    assert "200 mg twice daily" in " ".join(_notes(rec, TTC))
    finding = _finding(rec, "ORGAN-HEPATIC")
    assert "Tucatinib (US: reduce-starting-dose)" in finding
    rec3 = recommend(
        scenario(
            metastatic_diagnosis="2025-09-01",
            metastatic_lines=[*SECOND_LINE, {"agents": ["T-DXd"], "stopped": "progression"}],
            hepatic_impairment="C",
        )
    )
    ner = " ".join(_notes(rec3, NC))
    assert "80 mg" in ner
    assert "contraindicated (EU)" in ner


def test_ORGAN_HEPATIC_unknown_names_the_labels_that_would_change() -> None:
    """Child-Pugh unknown at line 2: tucatinib's label (Child-Pugh C: 200 mg) is named; no note is added."""
    rec = recommend(scenario(metastatic_lines=SECOND_LINE, hepatic_impairment="unknown"))
    assert "Tucatinib" in _finding(rec, "ORGAN-HEPATIC")
    assert not any("Hepatic impairment" in n for n in _notes(rec, TTC))


def test_ORGAN_HEPATIC_none_does_not_fire() -> None:
    """hepatic_impairment none: nothing to say."""
    rec = recommend(scenario(metastatic_lines=SECOND_LINE, hepatic_impairment="none"))
    assert "ORGAN-HEPATIC" not in [t.rule for t in rec.trace]


def test_ORGAN_RENAL_below_30_notes_tucatinib_not_recommended() -> None:
    """CrCl 25: tucatinib's label does not recommend the combination; CrCl 60: that note is absent."""
    low = recommend(scenario(metastatic_lines=SECOND_LINE, creatinine_clearance_ml_min=25))
    high = recommend(scenario(metastatic_lines=SECOND_LINE, creatinine_clearance_ml_min=60))
    assert any("CrCl below 30" in n and "not recommended" in n for n in _notes(low, TTC))
    assert not any("CrCl below 30" in n for n in _notes(high, TTC))
    assert "CrCl 25 mL/min" in _finding(low, "ORGAN-RENAL")


# --------------------------------------------------------------------------- CLI


def test_cli_dose_shows_child_pugh_start_dose_in_tablets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`dose --child-pugh C` shows tucatinib's 200 mg start as 150 mg + 50 mg tablets."""
    assert main([
        "dose", TTC, "--weight", "62", "--height", "165", "--child-pugh", "C"
    ]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "200 mg = 1 × 150 mg + 1 × 50 mg" in out
    assert "Not a medical device" in out


def test_cli_dose_rejects_a_bad_crcl(capsys: pytest.CaptureFixture[str]) -> None:
    """A CrCl out of range exits 2 with the value and what is allowed, no traceback."""
    with pytest.raises(SystemExit) as exc:
        main(["dose", TTC, "--weight", "62", "--crcl", "-3"])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert "'-3'" in err
    assert "allowed: a number from 0 to 250 (mL/min)" in err
    assert "Traceback" not in err


def test_INTERACTION_CONCOMITANT_raises_drug_interaction_alert() -> None:
    """Issue 11: interactions show 'as alerts when a scenario lists them' — gemfibrozil (a strong
    CYP2C8 inhibitor in the Tukysa label) raises `drug-interaction`, naming tucatinib; an unknown
    name is reported in the alert as not checked; no medicines, no alert."""
    rec = recommend(
        scenario(metastatic_lines=SECOND_LINE, concomitant_medications=["gemfibrozil", "foo-xyz"])
    )
    alert = next(a for a in rec.alerts if a.code == "drug-interaction")
    assert "Tucatinib" in alert.message
    assert "not checked: foo-xyz" in alert.message
    quiet = recommend(scenario(metastatic_lines=SECOND_LINE))
    assert "drug-interaction" not in quiet.alert_codes


def test_ORGAN_HEPATIC_raises_organ_function_alert() -> None:
    """Child-Pugh C changes tucatinib's starting dose (Tukysa: 200 mg twice daily): alert
    `organ-function`; unknown class asks for it (`missing-information`)."""
    rec = recommend(scenario(metastatic_lines=SECOND_LINE, hepatic_impairment="C"))
    assert "organ-function" in rec.alert_codes
    unknown = recommend(scenario(metastatic_lines=SECOND_LINE, hepatic_impairment="unknown"))
    assert any(
        a.code == "missing-information" and "Child-Pugh" in a.message for a in unknown.alerts
    )


# ----------------------------------------------------------- doses follow organ function
# From an independent clinical review: an unadjusted dose printed under a note that says
# otherwise is unsafe. Expected values are the labels' own numbers (data quotes).

THIRD_LINE = [*SECOND_LINE, {"agents": ["T-DXd"], "stopped": "progression"}]


def _component(rec: Any, rid: str, agent: str) -> Any:
    opt = rec.option(rid)
    assert opt is not None, f"{rid} not offered"
    return next(c for c in opt.doses.components if c.agent == agent)


def test_ORGAN_HEPATIC_child_pugh_c_dose_is_the_labels_start_not_the_usual_dose() -> None:
    """Tukysa: "severe hepatic impairment (Child-Pugh C) ... 200 mg orally, twice daily";
    Nerlynx (US): 80 mg; Tykerb with capecitabine: 750 mg/day. The usual 300/240/1250 mg is
    not printed, and no reduction ladder from the usual dose follows it."""
    rec = recommend(
        scenario(
            metastatic_diagnosis="2025-09-01",
            metastatic_lines=THIRD_LINE,
            hepatic_impairment="C",
            weight_kg=70,
            height_cm=170,
        )
    )
    tuc = _component(rec, TTC, "tucatinib")
    assert (tuc.maintenance.amount_mg, tuc.reductions) == (200, ())
    ner = _component(rec, NC, "neratinib")
    assert ner.maintenance.amount_mg == 80
    lap = _component(rec, "lapatinib-capecitabine", "lapatinib")
    assert lap.maintenance.amount_mg == 750


def test_lapatinib_child_pugh_statement_is_about_the_capecitabine_combination_only() -> None:
    """The Tykerb 750 mg/day statement is written for lapatinib with capecitabine; it is not
    applied to lapatinib + trastuzumab (whose dose is not recorded at all)."""
    assert organ_adjustments("lapatinib", "C", None, _p(), regimen="lapatinib-trastuzumab") == ()
    assert [a.start_dose_mg for a in organ_adjustments("lapatinib", "C", None, _p())] == [750]


def test_ORGAN_RENAL_crcl_below_30_withholds_tucatinib_and_caps_its_regimen() -> None:
    """Tucatinib label monograph: CrCl below 30 mL/min, the tucatinib regimen is not
    recommended: no tucatinib amount is printed and the regimen is at most 'other'. The
    capecitabine renal table is not recorded, so no capecitabine amount is printed either."""
    rec = recommend(
        scenario(
            metastatic_diagnosis="2025-09-01",
            metastatic_lines=THIRD_LINE,
            creatinine_clearance_ml_min=25,
            weight_kg=70,
            height_cm=170,
        )
    )
    ttc = rec.option(TTC)
    assert ttc is not None
    assert ttc.tier == "other"
    assert _component(rec, TTC, "tucatinib").maintenance is None
    cape = _component(rec, TTC, "capecitabine")
    assert cape.maintenance is None
    assert "section 2.6" in cape.note
    at_45 = recommend(
        scenario(
            metastatic_diagnosis="2025-09-01",
            metastatic_lines=THIRD_LINE,
            creatinine_clearance_ml_min=45,
        )
    )
    at_45_ttc = at_45.option(TTC)
    assert at_45_ttc is not None
    assert at_45_ttc.tier != "other"  # the tucatinib statement is for CrCl below 30


def test_dose_cli_never_prints_the_usual_dose_beside_an_adjustment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`dose TTC --child-pugh C`: 200 mg is the tucatinib dose line; 300 mg is not printed."""
    assert main(["dose", "TTC", "--weight", "70", "--height", "170", "--child-pugh", "C"]) == 0
    out = capsys.readouterr().out
    tucatinib = out[out.index("Tucatinib —") : out.index("Trastuzumab —")]
    assert "200 mg" in tucatinib
    assert "300 mg" not in tucatinib


def test_INTERACTION_CONCOMITANT_silence_is_not_reassurance() -> None:
    """A recognised medicine with no recorded interaction still raises `drug-interaction`,
    saying that what is not recorded is not shown to be safe (the data leaves out, e.g.,
    neratinib with CYP3A4 inducers)."""
    rec = recommend(
        scenario(
            metastatic_diagnosis="2025-09-01",
            metastatic_lines=THIRD_LINE,
            concomitant_medications=["warfarin"],
        )
    )
    alert = next(a for a in rec.alerts if a.code == "drug-interaction")
    assert "not shown to be safe" in alert.message
    assert any("CYP3A4 inducers" in w for _, w in load_practical(load_catalogue()).not_recorded)
