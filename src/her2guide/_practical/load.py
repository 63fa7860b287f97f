"""Practical dosing: drug interactions, organ-function adjustments, tablets and vials.

Read from ``data/interactions.toml``, ``data/organ_function.toml`` and
``data/formulations_practical.toml`` by :func:`load_practical`, which fails loudly in the
catalogue's style (file, record, field, bad value, what is allowed) and checks every agent and
reference ID against the catalogue. The functions below are pure: they take plain values and
return frozen records; :func:`practical_markdown` renders them for ``her2guide dose``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Final

from .._catalogue import Catalogue, DataError, normalise_name
from .._catalogue.reader import _read as read_toml
from .._catalogue.reader import _Reader as Reader
from .._catalogue.reader import _records as records
from .._catalogue.reader import _unique as unique
from .._recommendation import ORGAN_START, DoseAmount, RegimenDoses

__all__ = [
    "ADJUSTMENT_ACTIONS",
    "CHILD_PUGH_CLASSES",
    "Adjustment",
    "Interaction",
    "Medicine",
    "Practical",
    "Product",
    "TabletPlan",
    "VialPlan",
    "adjust_doses",
    "interactions_for",
    "load_practical",
    "match_medicines",
    "organ_adjustments",
    "practical_markdown",
    "tablet_plan",
    "vial_plan",
]

CHILD_PUGH_CLASSES: Final = ("A", "B", "C")
ADJUSTMENT_ACTIONS: Final = (
    "no-adjustment",
    "reduce-starting-dose",
    "not-recommended",
    "contraindicated",
    "monitor",
    "see-label",
)
MEASURES: Final = ("child-pugh", "crcl")
DIRECTIONS: Final = ("on-agent", "on-other")
FORMS: Final = ("tablet", "vial")
JURISDICTIONS: Final = ("US", "EU")
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
class Medicine:
    id: str
    name: str
    synonyms: tuple[str, ...]
    classes: tuple[str, ...]
    reference: str
    quote: str


@dataclass(frozen=True, slots=True)
class Interaction:
    id: str
    agent: str
    classes: tuple[str, ...]
    direction: str
    effect: str
    action: str
    jurisdiction: str
    label_section: str
    reference: str
    quote: str
    dose_mg: float | None = None
    dose_text: str = ""


@dataclass(frozen=True, slots=True)
class Adjustment:
    id: str
    agent: str
    measure: str
    action: str
    text: str
    jurisdiction: str
    label_section: str
    reference: str
    quote: str
    classes: tuple[str, ...] = ()
    crcl_below: float | None = None
    start_dose_mg: float | None = None
    #: the regimens the label statement is about (empty: every regimen with the agent)
    regimens: tuple[str, ...] = ()

    def applies(
        self, child_pugh: str | None, crcl: float | None, regimen: str | None = None
    ) -> bool:
        """Whether this adjustment applies to a Child-Pugh class or a creatinine clearance
        (and, for a statement about certain regimens only, to ``regimen``)."""
        if self.regimens and regimen is not None and regimen not in self.regimens:
            return False
        if self.measure == "child-pugh":
            return child_pugh is not None and child_pugh in self.classes
        if crcl is None:
            return False
        return self.crcl_below is None or crcl < self.crcl_below


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    agent: str
    form: str
    strengths_mg: tuple[float, ...]
    jurisdiction: str
    label_section: str
    reference: str
    quote: str


@dataclass(frozen=True, slots=True)
class Practical:
    """The loaded practical-dosing data."""

    classes: Mapping[str, str]
    medicines: Mapping[str, Medicine]
    aliases: Mapping[str, str]
    interactions: tuple[Interaction, ...]
    adjustments: tuple[Adjustment, ...]
    products: Mapping[str, Product]
    #: what each file says it leaves out because no primary text was verified
    not_recorded: tuple[tuple[str, str], ...] = ()

    @property
    def references(self) -> frozenset[str]:
        """Every reference ID the practical data cites."""
        return frozenset(
            [
                *(m.reference for m in self.medicines.values()),
                *(i.reference for i in self.interactions),
                *(a.reference for a in self.adjustments),
                *(p.reference for p in self.products.values()),
            ]
        )


# --------------------------------------------------------------------------- loading


def _check_ids(r: Reader, fld: str, values: Iterable[str], known: Iterable[str], what: str) -> None:
    allowed = set(known)
    for v in values:
        if v not in allowed:
            raise r.fail(fld, v, f"a {what} ID: {', '.join(sorted(allowed))}")


def _number(r: Reader, fld: str, *, positive: bool = True) -> float | None:
    value: float | None = r.get(fld, float, required=False)
    if value is not None and positive and not value > 0:
        raise r.fail(fld, value, "a positive number")
    return value


def _load_interactions(
    cat: Catalogue, file: str = "interactions.toml"
) -> tuple[dict[str, str], dict[str, Medicine], dict[str, str], tuple[Interaction, ...]]:
    doc = read_toml(file)
    classes: dict[str, str] = {}
    for i, raw in enumerate(records(doc, file, "class")):
        r = Reader(file, "class", raw, i)
        cid, name = r.ident(), r.text("name")
        if cid in classes:
            raise DataError(f"{file}: [[class]] id {cid!r} appears twice")
        r.done()
        classes[cid] = name
    meds: list[Medicine] = []
    aliases: dict[str, str] = {}
    for i, raw in enumerate(records(doc, file, "medicine")):
        r = Reader(file, "medicine", raw, i)
        m = Medicine(
            id=r.ident(),
            name=r.text("name"),
            synonyms=r.strings("synonyms"),
            classes=r.strings("classes"),
            reference=r.ident("reference"),
            quote=r.text("quote"),
        )
        if not m.classes:
            raise r.fail("classes", [], "at least one class ID")
        _check_ids(r, "classes", m.classes, classes, "[[class]]")
        _check_ids(r, "reference", [m.reference], cat.references, "references.toml")
        for alias in (m.id, m.name, *m.synonyms):
            key = normalise_name(alias)
            if key in cat.aliases:
                raise r.fail("synonyms", alias, "a name that is not also a her2guide agent name")
            if aliases.get(key, m.id) != m.id:
                raise r.fail("synonyms", alias, f"a name not already used by {aliases[key]!r}")
            aliases[key] = m.id
        r.done()
        meds.append(m)
    inters: list[Interaction] = []
    for i, raw in enumerate(records(doc, file, "interaction")):
        r = Reader(file, "interaction", raw, i)
        it = Interaction(
            id=r.ident(),
            agent=r.ident("agent"),
            classes=r.strings("classes"),
            direction=r.choice("direction", DIRECTIONS),
            effect=r.text("effect"),
            action=r.text("action"),
            jurisdiction=r.choice("jurisdiction", JURISDICTIONS),
            label_section=r.text("label_section"),
            reference=r.ident("reference"),
            quote=r.text("quote"),
            dose_mg=_number(r, "dose_mg"),
            dose_text=r.text("dose_text", required=False),
        )
        _check_ids(r, "agent", [it.agent], cat.agents, "agents.toml")
        if not it.classes:
            raise r.fail("classes", [], "at least one class ID")
        _check_ids(r, "classes", it.classes, classes, "[[class]]")
        _check_ids(r, "reference", [it.reference], cat.references, "references.toml")
        if (it.dose_mg is None) != (not it.dose_text):
            raise r.fail("dose_text", it.dose_text, "text exactly when dose_mg is given")
        r.done()
        inters.append(it)
    unique(inters, file, "interaction")
    return classes, unique(meds, file, "medicine"), aliases, tuple(inters)


def _load_adjustments(cat: Catalogue, file: str = "organ_function.toml") -> tuple[Adjustment, ...]:
    out: list[Adjustment] = []
    for i, raw in enumerate(records(read_toml(file), file, "adjustment")):
        r = Reader(file, "adjustment", raw, i)
        measure = r.choice("measure", MEASURES)
        a = Adjustment(
            id=r.ident(),
            agent=r.ident("agent"),
            measure=measure,
            action=r.choice("action", ADJUSTMENT_ACTIONS),
            text=r.text("text"),
            jurisdiction=r.choice("jurisdiction", JURISDICTIONS),
            label_section=r.text("label_section"),
            reference=r.ident("reference"),
            quote=r.text("quote"),
            classes=r.strings("classes", required=measure == "child-pugh"),
            crcl_below=_number(r, "crcl_below"),
            start_dose_mg=_number(r, "start_dose_mg"),
            regimens=r.strings("regimens", required=False),
        )
        _check_ids(r, "agent", [a.agent], cat.agents, "agents.toml")
        _check_ids(r, "regimens", a.regimens, cat.regimens, "regimens.toml")
        _check_ids(r, "reference", [a.reference], cat.references, "references.toml")
        if measure == "child-pugh":
            if not a.classes:
                raise r.fail("classes", [], " | ".join(CHILD_PUGH_CLASSES))
            _check_ids(r, "classes", a.classes, CHILD_PUGH_CLASSES, "Child-Pugh class")
            if a.crcl_below is not None:
                raise r.fail("crcl_below", a.crcl_below, "nothing with measure child-pugh")
        elif a.classes:
            raise r.fail("classes", list(a.classes), "nothing with measure crcl")
        if (a.action == "reduce-starting-dose") != (a.start_dose_mg is not None):
            raise r.fail(
                "start_dose_mg",
                a.start_dose_mg,
                "a dose exactly when action is reduce-starting-dose",
            )
        r.done()
        out.append(a)
    unique(out, file, "adjustment")
    return tuple(out)


def _load_products(cat: Catalogue, file: str = "formulations_practical.toml") -> dict[str, Product]:
    out: list[Product] = []
    seen: set[tuple[str, str]] = set()
    for i, raw in enumerate(records(read_toml(file), file, "product")):
        r = Reader(file, "product", raw, i)
        p = Product(
            id=r.ident(),
            agent=r.ident("agent"),
            form=r.choice("form", FORMS),
            strengths_mg=r.numbers("strengths_mg"),
            jurisdiction=r.choice("jurisdiction", JURISDICTIONS),
            label_section=r.text("label_section"),
            reference=r.ident("reference"),
            quote=r.text("quote"),
        )
        _check_ids(r, "agent", [p.agent], cat.agents, "agents.toml")
        _check_ids(r, "reference", [p.reference], cat.references, "references.toml")
        if not p.strengths_mg or any(s <= 0 for s in p.strengths_mg):
            raise r.fail("strengths_mg", list(p.strengths_mg), "a list of positive numbers")
        if p.agent in {a for a, _ in seen}:
            raise r.fail("agent", p.agent, "one [[product]] per agent")
        seen.add((p.agent, p.form))
        r.done()
        out.append(p)
    products = unique(out, file, "product")
    return {p.agent: p for p in products.values()}


@lru_cache(maxsize=4)
def load_practical(catalogue: Catalogue) -> Practical:
    """Load and cross-check the practical-dosing data against ``catalogue`` (cached per catalogue)."""
    cat = catalogue
    classes, meds, aliases, inters = _load_interactions(cat)
    return Practical(
        classes=classes,
        medicines=meds,
        aliases=aliases,
        interactions=inters,
        adjustments=_load_adjustments(cat),
        products=_load_products(cat),
        not_recorded=tuple(
            (topic, item)
            for topic, file in (
                ("interactions", "interactions.toml"),
                ("organ function", "organ_function.toml"),
            )
            for item in _not_recorded(file)
        ),
    )


def _not_recorded(file: str) -> tuple[str, ...]:
    """The file's ``[[not_recorded]]`` list: what it leaves out as unverified, in words."""
    out = []
    for i, raw in enumerate(records(read_toml(file), file, "not_recorded")):
        r = Reader(file, "not_recorded", raw, i)
        out.append(r.text("what"))
        r.done()
    return tuple(out)


# --------------------------------------------------------------------------- lookups


def match_medicines(
    names: Sequence[str], practical: Practical
) -> tuple[tuple[tuple[str, Medicine], ...], tuple[str, ...]]:
    """Split free-text medicine names into recognised ``(name, Medicine)`` pairs and unknown names.

    Examples:
        >>> from her2guide import load_catalogue
        >>> known, unknown = match_medicines(["Rifampin", "paracetamol"], load_practical(load_catalogue()))
        >>> [(n, m.id) for n, m in known], unknown
        ([('Rifampin', 'rifampicin')], ('paracetamol',))
    """
    p = practical
    known: list[tuple[str, Medicine]] = []
    unknown: list[str] = []
    for name in names:
        mid = p.aliases.get(normalise_name(name))
        if mid is None:
            unknown.append(name)
        else:
            known.append((name, p.medicines[mid]))
    return tuple(known), tuple(unknown)


def interactions_for(
    agents: Iterable[str], medicines: Iterable[Medicine], practical: Practical
) -> tuple[tuple[Interaction, Medicine], ...]:
    """Every label interaction between these agents and these medicines, in data order.

    Examples:
        >>> from her2guide import load_catalogue
        >>> p = load_practical(load_catalogue())
        >>> [(i.id, m.id) for i, m in interactions_for(["tucatinib"], [p.medicines["gemfibrozil"]], p)]
        [('tucatinib-strong-cyp2c8-inhibitor', 'gemfibrozil')]
    """
    p = practical
    wanted = set(agents)
    meds = list(dict.fromkeys(medicines))
    out: list[tuple[Interaction, Medicine]] = []
    for it in p.interactions:
        if it.agent not in wanted:
            continue
        out.extend((it, m) for m in meds if set(it.classes) & set(m.classes))
    return tuple(out)


def organ_adjustments(
    agent: str,
    child_pugh: str | None,
    crcl: float | None,
    practical: Practical,
    regimen: str | None = None,
) -> tuple[Adjustment, ...]:
    """The label adjustments for one agent that apply to this Child-Pugh class or CrCl
    (within ``regimen``, when given: some statements are about one combination only).

    Examples:
        >>> from her2guide import load_catalogue
        >>> p = load_practical(load_catalogue())
        >>> [a.start_dose_mg for a in organ_adjustments("tucatinib", "C", None, p)]
        [200.0]
        >>> organ_adjustments("lapatinib", "C", None, p, regimen="lapatinib-trastuzumab")
        ()
    """
    p = practical
    return tuple(
        a for a in p.adjustments if a.agent == agent and a.applies(child_pugh, crcl, regimen)
    )


#: actions after which no dose of the agent is shown (the label advises against its use)
WITHHELD: Final = frozenset({"not-recommended", "contraindicated"})


def adjust_doses(
    doses: RegimenDoses,
    child_pugh: str | None,
    crcl: float | None,
    practical: Practical,
) -> RegimenDoses:
    """The doses as the labels give them for this organ function.

    A labelled starting dose for a Child-Pugh class replaces the usual dose (and its
    reduction ladder, which the label does not restate from that start); a label that advises
    against the agent, or whose renal table her2guide has not recorded, replaces the amount
    with that statement, so no unadjusted number is printed beside a note that contradicts it.

    Examples:
        >>> from her2guide import dose_regimen, load_catalogue
        >>> p = load_practical(load_catalogue())
        >>> d = adjust_doses(dose_regimen("tucatinib-trastuzumab-capecitabine", 70, 170), "C", None, p)
        >>> d.components[0].maintenance.amount_mg, d.components[0].reductions
        (200.0, ())
    """
    if child_pugh is None and crcl is None:
        return doses
    p = practical
    comps = []
    changed = False
    for c in doses.components:
        adjs = organ_adjustments(c.agent, child_pugh, crcl, p, regimen=doses.regimen)
        withheld = [a for a in adjs if a.action in WITHHELD and a.jurisdiction == "US"]
        start = [a for a in adjs if a.action == "reduce-starting-dose" and a.jurisdiction == "US"]
        see = [a for a in adjs if a.action == "see-label"]
        if c.maintenance is None or not (withheld or start or see):
            comps.append(c)
            continue
        changed = True
        if withheld:
            comps.append(
                replace(c, loading=None, maintenance=None, reductions=(), note=withheld[0].text)
            )
        elif start:
            a = start[0]
            amount = DoseAmount(
                ORGAN_START,
                a.start_dose_mg or 0.0,
                "mg",
                a.start_dose_mg,
                f"{a.jurisdiction} label: {a.text}",
            )
            comps.append(
                replace(
                    c,
                    maintenance=amount,
                    reductions=(),
                    reduction_note="Dose changes after this adjusted start: see the label.",
                )
            )
        else:
            comps.append(
                replace(c, loading=None, maintenance=None, reductions=(), note=see[0].text)
            )
    if not changed:
        return doses
    return replace(doses, components=tuple(comps))


# --------------------------------------------------------------------------- arithmetic


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


# --------------------------------------------------------------------------- rendering


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
