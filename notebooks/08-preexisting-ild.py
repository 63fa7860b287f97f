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
#     patient: "HR-negative; progression on first-line THP; stable fibrotic interstitial lung disease known before treatment; no brain metastases; LVEF 60%."
# ---

# %% [markdown]
# # Pre-existing interstitial lung disease at second line
#
# A woman of 67 with HER2-positive, HR-negative metastatic breast cancer progressed on
# first-line THP. She also has fibrotic interstitial lung disease, diagnosed by a
# respiratory physician two years ago, stable without treatment.
# No brain metastases; LVEF 60%.
#
# T-DXd would normally be the second-line choice, and T-DXd causes interstitial lung disease.
# The widely shared answer to the seed question called pre-existing ILD a *contraindication*
# to T-DXd. It is not one in the label; the honest position is that there are no data.

# %% [markdown]
# *Setup.* Small helpers that render her2guide's own data: every citation, trial figure and
# guideline grade shown below is read from the package, not typed into this notebook.
# (They live in `her2guide.notebook`; the setup cell is hidden on the website.)

# %% tags=["remove-input"]
from her2guide.notebook import Compare, figures, references, says_each, steps, toxicity


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
    "metastatic_diagnosis": "2025-01-15",
    "hormone_receptor": "negative",
    "metastatic_lines": [
        {"agents": ["docetaxel", "trastuzumab", "pertuzumab"], "stopped": "progression"},
    ],
    "brain_metastases": "none",
    "ild_history": "preexisting",
    "lvef": 60,
    "pregnant": False,
}
rec = recommend(patient)
rec

# %% [markdown]
# ## Reasoning
#
# - **Not a contraindication.** The US label lists no contraindications for T-DXd.
# - **No data.** T-DXd trials did not enrol patients with current or steroid-requiring ILD, and
#   NCCN says there are no data on its safety after ILD or pneumonitis.
# - **So her2guide does not prefer it.** T-DXd stays on the list as `other`, with an
#   `ild-caution` alert; T-DM1 and the tucatinib regimen become the realistic choices, and
#   nothing is marked preferred: the choice needs respiratory input and the patient's view.
# - T-DM1 is not free of lung toxicity either: its label requires permanent discontinuation if
#   ILD or pneumonitis occurs.

# %%
says_each("label-tdxd-ild", "nccn-ild")

# %%
toxicity("ild")

# %%
figures("db03-primary", "db03-long-term", "db09-interim")

# %%
steps(rec)

# %%
# Label: no contraindication, so T-DXd is not removed; NCCN: no data, so it is not preferred.
assert rec.line == 2
assert rec.option("trastuzumab-deruxtecan") is not None
assert "trastuzumab-deruxtecan" not in rec.preferred
assert "ild-caution" in rec.alert_codes
# NCCN second line: T-DM1 for patients who are not T-DXd candidates; tucatinib regimen may be given.
assert rec.option("trastuzumab-emtansine").tier == "alternative"
assert rec.option("tucatinib-trastuzumab-capecitabine").tier == "alternative"

# %% [markdown]
# ## What would change the answer: no lung disease
#
# Without the ILD history the same patient gets the standard second-line answer.

# %%
no_ild = recommend({**patient, "ild_history": "none"})
Compare(**{"pre-existing ILD": rec, "no lung disease": no_ild})

# %%
assert no_ild.preferred == ("trastuzumab-deruxtecan",)  # ASCO 2022 rec. 2.1
assert "ild-caution" not in no_ild.alert_codes

# %% [markdown]
# ## References

# %%
references()
