"""Safety: pregnancy, interstitial lung disease (each label applied to its own drug),
heart function (cut-offs read from data) and performance status."""

from __future__ import annotations

from typing import Final

from .core import ET_ALONE, TDM1, TDXD, TDXD_REGIMENS, State, rule

#: HER2-directed agents whose US labels carry a boxed embryo-fetal toxicity warning, as the
#: fact sheet (3.7) verifies: trastuzumab, T-DM1, T-DXd, margetuximab (pertuzumab's box is
#: verified only for Phesgo, so Perjeta is not named); the TKIs' labels warn without a box
#: (tucatinib, neratinib) or carry a pregnancy warning (lapatinib)
_BOXED_EMBRYO_FETAL: Final = frozenset(
    {"trastuzumab", "trastuzumab-emtansine", "trastuzumab-deruxtecan", "margetuximab"}
)


def _pregnancy_reason(agents: frozenset[str], her2: bool) -> str:
    if not her2:
        return "endocrine therapy is contraindicated in pregnancy (Shachar 2017)"
    boxed = sorted(agents & _BOXED_EMBRYO_FETAL)
    tkis = sorted(agents & {"tucatinib", "neratinib", "lapatinib"})
    parts = []
    if boxed:
        parts.append(f"boxed embryo-fetal toxicity warning in the label of {', '.join(boxed)}")
    if tkis:
        parts.append(
            f"embryo-fetal toxicity or pregnancy warning, not boxed, for {', '.join(tkis)}"
        )
    return "HER2-directed therapy is contraindicated in pregnancy (Shachar 2017); " + "; ".join(
        parts or ["embryo-fetal toxicity"]
    )


@rule(
    "SAFETY-PREGNANCY",
    "Pregnancy: no HER2-directed therapy; multidisciplinary care",
    "shachar-2017",
    "enhertu-us-label",
    "herceptin-us-label",
    "perjeta-us-label",
    "kadcyla-us-label",
)
def pregnancy(st: State) -> str | None:
    if not st.s.pregnant:
        return None
    for reg in st.cat.regimens.values():
        st.exclude(
            reg.id,
            _pregnancy_reason(frozenset(c.agent for c in reg.components), reg.her2_directed),
        )
    st.alert(
        "no-her2-therapy-in-pregnancy",
        "Pregnant: no HER2-directed or endocrine therapy. Refer to a multidisciplinary team with "
        "obstetric input; anthracycline-based chemotherapy can be started only in the second and "
        "third trimesters (Shachar 2017). Revisit this plan after delivery.",
    )
    st.alert(
        "no-standard-option",
        "No regimen in her2guide can be given during pregnancy: the plan is made by a "
        "multidisciplinary team with obstetric input (Shachar 2017).",
    )
    st.stop = True
    return "Pregnancy: every regimen in her2guide set aside; no preferred option."


# --------------------------------------------------------------------------- lung


def _caused_by(st: State, agent: str) -> bool:
    """Whether the drug-induced ILD is read as caused by ``agent``.

    With ``ild_agent`` missing, every ADC in the history is read as a possible cause
    (the cautious reading).
    """
    if st.s.ild_history not in ("drug_grade1", "drug_grade2_plus"):
        return False
    if st.s.ild_agent is not None:
        return st.s.ild_agent == agent
    return agent in st.h.exposed


@rule(
    "ILD-AGENT-UNKNOWN",
    "Drug-induced ILD without the causing agent: every ADC in the history is read as the cause",
    "enhertu-us-label",
    "kadcyla-us-label",
)
def ild_agent_unknown(st: State) -> str | None:
    if st.s.ild_history not in ("drug_grade1", "drug_grade2_plus") or st.s.ild_agent:
        return None
    adcs = [a for a in (TDXD, TDM1) if a in st.h.exposed]
    st.alert(
        "missing-information",
        "ild_agent is missing: give the agent that caused the drug-induced ILD/pneumonitis. "
        + (
            f"Until then every antibody-drug conjugate in the history ({', '.join(adcs)}) is read "
            "as its cause and its label's ILD rule is applied."
            if adcs
            else "No antibody-drug conjugate is in the history, so it is read as caused by another drug."
        ),
    )
    return f"ILD cause unknown; read as caused by: {', '.join(adcs) or 'another drug'}."


@rule(
    "ILD-DRUG-GRADE2",
    "Grade ≥2 ILD on T-DXd: T-DXd permanently discontinued; from another drug: caution",
    "enhertu-us-label",
    "nccn-breast",
)
def ild_grade2(st: State) -> str | None:
    if st.s.ild_history != "drug_grade2_plus":
        return None
    if _caused_by(st, TDXD):
        for rid in TDXD_REGIMENS:
            st.exclude(
                rid,
                "grade ≥2 ILD/pneumonitis on T-DXd: the T-DXd label requires permanent "
                "discontinuation; her2guide does not re-expose",
            )
        st.alert(
            "ild-caution",
            "Grade ≥2 ILD/pneumonitis on T-DXd: T-DXd is permanently discontinued (label). Involve "
            "respiratory medicine before any other antibody-drug conjugate.",
        )
        return "T-DXd regimens excluded after grade ≥2 ILD on T-DXd."
    for rid in TDXD_REGIMENS:
        st.cap(
            rid,
            "other",
            "History of grade ≥2 drug-induced ILD/pneumonitis from another drug: the T-DXd label's "
            "discontinuation rule does not apply, but there are no trial data (NCCN).",
        )
    st.alert(
        "ild-caution",
        "Grade ≥2 drug-induced ILD/pneumonitis from another drug: not a T-DXd label exclusion, but "
        "NCCN notes there are no data with an ILD history; T-DXd is not preferred. If it is used, "
        "monitor closely with respiratory input.",
        "enhertu-us-label",
        "nccn-breast",
    )
    return "T-DXd regimens at most 'other' (grade ≥2 ILD from another drug)."


@rule(
    "ILD-TDM1",
    "ILD/pneumonitis on T-DM1: T-DM1 permanently discontinued (Kadcyla label)",
    "kadcyla-us-label",
)
def ild_tdm1(st: State) -> str | None:
    if not _caused_by(st, TDM1):
        return None
    st.exclude(
        TDM1,
        "ILD/pneumonitis on T-DM1: the Kadcyla label requires permanent discontinuation",
    )
    st.alert(
        "ild-caution",
        "ILD/pneumonitis on T-DM1: T-DM1 is permanently discontinued (Kadcyla label). For T-DXd "
        "this is an ILD history from another drug: caution, not a label exclusion.",
    )
    return "T-DM1 excluded after ILD/pneumonitis on T-DM1."


@rule(
    "ILD-PREEXISTING",
    "Pre-existing ILD: T-DXd not preferred (no trial data; not a labelled contraindication)",
    "enhertu-us-label",
    "nccn-breast",
    "enhertu-ch-pi",
)
def ild_pre(st: State) -> str | None:
    if st.s.ild_history != "preexisting":
        return None
    for rid in TDXD_REGIMENS:
        st.cap(
            rid,
            "other",
            "Pre-existing ILD: no trial data (patients with steroid-requiring or current ILD were "
            "not enrolled); the label lists no contraindication, so this is caution, not "
            "prohibition.",
        )
    st.alert(
        "ild-caution",
        "Pre-existing ILD: T-DXd is not a labelled contraindication (the US label lists none), but "
        "T-DXd trials excluded patients with steroid-requiring or current ILD and NCCN notes there "
        "are no data. her2guide does not prefer T-DXd here; if it is used, monitor closely.",
    )
    return "T-DXd regimens moved to 'other' because of pre-existing ILD."


@rule(
    "ILD-DRUG-GRADE1",
    "Grade 1 drug-induced ILD: T-DXd not preferred; on T-DXd it may resume only after resolution",
    "enhertu-us-label",
    "nccn-breast",
)
def ild_grade1(st: State) -> str | None:
    if st.s.ild_history != "drug_grade1":
        return None
    on_tdxd = _caused_by(st, TDXD)
    stopped_for_ild = on_tdxd and any(
        TDXD in ex.toxicity_agents for ex in st.h.lines if ex.outcome == "toxicity"
    )
    resumed = []
    for rid in TDXD_REGIMENS:
        if rid not in st.cands:
            continue
        if stopped_for_ild and st.uncap(
            rid,
            "PRIOR-TOXICITY",
            "Lifted by ILD-DRUG-GRADE1: the T-DXd label lets treatment resume after grade 1 ILD has "
            "resolved to grade 0, so the toxicity stop itself does not rule it out.",
        ):
            resumed.append(rid)
        st.cap(
            rid,
            "alternative",
            "Grade 1 ILD/pneumonitis before: not preferred (NCCN: no trial data with an ILD history)."
            + (
                " On T-DXd: resume only after resolution to grade 0; same dose if resolved within "
                "28 days of onset, otherwise one level lower (label)."
                if on_tdxd
                else " It was caused by another drug, so the T-DXd label's ILD rules do not apply."
            ),
        )
    if on_tdxd:
        st.alert(
            "ild-caution",
            "Prior grade 1 ILD on T-DXd: under the label, T-DXd resumes only after resolution to "
            "grade 0 (same dose if resolved within 28 days, else one level lower); a recurrence at "
            "grade ≥2 means permanent discontinuation. her2guide does not prefer it.",
        )
    else:
        st.alert(
            "ild-caution",
            "Prior grade 1 drug-induced ILD from another drug: not a T-DXd label exclusion, but NCCN "
            "notes there are no data with an ILD history; T-DXd is not preferred, and if used, "
            "monitor closely for ILD.",
            "enhertu-us-label",
            "nccn-breast",
        )
    where = "on T-DXd" if on_tdxd else "from another drug"
    tail = f"; may resume after resolution: {', '.join(resumed)}" if resumed else ""
    return f"Grade 1 ILD {where}: T-DXd regimens at most 'alternative'{tail}."


# --------------------------------------------------------------------------- heart


def _cut(st: State, effect: str) -> tuple[float, str, str, tuple[str, ...]] | None:
    for c in st.cat.decisions.lvef:
        if c.effect == effect:
            return c.below, c.alert, c.message, c.statements
    return None


def _lvef_text(v: float) -> str:
    return f"{v:g}"


@rule(
    "CARDIO-LVEF-BELOW-40",
    "LVEF below the labels' hold cut-off: no HER2-directed therapy started; cardio-oncology",
    "asco-2022",
    "enhertu-us-label",
    "kadcyla-us-label",
)
def lvef_hold(st: State) -> str | None:
    cut = _cut(st, "exclude-her2")
    lvef = st.s.lvef
    if cut is None or lvef is None or lvef >= cut[0]:
        return None
    below, code, message, _ = cut
    for reg in st.cat.regimens.values():
        if reg.her2_directed:
            st.exclude(
                reg.id,
                f"LVEF {_lvef_text(lvef)}% (<{below:g}%): not started here, as the labels hold "
                "HER2-directed therapy below this cut-off; cardio-oncology decides case by case "
                "(ASCO 2022 key point)",
            )
    restored = ""
    if st.s.hormone_receptor == "positive" and ET_ALONE not in st.excluded:
        st.add(
            ET_ALONE,
            "alternative",
            "ASCO 2022 rec. 8.0: endocrine therapy alone when comorbidities such as heart failure "
            "contraindicate HER2-targeted therapy.",
            ("asco-2022-8.0", "asco-2022-key-lvef"),
        )
        st.promote(
            ET_ALONE, "alternative", "Brought in by CARDIO-LVEF-BELOW-40 (ASCO 2022 rec. 8.0)."
        )
        restored = "; endocrine therapy alone offered (ASCO 2022 rec. 8.0)"
    st.alert(code, message.replace("{lvef}", _lvef_text(lvef)))
    return f"All HER2-directed regimens set aside (LVEF <{below:g}%){restored}."


@rule(
    "CARDIO-LVEF-BELOW-50",
    "LVEF below 50%: T-DXd not studied there (label); HER2-directed options not preferred, case by case",
    "enhertu-us-label",
    "asco-2022",
)
def lvef_not_studied(st: State) -> str | None:
    cut, hold = _cut(st, "cap-alternative"), _cut(st, "exclude-her2")
    lvef = st.s.lvef
    if cut is None or lvef is None or lvef >= cut[0]:
        return None
    if hold is not None and lvef < hold[0]:
        return None
    below, code, message, _ = cut
    # Only the Enhertu label's "not studied below 50%" is verified; every other HER2-directed
    # regimen is capped on the ASCO 2022 key point (case by case), and says so.
    value = _lvef_text(lvef)
    capped = [
        rid
        for rid in list(st.cands)
        if st.cat.regimens[rid].her2_directed
        and st.cap(
            rid,
            "alternative",
            f"LVEF {value}% (<{below:g}%): T-DXd has not been studied below 50% (Enhertu "
            "label); case by case."
            if rid in TDXD_REGIMENS
            else f"LVEF {value}% (<{below:g}%): significantly compromised LVEF is decided case by "
            "case (ASCO 2022 key point); no starting threshold for this regimen is recorded here.",
        )
    ]
    st.alert(code, message.replace("{lvef}", _lvef_text(lvef)))
    return f"LVEF below {below:g}%: HER2-directed options at most 'alternative' ({', '.join(capped) or 'none changed'})."


@rule(
    "CARDIO-LVEF-UNKNOWN",
    "LVEF not given: assess before HER2-directed therapy",
    "enhertu-us-label",
    "kadcyla-us-label",
    "herceptin-us-label",
)
def lvef_unknown(st: State) -> str | None:
    if st.s.lvef is not None:
        return None
    st.alert(
        "missing-information",
        "LVEF is not given: the labels require it before starting HER2-directed therapy.",
    )
    return "LVEF unknown."


# --------------------------------------------------------------------------- performance status


@rule(
    "PS-ECOG-2",
    "ECOG 2: outside the performance status the pivotal trials enrolled",
    "her2climb-nct02614794",
)
def ecog2(st: State) -> str | None:
    if st.s.ecog != 2:
        return None
    for rid in st.cands:
        st.note(
            rid,
            "ECOG 2: outside the trials' populations (HER2CLIMB, for one, stratified by ECOG 0 "
            "vs 1, registry NCT02614794); weigh fitness and toxicity.",
        )
    return "ECOG 2: outside the enrolled performance status (note on each option)."


@rule(
    "PS-ECOG-POOR",
    "ECOG 3–4: no trial evidence; nothing preferred; consider best supportive care",
    "her2climb-nct02614794",
)
def ecog_poor(st: State) -> str | None:
    if st.s.ecog is None or st.s.ecog < 3:
        return None
    capped = []
    for rid in list(st.cands):
        reg = st.cat.regimens[rid]
        chemo = "chemotherapy" in reg.partner or any(
            st.cat.agents[c.agent].kind == "chemotherapy" for c in reg.components
        )
        tier = "other" if chemo else "alternative"
        why = f"ECOG {st.s.ecog}: no trial evidence at this performance status" + (
            "; chemotherapy is the least suitable partner." if chemo else "."
        )
        if st.cap(rid, tier, why):
            capped.append(rid)
    if st.s.hormone_receptor == "positive":
        for rid in ("endocrine-alone", "endocrine-her2"):
            st.promote(
                rid,
                "alternative",
                f"ECOG {st.s.ecog}: endocrine-based therapy avoids chemotherapy (ASCO 2022 rec. 8.0 "
                "co-morbidities; rec. 6.0.2 selected cases).",
            )
    st.alert(
        "poor-performance-status",
        f"ECOG {st.s.ecog}: no trial behind these options enrolled patients this unwell (HER2CLIMB, "
        "for one, enrolled ECOG 0–1), so no option is preferred; consider best supportive care and "
        "discuss goals of care. Any systemic therapy is an individual decision.",
    )
    return f"ECOG {st.s.ecog}: nothing preferred; chemotherapy regimens at most 'other' ({len(capped)} changed)."
