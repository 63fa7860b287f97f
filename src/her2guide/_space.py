"""The declared decision space and the safety invariants checked on every cell of it.

The space is the product of the decision-relevant dimensions; the values that sit at
thresholds (LVEF cut-offs, relapse windows, approval dates) are generated from the
catalogue, so a new cut-off or window widens the space by itself. Each invariant has a
stable ID, the hazard it guards against, and states its expectation from the scenario
itself (never through an engine helper).

:func:`check_space` evaluates every cell (or a deterministic sample) on all cores and
returns the counts and the first violations.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
import random
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Final, cast

from ._catalogue import Catalogue, load_catalogue
from ._history import add_months
from ._recommendation import Recommendation
from ._scenario import EarlyTreatment, MetastaticLine, Scenario

__all__ = ["INVARIANTS", "Invariant", "SpaceResult", "cells", "check_space", "space_size"]

AS_OF: Final = dt.date(2026, 11, 23)
THP: Final = ("trastuzumab", "pertuzumab", "docetaxel")
TDXD: Final = frozenset({"trastuzumab-deruxtecan", "trastuzumab-deruxtecan-pertuzumab"})


# --------------------------------------------------------------------------- dimensions


def _lvef_values(cat: Catalogue) -> tuple[float | None, ...]:
    cuts = sorted(c.below for c in cat.decisions.lvef)
    vals: list[float | None] = [None, 60.0]
    for c in cuts:
        vals += [c - 1, c]
    vals += [(a + b) / 2 for a, b in itertools.pairwise(cuts)]  # between the cut-offs
    return tuple(dict.fromkeys(vals))


def _early_patterns() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return (
        ("chemotherapy only", ("doxorubicin", "cyclophosphamide", "paclitaxel")),
        ("trastuzumab", ("paclitaxel", "trastuzumab")),
        ("trastuzumab + pertuzumab", ("docetaxel", "trastuzumab", "pertuzumab")),
        ("+ adjuvant T-DM1", ("paclitaxel", "trastuzumab", "trastuzumab-emtansine")),
        ("+ adjuvant T-DXd", ("paclitaxel", "trastuzumab", "trastuzumab-deruxtecan")),
        ("+ extended neratinib", ("paclitaxel", "trastuzumab", "neratinib")),
    )


def _intervals(cat: Catalogue) -> tuple[object, ...]:
    """Last HER2-directed dose relative to recurrence: none given, during therapy, exactly at
    each source's window (the window includes that day), one day past it, and late."""
    months = sorted({m for w in cat.decisions.windows for m in (w.months, w.months_pertuzumab)})
    out: list[object] = [None, "during"]
    for m in months:
        out += [(m, 0), (m, 1)]
    out.append((24, 1))
    return tuple(out)


def _histories() -> tuple[tuple[MetastaticLine, ...], ...]:
    def ln(agents: Sequence[str], stopped: str, tox: Sequence[str] = ()) -> MetastaticLine:
        return MetastaticLine(tuple(agents), stopped, tuple(tox))

    thp_p = ln(THP, "progression")
    tdxd_p = ln(["trastuzumab-deruxtecan"], "progression")
    ttc_p = ln(["tucatinib", "trastuzumab", "capecitabine"], "progression")
    return (
        (),
        (thp_p,),
        (ln(THP, "toxicity", ["docetaxel"]),),
        (ln(THP, "toxicity"),),
        (ln(["letrozole"], "progression"),),
        (ln(["letrozole"], "progression"), ln(["fulvestrant"], "progression")),
        (ln(["capecitabine"], "progression"),),
        (ln(["trastuzumab-deruxtecan", "pertuzumab"], "progression"),),
        (thp_p, tdxd_p),
        (thp_p, ln(["trastuzumab-deruxtecan"], "toxicity", ["trastuzumab-deruxtecan"])),
        (thp_p, ln(["trastuzumab-emtansine"], "toxicity", ["trastuzumab-emtansine"])),
        (thp_p, tdxd_p, ttc_p),
        (thp_p, tdxd_p, ttc_p, ln(["trastuzumab-emtansine"], "progression")),
        (thp_p, ln(["trastuzumab-deruxtecan"], "ongoing")),
        (thp_p, ln(["trastuzumab", "pertuzumab"], "completed")),
    )


ILD: Final = (
    ("none", None),
    ("preexisting", None),
    ("drug_grade1", "trastuzumab-deruxtecan"),
    ("drug_grade1", "trastuzumab-emtansine"),
    ("drug_grade2_plus", "trastuzumab-deruxtecan"),
    ("drug_grade2_plus", "trastuzumab-emtansine"),
    ("drug_grade2_plus", "docetaxel"),
    ("drug_grade2_plus", None),
)


def _as_of_values(cat: Catalogue) -> tuple[dt.date, ...]:
    """Today's review date, and one day before and on each US approval date."""
    days = {AS_OF}
    for a in cat.decisions.approvals:
        if a.jurisdiction == "US" and a.effective.year >= 2012:
            days |= {a.effective - dt.timedelta(days=1), a.effective}
    return tuple(sorted(days))


def _dimensions(cat: Catalogue) -> list[list[tuple[object, ...]]]:
    """Two products: every clinical modifier on today's date, and every approval boundary
    (the day before and the day of each US approval) crossed with the histories."""
    early = [(None, None)] + [
        (pattern, interval) for pattern in _early_patterns() for interval in _intervals(cat)
    ]
    modifiers: list[tuple[object, ...]] = [
        ("positive", "negative", "unknown"),  # hormone receptor
        ("none", "stable", "active", "symptomatic", "unknown"),  # brain metastases
        ILD,
        _lvef_values(cat),
        (False,),  # pregnant: crossed with the histories and dates below
        (None, 3),  # ecog (2 only adds a note; 3 changes tiers)
        tuple(early),
        _histories(),
        (AS_OF,),
    ]
    dates: list[tuple[object, ...]] = [
        ("positive", "negative"),
        ("none",),
        (("none", None),),
        (60.0,),
        (False, True),  # pregnant
        (None,),
        tuple(early),
        _histories(),
        _as_of_values(cat),
    ]
    return [modifiers, dates]


def _product_size(dims: Sequence[tuple[object, ...]]) -> int:
    n = 1
    for d in dims:
        n *= len(d)
    return n


def space_size(cat: Catalogue | None = None) -> int:
    """How many cells the declared space has, out-of-scope cells included."""
    return sum(_product_size(d) for d in _dimensions(cat or load_catalogue())) + len(_OUT_OF_SCOPE)


_OUT_OF_SCOPE: Final = tuple(
    (h, s)
    for h in ("positive", "low", "ultralow", "negative", "unknown")
    for s in ("metastatic", "early")
    if (h, s) != ("positive", "metastatic")
)


def _scenario(cell: tuple[object, ...]) -> Scenario:
    hr, brain, ild, lvef, pregnant, ecog, early, lines, as_of = cell
    if not isinstance(as_of, dt.date):
        raise TypeError(f"space cell has as_of {as_of!r}; expected a date")
    # day 15 of the previous month: month arithmetic is exact (no month-end clipping)
    dx = (as_of - dt.timedelta(days=31)).replace(day=15)
    et = None
    if early != (None, None):
        pattern, interval = cast(tuple[tuple[str, tuple[str, ...]], object], early)
        agents = pattern[1]
        end: dt.date | None = None
        if interval == "during":
            end = as_of
        elif isinstance(interval, tuple):
            months, extra = cast(tuple[int, int], interval)
            end = add_months(dx, -months) - dt.timedelta(days=extra)
        et = EarlyTreatment(tuple(agents), end, None)
    ild_history, ild_agent = cast(tuple[str, str | None], ild)
    return Scenario(
        her2="positive",
        setting="metastatic",
        as_of=as_of,
        metastatic_diagnosis=dx,
        hormone_receptor=str(hr),
        early_treatment=et,
        metastatic_lines=lines,  # type: ignore[arg-type]
        brain_metastases=str(brain),
        ild_history=ild_history,
        ild_agent=ild_agent,
        lvef=lvef,  # type: ignore[arg-type]
        ecog=ecog,  # type: ignore[arg-type]
        pregnant=bool(pregnant),
    )


def cell_at(
    index: int, products: Sequence[Sequence[tuple[object, ...]]], sample: bool, seed: int
) -> Scenario:
    """The cell at ``index``: mixed-radix decoding of the products, or a seeded draw."""
    if index < len(_OUT_OF_SCOPE):
        h, st = _OUT_OF_SCOPE[index]
        return Scenario(her2=h, setting=st)
    index -= len(_OUT_OF_SCOPE)
    if sample:
        rng = random.Random(seed * 1_000_003 + index)
        dims = products[0] if rng.random() < 0.9 else products[1]
        return _scenario(tuple(rng.choice(d) for d in dims))
    for dims in products:
        size = _product_size(dims)
        if index < size:
            break
        index -= size
    picks = []
    for d in reversed(dims):
        index, k = divmod(index, len(d))
        picks.append(d[k])
    return _scenario(tuple(reversed(picks)))


def cells(
    cat: Catalogue | None = None, sample: int | None = None, seed: int = 0
) -> Iterator[Scenario]:
    """Every cell of the declared space, or a deterministic sample of ``sample`` cells."""
    cat = cat or load_catalogue()
    dims = _dimensions(cat)
    total = space_size(cat) if sample is None else sample + len(_OUT_OF_SCOPE)
    for i in range(total):
        yield cell_at(i, dims, sample is not None, seed)


# --------------------------------------------------------------------------- invariants


@dataclass(frozen=True, slots=True)
class Invariant:
    """A safety property every answer must have, with the hazard it guards against."""

    id: str
    hazard: str
    check: Callable[[Scenario, Recommendation, Catalogue], str | None]
    #: the rule IDs that mitigate the hazard
    rules: tuple[str, ...] = ()
    #: tests (besides the space sample) that pin it
    tests: tuple[str, ...] = ()


def _in_scope(s: Scenario) -> bool:
    return s.her2 == "positive" and s.setting == "metastatic"


def _scope(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    if not _in_scope(s) and (r.in_scope or r.options or r.line is not None):
        return "out-of-scope scenario got an answer"
    return None


def _pregnancy(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    if _in_scope(s) and s.pregnant and (r.options or "no-standard-option" not in r.alert_codes):
        return "an option in pregnancy, or no no-standard-option alert"
    return None


def _her2(cat: Catalogue) -> set[str]:
    return {r.id for r in cat.regimens.values() if r.her2_directed}


def _lvef(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    if s.lvef is None or not _in_scope(s):
        return None
    hold = min(c.below for c in cat.decisions.lvef)
    offered = {o.regimen for o in r.options}
    if s.lvef < hold and offered & _her2(cat):
        return f"HER2-directed option offered at LVEF {s.lvef:g}% (< {hold:g}%)"
    if s.lvef < 50 and set(r.preferred) & _her2(cat):
        return f"HER2-directed option preferred at LVEF {s.lvef:g}%"
    return None


def _ild_tdxd(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    if not _in_scope(s) or s.ild_history == "none":
        return None
    if TDXD & set(r.preferred):
        return "T-DXd preferred with an ILD history"
    exposed = {a for ml in s.metastatic_lines for a in ml.agents} | set(
        s.early_treatment.agents if s.early_treatment else ()
    )
    on_tdxd = s.ild_agent == "trastuzumab-deruxtecan" or (
        s.ild_agent is None and "trastuzumab-deruxtecan" in exposed
    )
    if s.ild_history == "drug_grade2_plus" and on_tdxd and TDXD & {o.regimen for o in r.options}:
        return "T-DXd offered after grade >=2 ILD on T-DXd"
    return None


def _ild_tdm1(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    if not _in_scope(s) or not s.ild_history.startswith("drug_"):
        return None
    if s.ild_agent == "trastuzumab-emtansine" and r.option("trastuzumab-emtansine") is not None:
        return "T-DM1 offered after ILD on T-DM1"
    return None


def _no_repeat(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    progressed = {
        a
        for ml in s.metastatic_lines
        if ml.stopped in ("progression", "ongoing")
        for a in ml.agents
    }
    for o in r.options:
        if cat.regimens[o.regimen].key_agents & progressed:
            return f"{o.regimen} offered after progression on its key agent"
    return None


def _early_relapse(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    e = s.early_treatment
    if (
        not _in_scope(s)
        or e is None
        or e.her2_therapy_end is None
        or s.metastatic_diagnosis is None
    ):
        return None
    if s.metastatic_diagnosis > add_months(e.her2_therapy_end, 6):
        return None
    for rid in r.preferred:
        if cat.regimens[rid].key_agents & set(e.agents):
            return f"{rid} preferred after early relapse on its key agent"
    return None


def _never_empty(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    if r.in_scope and not r.options and "no-standard-option" not in r.alert_codes:
        return "empty in-scope answer without no-standard-option"
    return None


def _citations(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    refs = cat.references
    for o in r.options:
        if not o.citations or not set(o.citations) <= set(refs):
            return f"{o.regimen} cites an unknown reference"
    for a in r.alerts:
        if not a.citations or not set(a.citations) <= set(refs):
            return f"alert {a.code} cites no or an unknown reference"
    return None


def _alert_tiers(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    for a in r.alerts:
        if "are preferred (" in a.message:
            named = a.message.split("are preferred (", 1)[1].split(")", 1)[0].split(", ")
            if not set(named) <= set(r.preferred):
                return f"alert {a.code} names {named} as preferred"
    return None


def _line(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    """line = 1 + HER2-directed metastatic lines ended by progression/completion (or ongoing),
    maintenance after a completed induction not counted again, + 1 when the recurrence came
    within 12 months of (neo)adjuvant HER2 therapy (ASCO 2022 rec. 5.0)."""
    if not _in_scope(s):
        return None
    her2 = {a.id for a in cat.agents.values() if a.her2_directed}
    lines = list(s.metastatic_lines)

    def maintenance(i: int) -> bool:
        # a completed line whose HER2-directed agents carry on in the next line is one line
        if lines[i].stopped != "completed" or i + 1 == len(lines):
            return False
        nxt = set(lines[i + 1].agents) & her2
        return bool(nxt) and nxt <= set(lines[i].agents) & her2

    ended = sum(
        1
        for i, ml in enumerate(lines)
        if set(ml.agents) & her2
        and ml.stopped in ("progression", "completed", "ongoing")
        and not maintenance(i)
    )
    expected: int | None = 1 + ended
    e = s.early_treatment
    if e is not None and set(e.agents) & her2:
        if e.her2_therapy_end is None:
            expected = None if ended == 0 else 1 + ended
        elif s.metastatic_diagnosis is not None and s.metastatic_diagnosis <= add_months(
            e.her2_therapy_end, 12
        ):
            expected = 2 + ended
    if r.line != expected:
        return f"line {r.line}, expected {expected}"
    return None


INVARIANTS: Final = (
    Invariant(
        "INV-SCOPE",
        "an answer given for a patient outside HER2-positive metastatic disease",
        _scope,
        ("SCOPE-HER2-STATUS", "SCOPE-SETTING"),
        ("test_properties::test_out_of_scope_returns_nothing",),
    ),
    Invariant(
        "INV-PREGNANCY",
        "HER2-directed or endocrine therapy offered in pregnancy",
        _pregnancy,
        ("SAFETY-PREGNANCY",),
        ("test_properties::test_no_her2_therapy_preferred_or_offered_in_pregnancy",),
    ),
    Invariant(
        "INV-LVEF",
        "cardiotoxicity: HER2-directed therapy started or preferred below the cut-offs",
        _lvef,
        ("CARDIO-LVEF-BELOW-40", "CARDIO-LVEF-BELOW-50"),
        (
            "test_properties::test_lvef_below_40_means_no_her2_option",
            "scenarios.toml lvef-39/40/45/49/50 rows",
        ),
    ),
    Invariant(
        "INV-ILD-TDXD",
        "fatal pneumonitis: T-DXd re-exposed or preferred after ILD",
        _ild_tdxd,
        ("ILD-DRUG-GRADE2", "ILD-PREEXISTING", "ILD-DRUG-GRADE1", "ILD-AGENT-UNKNOWN"),
        ("test_properties::test_no_tdxd_after_grade2_ild_on_tdxd",),
    ),
    Invariant(
        "INV-ILD-TDM1",
        "pneumonitis: T-DM1 re-exposed after ILD on T-DM1",
        _ild_tdm1,
        ("ILD-TDM1", "ILD-AGENT-UNKNOWN"),
        ("test_properties::test_no_tdm1_after_tdm1_pneumonitis",),
    ),
    Invariant(
        "INV-NO-REPEAT",
        "a regimen re-offered after progression on it",
        _no_repeat,
        ("NO-REPEAT-PROGRESSED",),
        ("test_properties::test_no_option_repeats_a_progressed_agent",),
    ),
    Invariant(
        "INV-EARLY-RELAPSE",
        "re-challenge preferred after early relapse",
        _early_relapse,
        ("NO-REPEAT-EARLY-RELAPSE", "GAP-TDM1-RECHALLENGE", "PRIOR-TDXD"),
        ("test_properties::test_no_preferred_rechallenge_after_early_relapse",),
    ),
    Invariant(
        "INV-NEVER-EMPTY",
        "an empty answer that does not say why",
        _never_empty,
        ("OPTIONS-NONE-LEFT", "SAFETY-PREGNANCY"),
        ("test_properties::test_every_in_scope_answer_has_an_option_or_says_why",),
    ),
    Invariant(
        "INV-CITATIONS",
        "a claim without a resolvable source",
        _citations,
        (),
        ("test_properties::test_every_option_cites_resolving_references",),
    ),
    Invariant(
        "INV-ALERT-TIERS",
        "an alert that recommends what the answer does not",
        _alert_tiers,
        ("CNS-ACTIVE",),
        ("test_properties::test_alerts_name_only_regimens_that_are_preferred",),
    ),
    Invariant(
        "INV-LINE",
        "wrong line after early relapse, a toxicity stop or maintenance",
        _line,
        (
            "LINE-AFTER-METASTATIC",
            "LINE-EARLY-RELAPSE",
            "LINE-LATE-RELAPSE",
            "LINE-RELAPSE-SOURCES-DIFFER",
            "LINE-RELAPSE-INTERVAL-UNKNOWN",
        ),
        ("test_properties::test_line_agrees_with_the_history",),
    ),
)


# --------------------------------------------------------------------------- running


@dataclass(frozen=True, slots=True)
class SpaceResult:
    cells: int
    violations: int
    seconds: float
    digest: str
    examples: tuple[tuple[str, str, str], ...]

    @property
    def rate(self) -> float:
        return self.cells / self.seconds if self.seconds else 0.0


def _summary(r: Recommendation) -> str:
    """The decision in one line: line, tiers, exclusions and alerts (what a diff compares)."""
    return repr(
        (
            r.in_scope,
            r.line,
            tuple((o.regimen, o.tier) for o in r.options),
            tuple((e.regimen, e.rule) for e in r.excluded),
            r.alert_codes,
        )
    )


def _check_chunk(
    args: tuple[int, int, int | None, int],
) -> tuple[int, int, str, list[tuple[str, str, str]]]:
    from ._engine import recommend

    start, stop, sample, seed = args
    cat = load_catalogue()
    dims = _dimensions(cat)
    n = bad = 0
    acc = 0
    examples: list[tuple[str, str, str]] = []
    for i in range(start, stop):
        s = cell_at(i, dims, sample is not None, seed)
        n += 1
        try:
            r = recommend(s, cat)
        except Exception as exc:  # the engine must never raise on a valid scenario
            bad += 1
            if len(examples) < 5:
                examples.append(("INV-NO-RAISE", repr(exc)[:200], repr(s)[:300]))
            continue
        acc ^= int.from_bytes(hashlib.sha256(f"{i}|{_summary(r)}".encode()).digest()[:16], "big")
        for inv in INVARIANTS:
            msg = inv.check(s, r, cat)
            if msg is not None:
                bad += 1
                if len(examples) < 5:
                    examples.append((inv.id, msg, repr(s)[:300]))
    return n, bad, f"{acc:032x}", examples


def check_space(
    sample: int | None = None, seed: int = 0, workers: int | None = None
) -> SpaceResult:
    """Evaluate every cell (or ``sample`` cells) and check every invariant on each."""
    cat = load_catalogue()
    total = (sample + len(_OUT_OF_SCOPE)) if sample is not None else space_size(cat)
    workers = workers or os.cpu_count() or 1
    step = -(-total // (workers * 8))
    chunks = [(i, min(i + step, total), sample, seed) for i in range(0, total, step)]
    t0 = time.perf_counter()
    if workers == 1:
        parts = [_check_chunk(c) for c in chunks]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_check_chunk, chunks))
    seconds = time.perf_counter() - t0
    acc = 0
    for p in parts:  # XOR of per-cell hashes: independent of how the cells were chunked
        acc ^= int(p[2], 16)
    digest = f"{acc:032x}"
    examples = tuple(e for p in parts for e in p[3])[:10]
    return SpaceResult(
        sum(p[0] for p in parts), sum(p[1] for p in parts), seconds, digest, examples
    )
