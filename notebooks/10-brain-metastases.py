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
#     patient: "HR-negative; progression on first-line THP with three new small, asymptomatic brain metastases; LVEF 61%."
# ---

# %% [markdown]
# # Brain metastases: active, then symptomatic
#
# A woman with HER2-positive, HR-negative metastatic breast cancer progressed on first-line
# THP. Staging MRI shows three new small brain metastases without surrounding swelling; she has
# no neurological symptoms. LVEF 61%.
#
# In ASCO's brain-metastases guideline, "active" (new or growing, no mass effect) and
# "symptomatic" (symptoms or mass effect needing local treatment) lead to different first steps.

# %% [markdown]
# *Setup.* Small helpers that render her2guide's own data: every citation, trial figure and
# guideline grade shown below is read from the package, not typed into this notebook.
# (They live in `her2guide.notebook`; the setup cell is hidden on the website.)

# %% tags=["remove-input"]
from her2guide.notebook import Compare, Markdown, figures, references, says, says_each, steps


# %% [markdown]
# ## Active brain metastases at second line

# %%
from her2guide import recommend

# Written out in full on purpose, like every notebook's patient (not shared with the others):
# each value is part of this story, and changing one notebook must not change another.
patient = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2025-02-10",
    "hormone_receptor": "negative",
    "metastatic_lines": [
        {"agents": ["docetaxel", "trastuzumab", "pertuzumab"], "stopped": "progression"},
    ],
    "brain_metastases": "active",
    "ild_history": "none",
    "lvef": 61,
    "pregnant": False,
}
rec = recommend(patient)
rec

# %% [markdown]
# ## Reasoning
#
# - Her disease progressed on a HER2-directed therapy for metastatic disease, so ASCO's
#   brain-metastases rec. 7.1 applies: the tucatinib regimen may be offered, and local therapy
#   may be deferred until intracranial progression. It is a *weak* recommendation.
# - T-DXd has its own CNS data from the single-arm DESTINY-Breast12 study.
# - her2guide therefore prefers both CNS-active options. Which one, and whether to add
#   radiosurgery now, is a multidisciplinary decision (brain-metastases rec. 1.0).

# %%
says_each("asco-bm-2022-1.0", "asco-bm-2022-7.1", "asco-bm-2022-8.2", "nccn-tucatinib-cns")

# %%
figures("her2climb-primary", "db12-primary")

# %%
steps(rec)

# %%
# ASCO 2022 brain metastases rec. 7.1: tucatinib regimen for BM without mass effect after ≥1
# prior metastatic HER2 therapy; ASCO 2022 rec. 2.1 / DESTINY-Breast12: T-DXd.
assert rec.line == 2
assert "tucatinib-trastuzumab-capecitabine" in rec.preferred
assert "trastuzumab-deruxtecan" in rec.preferred
assert "local-therapy-first" not in rec.alert_codes

# %% [markdown]
# ## What would change the answer: symptoms or mass effect
#
# If she had headaches and a 3-cm lesion with oedema, ASCO's brain-metastases recs 1.0 and 2.1
# put local treatment (surgery or radiotherapy) first. `local-therapy-first` means: **arrange
# this before starting systemic therapy**. Systemic options are still listed, for afterwards
# (rec. 8.2).

# %%
symptomatic = recommend({**patient, "brain_metastases": "symptomatic"})
Compare(**{"active, no symptoms": rec, "symptomatic / mass effect": symptomatic})

# %%
Markdown("- " + says("asco-bm-2022-2.1"))

# %%
# ASCO 2022 brain metastases recs 1.0 and 2.1: local therapy first for symptomatic disease.
assert "local-therapy-first" in symptomatic.alert_codes
assert symptomatic.line == 2
assert symptomatic.option("trastuzumab-deruxtecan") is not None  # rec. 8.2: usual algorithm after

# %% [markdown]
# ## References

# %%
references()
