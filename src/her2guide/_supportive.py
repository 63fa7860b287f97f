"""Supportive care next to a regimen's doses: which sourced statements apply to its agents.

Read from ``data/supportive.toml``; every agent and statement ID is checked against the
catalogue, so a typo fails at load time. :func:`supportive_markdown` is what
``her2guide dose`` prints under the dose table, together with the regimen's own notes
(subcutaneous alternatives, partners).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ._catalogue import Catalogue
from ._catalogue.reader import _read as read_toml
from ._catalogue.reader import _Reader as Reader
from ._catalogue.reader import _records as records

__all__ = ["TOPICS", "SupportiveNote", "load_supportive", "supportive_markdown"]

#: Closed set of note topics and the heading each is printed under.
TOPICS: Final = {
    "antiemetic": "Emetic risk and antiemetic prophylaxis",
    "ild-monitoring": "Looking for ILD/pneumonitis",
    "diarrhoea": "Diarrhoea: prophylaxis and dose rules",
}


@dataclass(frozen=True, slots=True)
class SupportiveNote:
    """Statements (and label rules) on one supportive-care topic for the listed agents."""

    agents: tuple[str, ...]
    topic: str
    statements: tuple[str, ...]
    rules: tuple[str, ...] = ()


def _load(cat: Catalogue, file: str = "supportive.toml") -> tuple[SupportiveNote, ...]:
    out = []
    for i, raw in enumerate(records(read_toml(file), file, "note")):
        r = Reader(file, "note", raw, i)
        note = SupportiveNote(
            agents=r.strings("agents"),
            topic=r.choice("topic", tuple(TOPICS)),
            statements=r.strings("statements"),
            rules=r.strings("rules", required=False),
        )
        r.done()
        known_rules = {t.id for t in cat.toxicity}
        for aid in note.agents:
            if aid not in cat.agents:
                raise r.fail("agents", aid, "agent IDs defined in agents.toml")
        if not note.agents:
            raise r.fail("agents", [], "at least one agent ID")
        for sid in note.statements:
            if sid not in cat.statements:
                raise r.fail("statements", sid, "statement IDs defined in guidelines.toml")
        for rid in note.rules:
            if rid not in known_rules:
                raise r.fail("rules", rid, "rule IDs defined in monitoring.toml")
        if not note.statements and not note.rules:
            raise r.fail("statements", [], "at least one statement or rule ID")
        out.append(note)
    return tuple(out)


def load_supportive(cat: Catalogue) -> tuple[SupportiveNote, ...]:
    """The supportive-care notes, validated against ``cat``.

    Raises:
        DataError: an unknown field, topic, agent or statement ID.
    """
    return _load(cat)


def supportive_markdown(regimen_id: str, cat: Catalogue) -> str:
    """The regimen's notes and the supportive-care statements for its agents, as Markdown.

    Returns an empty string when there is nothing to add. Agents without a recorded
    statement (e.g. endocrine agents) get no supportive-care heading.

    >>> from her2guide import load_catalogue
    >>> "highly emetogenic" in supportive_markdown("trastuzumab-deruxtecan", load_catalogue())
    True
    >>> "Emetic risk" in supportive_markdown("endocrine-alone", load_catalogue())
    False
    """
    reg = cat.regimen(regimen_id)
    agents = [c.agent for c in reg.components]
    out: list[str] = []
    if reg.notes:
        out += ["**Notes**", "", *(f"- {n}" for n in reg.notes), ""]
    notes = load_supportive(cat)
    for topic, heading in TOPICS.items():
        lines = []
        for note in notes:
            if note.topic != topic:
                continue
            named = [cat.agents[a].name for a in agents if a in note.agents]
            if not named:
                continue
            who = ", ".join(dict.fromkeys(named))
            for sid in note.statements:
                s = cat.statements[sid]
                ref = cat.references[s.reference].short
                grade = f" ({s.grade})" if s.grade else ""
                lines.append(f"- {who} — {s.label}{grade}: {s.summary} [{ref}]")
            rules = {t.id: t for t in cat.toxicity}
            for rid in note.rules:
                t = rules[rid]
                ref = cat.references[t.reference].short
                lines.append(f"- {who} — {t.condition}: {t.action} [{ref}]")
        if lines:
            out += [f"**{heading}**", "", *lines, ""]
    return "\n".join(out).strip()
