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
#     patient: "HR-negative; pathological complete response after neoadjuvant docetaxel, carboplatin, trastuzumab and pertuzumab and a year of trastuzumab and pertuzumab; lung and bone metastases 4 months after the last dose; brain MRI clear; LVEF 58%."
# ---

# %% [markdown]
# # Early relapse: metastases within 6 months of adjuvant trastuzumab and pertuzumab
#
# A woman in her forties had stage III, HER2-positive, hormone-receptor-negative breast cancer.
# She received neoadjuvant docetaxel, carboplatin, trastuzumab and pertuzumab, reached a
# pathological complete response, and completed a year of trastuzumab and pertuzumab.
# Four months after the last dose she has new lung and bone metastases; a biopsy confirms
# HER2-positive disease.
# Brain MRI is clear and her LVEF is 58%.
#
# Relapse this soon means the disease grew through HER2-directed therapy, so every source
# treats her as if first-line therapy had already failed.

# %% [markdown]
# *Setup.* Small helpers that render her2guide's own data: every citation, trial figure and
# guideline grade shown below is read from the package, not typed into this notebook.
# (They live in `her2guide.notebook`; the setup cell is hidden on the website.)

# %% tags=["remove-input"]
from her2guide.notebook import Compare, figures, references, says_each, steps


# %% [markdown]
# ## The scenario

# %%
from her2guide import recommend

# Written out in full on purpose, like every notebook's patient (not shared with the others):
# each value is part of this story, and changing one notebook must not change another.
patient = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2026-10-20",
    "hormone_receptor": "negative",
    "early_treatment": {
        "agents": ["docetaxel", "carboplatin", "trastuzumab", "pertuzumab"],
        "her2_therapy_end": "2026-06-20",
        "residual_disease": False,
    },
    "metastatic_lines": [],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 58,
    "pregnant": False,
}
rec = recommend(patient)
rec

# %% [markdown]
# ## Why T-DXd, step by step
#
# 1. **Which line?** Four months is inside every window: ASCO's 12 months, and the 6 months
#    used by NCCN and by the T-DXd and T-DM1 labels (12 months for pertuzumab-containing therapy
#    in NCCN). The sources agree, so there is no `guidelines-differ` alert about the line.
# 2. **Which regimen?** Second-line recommendations apply, and ASCO names T-DXd.
# 3. **What else?** T-DM1 and the tucatinib regimen remain alternatives; THP is not offered,
#    because CLEOPATRA, the trial behind it, required a long disease-free interval.

# %%
says_each("asco-2022-5.0", "asco-2022-2.1", "label-tdxd-us-2l", "eligibility-cleopatra")

# %%
steps(rec)

# %% [markdown]
# The evidence for T-DXd over T-DM1 in this position comes from DESTINY-Breast03, which
# enrolled patients who progressed within 6 months of (neo)adjuvant therapy as well as after
# first-line treatment. Each row is one analysis with its own numbers:

# %%
figures("db03-primary", "db03-updated", "db03-long-term")

# %%
# ASCO 2022 rec. 5.0 and the 6-month label window: second line by every source.
assert rec.line == 2
assert set(rec.line_by_source.values()) == {2}
# ASCO 2022 rec. 2.1: T-DXd second line (strong recommendation, moderate-quality evidence).
assert rec.preferred == ("trastuzumab-deruxtecan",)
# NCCN: T-DM1 for patients who are not T-DXd candidates; tucatinib regimen "may be given".
assert rec.option("trastuzumab-emtansine").tier == "alternative"
assert rec.option("tucatinib-trastuzumab-capecitabine") is not None
# CLEOPATRA required a disease-free interval of at least 12 months: THP is not first choice here.
assert "trastuzumab-pertuzumab-taxane" not in rec.preferred

# %% [markdown]
# ## What would change the answer: the same patient relapsing 14 months later
#
# Moving the metastatic diagnosis 14 months after the last dose takes her past every window:
# first-line recommendations apply (ASCO 2022 rec. 5.1).

# %%
late = recommend({**patient, "as_of": "2027-09-01", "metastatic_diagnosis": "2027-08-20"})
Compare(**{"relapse at 4 months": rec, "relapse at 14 months": late})

# %%
# ASCO 2022 rec. 5.1: >12 months → first-line recommendations; rec. 1.1: THP first line.
assert late.line == 1
assert "trastuzumab-pertuzumab-taxane" in late.preferred
assert late.option("trastuzumab-emtansine") is None

# %% [markdown]
# The `guidelines-differ` alert in the late scenario is about **T-DXd + pertuzumab**: it is
# FDA-approved first line since December 2025 but postdates ASCO 2022 and is not approved in
# the EU in her2guide's sources. That is a difference between sources to discuss, not a
# question to ask before deciding.
#
# ## References

# %%
references()
