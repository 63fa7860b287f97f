"""Tablets and vials: how a calculated dose is made of whole tablets or vials, and the
practical-dosing section of ``her2guide dose`` (:func:`practical_markdown`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from .._catalogue import Catalogue
from .._recommendation import DoseAmount, RegimenDoses
from .adjust import organ_adjustments
from .load import Practical, load_practical

__all__ = [
    "TABLET_ROUNDING",
    "VIAL_ROUNDING",
    "TabletPlan",
    "VialPlan",
    "practical_markdown",
    "tablet_plan",
    "vial_plan",
]

#: what the tablet arithmetic does, shown under every tablet plan
TABLET_ROUNDING: Final = (
    "Whole tablets: the nearest total the listed strengths can make (a tie goes to the lower "
    "total), with the fewest tablets. This is arithmetic, not a label instruction; local "
    "policy or dose banding may round differently."
)
VIAL_ROUNDING: Final = (
    "Vials: the smallest total of whole vials that covers the dose, then the fewest vials; "
    "what is left over is shown. Vial sharing follows local policy."
)


@dataclass(frozen=True, slots=True)
class TabletPlan:
    """A dose made of whole tablets: ``counts`` pairs each strength with how many tablets."""

    target_mg: float
    total_mg: float
    counts: tuple[tuple[float, int], ...]

    @property
    def tablets(self) -> int:
        return sum(n for _, n in self.counts)

    def describe(self) -> str:
        parts = " + ".join(f"{n} × {s:g} mg" for s, n in self.counts if n)
        if math.isclose(self.total_mg, self.target_mg):
            return f"{self.total_mg:g} mg = {parts}"
        return f"{self.target_mg:g} mg → {self.total_mg:g} mg = {parts}"


@dataclass(frozen=True, slots=True)
class VialPlan:
    """Whole vials that cover a dose, and what is left over."""

    dose_mg: float
    counts: tuple[tuple[float, int], ...]

    @property
    def total_mg(self) -> float:
        return sum(s * n for s, n in self.counts)

    def describe(self) -> str:
        parts = " + ".join(f"{n} × {s:g} mg" for s, n in self.counts if n)
        return f"{parts} ({self.total_mg - self.dose_mg:g} mg left over)"


def _combinations(strengths: Sequence[float], limit: float) -> dict[float, tuple[int, ...]]:
    """Every total up to ``limit`` whole tablets of these strengths can make, fewest tablets each."""
    best: dict[float, tuple[int, ...]] = {0.0: tuple(0 for _ in strengths)}
    frontier = [0.0]
    while frontier:
        nxt: list[float] = []
        for total in frontier:
            for i, s in enumerate(strengths):
                t = round(total + s, 6)
                if t > limit:
                    continue
                counts = list(best[total])
                counts[i] += 1
                if t not in best or sum(counts) < sum(best[t]):
                    best[t] = tuple(counts)
                    nxt.append(t)
        frontier = nxt
    return best


def tablet_plan(dose_mg: float, strengths: Sequence[float]) -> TabletPlan:
    """The nearest dose whole tablets make (tie → lower total), with the fewest tablets.

    Examples:
        >>> tablet_plan(300, [50, 150]).describe()
        '300 mg = 2 × 150 mg'
        >>> tablet_plan(1660, [150, 500]).describe()
        '1660 mg → 1650 mg = 3 × 500 mg + 1 × 150 mg'
    """
    if dose_mg <= 0 or not strengths:
        raise ValueError("dose_mg must be positive and strengths non-empty")
    order = sorted(strengths, reverse=True)
    options = _combinations(order, dose_mg + max(order))
    del options[0.0]
    total = min(options, key=lambda t: (abs(t - dose_mg), t, sum(options[t])))
    return TabletPlan(dose_mg, total, tuple(zip(order, options[total], strict=True)))


def vial_plan(dose_mg: float, strengths: Sequence[float]) -> VialPlan:
    """The smallest whole-vial total that covers the dose, then the fewest vials.

    Examples:
        >>> vial_plan(335, [100]).describe()
        '4 × 100 mg (65 mg left over)'
        >>> vial_plan(216, [100, 160]).describe()
        '1 × 160 mg + 1 × 100 mg (44 mg left over)'
    """
    if dose_mg <= 0 or not strengths:
        raise ValueError("dose_mg must be positive and strengths non-empty")
    order = sorted(strengths, reverse=True)
    options = _combinations(order, dose_mg + max(order))
    total = min((t for t in options if t >= dose_mg), key=lambda t: (t, sum(options[t])))
    return VialPlan(dose_mg, tuple(zip(order, options[total], strict=True)))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _amounts(c_amounts: Iterable[DoseAmount | None]) -> list[DoseAmount]:
    return [a for a in c_amounts if a is not None and a.amount_mg is not None]


def practical_markdown(
    doses: RegimenDoses,
    cat: Catalogue,
    *,
    child_pugh: str | None = None,
    crcl: float | None = None,
    practical: Practical | None = None,
) -> str:
    """How each calculated dose is made of tablets or vials, and the organ-function adjustments.

    Examples:
        >>> from her2guide import dose_regimen, load_catalogue
        >>> md = practical_markdown(dose_regimen("trastuzumab-deruxtecan", weight_kg=62), load_catalogue())
        >>> "4 × 100 mg (65 mg left over)" in md
        True
    """
    p = practical or load_practical(cat)
    out: list[str] = []
    rows = ["| Agent | Form | Dose as given | Source |", "|---|---|---|---|"]
    forms: set[str] = set()
    for c in doses.components:
        prod = p.products.get(c.agent)
        if prod is None:
            continue
        name = cat.agents[c.agent].name
        cells = []
        for a in _amounts([c.loading, c.maintenance, *c.reductions]):
            assert a.amount_mg is not None
            plan = (
                tablet_plan(a.amount_mg, prod.strengths_mg).describe()
                if prod.form == "tablet"
                else vial_plan(a.amount_mg, prod.strengths_mg).describe()
            )
            cells.append(f"{a.label}: {plan}")
        strengths = ", ".join(f"{s:g} mg" for s in prod.strengths_mg)
        forms.add(prod.form)
        rows.append(
            f"| {name} | {prod.form}s of {strengths} | {_cell('; '.join(cells)) or '—'} "
            f"| {prod.jurisdiction} label, {_cell(prod.label_section)} ({prod.reference}) |"
        )
    if len(rows) > 2:
        out += ["**Tablets and vials**", "", *rows, ""]
        notes = [TABLET_ROUNDING if f == "tablet" else VIAL_ROUNDING for f in sorted(forms)]
        out += [f"<small>{n}</small>" for n in notes] + [""]
    if child_pugh is not None or crcl is not None:
        given = []
        if child_pugh is not None:
            given.append(f"Child-Pugh {child_pugh}")
        if crcl is not None:
            given.append(f"CrCl {crcl:g} mL/min")
        arows = ["| Agent | Label says | Adjusted start | Source |", "|---|---|---|---|"]
        for c in doses.components:
            for adj in organ_adjustments(c.agent, child_pugh, crcl, p, regimen=doses.regimen):
                start = "—"
                prod = p.products.get(c.agent)
                if adj.start_dose_mg is not None:
                    start = f"{adj.start_dose_mg:g} mg"
                    if prod is not None and prod.form == "tablet":
                        start = tablet_plan(adj.start_dose_mg, prod.strengths_mg).describe()
                arows.append(
                    f"| {cat.agents[c.agent].name} | {_cell(adj.text)} | {start} "
                    f"| {adj.jurisdiction} label, {_cell(adj.label_section)} ({adj.reference}) |"
                )
        out += [f"**Organ function** ({', '.join(given)})", ""]
        out += arows if len(arows) > 2 else ["*No label adjustment recorded for these values.*"]
        out.append("")
    dpd = [t for t in cat.toxicity if t.id == "capecitabine-dpyd"]
    if dpd and any(c.agent == dpd[0].agent for c in doses.components):
        out += [f"**Capecitabine and DPD:** {dpd[0].action} ({dpd[0].reference})", ""]
    return "\n".join(out).strip()
