"""Practical-dosing data: the records and the loader of ``data/interactions.toml``,
``data/organ_function.toml`` and ``data/formulations_practical.toml``.

:func:`load_practical` fails loudly in the catalogue's style (file, record, field, bad value,
what is allowed) and checks every agent and reference ID against the catalogue it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from .._catalogue import Catalogue, DataError, normalise_name
from .._catalogue.reader import _read as read_toml
from .._catalogue.reader import _Reader as Reader
from .._catalogue.reader import _records as records
from .._catalogue.reader import _unique as unique

__all__ = [
    "ADJUSTMENT_ACTIONS",
    "CHILD_PUGH_CLASSES",
    "Adjustment",
    "Interaction",
    "Medicine",
    "Practical",
    "Product",
    "load_practical",
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
