"""Property-based safety invariants over the whole scenario space (hypothesis)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from her2guide import classify_line, load_catalogue, recommend

CAT = load_catalogue()
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
HER2_REGIMENS = {r.id for r in CAT.regimens.values() if r.her2_directed}

dates = st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2027, 12, 31))
agent_list = st.one_of(
    st.sampled_from(REGIMEN_LINES),
    st.lists(st.sampled_from(AGENTS), min_size=1, max_size=4, unique=True),
)
line = st.fixed_dictionaries(
    {"agents": agent_list, "stopped": st.sampled_from(["progression", "toxicity", "completed"])}
)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    as_of = draw(dates)
    dx = draw(st.dates(min_value=dt.date(2017, 1, 1), max_value=as_of))
    lines = draw(st.lists(line, max_size=4))
    if lines and draw(st.booleans()):
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
        "brain_metastases": draw(st.sampled_from(["none", "stable", "active", "symptomatic"])),
        "ild_history": draw(
            st.sampled_from(["none", "preexisting", "drug_grade1", "drug_grade2_plus"])
        ),
        "pregnant": draw(st.booleans()),
    }
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


FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


@FAST
@given(scenarios())
def test_tdxd_never_preferred_with_grade2_or_preexisting_ild(data: dict[str, Any]) -> None:
    """T-DXd regimens are never preferred with drug grade ≥2 or pre-existing ILD."""
    for ild in ("drug_grade2_plus", "preexisting"):
        rec = recommend({**data, "ild_history": ild})
        assert not TDXD & set(rec.preferred)
        if ild == "drug_grade2_plus":
            assert not TDXD & {o.regimen for o in rec.options}


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
def test_no_option_repeats_a_progressed_regimen(data: dict[str, Any]) -> None:
    """A regimen the disease progressed on (same regimen, or its key agent) is never offered."""
    rec = recommend(data)
    offered = {o.regimen for o in rec.options}
    scen = __import__("her2guide").parse_scenario(data)
    for ml in scen.metastatic_lines:
        if ml.stopped != "progression":
            continue
        assert not classify_line(ml.agents) & offered
        if "trastuzumab-deruxtecan" in ml.agents:
            assert not TDXD & offered


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
