"""What the patient already received: progression, early relapse, prior exposure,
toxicity stops, trial populations and approval dates."""

from __future__ import annotations

from functools import lru_cache

from .._catalogue import Catalogue
from .core import TDXD, TDXD_REGIMENS, State, rule


@rule(
    "HIST-RESIDUAL-DISEASE",
    "Residual disease after neoadjuvant therapy: was adjuvant T-DM1 or T-DXd given?",
    "katherine-2019",
    "geyer-2025-katherine",
    "db05-2025",
    "fda-tdxd-early-2026",
)
def residual(st: State) -> str | None:
    early = st.s.early_treatment
    if early is None or not early.residual_disease:
        return None
    agents = st.h.early_agents
    if "trastuzumab-emtansine" in agents:
        msg = (
            "Residual invasive disease treated with adjuvant T-DM1 (KATHERINE): count it as prior "
            "T-DM1 exposure when choosing metastatic therapy."
        )
    elif TDXD in agents:
        msg = (
            "Residual invasive disease treated with adjuvant T-DXd (DESTINY-Breast05): count it as "
            "prior T-DXd exposure; no trial has studied metastatic therapy after it."
        )
    else:
        msg = st.cat.decisions.messages["residual-no-adjuvant-adc"]
    st.alert("residual-disease-history", msg)
    return msg


@rule(
    "NO-REPEAT-PROGRESSED",
    "Never re-offer a regimen, or a key agent, the disease progressed on",
    "asco-2022",
)
def no_repeat(st: State) -> str | None:
    h = st.h
    if not h.progressed_agents:
        return None
    excl, capped = _progressed_plan(st.cat, h.progressed_agents, h.progressed_regimens)
    for rid in capped:
        # endocrine therapy alone: another endocrine agent may follow
        st.cap(
            rid,
            "other",
            "Endocrine therapy alone was given before and the disease progressed: use an "
            "endocrine agent it has not progressed on.",
        )
    last = h.last
    current = last.agents if last is not None and last.outcome == "ongoing" else frozenset()
    for rid, reason in excl:
        key = st.cat.regimens[rid].key_agents
        if last is not None and current and rid in last.regimens:
            reason = (
                "this is the ongoing line: continue it until progression or unacceptable toxicity "
                "(ASCO 2022 rec. 4.0); once it stops for progression it is not offered again"
            )
        elif last is not None and current and key and key <= current:
            reason = (
                f"the ongoing line contains {', '.join(sorted(key))}: read as stopping for "
                "progression, so a regimen built on it is not offered next"
            )
        st.exclude(rid, reason)
    if not excl:
        return None
    ongoing = h.last is not None and h.last.outcome == "ongoing"
    tail = " (the ongoing line is read as stopping for progression)" if ongoing else ""
    return f"Set aside after progression: {', '.join(r for r, _ in excl)}{tail}."


@lru_cache(maxsize=4096)
def _progressed_plan(
    cat: Catalogue, agents: frozenset[str], regimens: frozenset[str]
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """What progression on these agents/regimens sets aside (pure; memoised per history)."""
    excl, capped = [], []
    for reg in cat.regimens.values():
        key = reg.key_agents & agents
        if reg.id not in regimens and not key:
            continue
        if reg.signatures == (frozenset(),):
            capped.append(reg.id)
            continue
        what = ", ".join(sorted(key)) if key else "this regimen"
        excl.append((reg.id, f"the disease progressed on {what}"))
    return tuple(excl), tuple(capped)


@rule(
    "NO-REPEAT-EARLY-RELAPSE",
    "A regimen the disease relapsed early after is never preferred again (re-challenge)",
    "asco-2022",
    "nccn-breast",
)
def no_repeat_early(st: State) -> str | None:
    agents = st.h.early_relapse_agents
    r = st.h.relapse
    if not agents or r is None:
        return None
    tier = "other" if r.within_all else "alternative"
    # What the first-line trials enrolled (trials.toml / fact sheet): CLEOPATRA a disease-free
    # interval of at least 12 months, DESTINY-Breast09 more than 6 months.
    evidence = (
        "no first-line trial enrolled patients relapsing this soon (CLEOPATRA: disease-free "
        "interval of at least 12 months; DESTINY-Breast09: more than 6 months)"
        if r.within_all
        else "trial data are limited (DESTINY-Breast09 enrolled disease-free intervals over 6 "
        "months; CLEOPATRA required at least 12)"
    )
    hits = []
    for rid in list(st.cands):
        key = st.cat.regimens[rid].key_agents & agents
        if key and st.cap(
            rid,
            tier,
            f"Recurrence came inside a relapse window after (neo)adjuvant {', '.join(sorted(key))}: "
            f"this would be a re-challenge, and {evidence}.",
        ):
            hits.append(rid)
    return (
        f"Re-challenge after early relapse, at most '{tier}': {', '.join(hits)}." if hits else None
    )


@rule("PRIOR-TDXD", "T-DXd already received: ASCO 2.1 no longer applies", "asco-2022", "db05-2025")
def prior_tdxd(st: State) -> str | None:
    h = st.h
    received = TDXD in h.early_agents or any(
        TDXD in ex.agents and ex.outcome != "toxicity" for ex in h.lines
    )
    if not received:
        return None
    changed = [
        r
        for r in TDXD_REGIMENS
        if st.cap(
            r,
            "other",
            "T-DXd was received before; ASCO rec. 2.1 applies to patients who have not "
            "received it, and no trial has studied re-treatment.",
        )
    ]
    return f"T-DXd received before: {', '.join(changed) or 'no T-DXd option left'}."


@rule(
    "PRIOR-TOXICITY",
    "A line stopped for toxicity is not progression: the agent that caused it is not first "
    "choice; the rest of the regimen may continue",
    "asco-2022",
    "nccn-breast",
)
def prior_toxicity(st: State) -> str | None:
    h = st.h
    if not h.toxicity_agents:
        return None
    for i in h.unattributed_toxicity_lines:
        st.alert(
            "missing-information",
            f"metastatic_lines[{i - 1}] stopped for toxicity without toxicity_agents: every agent "
            "of that line is treated as the cause. Say which agent caused it (toxicity_agents).",
        )
    demoted = []
    for rid in list(st.cands):
        key = _her2_agents(st.cat, rid) & h.toxicity_agents
        if key:
            if st.cap(
                rid,
                "other",
                f"{', '.join(sorted(key))} was stopped for toxicity; re-treat only after "
                "reviewing the reason.",
            ):
                demoted.append(rid)
            continue
    kept = []
    for ex in h.lines:
        if ex.outcome != "toxicity":
            continue
        # ex.regimens is a frozenset: sorted, so the answer never depends on the hash seed.
        for rid in sorted(ex.regimens):
            reg = st.cat.regimens[rid]
            if rid not in st.cands or _her2_agents(st.cat, rid) & ex.toxicity_agents:
                continue
            partners = ", ".join(sorted(ex.toxicity_agents))
            st.cands[rid].why.append(
                f"Stopped for toxicity of {partners}, not progression: the HER2-directed agents "
                "continue (ASCO 2022 rec. 4.0: no further change in the regimen is needed until "
                f"progression or unacceptable toxicity; NCCN: HER2-directed maintenance). Replace "
                f"{partners} with another partner agent, or continue the HER2-directed agents alone."
            )
            support = st.cands[rid].support
            support.extend(s for s in ("asco-2022-4.0", "nccn-maintenance") if s not in support)
            kept.append(rid)
            partner_kinds = {st.cat.agents[a].kind for a in ex.toxicity_agents}
            if ex is h.last and partner_kinds <= reg.partner:
                # The line under way continues: it is the preferred option, the others are not.
                st.add(rid, "preferred", "The current line continues (ASCO 2022 rec. 4.0).")
                for other in st.preferred():
                    if other != rid and other not in ex.regimens:
                        st.cap(
                            other,
                            "alternative",
                            "A line is under way and has not progressed: continuing it comes first "
                            "(ASCO 2022 rec. 4.0).",
                        )
    parts = []
    if demoted:
        parts.append(f"not first choice after a toxicity stop: {', '.join(demoted)}")
    if kept:
        parts.append(f"may continue with another partner: {', '.join(kept)}")
    return "; ".join(parts).capitalize() + "." if parts else None


@lru_cache(maxsize=64)
def _her2_agents(cat: Catalogue, rid: str) -> frozenset[str]:
    """Every HER2-directed agent of a regimen (with its key agents). A toxicity belongs to the
    agent that caused it wherever it is given — unlike progression, where only the key agents
    count (trastuzumab continues beyond progression) — while a chemotherapy partner's toxicity
    is handled by changing the partner."""
    reg = cat.regimens[rid]
    return reg.key_agents | {c.agent for c in reg.components if cat.agents[c.agent].her2_directed}


def _cap_applies(st: State, when: str) -> bool:
    h = st.h
    if when == "relapse-within-12-months":
        return h.relapse is not None and h.relapse.within_12
    if when == "prior-metastatic-chemo-or-her2":
        return any(ex.kind in ("her2", "chemotherapy") for ex in h.lines)
    return h.endocrine_only_lines > 1  # prior-endocrine-lines-over-1


@rule(
    "TRIAL-POPULATION",
    "Outside the population of the trial behind an option: not preferred",
    "cleopatra-eligibility",
    "db09-asco-2025-lba1008",
)
def trial_population(st: State) -> str | None:
    hits, reasons = [], []
    for cap in st.cat.decisions.caps:
        if cap.regimen in st.cands and _cap_applies(st, cap.when):
            if st.cap(cap.regimen, cap.tier, cap.reason):
                hits.append(cap.regimen)
                reasons.append(cap.reason)
            sup = st.cands[cap.regimen].support
            sup.extend(s for s in cap.statements if s not in sup)
    if not hits:
        return None
    st.alert(
        "evidence-gap",
        "Outside the trial population: "
        + " ".join(dict.fromkeys(reasons))
        + " No trial answers this patient's case, so these options are not preferred: "
        + ", ".join(hits)
        + ".",
    )
    return f"At most 'alternative' outside the trial population: {', '.join(hits)}."


@rule(
    "APPROVAL-AS-OF",
    "An option not yet approved on the scenario's date is not preferred",
    "fda-tdxd-pertuzumab-2025",
    "tdxd-approval-2022",
)
def approval(st: State) -> str | None:
    as_of, line = st.s.as_of, st.line or 1
    if as_of is None:
        return None
    hits, gone = [], []
    dec = st.cat.decisions
    table = min(line, 3)
    for rid in list(st.cands):
        if (rid, table) not in dec.us_approved_from:
            continue  # no approval recorded: not gated
        since = dec.us_approved_from[(rid, table)]
        if since is not None and since <= as_of:
            continue
        us = dec.us_approvals[rid]
        first = min(us, key=lambda a: a.effective)
        if first.effective > as_of:
            st.exclude(
                rid,
                f"not FDA-approved for any indication on {as_of.isoformat()} (first approval "
                f"{first.shown}: {first.indication})",
            )
            gone.append(rid)
            continue
        later = [a for a in us if a.effective > as_of and a.min_line <= line] or us
        st.cap(
            rid,
            "other",
            f"Not yet FDA-approved for line {line} on {as_of.isoformat()} "
            f"(approved {later[0].shown}: {later[0].indication})",
        )
        hits.append(rid)
    if gone:
        hits.append("not yet approved at all: " + ", ".join(gone))
    return f"Not yet approved on as_of: {', '.join(hits)}." if hits else None
