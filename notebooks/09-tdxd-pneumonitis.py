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
#     patient: "HR-negative; THP first line, then T-DXd stopped for grade 2 pneumonitis (recovered); now liver progression; no brain metastases; LVEF 58%."
# ---

# %% [markdown]
# # T-DXd stopped for grade 2 pneumonitis
#
# A woman with HER2-positive, HR-negative metastatic breast cancer had THP first line and then
# T-DXd second line. After eight cycles she developed cough and breathlessness; CT showed
# pneumonitis, graded 2 (symptomatic). T-DXd was stopped and she was treated with steroids.
# Her breathing has recovered, but restaging now shows progression in the liver.
# No brain metastases; LVEF 58%.

# %% [markdown]
# *Setup.* Small helpers that render her2guide's own data: every citation, trial figure and
# guideline grade shown below is read from the package, not typed into this notebook.
# (They live in `her2guide.notebook`; the setup cell is hidden on the website.)

# %% tags=["remove-input"]
from her2guide.notebook import Compare, cite, references, steps, toxicity


# %% [markdown]
# ## The scenario
#
# T-DXd is recorded as stopped for **toxicity** (the pneumonitis), the ILD history as
# drug-induced grade ≥2, and `ild_agent` names T-DXd as its cause: each label's ILD rule is
# applied to its own drug.

# %%
from her2guide import recommend

patient = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2024-05-01",
    "hormone_receptor": "negative",
    "metastatic_lines": [
        {"agents": ["docetaxel", "trastuzumab", "pertuzumab"], "stopped": "progression"},
        {
            "agents": ["trastuzumab deruxtecan"],
            "stopped": "toxicity",
            "toxicity_agents": ["trastuzumab deruxtecan"],
        },
    ],
    "brain_metastases": "none",
    "ild_history": "drug_grade2_plus",
    "ild_agent": "Enhertu",
    "lvef": 58,
    "pregnant": False,
}
rec = recommend(patient)
rec

# %% [markdown]
# ## Reasoning
#
# 1. **T-DXd is permanently excluded.** The label requires permanent discontinuation after
#    grade 2 or higher ILD/pneumonitis. This is the one lung situation where her2guide removes
#    T-DXd rather than demoting it.
# 2. **Still line 2.** T-DXd was stopped for toxicity, not progression, so the second line is
#    not over (ASCO rec. 2.0 speaks of progression). With T-DXd gone, T-DM1 and the tucatinib
#    regimen remain the second-line alternatives; no regimen is preferred, because the one the
#    sources prefer is the one she cannot have.
# 3. **Lung caution carries over.** T-DM1 must also be stopped permanently if ILD occurs on it;
#    respiratory input before any further antibody-drug conjugate is sensible.

# %%
toxicity("ild", agent="trastuzumab-deruxtecan")

# %%
steps(rec)

# %%
# T-DXd label: permanently discontinue after grade ≥2 ILD/pneumonitis.
assert rec.option("trastuzumab-deruxtecan") is None
assert rec.option("trastuzumab-deruxtecan-pertuzumab") is None
assert any(e.regimen == "trastuzumab-deruxtecan" for e in rec.excluded)
assert "ild-caution" in rec.alert_codes
# A toxicity stop is not progression (ASCO 2022 rec. 2.0): still line 2; T-DXd, the preferred
# second-line regimen (rec. 2.1), is gone, so nothing is preferred.
assert rec.line == 2
assert rec.preferred == ()
assert rec.option("trastuzumab-emtansine").tier == "alternative"
assert rec.option("tucatinib-trastuzumab-capecitabine") is not None

# %% [markdown]
# ## What would change the answer: grade 1 (asymptomatic) pneumonitis
#
# Under the label, grade 1 ILD means interrupting T-DXd until it resolves, not stopping it for
# good: once it has resolved to grade 0, T-DXd may resume. her2guide keeps T-DXd on the list,
# not preferred (there are no trial data after ILD), with an `ild-caution` alert that restates
# the label's grade 1 rule.

# %%
grade1 = recommend({**patient, "ild_history": "drug_grade1"})
Compare(**{"grade ≥2 pneumonitis": rec, "grade 1 pneumonitis": grade1})

# %%
assert grade1.option("trastuzumab-deruxtecan") is not None  # label: grade 1 is not a permanent stop
assert "trastuzumab-deruxtecan" not in grade1.preferred
assert "ild-caution" in grade1.alert_codes

# %% [markdown]
# ## References

# %%
cite("enhertu-us-label", "kadcyla-us-label")
references()
