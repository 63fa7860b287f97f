"""Unit tests named after the rule they pin (rule ID with '-' → '_')."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from scenario_helpers import THP, scenario
from test_scenario_table import CASES, _scenario

from her2guide import RULES, parse_scenario, recommend


def fired(rec: object) -> list[str]:
    return [t.rule for t in rec.trace]  # type: ignore[attr-defined]


def test_rule_ids_are_unique_and_well_formed() -> None:
    """Rule IDs are stable upper-case kebab IDs, each registered once, each with references."""
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(r.id == r.id.upper() and " " not in r.id for r in RULES)
    assert all(r.references and r.title for r in RULES)


def test_every_rule_is_exercised_by_the_scenario_table() -> None:
    """Each rule fires for at least one clinician-reviewed row of tests/scenarios.toml."""
    seen = {t.rule for case in CASES for t in recommend(_scenario(case)).trace}
    assert {r.id for r in RULES} - seen == set()


def test_SCOPE_HER2_STATUS_refuses_with_pointer() -> None:
    """HER2-low is refused, says why and points to the HER2-low pathway."""
    rec = recommend(scenario(her2="low"))
    assert (rec.in_scope, fired(rec), rec.options) == (False, ["SCOPE-HER2-STATUS"], ())
    assert "HER2-low" in rec.scope_reason


def test_SCOPE_HER2_STATUS_out_of_scope_needs_no_other_fields() -> None:
    """A HER2-negative scenario is refused even when clinical fields are absent (no guessing)."""
    rec = recommend({"her2": "negative", "setting": "metastatic"})
    assert rec.in_scope is False


def test_SCOPE_SETTING_refuses_early_disease() -> None:
    """Early disease is refused with a reason."""
    rec = recommend(scenario(setting="early"))
    assert (rec.in_scope, fired(rec)) == (False, ["SCOPE-SETTING"])


def test_LINE_DE_NOVO() -> None:
    """No early HER2 therapy and no metastatic lines: first line."""
    assert recommend(scenario()).line == 1


def test_LINE_AFTER_METASTATIC_counts_lines() -> None:
    """Two prior metastatic lines: third line."""
    lines = [
        {"agents": THP, "stopped": "progression"},
        {"agents": ["T-DM1"], "stopped": "progression"},
    ]
    rec = recommend(scenario(metastatic_lines=lines))
    assert rec.line == 3
    assert "LINE-AFTER-METASTATIC" in fired(rec)


@pytest.mark.parametrize(
    ("end", "line"),
    [("2026-05-01", 2), ("2026-05-02", 2), ("2025-11-01", 2), ("2025-10-31", 1)],
)
def test_LINE_EARLY_and_LATE_RELAPSE_boundaries(end: str, line: int) -> None:
    """ASCO rec. 5.0/5.1: exactly 12 months is still 'second line' (≤12); one day more is first line.

    With pertuzumab in the early regimen NCCN also uses 12 months, so only the labels differ
    between 6 and 12 months; at ≤6 months every source agrees.
    """
    early = {"agents": ["docetaxel", "trastuzumab", "pertuzumab"], "her2_therapy_end": end}
    assert line == recommend(scenario(early_treatment=early)).line


def test_LINE_EARLY_RELAPSE_all_sources_agree_within_6_months() -> None:
    """Six months to the day: ASCO, NCCN and labels all say second line."""
    early = {"agents": ["paclitaxel", "trastuzumab"], "her2_therapy_end": "2026-05-01"}
    rec = recommend(scenario(early_treatment=early))
    assert rec.line_by_source == {"ASCO 2022": 2, "NCCN": 2, "FDA label": 2}
    assert "LINE-EARLY-RELAPSE" in fired(rec)


def test_LINE_RELAPSE_SOURCES_DIFFER_shows_each_source() -> None:
    """Seven months after trastuzumab-only therapy: ASCO 2, NCCN 1, labels 1, and an alert."""
    early = {"agents": ["paclitaxel", "trastuzumab"], "her2_therapy_end": "2026-04-01"}
    rec = recommend(scenario(early_treatment=early))
    assert rec.line_by_source == {"ASCO 2022": 2, "NCCN": 1, "FDA label": 1}
    assert "guidelines-differ" in rec.alert_codes


def test_LINE_RELAPSE_INTERVAL_UNKNOWN_never_defaults() -> None:
    """No end date: no line, no preferred option, and an alert naming the missing field."""
    rec = recommend(scenario(early_treatment={"agents": ["trastuzumab"]}))
    assert (rec.line, rec.preferred) == (None, ())
    assert any(
        "her2_therapy_end" in a.message for a in rec.alerts if a.code == "missing-information"
    )


def test_LINE_uses_as_of_not_the_clock() -> None:
    """The same scenario evaluated on two dates gives answers tied to each date."""
    s = parse_scenario(scenario(as_of="2025-06-01", metastatic_diagnosis="2025-05-01"))
    before = recommend(s)
    after = recommend(dataclasses.replace(s, as_of=dt.date(2026, 1, 1)))
    assert "trastuzumab-deruxtecan-pertuzumab" not in before.preferred
    assert "trastuzumab-deruxtecan-pertuzumab" in after.preferred


def test_APPROVAL_AS_OF_sets_aside_a_regimen_not_yet_approved() -> None:
    """On 14 Dec 2025 T-DXd + pertuzumab had no US approval (15 Dec 2025): set aside; a day later, preferred."""
    before = recommend(scenario(as_of="2025-12-14", metastatic_diagnosis="2025-12-01"))
    excluded = {e.regimen: e.rule for e in before.excluded}
    assert excluded["trastuzumab-deruxtecan-pertuzumab"] == "APPROVAL-AS-OF"
    after = recommend(scenario(as_of="2025-12-15", metastatic_diagnosis="2025-12-01"))
    assert "trastuzumab-deruxtecan-pertuzumab" in after.preferred


def test_APPROVAL_AS_OF_other_line_only_is_other() -> None:
    """June 2021: T-DXd was approved (Dec 2019) only after ≥2 metastatic regimens, so at line 2 it is 'other'."""
    rec = recommend(
        scenario(
            as_of="2021-06-01",
            metastatic_diagnosis="2020-01-01",
            metastatic_lines=[{"agents": THP, "stopped": "progression"}],
        )
    )
    option = rec.option("trastuzumab-deruxtecan")
    assert option is not None
    assert option.tier == "other"
    assert rec.preferred == ("trastuzumab-emtansine",)  # ASCO 2014: T-DM1 second line


def test_HIST_RESIDUAL_DISEASE_asks_about_adjuvant_tdm1() -> None:
    """Residual disease without adjuvant T-DM1 raises the KATHERINE question."""
    early = {
        "agents": ["paclitaxel", "trastuzumab"],
        "her2_therapy_end": "2026-08-01",
        "residual_disease": True,
    }
    rec = recommend(scenario(early_treatment=early))
    msg = next(a.message for a in rec.alerts if a.code == "residual-disease-history")
    assert "T-DM1" in msg


def test_SAFETY_PREGNANCY_sets_everything_aside(cat: object) -> None:
    """Pregnancy: nothing offered, every regimen excluded by the pregnancy rule."""
    rec = recommend(scenario(pregnant=True))
    assert rec.options == ()
    assert {e.rule for e in rec.excluded} == {"SAFETY-PREGNANCY"}
    assert len(rec.excluded) == len(cat.regimens)  # type: ignore[attr-defined]


def test_OPTIONS_FIRST_LINE() -> None:
    """First line: THP and T-DXd + pertuzumab preferred."""
    rec = recommend(scenario())
    assert {"trastuzumab-pertuzumab-taxane", "trastuzumab-deruxtecan-pertuzumab"} == set(
        rec.preferred
    )


def test_OPTIONS_SECOND_LINE() -> None:
    """Second line after THP: T-DXd preferred (ASCO 2.1)."""
    rec = recommend(scenario(metastatic_lines=[{"agents": THP, "stopped": "progression"}]))
    assert rec.preferred == ("trastuzumab-deruxtecan",)


def test_OPTIONS_LATER_LINE_has_no_single_preferred() -> None:
    """ASCO 3.0: no preferred regimen in third line without CNS progression."""
    lines = [
        {"agents": THP, "stopped": "progression"},
        {"agents": ["T-DM1"], "stopped": "progression"},
    ]
    assert recommend(scenario(metastatic_lines=lines)).preferred == ()


def test_OPTIONS_LINE_UNDETERMINED_caps_tiers() -> None:
    """Unknown interval: options shown, none preferred."""
    rec = recommend(scenario(early_treatment={"agents": ["trastuzumab"]}))
    assert rec.options
    assert all(o.tier != "preferred" for o in rec.options)


def test_OPTIONS_HR_POSITIVE_first_line_selected() -> None:
    """HR-positive with low burden: ET + HER2 therapy is an alternative (ASCO 6.0.2)."""
    rec = recommend(scenario(hormone_receptor="positive", low_disease_burden=True))
    option = rec.option("endocrine-her2")
    assert option is not None
    assert option.tier == "alternative"


def test_NO_REPEAT_PROGRESSED_excludes_regimen_and_key_agent() -> None:
    """Progression on T-DXd + pertuzumab excludes both T-DXd regimens."""
    rec = recommend(
        scenario(metastatic_lines=[{"agents": ["T-DXd", "pertuzumab"], "stopped": "progression"}])
    )
    excluded = {e.regimen: e.rule for e in rec.excluded}
    assert excluded["trastuzumab-deruxtecan"] == "NO-REPEAT-PROGRESSED"


def test_PRIOR_TDXD_demotes_after_toxicity_stop() -> None:
    """T-DXd stopped for toxicity (not ILD) is not preferred again."""
    lines = [
        {"agents": THP, "stopped": "progression"},
        {"agents": ["T-DXd"], "stopped": "toxicity"},
    ]
    option = recommend(scenario(metastatic_lines=lines)).option("trastuzumab-deruxtecan")
    assert option is not None
    assert option.tier == "other"


def test_PRIOR_TOXICITY_fires_for_key_agent() -> None:
    """A key agent stopped for toxicity shows up in the trace."""
    lines = [
        {"agents": THP, "stopped": "progression"},
        {"agents": ["tucatinib", "trastuzumab", "capecitabine"], "stopped": "toxicity"},
    ]
    rec = recommend(scenario(metastatic_lines=lines))
    assert "PRIOR-TOXICITY" in fired(rec)


def test_CNS_SYMPTOMATIC_local_therapy_first() -> None:
    """Symptomatic brain metastases: local-therapy-first alert."""
    assert "local-therapy-first" in recommend(scenario(brain_metastases="symptomatic")).alert_codes


def test_CNS_ACTIVE_promotes_cns_active_regimens() -> None:
    """Active brain metastases after THP: T-DXd and the tucatinib regimen preferred."""
    rec = recommend(
        scenario(
            brain_metastases="active", metastatic_lines=[{"agents": THP, "stopped": "progression"}]
        )
    )
    assert {"trastuzumab-deruxtecan", "tucatinib-trastuzumab-capecitabine"} == set(rec.preferred)


def test_ILD_DRUG_GRADE2_excludes_tdxd_only_when_tdxd_caused_it() -> None:
    """Grade ≥2 ILD on T-DXd: excluded by this rule; from docetaxel: offered only as 'other'."""
    after_thp = [{"agents": THP, "stopped": "progression"}]
    on_tdxd = recommend(
        scenario(ild_history="drug_grade2_plus", ild_agent="T-DXd", metastatic_lines=after_thp)
    )
    assert {e.regimen: e.rule for e in on_tdxd.excluded}[
        "trastuzumab-deruxtecan"
    ] == "ILD-DRUG-GRADE2"
    other = recommend(
        scenario(ild_history="drug_grade2_plus", ild_agent="docetaxel", metastatic_lines=after_thp)
    )
    option = other.option("trastuzumab-deruxtecan")
    assert option is not None
    assert option.tier == "other"


def test_ILD_TDM1_any_grade_excludes_tdm1_not_tdxd() -> None:
    """Kadcyla: discontinue permanently after ILD/pneumonitis of any grade; T-DXd stays offered."""
    rec = recommend(
        scenario(
            ild_history="drug_grade1",
            ild_agent="T-DM1",
            metastatic_lines=[{"agents": THP, "stopped": "progression"}],
        )
    )
    assert {e.regimen: e.rule for e in rec.excluded}["trastuzumab-emtansine"] == "ILD-TDM1"
    assert rec.option("trastuzumab-deruxtecan") is not None


def test_ILD_AGENT_UNKNOWN_reads_every_adc_in_history_as_the_cause() -> None:
    """Cause missing, T-DXd and T-DM1 both given before: both set aside; the field is named."""
    lines = [
        {"agents": THP, "stopped": "progression"},
        {"agents": ["T-DM1"], "stopped": "progression"},
        {"agents": ["T-DXd"], "stopped": "toxicity", "toxicity_agents": ["T-DXd"]},
    ]
    rec = recommend(scenario(ild_history="drug_grade2_plus", metastatic_lines=lines))
    offered = {o.regimen for o in rec.options}
    assert not {"trastuzumab-deruxtecan", "trastuzumab-emtansine"} & offered
    assert any("ild_agent" in a.message for a in rec.alerts if a.code == "missing-information")


def test_ILD_PREEXISTING_caution_not_contraindication() -> None:
    """Pre-existing ILD: T-DXd still listed (no labelled contraindication) but only as 'other'."""
    rec = recommend(
        scenario(
            ild_history="preexisting", metastatic_lines=[{"agents": THP, "stopped": "progression"}]
        )
    )
    option = rec.option("trastuzumab-deruxtecan")
    assert option is not None
    assert option.tier == "other"
    assert "ild-caution" in rec.alert_codes


def test_ILD_DRUG_GRADE1_tdxd_offered_not_preferred() -> None:
    """Grade 1 ILD on T-DXd, stopped for it: T-DXd may resume after resolution (label) — offered, not preferred."""
    lines = [
        {"agents": THP, "stopped": "progression"},
        {"agents": ["T-DXd"], "stopped": "toxicity", "toxicity_agents": ["T-DXd"]},
    ]
    rec = recommend(scenario(ild_history="drug_grade1", ild_agent="T-DXd", metastatic_lines=lines))
    option = rec.option("trastuzumab-deruxtecan")
    assert option is not None
    assert option.tier == "alternative"
    assert rec.preferred == ()
    assert "ild-caution" in rec.alert_codes


@pytest.mark.parametrize("lvef", [39.9, 20])
def test_CARDIO_LVEF_BELOW_40_no_her2_therapy(lvef: float) -> None:
    """LVEF below 40: no HER2-directed option at all (the scenario is HR-negative, so nothing
    is left but the no-standard-option alert)."""
    rec = recommend(scenario(lvef=lvef))
    assert rec.options == ()
    assert "no-standard-option" in rec.alert_codes


def test_CARDIO_LVEF_BELOW_50_boundary() -> None:
    """40 is 'below 50' but not 'below 40'; 50 raises neither."""
    assert "lvef-below-50" in recommend(scenario(lvef=40)).alert_codes
    assert not {"lvef-below-50", "lvef-below-40"} & set(recommend(scenario(lvef=50)).alert_codes)


def test_CARDIO_LVEF_UNKNOWN() -> None:
    """Missing LVEF raises missing-information."""
    assert "missing-information" in recommend(scenario(lvef=...)).alert_codes


def test_GAP_AFTER_TDXD_names_db09_after_first_line_combination() -> None:
    """After first-line T-DXd + pertuzumab the gap alert names DESTINY-Breast09."""
    rec = recommend(
        scenario(metastatic_lines=[{"agents": ["T-DXd", "pertuzumab"], "stopped": "progression"}])
    )
    assert any("DESTINY-Breast09" in a.message for a in rec.alerts if a.code == "evidence-gap")


def test_GAP_AFTER_ADJUVANT_TDXD() -> None:
    """Relapse after adjuvant T-DXd raises an evidence gap."""
    early = {"agents": ["T-DXd"], "her2_therapy_end": "2026-08-01"}
    assert "evidence-gap" in recommend(scenario(early_treatment=early)).alert_codes


def test_GAP_TDM1_RECHALLENGE() -> None:
    """Early relapse after adjuvant T-DM1: T-DM1 only 'other'."""
    early = {"agents": ["T-DM1"], "her2_therapy_end": "2026-08-01"}
    option = recommend(scenario(early_treatment=early)).option("trastuzumab-emtansine")
    assert option is not None
    assert option.tier == "other"


def test_DIFFER_LABEL_INDICATION_tucatinib_after_one_regimen() -> None:
    """One prior metastatic regimen: US on-label, EU not → guidelines-differ."""
    rec = recommend(scenario(metastatic_lines=[{"agents": THP, "stopped": "progression"}]))
    assert any(
        "tucatinib" in a.message.lower() for a in rec.alerts if a.code == "guidelines-differ"
    )


def test_DIFFER_FIRST_LINE_TDXD_PERTUZUMAB() -> None:
    """First line: the EU/ASCO/FDA status difference is raised."""
    rec = recommend(scenario())
    assert "DIFFER-FIRST-LINE-TDXD-PERTUZUMAB" in fired(rec)


def test_LINE_AFTER_METASTATIC_endocrine_only_line_does_not_count() -> None:
    """Letrozole alone first (HR-positive): the HER2-directed line about to start is still 1."""
    rec = recommend(
        scenario(
            hormone_receptor="positive",
            metastatic_lines=[{"agents": ["letrozole"], "stopped": "progression"}],
        )
    )
    assert (rec.line, rec.prior_metastatic_lines) == (1, 1)


def test_LINE_EARLY_RELAPSE_still_counts_after_metastatic_lines() -> None:
    """Relapse 3 months after adjuvant trastuzumab, then T-DXd to progression: line 3 under every source."""
    rec = recommend(
        scenario(
            metastatic_diagnosis="2025-09-01",
            early_treatment={"agents": ["trastuzumab"], "her2_therapy_end": "2025-06-01"},
            metastatic_lines=[{"agents": ["T-DXd"], "stopped": "progression"}],
        )
    )
    assert rec.line == 3
    assert rec.line_by_source == {"ASCO 2022": 3, "NCCN": 3, "FDA label": 3}


def test_PRIOR_TOXICITY_partner_toxicity_keeps_the_backbone() -> None:
    """THP stopped for docetaxel toxicity: still line 1, THP preferred (change the taxane; ASCO 4.0)."""
    rec = recommend(
        scenario(
            metastatic_lines=[
                {"agents": THP, "stopped": "toxicity", "toxicity_agents": ["docetaxel"]}
            ]
        )
    )
    assert (rec.line, rec.preferred) == (1, ("trastuzumab-pertuzumab-taxane",))


def test_NO_REPEAT_EARLY_RELAPSE_caps_rechallenge() -> None:
    """Relapse 2 months after adjuvant T-DM1, then THP progression: T-DM1 at most 'other'."""
    rec = recommend(
        scenario(
            metastatic_diagnosis="2025-10-01",
            early_treatment={"agents": ["trastuzumab", "T-DM1"], "her2_therapy_end": "2025-08-01"},
            metastatic_lines=[{"agents": THP, "stopped": "progression"}],
        )
    )
    option = rec.option("trastuzumab-emtansine")
    assert option is not None
    assert option.tier == "other"
    assert "NO-REPEAT-EARLY-RELAPSE" in fired(rec)


def test_TRIAL_POPULATION_db09_after_prior_chemotherapy() -> None:
    """Capecitabine alone first: T-DXd + pertuzumab at most 'alternative', with evidence-gap."""
    rec = recommend(
        scenario(metastatic_lines=[{"agents": ["capecitabine"], "stopped": "progression"}])
    )
    option = rec.option("trastuzumab-deruxtecan-pertuzumab")
    assert option is not None
    assert option.tier == "alternative"
    assert "evidence-gap" in rec.alert_codes


def test_CNS_STATUS_UNKNOWN_says_what_would_change() -> None:
    """Brain status unknown: the alert names both branches (local therapy; CNS-active regimens)."""
    rec = recommend(scenario(brain_metastases="unknown"))
    msg = next(a.message for a in rec.alerts if a.code == "cns-status-unknown")
    assert "local therapy" in msg
    assert "tucatinib" in msg


def test_PS_ECOG_2_notes_and_PS_ECOG_POOR_alerts() -> None:
    """ECOG 2: a note on options, nothing demoted; ECOG 3: poor-performance-status, nothing preferred."""
    after_thp = [{"agents": THP, "stopped": "progression"}]
    two = recommend(scenario(ecog=2, metastatic_lines=after_thp))
    assert two.preferred == ("trastuzumab-deruxtecan",)
    assert any("ECOG 0 vs 1" in n for o in two.options for n in o.notes)
    three = recommend(scenario(ecog=3, metastatic_lines=after_thp))
    assert three.preferred == ()
    assert "poor-performance-status" in three.alert_codes


def test_GAP_TKI_AFTER_TKI() -> None:
    """After progression on the tucatinib regimen: evidence-gap for neratinib or lapatinib + capecitabine."""
    lines = [
        {"agents": THP, "stopped": "progression"},
        {"agents": ["T-DXd"], "stopped": "progression"},
        {"agents": ["tucatinib", "trastuzumab", "capecitabine"], "stopped": "progression"},
    ]
    rec = recommend(scenario(metastatic_lines=lines))
    gap = [
        a.message for a in rec.alerts if a.code == "evidence-gap" and a.rule == "GAP-TKI-AFTER-TKI"
    ]
    assert gap
    assert "neratinib-capecitabine" in gap[0]


@pytest.mark.parametrize("hr", ["negative", "positive"])
def test_OPTIONS_NONE_LEFT_lvef_35_never_empty(hr: str) -> None:
    """LVEF 35% at line 2: HR-negative → no option and no-standard-option; HR-positive → endocrine therapy alone."""
    rec = recommend(
        scenario(
            lvef=35,
            hormone_receptor=hr,
            metastatic_lines=[{"agents": THP, "stopped": "progression"}],
        )
    )
    if hr == "negative":
        assert rec.options == ()
        assert "no-standard-option" in rec.alert_codes
    else:
        assert [o.regimen for o in rec.options] == ["endocrine-alone"]


def test_every_regimen_is_offered_or_excluded(cat: object) -> None:
    """Nothing disappears silently: each catalogue regimen is an option or has a reason."""
    rec = recommend(scenario(metastatic_lines=[{"agents": THP, "stopped": "progression"}]))
    accounted = {o.regimen for o in rec.options} | {e.regimen for e in rec.excluded}
    assert set(cat.regimens) == accounted  # type: ignore[attr-defined]


def test_LINE_ONGOING_says_continue_before_the_plan() -> None:
    """An ongoing line raises `continue-current-line` (ASCO 2022 rec. 4.0: continue until
    progression or unacceptable toxicity); a line that ended does not."""
    ongoing = [{"agents": THP, "stopped": "ongoing"}]
    rec = recommend(scenario(metastatic_lines=ongoing))
    assert "continue-current-line" in rec.alert_codes
    assert "LINE-ONGOING" in fired(rec)
    message = next(a.message for a in rec.alerts if a.code == "continue-current-line")
    assert "continue it until progression or unacceptable toxicity" in message
    ended = recommend(scenario(metastatic_lines=[{"agents": THP, "stopped": "progression"}]))
    assert "continue-current-line" not in ended.alert_codes


def test_SAFETY_PREGNANCY_names_boxed_warnings_only_where_the_labels_box_them() -> None:
    """Fact sheet 3.7: trastuzumab, T-DM1, T-DXd and margetuximab carry boxed embryo-fetal
    warnings; tucatinib and neratinib warn without a box. A reason must not call a TKI's
    warning boxed."""
    rec = recommend(scenario(pregnant=True))
    reasons = {e.regimen: e.reason for e in rec.excluded}
    assert "not boxed, for neratinib" in reasons["neratinib-capecitabine"]
    assert "boxed" not in reasons["neratinib-capecitabine"].replace("not boxed", "")
    assert (
        "boxed embryo-fetal toxicity warning in the label of trastuzumab-deruxtecan"
        in (reasons["trastuzumab-deruxtecan"])
    )


def test_NO_REPEAT_PROGRESSED_ongoing_reason_names_the_line_that_is_ongoing() -> None:
    """Ongoing T-DXd + pertuzumab: that regimen is 'the ongoing line'; THP is set aside because
    the ongoing line contains pertuzumab — not because THP is the ongoing line."""
    rec = recommend(
        scenario(
            metastatic_lines=[{"agents": ["T-DXd", "pertuzumab"], "stopped": "ongoing"}],
        )
    )
    reasons = {e.regimen: e.reason for e in rec.excluded}
    assert reasons["trastuzumab-deruxtecan-pertuzumab"].startswith("this is the ongoing line")
    assert "the ongoing line contains pertuzumab" in reasons["trastuzumab-pertuzumab-taxane"]


def test_PS_ECOG_2_changes_no_tier_on_any_table_row() -> None:
    """ECOG 2 adds a note and changes no option or tier (the decision-table page relies on this
    to leave ECOG 2 out): checked on every in-scope row of the scenario table."""
    for case in CASES:
        data = _scenario(case)
        if case.get("in_scope") is False or "error" in case:
            continue
        base = recommend({**data, "ecog": None} if "ecog" in data else data)
        if not base.in_scope:
            continue
        two = recommend({**data, "ecog": 2})
        assert [(o.regimen, o.tier) for o in two.options] == [
            (o.regimen, o.tier) for o in base.options
        ], case["id"]
