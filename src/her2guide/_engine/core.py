"""The rule type and the working state one call to ``recommend()`` passes through its rules.

A rule is a small function with a stable ID, a one-line title and the references behind
it. Rules read the frozen :class:`~her2guide._history.History` and the decision tables in
the catalogue; they change only the candidate tiers, exclusions and alerts held here.
Promotions respect each candidate's cap, so a safety rule's ceiling is never undone by a
later rule, and a rule that restores an option says why in the trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType
from typing import Final, cast

from .._catalogue import Catalogue
from .._history import History
from .._recommendation import TIERS, Alert, Exclusion, TraceStep
from .._scenario import Scenario

__all__ = ["TIER_RANK", "Cand", "EngineError", "Rule", "State", "Working", "rule"]

TIER_RANK: Final = {t: i for i, t in enumerate(TIERS)}

TDXD: Final = "trastuzumab-deruxtecan"
TDXD_P: Final = "trastuzumab-deruxtecan-pertuzumab"
TDM1: Final = "trastuzumab-emtansine"
THP: Final = "trastuzumab-pertuzumab-taxane"
TTC: Final = "tucatinib-trastuzumab-capecitabine"
ET_HER2: Final = "endocrine-her2"
ET_ALONE: Final = "endocrine-alone"
ABEMA: Final = "abemaciclib-trastuzumab-fulvestrant"
TDXD_REGIMENS: Final = (TDXD, TDXD_P)


# Output records are frozen dataclasses, whose constructor is slow; the same value is built
# once (pure constructors, memoised by their fields).
_alert = lru_cache(maxsize=8192)(Alert)
_exclusion = lru_cache(maxsize=8192)(Exclusion)


class EngineError(RuntimeError):
    """An internal inconsistency (e.g. an alert code not in the vocabulary): a bug, not bad input."""


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """A decision rule: stable ID, one-line title, references, and the check it runs.

    Rules compare and hash by identity: each is one object in ``RULES`` (and a memo keyed by a
    rule then costs a pointer, not a hash of its text).
    """

    id: str
    title: str
    references: tuple[str, ...]
    check: Callable[[State], str | None] = field(repr=False, compare=False)

    @property
    def anchor(self) -> str:
        """The section anchor on the algorithm page that explains this rule."""
        return self.id.lower()


def rule(rule_id: str, title: str, *refs: str) -> Callable[[Callable[[State], str | None]], Rule]:
    """Make a :class:`Rule` from a check function (the ordered tuple lives in ``__init__``)."""

    def make(fn: Callable[[State], str | None]) -> Rule:
        return Rule(rule_id, title, refs, fn)

    return make


class Cand:
    """A candidate option while the rules run.

    ``base`` is the best tier a source gives it; ``caps`` holds each rule's ceiling (rule ID →
    tier). The effective ``tier`` is the worse of the two, so a ceiling set by a safety rule holds
    whatever a later rule promotes, and a rule can lift only the ceiling it names. ``tier`` is
    kept up to date by :class:`State` whenever ``base`` or ``caps`` changes (it is read far more
    often than it changes). A plain slotted class: one is built per offered regimen per call.
    """

    __slots__ = ("base", "caps", "notes", "shared", "support", "tier", "why")

    def __init__(self, base: str, why: list[str], support: list[str]) -> None:
        self.base = base
        self.why = why
        self.support = support
        self.notes: list[str] = []
        self.caps: dict[str, str] = {}
        self.tier = base  # no ceiling yet
        #: part of a :class:`Working` snapshot: read-only, copied before any change
        self.shared = False

    def __repr__(self) -> str:
        return f"Cand(tier={self.tier!r}, base={self.base!r}, caps={self.caps!r})"

    @property
    def cap(self) -> str:
        worst = "preferred"
        for t in self.caps.values():
            if TIER_RANK[t] > TIER_RANK[worst]:
                worst = t
        return worst

    def retier(self) -> None:
        cap = self.cap
        self.tier = self.base if TIER_RANK[self.base] >= TIER_RANK[cap] else cap

    def copy(self) -> Cand:
        """An independent, changeable copy (its lists and ceilings are its own)."""
        c = Cand.__new__(Cand)
        c.base, c.tier, c.shared = self.base, self.tier, False
        c.why, c.support, c.notes = list(self.why), list(self.support), list(self.notes)
        c.caps = dict(self.caps)
        return c

    def frozen(self) -> Cand:
        """A read-only copy for a snapshot: tuples and a read-only mapping, so that a rule that
        changed it in place (instead of through :class:`State`) would fail, not leak into the
        next call."""
        c = Cand.__new__(Cand)
        c.base, c.tier, c.shared = self.base, self.tier, True
        c.why = cast(list[str], tuple(self.why))
        c.support = cast(list[str], tuple(self.support))
        c.notes = cast(list[str], tuple(self.notes))
        c.caps = cast(dict[str, str], MappingProxyType(dict(self.caps)))
        return c


class Working:
    """The working state after a phase of rules, frozen so that later calls can start from it.

    :meth:`State.freeze` makes one and :meth:`thaw` gives a new :class:`State` with copies of
    everything a later rule may change; the snapshot itself is never changed.
    """

    __slots__ = ("_base", "trace")

    def __init__(self, st: State, trace: tuple[TraceStep, ...]) -> None:
        self.trace = trace
        # A private copy that nothing changes: thaw() copies its containers, and its candidates
        # are read-only (State copies a shared one before changing it).
        self._base = replace(
            st,
            rule=None,
            line_by_source=dict(st.line_by_source),
            readings=dict(st.readings),
            excluded=dict(st.excluded),
            alerts=list(st.alerts),
            cands={rid: c.frozen() for rid, c in st.cands.items()},
        )

    def thaw(self, s: Scenario) -> State:
        """A fresh working state for scenario ``s``, starting where the phase left off."""
        b = self._base
        return State(
            s=s,
            cat=b.cat,
            h=b.h,
            in_scope=b.in_scope,
            scope_reason=b.scope_reason,
            stop=b.stop,
            line=b.line,
            line_basis=b.line_basis,
            line_by_source=b.line_by_source.copy(),
            readings=b.readings.copy(),
            differ=b.differ,
            excluded=b.excluded.copy(),
            alerts=b.alerts.copy(),
            cands=b.cands.copy(),
        )


@dataclass(slots=True)
class State:
    """Working state for one call; the scenario, catalogue and history are read-only."""

    s: Scenario
    cat: Catalogue
    h: History
    rule: Rule | None = None
    in_scope: bool = True
    scope_reason: str = ""
    stop: bool = False
    line: int | None = None
    line_basis: str = ""
    line_by_source: dict[str, int] = field(default_factory=dict)
    #: the line readings whose option tables apply: {line: sources that read it}
    readings: dict[int, tuple[str, ...]] = field(default_factory=dict)
    differ: bool = False
    cands: dict[str, Cand] = field(default_factory=dict)
    excluded: dict[str, Exclusion] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)

    # -- helpers used by rules
    def _mine(self, regimen: str) -> Cand | None:
        """The candidate for ``regimen``, made changeable (a snapshot's shared one is copied)."""
        c = self.cands.get(regimen)
        if c is not None and c.shared:
            c = self.cands[regimen] = c.copy()
        return c

    def alert(self, code: str, message: str, *refs: str) -> None:
        if code not in self.cat.decisions.alerts:
            raise EngineError(f"alert code {code!r} is not in decisions.toml [[alert]]")
        rid = self.rule.id if self.rule else ""
        cites = tuple(refs) if refs else (self.rule.references if self.rule else ())
        self.alerts.append(_alert(code, message, rid, cites))

    def add(self, regimen: str, tier: str, why: str, support: tuple[str, ...] = ()) -> None:
        """Offer ``regimen`` at ``tier`` (the better tier wins; caps still apply)."""
        if regimen in self.excluded:
            return
        c = self._mine(regimen)
        if c is None:
            self.cands[regimen] = Cand(tier, [why], list(support))
            return
        if TIER_RANK[tier] < TIER_RANK[c.base]:
            c.base = tier
            c.retier()
        c.why.append(why)
        c.support.extend(x for x in support if x not in c.support)

    def cap(self, regimen: str, tier: str, why: str) -> bool:
        """At most ``tier`` from now on (held under the current rule's ID); True when the tier fell."""
        c = self._mine(regimen)
        if c is None:
            return False
        before = c.tier
        key = self.rule.id if self.rule else ""
        old = c.caps.get(key)
        if old is None or TIER_RANK[tier] > TIER_RANK[old]:
            c.caps[key] = tier
            c.retier()
        changed = c.tier != before
        if changed or old is None:
            c.why.append(why)
        return changed

    def uncap(self, regimen: str, rule_id: str, why: str) -> bool:
        """Lift the ceiling that ``rule_id`` set, saying why; True when the tier rose."""
        c = self._mine(regimen)
        if c is None or rule_id not in c.caps:
            return False
        before = c.tier
        del c.caps[rule_id]
        c.retier()
        c.why.append(why)
        return c.tier != before

    def promote(self, regimen: str, tier: str, why: str) -> bool:
        """Raise the source tier to ``tier``; the caps still apply. True when the tier rose."""
        c = self._mine(regimen)
        if c is None or TIER_RANK[tier] >= TIER_RANK[c.base]:
            return False
        before = c.tier
        c.base = tier
        c.retier()
        if c.tier == before:
            return False
        c.why.append(why)
        return True

    def exclude(self, regimen: str, reason: str) -> None:
        self.cands.pop(regimen, None)
        if regimen not in self.excluded:
            rule = self.rule.id if self.rule else ""
            name = self.cat.regimens[regimen].name
            self.excluded[regimen] = _exclusion(regimen, reason, rule, name)

    def note(self, regimen: str, text: str) -> None:
        c = self._mine(regimen)
        if c is not None and text not in c.notes:
            c.notes.append(text)

    def freeze(self, trace: tuple[TraceStep, ...]) -> Working:
        """A snapshot of this state (with the trace so far) that later calls can start from."""
        return Working(self, trace)

    def preferred(self) -> list[str]:
        return [r for r, c in self.cands.items() if c.tier == "preferred"]
