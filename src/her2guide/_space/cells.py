"""The declared decision space: its dimensions and the cells (scenarios) they span.

The values that sit at thresholds (LVEF cut-offs, relapse windows, approval dates) are
generated from the catalogue, so a new cut-off or window widens the space by itself. A cell
is addressed by its index (mixed-radix decoding of the products) or drawn by a seeded sample.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator, Sequence
from typing import Final, cast

from .._catalogue import Catalogue
from .._history import add_months
from .._scenario import EarlyTreatment, MetastaticLine, Scenario

AS_OF: Final = dt.date(2026, 11, 23)
THP: Final = ("trastuzumab", "pertuzumab", "docetaxel")


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


def space_size(cat: Catalogue) -> int:
    """How many cells the declared space has, out-of-scope cells included."""
    return sum(_product_size(d) for d in _dimensions(cat)) + len(_OUT_OF_SCOPE)


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


def cells(cat: Catalogue, sample: int | None = None, seed: int = 0) -> Iterator[Scenario]:
    """Every cell of the declared space, or a deterministic sample of ``sample`` cells."""
    dims = _dimensions(cat)
    total = space_size(cat) if sample is None else sample + len(_OUT_OF_SCOPE)
    for i in range(total):
        yield cell_at(i, dims, sample is not None, seed)
