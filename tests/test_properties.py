"""Property-based safety invariants over the whole scenario space (hypothesis)."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from her2guide import load_catalogue, parse_scenario, recommend
from her2guide._space import INVARIANTS

CAT = load_catalogue()
INV_LINE = next(i for i in INVARIANTS if i.id == "INV-LINE")
AGENTS = sorted(CAT.agents)
# Realistic lines plus random agent mixes, so both common and odd histories are covered.
REGIMEN_LINES = [
    ["trastuzumab", "pertuzumab", "docetaxel"],
    ["T-DXd", "pertuzumab"],
    ["T-DXd"],
    ["T-DM1"],
    ["tucatinib", "trastuzumab", "capecitabine"],
    ["neratinib", "capecitabine"],
    ["lapatinib", "capecitabine"],
    ["lapatinib", "trastuzumab"],
    ["margetuximab", "eribulin"],
    ["trastuzumab", "vinorelbine"],
    ["trastuzumab", "letrozole"],
    ["fulvestrant"],
    ["abemaciclib", "trastuzumab", "fulvestrant"],
]
TDXD = {"trastuzumab-deruxtecan", "trastuzumab-deruxtecan-pertuzumab"}
#: every catalogue regimen with a HER2-directed agent (trastuzumab, pertuzumab, an anti-HER2 ADC,
#: a HER2 TKI or margetuximab), written out rather than read from the data's own flag
HER2_REGIMENS = {
    "trastuzumab-pertuzumab-taxane",
    "trastuzumab-deruxtecan-pertuzumab",
    "trastuzumab-deruxtecan",
    "trastuzumab-emtansine",
    "tucatinib-trastuzumab-capecitabine",
    "neratinib-capecitabine",
    "lapatinib-capecitabine",
    "lapatinib-trastuzumab",
    "margetuximab-chemotherapy",
    "trastuzumab-chemotherapy",
    "endocrine-her2",
    "abemaciclib-trastuzumab-fulvestrant",
}

dates = st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2027, 12, 31))
agent_list = st.one_of(
    st.sampled_from(REGIMEN_LINES),
    st.lists(st.sampled_from(AGENTS), min_size=1, max_size=4, unique=True),
)
line = st.fixed_dictionaries(
    {"agents": agent_list, "stopped": st.sampled_from(["progression", "toxicity", "completed"])}
)
ADCS = ["T-DXd", "T-DM1", "docetaxel", None]


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    as_of = draw(dates)
    dx = draw(st.dates(min_value=dt.date(2017, 1, 1), max_value=as_of))
    lines = draw(st.lists(line, max_size=4))
    last_ongoing = draw(st.booleans())
    if lines and last_ongoing:
        lines[-1] = {**lines[-1], "stopped": "ongoing"}
    data: dict[str, Any] = {
        "her2": draw(
            st.sampled_from(["positive"] * 6 + ["low", "ultralow", "negative", "unknown"])
        ),
        "setting": draw(st.sampled_from(["metastatic"] * 5 + ["early"])),
        "as_of": as_of,
        "metastatic_diagnosis": dx,
        "hormone_receptor": draw(st.sampled_from(["positive", "negative", "unknown"])),
        "metastatic_lines": lines,
        "brain_metastases": draw(
            st.sampled_from(["none", "stable", "active", "symptomatic", "unknown"])
        ),
        "ild_history": draw(
            st.sampled_from(["none", "preexisting", "drug_grade1", "drug_grade2_plus"])
        ),
        "pregnant": draw(st.booleans()),
    }
    if data["ild_history"].startswith("drug_"):
        agent = draw(st.sampled_from(ADCS))
        if agent:
            data["ild_agent"] = agent
    if draw(st.booleans()):
        data["ecog"] = draw(st.integers(min_value=0, max_value=4))
    if draw(st.booleans()):
        end = draw(st.one_of(st.none(), st.dates(min_value=dt.date(2015, 1, 1), max_value=as_of)))
        data["early_treatment"] = {
            "agents": draw(agent_list),
            "her2_therapy_end": end,
            "residual_disease": draw(st.one_of(st.none(), st.booleans())),
        }
    if draw(st.booleans()):
        data["lvef"] = draw(st.floats(min_value=5, max_value=90, allow_nan=False))
    if draw(st.booleans()):
        data["weight_kg"] = draw(st.floats(min_value=30, max_value=200, allow_nan=False))
        if draw(st.booleans()):
            data["height_cm"] = draw(st.floats(min_value=120, max_value=210, allow_nan=False))
    if draw(st.booleans()):
        data["low_disease_burden"] = draw(st.booleans())
    return data


# max_examples from the profile (tests/conftest.py): 60 locally, 400 in CI.
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(scenarios())
def test_engine_never_raises_and_is_deterministic(data: dict[str, Any]) -> None:
    """Any valid scenario gets an answer, and the same answer twice."""
    assert recommend(data) == recommend(data)


@FAST
@given(scenarios())
def test_no_her2_therapy_preferred_or_offered_in_pregnancy(data: dict[str, Any]) -> None:
    """Pregnant: no option at all, so no HER2-directed option and nothing preferred."""
    rec = recommend({**data, "pregnant": True})
    assert rec.options == ()
    assert rec.preferred == ()


def _in_scope(data: dict[str, Any]) -> bool:
    return bool(data["her2"] == "positive" and data["setting"] == "metastatic")


def _six_months_later(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, min(d.day, calendar.monthrange(d.year + y, m + 1)[1]))


@FAST
@given(scenarios())
def test_tdxd_never_preferred_with_any_ild_history(data: dict[str, Any]) -> None:
    """Pre-existing or drug-induced ILD of any grade: no T-DXd regimen is preferred (NCCN: no data)."""
    for ild in ("drug_grade1", "drug_grade2_plus", "preexisting"):
        scen = {**data, "ild_history": ild}
        if ild == "preexisting":
            scen.pop("ild_agent", None)
        assert not TDXD & set(recommend(scen).preferred)


@FAST
@given(scenarios())
def test_no_tdxd_after_grade2_ild_on_tdxd(data: dict[str, Any]) -> None:
    """Grade ≥2 ILD caused by T-DXd (or of unknown cause with T-DXd in the history): never offered (label)."""
    rec = recommend({**data, "ild_history": "drug_grade2_plus", "ild_agent": "T-DXd"})
    assert not TDXD & {o.regimen for o in rec.options}


@FAST
@given(scenarios())
def test_no_tdm1_after_tdm1_pneumonitis(data: dict[str, Any]) -> None:
    """ILD/pneumonitis of any grade on T-DM1: T-DM1 is never offered (Kadcyla: discontinue permanently)."""
    for grade in ("drug_grade1", "drug_grade2_plus"):
        rec = recommend({**data, "ild_history": grade, "ild_agent": "Kadcyla"})
        assert "trastuzumab-emtansine" not in {o.regimen for o in rec.options}


@FAST
@given(scenarios())
def test_out_of_scope_returns_nothing(data: dict[str, Any]) -> None:
    """Out-of-scope input: no options, no preferred, no line, and a reason."""
    rec = recommend(data)
    if data["her2"] != "positive" or data["setting"] != "metastatic":
        assert (rec.in_scope, rec.options, rec.preferred, rec.line) == (False, (), (), None)
        assert rec.scope_reason


@FAST
@given(scenarios())
def test_every_option_cites_resolving_references(data: dict[str, Any]) -> None:
    """Every option, alert and trace step cites at least one reference that exists."""
    rec = recommend(data)
    for o in rec.options:
        assert o.citations
        assert set(o.citations) <= set(CAT.references)
    for a in rec.alerts:
        assert set(a.citations) <= set(CAT.references)
    for t in rec.trace:
        assert t.citations
        assert set(t.citations) <= set(CAT.references)


@FAST
@given(scenarios())
def test_no_option_repeats_a_progressed_agent(data: dict[str, Any]) -> None:
    """A regimen whose key agent (regimens.toml) the disease progressed on is never offered."""
    rec = recommend(data)
    scen = parse_scenario(data)
    progressed = {
        a
        for ml in scen.metastatic_lines
        if ml.stopped in ("progression", "ongoing")
        for a in ml.agents
    }
    for o in rec.options:
        assert not CAT.regimens[o.regimen].key_agents & progressed, o.regimen


@FAST
@given(scenarios())
def test_no_preferred_rechallenge_after_early_relapse(data: dict[str, Any]) -> None:
    """Relapse within 6 months of (neo)adjuvant HER2 therapy: a regimen sharing its key agent is not preferred."""
    scen = parse_scenario(data)
    early = scen.early_treatment
    if not _in_scope(data) or early is None or early.her2_therapy_end is None:
        return
    assert scen.metastatic_diagnosis is not None  # in scope: the parser requires it
    if scen.metastatic_diagnosis > _six_months_later(early.her2_therapy_end, 6):
        return
    rec = recommend(scen)
    for rid in rec.preferred:
        assert not CAT.regimens[rid].key_agents & set(early.agents), rid


@FAST
@given(scenarios())
def test_every_in_scope_answer_has_an_option_or_says_why(data: dict[str, Any]) -> None:
    """Never an empty answer: at least one option, or the alert no-standard-option."""
    rec = recommend(data)
    if rec.in_scope:
        assert rec.options or "no-standard-option" in rec.alert_codes


@FAST
@given(scenarios())
def test_alerts_name_only_regimens_that_are_preferred(data: dict[str, Any]) -> None:
    """An alert that says options are preferred names only regimens whose tier is preferred."""
    rec = recommend(data)
    for a in rec.alerts:
        if "are preferred (" in a.message:
            named = a.message.split("are preferred (", 1)[1].split(")", 1)[0].split(", ")
            assert set(named) <= set(rec.preferred), (a.message, rec.preferred)


@FAST
@given(scenarios())
def test_line_agrees_with_the_history(data: dict[str, Any]) -> None:
    """The line agrees with the history as the invariant INV-LINE states it from the scenario
    (HER2-directed lines that ended, maintenance, early relapse within ASCO's 12 months)."""
    scen = parse_scenario(data)
    rec = recommend(scen)
    assert INV_LINE.check(scen, rec, CAT) is None, rec.line_basis
    if _in_scope(data):
        assert rec.prior_metastatic_lines == len(scen.metastatic_lines)


@FAST
@given(scenarios())
def test_json_is_byte_identical_across_runs(data: dict[str, Any]) -> None:
    """The JSON form is the same bytes each time (no set ordering, no clock)."""
    a = json.dumps(recommend(data).to_dict(), sort_keys=False)
    b = json.dumps(recommend(data).to_dict(), sort_keys=False)
    assert a == b


@FAST
@given(scenarios())
def test_lvef_below_50_means_no_preferred_her2_option(data: dict[str, Any]) -> None:
    """LVEF 40–49%: no HER2-directed regimen is preferred (not studied; case by case)."""
    rec = recommend({**data, "lvef": 45.0})
    assert not HER2_REGIMENS & set(rec.preferred)


@FAST
@given(scenarios())
def test_lvef_below_40_means_no_her2_option(data: dict[str, Any]) -> None:
    """LVEF under 40%: no HER2-directed regimen is offered."""
    rec = recommend({**data, "lvef": 35.0})
    assert not HER2_REGIMENS & {o.regimen for o in rec.options}


@FAST
@given(scenarios())
def test_preferred_is_a_subset_of_options_in_order(data: dict[str, Any]) -> None:
    """Preferred options come first and every regimen is accounted for exactly once."""
    rec = recommend(data)
    tiers = [o.tier for o in rec.options]
    assert tiers == sorted(tiers, key=["preferred", "alternative", "other"].index)
    if rec.in_scope:
        ids = [o.regimen for o in rec.options] + [e.regimen for e in rec.excluded]
        assert sorted(ids) == sorted(CAT.regimens)
