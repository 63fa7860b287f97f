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
#     patient: "De novo metastatic (liver), HR-negative, no previous cancer treatment; brain MRI clear; LVEF 64%."
# ---

# %% [markdown]
# # De novo metastatic disease
#
# A woman of 38 presents with a breast mass and liver metastases at the same time.
# Biopsy: HER2-positive (IHC 3+), estrogen- and progesterone-receptor-negative.
# She has had no previous cancer treatment. Brain MRI is clear; LVEF 64%.
#
# With no prior HER2-directed therapy this is first line by definition.

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
    "metastatic_diagnosis": "2026-11-10",
    "hormone_receptor": "negative",
    "metastatic_lines": [],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 64,
    "pregnant": False,
}
rec = recommend(patient)
rec

# %% [markdown]
# ## Reasoning
#
# 1. No (neo)adjuvant HER2 therapy: line 1, no interval to argue about.
# 2. ASCO 2022 recommends a HER2-targeted combination first line, namely THP.
# 3. Since December 2025 the US label adds T-DXd + pertuzumab; its trial reported a
#    progression-free survival benefit with overall survival still immature.
# 4. In the THP regimen, chemotherapy usually stops after several months and trastuzumab and
#    pertuzumab continue until progression (ASCO 2022 rec. 4.0).

# %%
says_each("asco-2022-1.0", "asco-2022-1.1", "asco-2022-4.0", "label-tdxd-us-1l")

# %%
figures("cleopatra-primary", "cleopatra-final-os", "db09-interim")

# %%
steps(rec)

# %%
# ASCO 2022 rec. 1.0/1.1: HER2-targeted combination first line; THP.
assert rec.line == 1
assert "trastuzumab-pertuzumab-taxane" in rec.preferred
# FDA label, 15 December 2025: T-DXd + pertuzumab first line.
assert "trastuzumab-deruxtecan-pertuzumab" in rec.preferred
# HR-negative: no endocrine options (ASCO 2022 recs 6.0–8.0 apply to HR-positive disease only).
assert rec.option("endocrine-her2") is None
assert rec.option("endocrine-alone") is None
# Second-line drugs are not first-line options.
assert rec.option("trastuzumab-emtansine") is None

# %% [markdown]
# ## What would change the answer: receptor status not yet known
#
# If the hormone-receptor result is still pending, her2guide raises `missing-information`:
# **ask this before deciding**, because for HR-positive disease endocrine-based options
# (ASCO 2022 recs 6.0–8.0) come into play.

# %%
pending = recommend({**patient, "hormone_receptor": "unknown"})
hr_positive = recommend({**patient, "hormone_receptor": "positive"})
Compare(**{"HR-negative": rec, "HR status pending": pending, "HR-positive": hr_positive})

# %%
assert "missing-information" in pending.alert_codes
# ASCO 2022 rec. 6.0.2/6.0.3: endocrine-based options only in selected HR-positive cases,
# so they appear for HR-positive disease but are not preferred.
assert hr_positive.option("endocrine-her2") is not None
assert "endocrine-her2" not in hr_positive.preferred

# %% [markdown]
# ## References

# %%
references()
