"""The decision engine: pure rules from a :class:`Scenario` to a :class:`Recommendation`.

``RULES`` is one explicit, ordered, immutable tuple. Each rule reads the frozen history
(:mod:`her2guide._history`) and the decision tables in the catalogue
(``data/decisions.toml``, ``data/approvals.toml``) and changes only the working state of
one call. The engine does no I/O and never reads the clock: time-relative rules use
``scenario.as_of``.

The first rules (scope, line, options, prior treatment, approvals: up to
``HISTORY_PHASE_END``) read only ``HISTORY_FIELDS``; their outcome is memoised by those
fields and every call runs the patient rules (safety, caveats, practical) on a fresh copy of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import lru_cache
from operator import attrgetter
from typing import Any, Final, cast

from .._catalogue import Catalogue, Regimen, load_catalogue
from .._dosing import dose_regimen
from .._history import classify_agents, read_history
from .._practical import adjust_doses, load_practical
from .._recommendation import Exclusion, Option, Recommendation, Support, TraceStep
from .._scenario import Scenario, parse_scenario
from . import caveats, line, options, practical, prior, safety, scope
from .core import TIER_RANK, Cand, EngineError, Rule, State, Working

__all__ = ["RULES", "EngineError", "Rule", "classify_line", "recommend"]

#: Every rule, in the order it runs. Scope and pregnancy can stop evaluation; everything
#: that changes a tier runs before the caveats that name regimens.
RULES: Final[tuple[Rule, ...]] = (
    scope.scope_her2,
    scope.scope_setting,
    line.after_metastatic,
    line.de_novo,
    line.interval_unknown,
    line.early,
    line.late,
    line.differ,
    line.ongoing,
    prior.residual,
    safety.pregnancy,
    options.first,
    options.second,
    options.later,
    options.undetermined,
    options.hormone_receptor,
    prior.no_repeat,
    prior.no_repeat_early,
    prior.prior_tdxd,
    prior.prior_toxicity,
    prior.trial_population,
    prior.approval,
    safety.ild_agent_unknown,
    safety.ild_grade2,
    safety.ild_tdm1,
    safety.ild_pre,
    safety.ild_grade1,
    safety.lvef_hold,
    safety.lvef_not_studied,
    safety.lvef_unknown,
    caveats.label_indication,
    safety.ecog2,
    safety.ecog_poor,
    caveats.cns_symptomatic,
    caveats.cns_active,
    caveats.cns_unknown,
    caveats.gap_after_tdxd,
    caveats.gap_adjuvant,
    caveats.gap_tdm1,
    caveats.gap_tki,
    caveats.differ_db09,
    caveats.none_left,
    practical.interactions,
    practical.organ_hepatic,
    practical.organ_renal,
)

#: The rules up to here decide what the history and the line allow; they read only
#: ``HISTORY_FIELDS`` of the scenario (they run against a view that has nothing else, so a rule
#: that reads another field fails loudly instead of being memoised wrongly). Their outcome is a
#: pure function of those fields and is memoised; the later rules (safety, caveats, practical)
#: run on a fresh copy of it for every call.
HISTORY_PHASE_END: Final = RULES.index(prior.approval) + 1
HISTORY_FIELDS: Final = (
    "her2",
    "setting",
    "as_of",
    "metastatic_diagnosis",
    "hormone_receptor",
    "early_treatment",
    "metastatic_lines",
    "pregnant",
    "low_disease_burden",
)
_history_key = attrgetter(*HISTORY_FIELDS)
_HISTORY_RULES: Final = RULES[:HISTORY_PHASE_END]
_PATIENT_RULES: Final = RULES[HISTORY_PHASE_END:]


class _HistoryView:
    """The scenario as the history phase sees it: the ``HISTORY_FIELDS`` and nothing else."""

    __slots__ = HISTORY_FIELDS

    def __init__(self, values: tuple[Any, ...]) -> None:
        for name, value in zip(HISTORY_FIELDS, values, strict=True):
            setattr(self, name, value)


def _run(st: State, rules: tuple[Rule, ...], trace: list[TraceStep]) -> None:
    """Run ``rules`` in order on ``st`` until one stops evaluation; a finding joins ``trace``."""
    for r in rules:
        if st.stop:
            break
        st.rule = r
        finding = r.check(st)
        if finding is not None:
            trace.append(_step(r, finding))


def _run_history_phase(cat: Catalogue, s: Scenario) -> Working:
    st = State(s=s, cat=cat, h=read_history(s, cat))
    trace: list[TraceStep] = []
    _run(st, _HISTORY_RULES, trace)
    return st.freeze(tuple(trace))


@lru_cache(maxsize=8192)
def _history_phase(cat: Catalogue, key: tuple[Any, ...]) -> Working:
    return _run_history_phase(cat, cast(Scenario, _HistoryView(key)))


_OPTIONS_RULE: Final = {1: "OPTIONS-FIRST-LINE", 2: "OPTIONS-SECOND-LINE", 3: "OPTIONS-LATER-LINE"}
ORDERING: Final = (
    "Options are grouped by tier (preferred, alternative, other); within a tier they keep the "
    "order of the option table for the reported line (data/decisions.toml), then those of any "
    "other line reading; the tables follow the order the sources list them, not a ranking of "
    "efficacy."
)


def classify_line(
    agents: tuple[str, ...] | frozenset[str], cat: Catalogue | None = None
) -> frozenset[str]:
    """Which catalogue regimens a line of treatment with these agents counts as.

    Examples:
        >>> sorted(classify_line(("trastuzumab", "pertuzumab", "docetaxel", "letrozole")))
        ['trastuzumab-pertuzumab-taxane']
    """
    return classify_agents(cat or load_catalogue(), frozenset(agents))


@lru_cache(maxsize=8)
def _supports(cat: Catalogue) -> Mapping[str, Support]:
    return {
        s.id: Support(s.source, s.id, s.number, s.grade, s.summary, s.reference)
        for s in cat.statements.values()
    }


@lru_cache(maxsize=256)
def _citations(cat: Catalogue, rid: str, support: tuple[str, ...]) -> tuple[str, ...]:
    reg = cat.regimens[rid]
    sup = _supports(cat)
    cites = dict.fromkeys([*(sup[s].reference for s in support), *reg.references])
    for tid in reg.trials:
        for a in cat.trials[tid].analyses:
            cites.setdefault(a.reference)
    return tuple(cites)


@lru_cache(maxsize=32)
def _table_regimens(cat: Catalogue, table: int) -> frozenset[str]:
    return frozenset(o.regimen for o in cat.decisions.options.get(table, ()))


@lru_cache(maxsize=4096)
def _step(r: Rule, finding: str) -> TraceStep:
    return TraceStep(r.id, r.title, finding, r.references)


@lru_cache(maxsize=256)
def _not_listed(cat: Catalogue, table: int, where: str, rule_id: str) -> tuple[Exclusion, ...]:
    """Why each catalogue regimen is set aside when it is not offered at all (pure; memoised)."""
    return tuple(
        Exclusion(
            rid,
            cat.decisions.not_listed.get(
                (table, rid), f"not listed for {where} by ASCO 2022, NCCN or the labels"
            ),
            rule_id,
            reg.name,
        )
        for rid, reg in cat.regimens.items()
    )


@lru_cache(maxsize=8192)
def _built(
    cat: Catalogue,
    rid: str,
    tier: str,
    why: tuple[str, ...],
    support: tuple[str, ...],
    notes: tuple[str, ...],
) -> Option:
    # Options are immutable values: the same content is built once (a pure constructor, memoised).
    reg = cat.regimens[rid]
    sup = _supports(cat)
    return Option(
        regimen=rid,
        name=reg.name,
        tier=tier,
        why=tuple(dict.fromkeys(why)),
        support=tuple(sup[s] for s in support),
        trials=reg.trials,
        citations=(cites := _citations(cat, rid, support)),
        notes=(*notes, *reg.notes),
        citation_labels=tuple(cat.references[c].short for c in cites),
    )


def _option(st: State, rid: str, c: Cand, reg: Regimen) -> Option:
    opt = _built(st.cat, rid, c.tier, tuple(c.why), tuple(c.support), tuple(c.notes))
    if st.s.weight_kg is None:
        return opt
    doses = dose_regimen(reg, st.s.weight_kg, st.s.height_cm, st.cat)
    cp = st.s.hepatic_impairment if st.s.hepatic_impairment in ("A", "B", "C") else None
    crcl = st.s.creatinine_clearance_ml_min
    if cp is not None or crcl is not None:  # the label's dose for this organ function
        doses = adjust_doses(doses, cp, crcl, load_practical(st.cat))
    return dataclasses.replace(opt, doses=doses)


def recommend(
    scenario: Scenario | Mapping[str, Any], catalogue: Catalogue | None = None
) -> Recommendation:
    """Turn a patient scenario into a ranked, explained, cited recommendation.

    Args:
        scenario: a validated :class:`Scenario`, or a mapping that :func:`parse_scenario` accepts.
        catalogue: the clinical data; defaults to the packaged catalogue.

    Raises:
        ScenarioError: only when a mapping is given and it is invalid.

    Examples:
        >>> rec = recommend({
        ...     "her2": "positive", "setting": "metastatic", "as_of": "2026-06-01",
        ...     "metastatic_diagnosis": "2026-05-20", "hormone_receptor": "negative",
        ...     "early_treatment": {"agents": ["docetaxel", "trastuzumab", "pertuzumab"],
        ...                         "her2_therapy_end": "2026-01-15"},
        ...     "metastatic_lines": [], "brain_metastases": "none",
        ...     "ild_history": "none", "lvef": 60, "pregnant": False,
        ... })
        >>> rec.line, rec.preferred
        (2, ('trastuzumab-deruxtecan',))
    """
    cat = catalogue or load_catalogue()
    s = scenario if isinstance(scenario, Scenario) else parse_scenario(scenario, cat)
    # The history phase is memoised by the fields it reads; the rest runs on a copy of its state.
    done = _history_phase(cat, _history_key(s))
    st = done.thaw(s)
    trace: list[TraceStep] = list(done.trace)
    _run(st, _PATIENT_RULES, trace)
    if not st.in_scope:
        return Recommendation(
            in_scope=False,
            scope_reason=st.scope_reason,
            line=None,
            line_basis="",
            line_by_source={},
            options=(),
            excluded=(),
            alerts=(),
            trace=tuple(trace),
            as_of=s.as_of,
            prior_metastatic_lines=st.h.prior_metastatic_lines,
        )

    # Every regimen not offered is accounted for.
    table = min(st.line, 3) if st.line else 0
    rule_id = _OPTIONS_RULE.get(table, "OPTIONS-LINE-UNDETERMINED")
    where = f"line {st.line}" if st.line else "this scenario"
    cands, excluded = st.cands, st.excluded
    for ex in _not_listed(cat, table, where, rule_id):
        if ex.regimen not in cands and ex.regimen not in excluded:
            excluded[ex.regimen] = ex

    # Within a tier: the reported line's table first (in its order), then any other reading's.
    own = _table_regimens(cat, table)
    order = {rid: i for i, rid in enumerate(st.cands)}
    ranked = sorted(
        st.cands.items(),
        key=lambda kv: (TIER_RANK[kv[1].tier], kv[0] not in own, order[kv[0]]),
    )
    opts = tuple(_option(st, rid, c, cat.regimens[rid]) for rid, c in ranked)
    return Recommendation(
        in_scope=True,
        scope_reason="",
        line=st.line,
        line_basis=st.line_basis,
        line_by_source=st.line_by_source,
        options=opts,
        excluded=tuple(st.excluded.values()),
        alerts=tuple(st.alerts),
        trace=tuple(trace),
        as_of=s.as_of,
        prior_metastatic_lines=st.h.prior_metastatic_lines,
        ordering=ORDERING,
    )
