"""Caveats composed once the tiers are settled: brain metastases, evidence gaps, where the
sources differ, and the guarantee that an in-scope answer is never silently empty."""

from __future__ import annotations

from functools import lru_cache

from .._catalogue import Catalogue
from .core import TDM1, TDXD, TDXD_P, State, rule


@lru_cache(maxsize=64)
def _agents(cat: Catalogue, rid: str) -> frozenset[str]:
    reg = cat.regimens[rid]
    return frozenset(c.agent for c in reg.components) | frozenset().union(*reg.signatures)


# --------------------------------------------------------------------------- brain metastases


@rule("CNS-SYMPTOMATIC", "Symptomatic brain metastases: local therapy first", "asco-2022-brain")
def cns_symptomatic(st: State) -> str | None:
    if st.s.brain_metastases != "symptomatic":
        return None
    st.alert(
        "local-therapy-first",
        "Symptomatic brain metastases or mass effect: assess for surgery or radiotherapy first, "
        "with a multidisciplinary team (ASCO 2022 brain metastases recs 1.0 and 2.1). Systemic "
        "therapy then follows the usual algorithm (rec. 8.2).",
    )
    return (
        "Symptomatic brain metastases: local therapy first; systemic options listed for afterwards."
    )


@rule(
    "CNS-ACTIVE",
    "Active brain metastases: CNS-active options (tucatinib regimen, T-DXd)",
    "asco-2022-brain",
    "murthy-2020-her2climb",
    "harbeck-2024-db12",
    "nccn-breast",
)
def cns_active(st: State) -> str | None:
    if st.s.brain_metastases != "active":
        return None
    if st.line is None or st.line < 2:
        st.alert(
            "brain-metastases-active",
            "Active brain metastases at first line: discuss local therapy with a multidisciplinary "
            "team (ASCO 2022 brain metastases rec. 1.0). The tucatinib recommendation (rec. 7.1) "
            "needs progression on a prior HER2-directed therapy for metastatic disease.",
        )
        return (
            "Active brain metastases at first line: usual first-line options; local therapy review."
        )
    evidence = st.cat.decisions.cns
    for rid in list(st.cands):
        if not st.cat.regimens[rid].cns_active:
            continue
        ev, statements = evidence.get(rid, ("", ()))
        if st.promote(
            rid, "preferred", f"Active brain metastases: CNS-active regimen. {ev}".strip()
        ):
            sup = st.cands[rid].support
            sup.extend(s for s in statements if s not in sup)
    # Composed after the tiers are settled: name only what is preferred now.
    preferred = [r for r in st.preferred() if st.cat.regimens[r].cns_active]
    held = [
        r for r, c in st.cands.items() if st.cat.regimens[r].cns_active and c.tier != "preferred"
    ]
    msg = "Active brain metastases: " + (
        f"CNS-active systemic options are preferred ({', '.join(preferred)})"
        if preferred
        else "no CNS-active systemic option can be preferred here"
        + (f" ({', '.join(held)} offered with a caveat)" if held else "")
    )
    msg += (
        "; if the tucatinib regimen is used, local therapy may be deferred until intracranial "
        "progression (ASCO 2022 brain metastases rec. 7.1). Discuss local therapy with a "
        "multidisciplinary team."
    )
    st.alert("brain-metastases-active", msg)
    return f"CNS-active options preferred: {', '.join(preferred) or 'none'}."


@rule(
    "CNS-STATUS-UNKNOWN",
    "Brain metastases not assessed: say how CNS status would change the choice",
    "asco-2022-brain",
)
def cns_unknown(st: State) -> str | None:
    if st.s.brain_metastases != "unknown":
        return None
    st.alert(
        "cns-status-unknown",
        "Brain metastases status is unknown (not imaged). ASCO 2022 finds insufficient data for or "
        "against routine brain MRI surveillance (brain metastases rec. 10.1); image if there are "
        "symptoms. It would change the choice: symptomatic metastases → local therapy first; active "
        "metastases after a HER2-directed line for metastatic disease → CNS-active regimens (the "
        "tucatinib regimen, T-DXd) preferred (rec. 7.1; DESTINY-Breast12).",
    )
    return "CNS status unknown: answer given for no brain metastases, with what would change it."


# --------------------------------------------------------------------------- evidence gaps


@rule(
    "GAP-AFTER-TDXD",
    "After progression on T-DXd: no randomised evidence for what comes next",
    "belgian-2022",
    "murthy-2020-her2climb",
    "tolaney-2025-db09",
)
def gap_after_tdxd(st: State) -> str | None:
    if TDXD not in st.h.progressed_agents:
        return None
    first = st.h.lines[0].agents if st.h.lines else frozenset()
    msg = (
        "After progression on T-DXd no randomised trial defines the next regimen: HER2CLIMB "
        "required prior T-DM1, not T-DXd, and data for T-DM1 or the tucatinib regimen after T-DXd "
        "are lacking (Belgian guideline 2022)."
    )
    if TDXD in first and "pertuzumab" in first:
        msg = (
            "After first-line T-DXd + pertuzumab (DESTINY-Breast09) no trial has tested "
            "second-line options. " + msg
        )
    st.alert("evidence-gap", msg)
    return "Evidence gap after T-DXd progression."


@rule(
    "GAP-AFTER-ADJUVANT-TDXD",
    "Relapse after adjuvant T-DXd: no trial data for the next step",
    "db05-2025",
    "fda-tdxd-early-2026",
)
def gap_adjuvant(st: State) -> str | None:
    if TDXD not in st.h.early_agents:
        return None
    st.alert(
        "evidence-gap",
        "Relapse after adjuvant T-DXd (approved in the US in May 2026 for residual invasive disease "
        "after neoadjuvant HER2-targeted treatment): no trial has studied metastatic therapy after "
        "it, so her2guide does not invent a preference.",
    )
    return "Evidence gap after adjuvant T-DXd."


@rule(
    "GAP-TDM1-RECHALLENGE",
    "Early relapse after adjuvant T-DM1: T-DM1 would be a re-challenge",
    "katherine-2019",
)
def gap_tdm1(st: State) -> str | None:
    if TDM1 not in st.h.early_relapse_agents or TDM1 not in st.cands:
        return None
    st.alert(
        "evidence-gap",
        "Relapse inside a relapse window after adjuvant T-DM1: no trial supports T-DM1 "
        "re-challenge, so it is not preferred (offered at most with that caveat).",
    )
    return f"T-DM1 re-challenge after early relapse on adjuvant T-DM1: tier {st.cands[TDM1].tier}."


@rule(
    "GAP-TKI-AFTER-TKI",
    "After progression on a TKI or capecitabine regimen: no trial data for a second TKI or "
    "capecitabine again",
    "murthy-2020-her2climb",
    "saura-2020-nala",
)
def gap_tki(st: State) -> str | None:
    cat, prog = st.cat, st.h.progressed_agents
    tkis = {a for a in prog if cat.agents[a].kind == "her2-tki"}
    cape = "capecitabine" in prog
    if not tkis and not cape:
        return None
    hits = []
    for rid in st.cands:
        agents = _agents(cat, rid)
        other_tki = {a for a in agents if cat.agents[a].kind == "her2-tki"} - tkis
        if tkis and other_tki:
            st.note(rid, f"A TKI after progression on {', '.join(sorted(tkis))}: no trial data.")
            hits.append(rid)
        elif cape and "capecitabine" in agents:
            st.note(rid, "Capecitabine again after progression on capecitabine: no trial data.")
            hits.append(rid)
    if not hits:
        return None
    st.alert(
        "evidence-gap",
        "After progression on "
        + " and ".join(
            x
            for x in (", ".join(sorted(tkis)) if tkis else "", "capecitabine" if cape else "")
            if x
        )
        + f": no trial in her2guide's sources has tested {', '.join(hits)} in this setting "
        "(HER2CLIMB enrolled patients previously treated with trastuzumab, pertuzumab and T-DM1; "
        "NALA after two or more HER2-directed regimens); these are offered without a preference.",
    )
    return f"Evidence gap for a TKI after a TKI or capecitabine re-use: {', '.join(hits)}."


# --------------------------------------------------------------------------- sources differ


@rule(
    "DIFFER-LABEL-INDICATION",
    "Label indications counted from the history; outside every label: at most 'other'; US and EU may differ",
    "tukysa-us-label",
    "tukysa-eu-smpc",
    "margenza-us-label",
    "nerlynx-us-label",
)
def label_indication(st: State) -> str | None:
    h = st.h
    by = st.cat.decisions.indications_by_regimen
    regs = tuple(rid for rid in st.cands if rid in by)
    if not regs:
        return None
    notes, alerts, out, off_label = _indication_plan(
        st.cat, regs, h.prior_her2_any, h.prior_her2_metastatic
    )
    for rid, text in notes:
        st.note(rid, text)
    for rid, why in off_label:
        st.cap(rid, "other", why)
    for message, refs in alerts:
        st.alert("guidelines-differ", message, *refs)
    return "; ".join(out) + "." if out else None


@lru_cache(maxsize=4096)
def _indication_plan(
    cat: Catalogue, regs: tuple[str, ...], prior_any: int, prior_met: int
) -> tuple[
    tuple[tuple[str, str], ...],
    tuple[tuple[str, tuple[str, ...]], ...],
    tuple[str, ...],
    tuple[tuple[str, str], ...],
]:
    """Notes, alerts, findings and off-label caps for these regimens and prior-regimen counts
    (pure; memoised)."""
    by = cat.decisions.indications_by_regimen
    notes, alerts, out, off_label = [], [], [], []
    for rid in regs:
        met = {}
        for ind in by[rid]:
            ok = prior_any >= ind.prior_any and prior_met >= ind.prior_metastatic
            met[ind.jurisdiction] = ok
            if not ok:
                notes.append(
                    (
                        rid,
                        f"Outside the {ind.jurisdiction} label ({ind.text}); the patient has had "
                        f"{prior_any} anti-HER2 regimen(s), {prior_met} for metastatic disease.",
                    )
                )
                out.append(f"{rid} outside {ind.jurisdiction} label")
        if not any(met.values()):
            off_label.append(
                (
                    rid,
                    "Outside every label recorded for it ("
                    + "; ".join(f"{i.jurisdiction}: {i.text}" for i in by[rid])
                    + "): off-label use only.",
                )
            )
        if len(set(met.values())) > 1:
            texts = {i.jurisdiction: i.text for i in by[rid]}
            on = [j for j, m in met.items() if m]
            off = [j for j, m in met.items() if not m]
            alerts.append(
                (
                    f"{cat.regimens[rid].name}: on-label in the {', '.join(on)} ("
                    + "; ".join(texts[j] for j in on)
                    + f"), not in the {', '.join(off)} ("
                    + "; ".join(texts[j] for j in off)
                    + ").",
                    tuple(cat.statements[i.statement].reference for i in by[rid]),
                )
            )
    return tuple(notes), tuple(alerts), tuple(out), tuple(off_label)


@rule(
    "DIFFER-FIRST-LINE-TDXD-PERTUZUMAB",
    "T-DXd + pertuzumab: FDA-approved first line; not in ASCO 2022; not approved in the EU",
    "fda-tdxd-pertuzumab-2025",
    "ema-tdxd-pertuzumab-validation-2026",
    "asco-2022",
    "tolaney-2025-db09",
)
def differ_db09(st: State) -> str | None:
    if TDXD_P not in st.cands:
        return None
    st.alert(
        "guidelines-differ",
        "T-DXd + pertuzumab first line: FDA-approved on 15 December 2025 (DESTINY-Breast09, PFS "
        "benefit; overall survival immature); ASCO 2022 predates it; not approved in the EU in "
        "her2guide's sources; the current NCCN position has not been verified here.",
    )
    return "First-line T-DXd + pertuzumab: sources differ on its status."


# --------------------------------------------------------------------------- never silently empty


@rule(
    "OPTIONS-NONE-LEFT",
    "No option left: say why and what to do (never an empty answer)",
    "asco-2022",
    "asco-2022-brain",
)
def none_left(st: State) -> str | None:
    if st.cands:
        return None
    rules = sorted({e.rule for e in st.excluded.values()})
    todo = [
        "a multidisciplinary team review",
        "a clinical trial where one is open",
        "supportive care",
    ]
    if st.s.lvef is not None and any(r.startswith("CARDIO-") for r in rules):
        todo.insert(0, "cardio-oncology review (treat the heart failure and re-measure LVEF)")
    st.alert(
        "no-standard-option",
        "No regimen in her2guide can be offered: every option was set aside ("
        + ", ".join(rules)
        + "; see `excluded`). Consider "
        + ", ".join(todo)
        + ". Chemotherapy without HER2-directed agents is outside her2guide's catalogue.",
    )
    return "No option left: no-standard-option raised."
