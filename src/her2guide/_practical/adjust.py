"""Practical-dosing lookups: which label interactions and organ-function statements apply,
and the doses as the labels give them for this organ function. Pure functions of the
:class:`~her2guide._practical.load.Practical` data they are given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Final

from .._catalogue import normalise_name
from .._recommendation import ORGAN_START, DoseAmount, RegimenDoses
from .load import Adjustment, Interaction, Medicine, Practical

__all__ = ["WITHHELD", "adjust_doses", "interactions_for", "match_medicines", "organ_adjustments"]


def match_medicines(
    names: Sequence[str], practical: Practical
) -> tuple[tuple[tuple[str, Medicine], ...], tuple[str, ...]]:
    """Split free-text medicine names into recognised ``(name, Medicine)`` pairs and unknown names.

    Examples:
        >>> from her2guide import load_catalogue
        >>> from her2guide._practical import load_practical
    >>> from her2guide._practical import load_practical
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
        >>> from her2guide._practical import load_practical
    >>> from her2guide._practical import load_practical
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
        >>> from her2guide._practical import load_practical
    >>> from her2guide._practical import load_practical
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
        >>> from her2guide._practical import load_practical
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
