# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
#   her2guide:
#     patient: "Two HR-negative patients relapsing 9 months after adjuvant HER2 therapy: Ana had trastuzumab without pertuzumab, Beatriz trastuzumab and pertuzumab; no brain metastases; normal LVEF."
# ---

# %% [markdown]
# # Relapse 6 to 12 months after adjuvant HER2 therapy: where the guidelines part
#
# Two women relapse with HER2-positive, hormone-receptor-negative metastatic breast cancer
# nine months after their last adjuvant HER2-directed dose.
# **Ana** received trastuzumab with chemotherapy, without pertuzumab.
# **Beatriz** received trastuzumab *and pertuzumab*.
# Neither has brain metastases; both have a normal LVEF.
#
# Nine months is inside ASCO's 12-month window but outside the 6-month window of the labels.
# NCCN uses 6 months, or 12 months after pertuzumab-containing therapy.
# So the line of therapy depends on which source you follow, and for NCCN on whether
# pertuzumab was given.

# %% [markdown]
# *Setup.* Small helpers that render her2guide's own data: every citation, trial figure and
# guideline grade shown below is read from the package, not typed into this notebook.
# (They live in `her2guide.notebook`; the setup cell is hidden on the website.)

# %% tags=["remove-input"]
from her2guide.notebook import Compare, Markdown, references, says_each, steps


# %% [markdown]
# ## The two scenarios

# %%
from her2guide import recommend

ana = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2026-10-15",
    "hormone_receptor": "negative",
    "early_treatment": {
        "agents": ["paclitaxel", "trastuzumab"],
        "her2_therapy_end": "2026-01-15",
        "residual_disease": False,
    },
    "metastatic_lines": [],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 62,
    "pregnant": False,
}
beatriz = {
    **ana,
    "early_treatment": {
        **ana["early_treatment"],
        "agents": ["docetaxel", "carboplatin", "trastuzumab", "pertuzumab"],
    },
}
rec_ana, rec_beatriz = recommend(ana), recommend(beatriz)
Compare(**{"Ana (trastuzumab only)": rec_ana, "Beatriz (trastuzumab + pertuzumab)": rec_beatriz})

# %% [markdown]
# ## What each source says
#
# her2guide never merges these positions. It reports line 2 (following ASCO), raises
# `guidelines-differ`, and shows the first-line options beside the second-line ones.

# %%
says_each(
    "asco-2022-5.0",
    "nccn-relapse-interval",
    "label-tdxd-us-2l",
    "eligibility-db09",
    "eligibility-cleopatra",
)

# %% [markdown]
# Read per source:
#
# | | ASCO 2022 | NCCN | FDA label |
# |---|---|---|---|
# | Ana, 9 months after trastuzumab only | second line | first line | first line |
# | Beatriz, 9 months after trastuzumab + pertuzumab | second line | second line | first line |
#
# A clinician following NCCN for Ana would look at first-line T-DXd + pertuzumab (she fits
# DESTINY-Breast09, which enrolled patients more than 6 months out), and would be wary of THP,
# whose trial required at least 12 months.
# A clinician following ASCO would give T-DXd.
# There is no trial that compares these choices in this interval: that is the evidence gap.

# %%
Markdown(f"**Ana's line, as her2guide states it:** {rec_ana.line_basis}.")

# %%
steps(rec_ana)

# %%
# ASCO 2022 rec. 5.0 (≤12 months → second line) vs NCCN (6 months; 12 with pertuzumab) vs labels (6 months).
assert rec_ana.line_by_source == {"ASCO 2022": 2, "NCCN": 1, "FDA label": 1}
assert rec_beatriz.line_by_source == {"ASCO 2022": 2, "NCCN": 2, "FDA label": 1}
for r in (rec_ana, rec_beatriz):
    assert "guidelines-differ" in r.alert_codes
    # ASCO reading → rec. 2.1 (T-DXd); 6-month reading → DESTINY-Breast09 eligibility (T-DXd + P).
    assert r.option("trastuzumab-deruxtecan") is not None
    assert r.option("trastuzumab-deruxtecan-pertuzumab") is not None
# CLEOPATRA required ≥12 months: THP must not be a preferred choice inside 12 months.
assert "trastuzumab-pertuzumab-taxane" not in rec_ana.preferred
assert "trastuzumab-pertuzumab-taxane" not in rec_beatriz.preferred

# %% [markdown]
# ## What would change the answer: relapse at 5 months, or at 13 months
#
# Outside the 6-to-12-month band the sources agree again and the alert about the line goes
# away.

# %%
at_5 = recommend({**ana, "metastatic_diagnosis": "2026-06-15"})
at_13 = recommend({**ana, "metastatic_diagnosis": "2027-02-20", "as_of": "2027-03-01"})
Compare(**{"Ana, relapse at 5 months": at_5, "Ana, relapse at 13 months": at_13})

# %%
assert at_5.line == 2  # inside every window
assert set(at_5.line_by_source.values()) == {2}
assert at_13.line == 1  # ASCO 2022 rec. 5.1
assert set(at_13.line_by_source.values()) == {1}

# %% [markdown]
# ## References

# %%
references()
