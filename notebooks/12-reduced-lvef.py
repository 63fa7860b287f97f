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
#     patient: "De novo, ER-positive (liver and nodes); earlier anthracycline for lymphoma; LVEF 45% without heart-failure symptoms."
# ---

# %% [markdown]
# # Reduced left-ventricular ejection fraction
#
# A woman of 61 with de novo HER2-positive metastatic breast cancer (liver and nodes,
# ER-positive) had anthracycline-based chemotherapy years ago for lymphoma.
# Her baseline echocardiogram shows an LVEF of 45%; she has no heart-failure symptoms.
#
# HER2-directed drugs carry cardiac warnings, and the T-DXd label notes that it has not been
# studied in patients whose LVEF was below 50% before treatment.

# %% [markdown]
# *Setup.* Small helpers that render her2guide's own data: every citation, trial figure and
# guideline grade shown below is read from the package, not typed into this notebook.
# (They live in `her2guide.notebook`; the setup cell is hidden on the website.)

# %% tags=["remove-input"]
from her2guide.notebook import Compare, cat, references, says_each, steps, toxicity


# %% [markdown]
# ## LVEF 45%

# %%
import dataclasses

from her2guide import parse_scenario, recommend

# Written out in full on purpose, like every notebook's patient (not shared with the others):
# each value is part of this story, and changing one notebook must not change another.
scenario = parse_scenario(
    {
        "her2": "positive",
        "setting": "metastatic",
        "as_of": "2026-11-23",
        "metastatic_diagnosis": "2026-11-01",
        "hormone_receptor": "positive",
        "metastatic_lines": [],
        "brain_metastases": "none",
        "ild_history": "none",
        "lvef": 45,
        "pregnant": False,
    }
)
rec = recommend(scenario)
Compare(**{"LVEF 45%": rec})

# %% [markdown]
# ## Reasoning
#
# - ASCO's key point: HER2-targeted therapy is recommended *except* for clinical heart failure
#   or significantly compromised LVEF, which should be decided case by case.
# - Between 40% and 50%, her2guide keeps the usual options but raises `lvef-below-50`:
#   **ask cardio-oncology before deciding**, and monitor closely. T-DXd's label says it has not
#   been studied below 50%.
# - Below 40%, the labels hold or stop T-DXd and T-DM1; her2guide then starts no
#   HER2-directed therapy and, for HR-positive disease, offers endocrine therapy alone
#   (ASCO 2022 rec. 8.0 names heart failure as such a circumstance).

# %%
says_each("asco-2022-key-lvef", "label-tdxd-lvef", "asco-2022-8.0")

# %%
toxicity("cardiac")

# %%
# ASCO 2022 key point: compromised LVEF → case by case, not automatic exclusion.
assert rec.line == 1
assert "lvef-below-50" in rec.alert_codes
assert rec.option("trastuzumab-pertuzumab-taxane") is not None

# %% [markdown]
# ## What would change the answer: LVEF 35%, or LVEF not measured

# %%
low = recommend(dataclasses.replace(scenario, lvef=35.0))
low_hr_neg = recommend(dataclasses.replace(scenario, lvef=35.0, hormone_receptor="negative"))
unmeasured = recommend(dataclasses.replace(scenario, lvef=None))
Compare(
    **{
        "LVEF 45%": rec,
        "LVEF 35%, HR-positive": low,
        "LVEF 35%, HR-negative": low_hr_neg,
        "LVEF not measured": unmeasured,
    }
)

# %%
steps(low)

# %%
# Labels hold/stop T-DXd and T-DM1 below 40%; ASCO key point: no routine HER2 therapy in this
# situation; ASCO 2022 rec. 8.0: endocrine therapy alone when comorbidities contraindicate it.
assert "lvef-below-40" in low.alert_codes
assert all(not cat.regimens[o.regimen].her2_directed for o in low.options)
assert low.option("endocrine-alone") is not None
assert low.preferred == ()
assert low_hr_neg.options == ()  # nothing in her2guide's scope; cardio-oncology decides
# Labels: assess LVEF before starting HER2-directed therapy.
assert "missing-information" in unmeasured.alert_codes

# %% [markdown]
# With LVEF 35% and HR-negative disease, her2guide offers nothing: that is not "no treatment",
# it is "outside what guidelines and labels support without a cardio-oncology decision".
#
# ## References

# %%
references()
