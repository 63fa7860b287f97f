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
#     patient: "De novo, HR-negative; progression 20 months into first-line THP and maintenance trastuzumab and pertuzumab; no brain metastases; LVEF 59%."
# ---

# %% [markdown]
# # Progression after first-line THP
#
# A woman with de novo HER2-positive, hormone-receptor-negative metastatic breast cancer had
# docetaxel, trastuzumab and pertuzumab, then maintenance trastuzumab and pertuzumab.
# Twenty months later, new liver lesions show progression. No brain metastases; LVEF 59%.
#
# This is the classic second-line decision.

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
    "metastatic_diagnosis": "2025-03-01",
    "hormone_receptor": "negative",
    "metastatic_lines": [
        {"agents": ["docetaxel", "trastuzumab", "pertuzumab"], "stopped": "progression"},
    ],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 59,
    "pregnant": False,
}
rec = recommend(patient)
rec

# %% [markdown]
# ## Reasoning
#
# 1. One previous line for metastatic disease: this is line 2.
# 2. ASCO 2022 rec. 2.1 recommends T-DXd second line for patients who have not had it
#    (strong recommendation, moderate-quality evidence); NCCN lists it as preferred.
# 3. THP is set aside: the disease progressed on it.
# 4. T-DM1 and the tucatinib regimen are alternatives. For tucatinib the US label needs one
#    prior metastatic anti-HER2 regimen, the EU label two, hence the `guidelines-differ` alert.

# %%
says_each(
    "asco-2022-2.0",
    "asco-2022-2.1",
    "nccn-second-line",
    "label-tucatinib-us",
    "label-tucatinib-eu",
)

# %%
figures("db03-primary", "db03-updated", "db03-long-term", "emilia-primary")

# %%
steps(rec)

# %%
# ASCO 2022 rec. 2.0/2.1: second-line HER2-targeted therapy; T-DXd if not received.
assert rec.line == 2
assert rec.preferred == ("trastuzumab-deruxtecan",)
# Never repeat a regimen the disease progressed on.
assert rec.option("trastuzumab-pertuzumab-taxane") is None
# NCCN: T-DM1 if not a T-DXd candidate; tucatinib regimen may be given second line.
assert rec.option("trastuzumab-emtansine").tier == "alternative"
assert rec.option("tucatinib-trastuzumab-capecitabine").tier == "alternative"

# %% [markdown]
# ## What would change the answer: hormone-receptor-positive disease
#
# If her tumour were HR-positive, ASCO 2022 rec. 7.0 allows endocrine therapy to be added
# to HER2-targeted therapy at progression. It is a weak recommendation, so it appears as an
# extra, not as a replacement for T-DXd.

# %%
hr_pos = recommend({**patient, "hormone_receptor": "positive"})
Compare(**{"HR-negative": rec, "HR-positive": hr_pos})

# %%
assert hr_pos.preferred == ("trastuzumab-deruxtecan",)  # ASCO 2022 rec. 2.1 still applies
assert hr_pos.option("endocrine-her2").tier == "other"  # ASCO 2022 rec. 7.0 (weak)
assert hr_pos.option("endocrine-alone") is None  # not a second-line ASCO recommendation

# %% [markdown]
# ## References

# %%
references()
