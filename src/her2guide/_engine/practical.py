"""Practical rules: label drug interactions and organ-function adjustments on the options.

These rules exclude nothing; a regimen whose label advises against one of its agents for
this organ function (not recommended, contraindicated) is at most 'other'. They add each label statement that applies
to an offered regimen as a note on that option (what the label says, with its source), raise
one alert (``drug-interaction`` or ``organ-function``) that points to those notes, and say in
the trace what was checked and which names her2guide did not recognise. The data is
``data/interactions.toml`` and ``data/organ_function.toml`` (see :mod:`her2guide._practical`).
"""

from __future__ import annotations

from .._practical import (
    WITHHELD,
    interactions_for,
    load_practical,
    match_medicines,
    organ_adjustments,
)
from .core import State, rule

__all__ = ["interactions", "organ_hepatic", "organ_renal"]


def _regimen_agents(st: State, rid: str) -> tuple[str, ...]:
    return tuple(c.agent for c in st.cat.regimens[rid].components)


def _short(st: State, ref: str) -> str:
    return st.cat.references[ref].short


@rule(
    "INTERACTION-CONCOMITANT",
    "Concomitant medicines: each label interaction with an offered regimen is noted on it",
    "tukysa-us-pi-interactions",
    "nerlynx-us-mpr",
    "tykerb-skyscape",
    "xeloda-us-pi-interactions",
    "kadcyla-eu-smpc-cz",
)
def interactions(st: State) -> str | None:
    names = st.s.concomitant_medications
    if not names:
        return None
    p = load_practical(st.cat)
    known, unknown = match_medicines(names, p)
    found: list[str] = []
    for rid in st.cands:
        for it, med in interactions_for(_regimen_agents(st, rid), [m for _, m in known], p):
            agent = st.cat.agents[it.agent].name
            classes = ", ".join(p.classes[c] for c in it.classes if c in med.classes)
            st.note(
                rid,
                f"Interaction ({it.jurisdiction} label, {it.label_section}): {agent} with "
                f"{med.name} ({classes}): {it.action} [{_short(st, it.reference)}]",
            )
            found.append(f"{agent} + {med.name}")
    parts = []
    said = []
    if found:
        said.append(
            "label interactions with the options (see each option's notes): "
            + "; ".join(dict.fromkeys(found))
        )
    elif known:
        said.append(
            "no label interaction recorded here between the options and "
            + ", ".join(m.name for _, m in known)
        )
    if unknown:
        said.append("not in her2guide's interaction data, so not checked: " + ", ".join(unknown))
    # Silence must not read as safety: the data leaves out what could not be verified.
    said.append(
        "what is not recorded here is not shown to be safe — the interaction data leaves out "
        "what could not be verified from a label (listed on the dosing page); check each label"
    )
    st.alert("drug-interaction", "Concomitant medicines — " + "; ".join(said) + ".")
    if found:
        parts.append("label interactions noted on the options: " + "; ".join(dict.fromkeys(found)))
    elif known:
        parts.append(
            "no label interaction recorded between the offered regimens and "
            + ", ".join(m.name for _, m in known)
        )
    if unknown:
        parts.append("not in her2guide's interaction data, so not checked: " + ", ".join(unknown))
    return "; ".join(parts)


def _organ(st: State, child_pugh: str | None, crcl: float | None, what: str) -> str | None:
    p = load_practical(st.cat)
    found: list[str] = []
    for rid in list(st.cands):
        for agent in _regimen_agents(st, rid):
            for adj in organ_adjustments(agent, child_pugh, crcl, p, regimen=rid):
                if adj.action in WITHHELD:
                    # a label that advises against the agent: not a regimen to prefer or to
                    # offer as a routine alternative
                    st.cap(
                        rid,
                        "other",
                        f"{what}: {adj.text} ({adj.jurisdiction} label) "
                        f"[{_short(st, adj.reference)}]",
                    )
                st.note(
                    rid,
                    f"{what} ({adj.jurisdiction} label, {adj.label_section}): {adj.text} "
                    f"[{_short(st, adj.reference)}]",
                )
                found.append(f"{st.cat.agents[agent].name} ({adj.jurisdiction}: {adj.action})")
    if not found:
        return "no label adjustment recorded for the offered regimens"
    st.alert(
        "organ-function",
        f"{what}: label statements for the options (see each option's notes): "
        + "; ".join(dict.fromkeys(found))
        + ".",
    )
    return "noted on the options: " + "; ".join(dict.fromkeys(found))


@rule(
    "ORGAN-HEPATIC",
    "Hepatic impairment (Child-Pugh class): each label adjustment for an offered regimen is noted on it",
    "tukysa-us-hcp-dosing",
    "nerlynx-us-mpr",
    "nerlynx-eu-hcp",
    "tykerb-us-label-text",
)
def organ_hepatic(st: State) -> str | None:
    cp = st.s.hepatic_impairment
    if cp is None or cp == "none":
        return None
    if cp == "unknown":
        p = load_practical(st.cat)
        offered = {a for rid in st.cands for a in _regimen_agents(st, rid)}
        named = sorted(
            {
                st.cat.agents[adj.agent].name
                for adj in p.adjustments
                if adj.agent in offered and adj.measure == "child-pugh"
                if adj.action != "no-adjustment"
            }
        )
        if not named:
            return "Child-Pugh class unknown: no label adjustment recorded for the offered regimens"
        st.alert(
            "missing-information",
            "Child-Pugh class is unknown: the labels of "
            + ", ".join(named)
            + " change the starting dose or restrict use by Child-Pugh class.",
        )
        return (
            "Child-Pugh class unknown: the labels of "
            + ", ".join(named)
            + " change the starting dose or restrict use by Child-Pugh class"
        )
    return f"Child-Pugh {cp}: " + (_organ(st, cp, None, "Hepatic impairment") or "")


@rule(
    "ORGAN-RENAL",
    "Creatinine clearance: each label statement on renal function for an offered regimen is noted on it",
    "tucatinib-drugs-monograph",
    "nerlynx-eu-hcp",
    "xeloda-us-highlights",
    "enhertu-us-isi",
)
def organ_renal(st: State) -> str | None:
    crcl = st.s.creatinine_clearance_ml_min
    if crcl is None:
        return None
    return f"CrCl {crcl:g} mL/min: " + (_organ(st, None, crcl, "Renal function") or "")
