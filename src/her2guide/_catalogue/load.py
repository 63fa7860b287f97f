"""The catalogue loader: reads ``her2guide/data/*.toml`` into frozen, cross-checked records.

This is the only code that reads the catalogue's data files (through the strict reader of
:mod:`her2guide._catalogue.reader`). It fails loudly: every problem names the file, the
record, the field, the bad value and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from functools import lru_cache
from typing import Final

from .reader import DataError, _norm, _read, _Reader, _records, _unique
from .records import (
    AGENT_KINDS,
    PARTNER_KINDS,
    REFERENCE_KINDS,
    ROUTES,
    UNITS,
    Agent,
    Analysis,
    Catalogue,
    Component,
    Figure,
    Reference,
    Regimen,
    Statement,
    ToxicityRule,
    Trial,
)

__all__ = ["load_catalogue", "normalise_name"]


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
    from .._decisions import load_decisions  # the decision tables check IDs against the rest

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
