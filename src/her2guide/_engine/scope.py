"""Scope: only HER2-positive metastatic (or unresectable locally advanced) disease."""

from __future__ import annotations

from typing import Final

from .core import State, rule

_HER2_POINTERS: Final = {
    "low": "HER2-low (IHC 1+ or IHC 2+/ISH-negative) is a different pathway, outside her2guide: "
    "see the HER2-low/ultralow guidance (e.g. the FDA approval of T-DXd for HER2-low and "
    "HER2-ultralow disease, 27 January 2025).",
    "ultralow": "HER2-ultralow (IHC 0 with membrane staining) is a different pathway, outside "
    "her2guide: see the HER2-low/ultralow guidance (e.g. the FDA approval of T-DXd for "
    "HER2-low and HER2-ultralow disease, 27 January 2025).",
    "negative": "HER2-negative disease is treated by hormone-receptor status and other "
    "biomarkers; her2guide does not cover it.",
    "unknown": "HER2 status is unknown: establish it (IHC, and ISH when IHC is 2+), preferably "
    "on a biopsy of the metastatic disease, before choosing HER2-directed therapy.",
}


@rule(
    "SCOPE-HER2-STATUS",
    "Only HER2-positive (IHC 3+ or ISH-amplified) disease is in scope",
    "fda-tdxd-her2-low-2025",
)
def scope_her2(st: State) -> str | None:
    if st.s.her2 == "positive":
        return None
    st.in_scope, st.stop = False, True
    st.scope_reason = f"HER2 status is '{st.s.her2}'. {_HER2_POINTERS[st.s.her2]}"
    return st.scope_reason


@rule(
    "SCOPE-SETTING",
    "Only metastatic or unresectable locally advanced disease is in scope",
    "asco-2022",
)
def scope_setting(st: State) -> str | None:
    if st.s.setting == "metastatic":
        return None
    st.in_scope, st.stop = False, True
    st.scope_reason = (
        "Setting is 'early': (neo)adjuvant treatment of early breast cancer is outside her2guide, "
        "which covers metastatic or unresectable locally advanced disease only. See early-breast "
        "guidance (e.g. KATHERINE and DESTINY-Breast05 for residual invasive disease)."
    )
    return st.scope_reason
