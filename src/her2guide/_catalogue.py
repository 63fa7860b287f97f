"""Frozen, validated catalogue of clinical content, loaded from ``her2guide/data/*.toml``.

This module is the only code that reads the data files. It fails loudly: every problem
names the file, the record, the field, the bad value and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from ._decisions import Decisions

__all__ = [
    "Agent",
    "Analysis",
    "Catalogue",
    "Component",
    "DataError",
    "Figure",
    "Reference",
    "Regimen",
    "Statement",
    "ToxicityRule",
    "Trial",
    "load_catalogue",
]

UNITS: Final = ("mg", "mg/kg", "mg/m2")
ROUTES: Final = ("IV", "oral", "SC", "IM")
AGENT_KINDS: Final = (
    "her2-antibody",
    "her2-adc",
    "her2-tki",
    "chemotherapy",
    "endocrine",
    "cdk46-inhibitor",
)
REFERENCE_KINDS: Final = ("trial", "guideline", "label", "regulatory", "score", "review", "method")
PARTNER_KINDS: Final = ("chemotherapy", "endocrine")
_ID = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")


class DataError(ValueError):
    """A data file broke its own grammar. The message names file, record, field and value."""


@dataclass(frozen=True, slots=True)
class Agent:
    id: str
    name: str
    kind: str
    her2_directed: bool
    synonyms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reference:
    id: str
    kind: str
    short: str
    citation: str
    year: int
    url: str
    doi: str = ""
    pmid: str = ""
    verified: tuple[str, ...] = ()
    note: str = ""

    @property
    def link(self) -> str:
        """The best link for a reader: DOI, then PubMed, then the source page."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return self.url


@dataclass(frozen=True, slots=True)
class Figure:
    endpoint: str
    result: str


@dataclass(frozen=True, slots=True)
class Analysis:
    id: str
    label: str
    reference: str
    figures: tuple[Figure, ...]
    follow_up: str = ""


@dataclass(frozen=True, slots=True)
class Trial:
    id: str
    name: str
    phase: str
    setting: str
    population: str
    arms: str
    regimens: tuple[str, ...]
    analyses: tuple[Analysis, ...]
    design: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Statement:
    id: str
    source: str
    number: str
    grade: str
    topic: str
    summary: str
    reference: str
    quote: str = ""
    note: str = ""

    @property
    def label(self) -> str:
        """Source and number as a reader would cite it, e.g. ``ASCO 2022 rec. 2.1``."""
        if self.number and self.number[0].isdigit():
            return f"{self.source} rec. {self.number}"
        if self.number:
            return f"{self.source} ({self.number.lower()})"
        return self.source


@dataclass(frozen=True, slots=True)
class Component:
    agent: str
    unit: str
    route: str
    schedule: str
    cycle_days: int
    reference: str
    dose: float | None = None
    loading_dose: float | None = None
    reductions: tuple[float, ...] = ()
    reduction_note: str = ""
    choice: str = ""
    dose_note: str = ""


@dataclass(frozen=True, slots=True)
class Regimen:
    id: str
    name: str
    short: str
    her2_directed: bool
    signatures: tuple[frozenset[str], ...]
    partner: frozenset[str]
    key_agents: frozenset[str]
    cns_active: bool
    hormone_receptor_positive_only: bool
    trials: tuple[str, ...]
    references: tuple[str, ...]
    components: tuple[Component, ...]
    indication_us: str = ""
    indication_eu: str = ""
    notes: tuple[str, ...] = ()
    us_approval: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ToxicityRule:
    id: str
    topic: str
    agent: str
    condition: str
    action: str
    reference: str


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Everything clinical, validated and cross-checked. Build it with :func:`load_catalogue`."""

    agents: Mapping[str, Agent]
    combinations: Mapping[str, tuple[str, ...]]
    references: Mapping[str, Reference]
    trials: Mapping[str, Trial]
    statements: Mapping[str, Statement]
    regimens: Mapping[str, Regimen]
    toxicity: tuple[ToxicityRule, ...]
    aliases: Mapping[str, tuple[str, ...]] = field(repr=False)
    decisions: Decisions = field(repr=False, default=None)  # type: ignore[assignment]

    def regimen(self, regimen_id: str) -> Regimen:
        """Return a regimen by ID, or raise ``KeyError`` listing the known IDs."""
        try:
            return self.regimens[regimen_id]
        except KeyError:
            known = ", ".join(sorted(self.regimens))
            raise KeyError(f"unknown regimen {regimen_id!r}; known regimens: {known}") from None


# --------------------------------------------------------------------------- parsing helpers


class _Reader:
    """Reads one record, remembering where it came from for error messages."""

    def __init__(self, file: str, table: str, raw: Mapping[str, Any], index: int) -> None:
        self.file = file
        self.raw = raw
        ident = raw.get("id") or raw.get("agent") or raw.get("name") or f"#{index + 1}"
        self.where = f"{file}: [[{table}]] {ident!s}"
        self.used: set[str] = set()

    def fail(self, fld: str, value: object, allowed: str) -> DataError:
        return DataError(f"{self.where}: field {fld!r} has {value!r}; allowed: {allowed}")

    def get(self, fld: str, kind: type, *, required: bool = True, default: Any = None) -> Any:
        self.used.add(fld)
        if fld not in self.raw:
            if required:
                raise DataError(f"{self.where}: field {fld!r} is missing")
            return default
        value = self.raw[fld]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(fld, value, f"a {kind.__name__}")
        return value

    def text(self, fld: str, *, required: bool = True) -> str:
        value: str = self.get(fld, str, required=required, default="")
        if required and not value.strip():
            raise self.fail(fld, value, "non-empty text")
        return value

    def ident(self, fld: str = "id") -> str:
        value = self.text(fld)
        if not _ID.match(value):
            raise self.fail(
                fld, value, "a lower-case kebab-case ID such as 'trastuzumab-deruxtecan'"
            )
        return value

    def choice(self, fld: str, allowed: Sequence[str]) -> str:
        value = self.text(fld)
        if value not in allowed:
            raise self.fail(fld, value, " | ".join(allowed))
        return value

    def strings(self, fld: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.get(fld, list, required=required, default=[])
        if not all(isinstance(v, str) for v in value):
            raise self.fail(fld, value, "a list of strings")
        return tuple(value)

    def numbers(self, fld: str) -> tuple[float, ...]:
        value = self.get(fld, list, required=False, default=[])
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            raise self.fail(fld, value, "a list of numbers")
        return tuple(float(v) for v in value)

    def done(self, *nested: str) -> None:
        extra = set(self.raw) - self.used - set(nested)
        if extra:
            raise DataError(
                f"{self.where}: unknown field(s) {sorted(extra)}; check the file header"
            )


def _records(doc: Mapping[str, Any], file: str, table: str) -> list[Mapping[str, Any]]:
    records = doc.get(table, [])
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError(f"{file}: [[{table}]] must be an array of tables")
    return records


def _read(file: str) -> dict[str, Any]:
    text = resources.files("her2guide").joinpath("data", file).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{file}: not valid TOML: {exc}") from None


def _unique(items: Sequence[Any], file: str, table: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        if item.id in out:
            raise DataError(f"{file}: [[{table}]] id {item.id!r} appears twice")
        out[item.id] = item
    return out


def _norm(name: str) -> str:
    return re.sub(r"[\s\-_.®™]+", "", name).casefold()


# --------------------------------------------------------------------------- file loaders


def _load_agents(
    file: str = "agents.toml",
) -> tuple[dict[str, Agent], dict[str, tuple[str, ...]]]:
    doc = _read(file)
    agents = []
    for i, raw in enumerate(_records(doc, file, "agent")):
        r = _Reader(file, "agent", raw, i)
        agents.append(
            Agent(
                id=r.ident(),
                name=r.text("name"),
                kind=r.choice("kind", AGENT_KINDS),
                her2_directed=r.get("her2_directed", bool),
                synonyms=r.strings("synonyms"),
            )
        )
        r.done()
    by_id = _unique(agents, file, "agent")
    combos: dict[str, tuple[str, ...]] = {}
    for i, raw in enumerate(_records(doc, file, "combination")):
        r = _Reader(file, "combination", raw, i)
        name, members = r.text("name"), r.strings("agents")
        for m in members:
            if m not in by_id:
                raise r.fail("agents", m, "agent IDs defined in agents.toml")
        combos[name] = members
        r.done()
    return by_id, combos


def _load_references(file: str = "references.toml") -> dict[str, Reference]:
    refs = []
    for i, raw in enumerate(_records(_read(file), file, "reference")):
        r = _Reader(file, "reference", raw, i)
        ref = Reference(
            id=r.ident(),
            kind=r.choice("kind", REFERENCE_KINDS),
            short=r.text("short"),
            citation=r.text("citation"),
            year=r.get("year", int),
            url=r.text("url"),
            doi=r.text("doi", required=False),
            pmid=r.text("pmid", required=False),
            verified=r.strings("verified"),
            note=r.text("note", required=False),
        )
        if not ref.url.startswith("https://") and not ref.url.startswith("http://"):
            raise r.fail("url", ref.url, "an http(s) URL")
        if ref.doi and not ref.doi.startswith("10."):
            raise r.fail("doi", ref.doi, "a DOI beginning '10.'")
        if ref.pmid and not ref.pmid.isdigit():
            raise r.fail("pmid", ref.pmid, "digits only")
        if not ref.verified:
            raise r.fail("verified", [], "at least one fact-sheet source ID or verification note")
        r.done()
        refs.append(ref)
    return _unique(refs, file, "reference")


TRIAL_PHASES: Final = ("1", "1b", "1/2", "2", "2/3", "3", "3b", "3b/4", "4")
TRIAL_DESIGNS: Final = (
    "randomised",
    "non-randomised",
    "single-arm",
    "double-blind",
    "open-label",
    "placebo-controlled",
    "active-controlled",
)
_DESIGN_CONFLICTS: Final = (("randomised", "non-randomised"), ("randomised", "single-arm"), ("double-blind", "open-label"))  # fmt: skip


def _trial_design(r: _Reader) -> tuple[str, ...]:
    design = r.strings("design", required=False)
    for token in design:
        if token not in TRIAL_DESIGNS:
            raise r.fail("design", token, " | ".join(TRIAL_DESIGNS))
    if len(set(design)) != len(design):
        raise r.fail("design", list(design), "each design token at most once")
    for a, b in _DESIGN_CONFLICTS:
        if a in design and b in design:
            raise r.fail("design", list(design), f"not both {a!r} and {b!r}")
    return design


def _load_trials(file: str = "trials.toml") -> dict[str, Trial]:
    trials = []
    for i, raw in enumerate(_records(_read(file), file, "trial")):
        r = _Reader(file, "trial", raw, i)
        analyses = []
        for j, raw_a in enumerate(_records(raw, f"{file} ({raw.get('id')})", "analysis")):
            ra = _Reader(f"{file} ({raw.get('id')})", "analysis", raw_a, j)
            figures = []
            for k, raw_f in enumerate(_records(raw_a, ra.where, "figure")):
                rf = _Reader(ra.where, "figure", raw_f, k)
                figures.append(Figure(endpoint=rf.text("endpoint"), result=rf.text("result")))
                rf.done()
            analyses.append(
                Analysis(
                    id=ra.ident(),
                    label=ra.text("label"),
                    reference=ra.ident("reference"),
                    follow_up=ra.text("follow_up", required=False),
                    figures=tuple(figures),
                )
            )
            ra.done("figure")
        trials.append(
            Trial(
                id=r.ident(),
                name=r.text("name"),
                phase=r.choice("phase", TRIAL_PHASES),
                design=_trial_design(r),
                setting=r.choice(
                    "setting",
                    (
                        "first-line",
                        "second-line",
                        "later-line",
                        "maintenance",
                        "brain-metastases",
                        "early",
                    ),
                ),
                population=r.text("population"),
                arms=r.text("arms"),
                regimens=r.strings("regimens"),
                analyses=tuple(analyses),
            )
        )
        r.done("analysis")
    return _unique(trials, file, "trial")


def _load_statements(file: str = "guidelines.toml") -> dict[str, Statement]:
    out = []
    for i, raw in enumerate(_records(_read(file), file, "statement")):
        r = _Reader(file, "statement", raw, i)
        out.append(
            Statement(
                id=r.ident(),
                source=r.text("source"),
                number=r.text("number", required=False),
                grade=r.text("grade", required=False),
                topic=r.text("topic"),
                summary=r.text("summary"),
                reference=r.ident("reference"),
                quote=r.text("quote", required=False),
                note=r.text("note", required=False),
            )
        )
        r.done()
    return _unique(out, file, "statement")


def _load_regimens(file: str = "regimens.toml") -> dict[str, Regimen]:
    out = []
    for i, raw in enumerate(_records(_read(file), file, "regimen")):
        r = _Reader(file, "regimen", raw, i)
        rid = r.ident()
        comps = []
        for j, raw_c in enumerate(_records(raw, f"{file} ({rid})", "component")):
            rc = _Reader(f"{file} ({rid})", "component", raw_c, j)
            comp = Component(
                agent=rc.ident("agent"),
                unit=rc.choice("unit", UNITS),
                route=rc.choice("route", ROUTES),
                schedule=rc.text("schedule"),
                cycle_days=rc.get("cycle_days", int),
                reference=rc.ident("reference"),
                dose=rc.get("dose", float, required=False),
                loading_dose=rc.get("loading_dose", float, required=False),
                reductions=rc.numbers("reductions"),
                reduction_note=rc.text("reduction_note", required=False),
                choice=rc.text("choice", required=False),
                dose_note=rc.text("dose_note", required=False),
            )
            if comp.dose is None and not comp.dose_note:
                raise rc.fail("dose", None, "a number, or a `dose_note` saying why there is none")
            if comp.dose is not None and comp.dose <= 0:
                raise rc.fail("dose", comp.dose, "a positive number")
            if comp.reductions and comp.dose is not None:
                ladder = (comp.dose, *comp.reductions)
                if any(b >= a for a, b in itertools.pairwise(ladder)):
                    raise rc.fail("reductions", list(comp.reductions), "strictly decreasing doses")
            rc.done()
            comps.append(comp)
        partner = r.strings("partner")
        for p in partner:
            if p not in PARTNER_KINDS:
                raise r.fail("partner", p, " | ".join(PARTNER_KINDS))
        sigs = r.get("signatures", list)
        if not sigs or not all(isinstance(s, list) for s in sigs):
            raise r.fail("signatures", sigs, "a list of lists of agent IDs")
        out.append(
            Regimen(
                id=rid,
                name=r.text("name"),
                short=r.text("short"),
                her2_directed=r.get("her2_directed", bool),
                signatures=tuple(frozenset(s) for s in sigs),
                partner=frozenset(partner),
                key_agents=frozenset(r.strings("key_agents")),
                cns_active=r.get("cns_active", bool),
                hormone_receptor_positive_only=r.get("hormone_receptor_positive_only", bool),
                trials=r.strings("trials"),
                references=r.strings("references"),
                components=tuple(comps),
                indication_us=r.text("indication_us", required=False),
                indication_eu=r.text("indication_eu", required=False),
                notes=r.strings("notes", required=False),
                us_approval=r.get("us_approval", dt.date, required=False),
            )
        )
        r.done("component")
    return _unique(out, file, "regimen")


def _load_toxicity(file: str = "monitoring.toml") -> tuple[ToxicityRule, ...]:
    out = []
    for i, raw in enumerate(_records(_read(file), file, "rule")):
        r = _Reader(file, "rule", raw, i)
        out.append(
            ToxicityRule(
                id=r.ident(),
                topic=r.choice(
                    "topic",
                    ("ild", "cardiac", "hepatic", "diarrhoea", "haematologic", "pregnancy"),
                ),
                agent=r.ident("agent"),
                condition=r.text("condition"),
                action=r.text("action"),
                reference=r.ident("reference"),
            )
        )
        r.done()
    _unique(out, file, "rule")
    return tuple(out)


# --------------------------------------------------------------------------- cross-checks


def _cross_check(cat: Catalogue) -> None:
    problems: list[str] = []

    def ref(where: str, rid: str) -> None:
        if rid not in cat.references:
            problems.append(f"{where}: reference {rid!r} is not in references.toml")

    def agent(where: str, aid: str) -> None:
        if aid not in cat.agents:
            problems.append(f"{where}: agent {aid!r} is not in agents.toml")

    for t in cat.trials.values():
        for a in t.analyses:
            ref(f"trials.toml ({t.id}/{a.id})", a.reference)
        for rg in t.regimens:
            if rg not in cat.regimens:
                problems.append(f"trials.toml ({t.id}): regimen {rg!r} is not in regimens.toml")
    for s in cat.statements.values():
        ref(f"guidelines.toml ({s.id})", s.reference)
    for reg in cat.regimens.values():
        where = f"regimens.toml ({reg.id})"
        for rid in reg.references:
            ref(where, rid)
        for tid in reg.trials:
            if tid not in cat.trials:
                problems.append(f"{where}: trial {tid!r} is not in trials.toml")
        for sig in reg.signatures:
            for aid in sig:
                agent(where, aid)
        for aid in reg.key_agents:
            agent(where, aid)
        for c in reg.components:
            agent(where, c.agent)
            ref(f"{where} component {c.agent}", c.reference)
        if not reg.references and not reg.trials:
            problems.append(f"{where}: a regimen needs at least one reference or trial")
    for tx in cat.toxicity:
        agent(f"monitoring.toml ({tx.id})", tx.agent)
        ref(f"monitoring.toml ({tx.id})", tx.reference)
    if problems:
        raise DataError("\n".join(problems))


def _aliases(
    agents: Mapping[str, Agent], combos: Mapping[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}

    def add(name: str, ids: tuple[str, ...]) -> None:
        key = _norm(name)
        if key in table and table[key] != ids:
            raise DataError(f"agents.toml: name {name!r} is ambiguous ({table[key]} vs {ids})")
        table[key] = ids

    for a in agents.values():
        add(a.id, (a.id,))
        add(a.name, (a.id,))
        for syn in a.synonyms:
            add(syn, (a.id,))
    for name, ids in combos.items():
        add(name, ids)
    return table


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """Load and validate every data file; the result is cached and immutable.

    Raises:
        DataError: a file breaks its grammar or a cross-reference does not resolve.

    Examples:
        >>> cat = load_catalogue()
        >>> cat.regimen("trastuzumab-deruxtecan").components[0].dose
        5.4
    """
    from ._decisions import load_decisions  # the decision tables check IDs against the rest

    agents, combos = _load_agents()
    references = _load_references()
    statements = _load_statements()
    regimens = _load_regimens()
    cat = Catalogue(
        agents=agents,
        combinations=combos,
        references=references,
        trials=_load_trials(),
        statements=statements,
        regimens=regimens,
        toxicity=_load_toxicity(),
        aliases=_aliases(agents, combos),
        decisions=load_decisions(regimens, statements, references),
    )
    _cross_check(cat)
    return cat


def normalise_name(name: str) -> str:
    """The key used to match agent names: case-folded, without spaces, hyphens or dots."""
    return _norm(name)
