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
#     patient: "ER-positive, frail, aged 74; bone-only, low-burden relapse eight years after adjuvant trastuzumab and endocrine therapy; no brain metastases; LVEF 60%."
# ---

# %% [markdown]
# # Hormone-receptor-positive disease with a low burden
#
# A woman of 74 has a bone-only relapse — two small, painless spine lesions — eight years
# after treatment for ER-positive, HER2-positive breast cancer (surgery, chemotherapy,
# a year of trastuzumab, then endocrine therapy). She is frail and wants to avoid
# chemotherapy if that is reasonable. No brain metastases; LVEF 60%.

# %% [markdown]
# *Setup.* Small helpers that render her2guide's own data: every citation, trial figure and
# guideline grade shown below is read from the package, not typed into this notebook.
# (They live in `her2guide.notebook`; the setup cell is hidden on the website.)

# %% tags=["remove-input"]
from her2guide.notebook import Compare, figures, references, says_each, steps


# %% [markdown]
# ## The scenario
#
# `low_disease_burden` records the clinician's judgement that this is low-volume, non-visceral
# disease.

# %%
from her2guide import recommend

# Written out in full on purpose, like every notebook's patient (not shared with the others):
# each value is part of this story, and changing one notebook must not change another.
patient = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2026-10-05",
    "hormone_receptor": "positive",
    "low_disease_burden": True,
    "early_treatment": {
        "agents": ["docetaxel", "cyclophosphamide", "trastuzumab", "anastrozole"],
        "her2_therapy_end": "2018-09-01",
        "residual_disease": False,
    },
    "metastatic_lines": [],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 60,
    "pregnant": False,
}
rec = recommend(patient)
Compare(**{"HR-positive, low burden": rec})

# %% [markdown]
# ## Reasoning
#
# - **Most patients should still get chemotherapy plus HER2-targeted therapy**, whatever the
#   receptor status (ASCO 2022 recs 1.0 and 6.0.1). THP and T-DXd + pertuzumab stay preferred.
# - **For selected patients**, endocrine therapy with trastuzumab (or lapatinib) is a
#   recommended first-line option (rec. 6.0.2, strong). Low disease burden and a long
#   disease-free interval are the circumstances ASCO names (rec. 8.0), so with
#   `low_disease_burden` her2guide raises this option to `alternative`.
# - **Endocrine therapy alone** is for special circumstances (recs 6.0.3 and 8.0, weak) and
#   stays `other`.
# - Whether she is "selected" is a judgement for her and her clinician; her2guide does not
#   make it for her.

# %%
says_each("asco-2022-1.0", "asco-2022-6.0.1", "asco-2022-6.0.2", "asco-2022-6.0.3", "asco-2022-8.0")

# %%
figures("tandem-primary", "alternative-corrected", "egf104900-final", "patina-final-pfs")

# %%
steps(rec)

# %%
# ASCO 2022 rec. 1.0 / 6.0.1: HER2-targeted therapy + chemotherapy for most patients.
assert rec.line == 1
assert "trastuzumab-pertuzumab-taxane" in rec.preferred
# ASCO 2022 rec. 6.0.2 (strong, selected cases): ET + trastuzumab or lapatinib — offered, not preferred.
assert rec.option("endocrine-her2").tier == "alternative"
# ASCO 2022 recs 6.0.3 and 8.0 (weak): ET alone only in special circumstances.
assert rec.option("endocrine-alone").tier == "other"

# %% [markdown]
# ## What would change the answer: extensive liver disease
#
# Without the low-burden judgement (for example, multiple liver metastases), the endocrine
# options remain listed for completeness but drop to `other`.

# %%
high_burden = recommend({**patient, "low_disease_burden": False})
Compare(**{"low burden": rec, "high burden": high_burden})

# %%
assert high_burden.option("endocrine-her2").tier == "other"
assert "trastuzumab-pertuzumab-taxane" in high_burden.preferred

# %% [markdown]
# ## References

# %%
references()
