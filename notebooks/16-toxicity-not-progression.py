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
#     patient: "De novo, HR-negative; THP stopped after two cycles for docetaxel toxicity (grade 3 neuropathy, febrile neutropenia) while responding."
# ---

# %% [markdown]
# # Toxicity is not progression, and each label applies to its own drug
#
# A woman of 58 with de novo HER2-positive, HR-negative metastatic breast cancer starts THP.
# After two cycles she has grade 3 docetaxel neuropathy and febrile neutropenia; her disease
# is responding. Docetaxel is stopped. What comes next — and what if, months later, she had
# developed pneumonitis on T-DM1 instead?
#
# Two seams a flat reading of the history gets wrong: a change for toxicity is not a new line,
# and a pneumonitis must be attributed to the drug that caused it before any label's rule applies.

# %% [markdown]
# *Setup.* Small helpers that render her2guide's own data: every citation, trial figure and
# guideline grade shown below is read from the package, not typed into this notebook.
# (They live in `her2guide.notebook`; the setup cell is hidden on the website.)

# %% tags=["remove-input"]
from her2guide.notebook import Compare, cite, references, says_each, steps, toxicity


# %% [markdown]
# ## The scenario
#
# The THP line is recorded as stopped for **toxicity**, and `toxicity_agents` says it was the
# docetaxel.

# %%
from her2guide import recommend

thp = ["trastuzumab", "pertuzumab", "docetaxel"]
patient = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2026-09-01",
    "hormone_receptor": "negative",
    "metastatic_lines": [{"agents": thp, "stopped": "toxicity", "toxicity_agents": ["docetaxel"]}],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 61,
    "pregnant": False,
}
rec = recommend(patient)
rec

# %% [markdown]
# ## Reasoning
#
# 1. **Still first line.** ASCO's second-line recommendations apply after *progression* on
#    first-line HER2-targeted therapy; there was none.
# 2. **Keep the antibodies, change the partner.** When chemotherapy stops, ASCO continues the
#    HER2-targeted therapy; the taxane can be changed (weekly paclitaxel is one of the regimen's
#    taxane choices) or trastuzumab + pertuzumab continued alone.
# 3. **Not T-DXd + pertuzumab.** DESTINY-Breast09 enrolled patients without prior chemotherapy or
#    HER2-directed therapy for metastatic disease; switching her is outside that trial.

# %%
says_each("asco-2022-2.0", "asco-2022-4.0", "eligibility-db09")

# %%
steps(rec)

# %%
# ASCO 2022 rec. 2.0 needs progression: still line 1, THP kept (rec. 4.0: continue HER2 therapy).
assert rec.line == 1
assert rec.prior_metastatic_lines == 1
assert rec.preferred == ("trastuzumab-pertuzumab-taxane",)
# DESTINY-Breast09 eligibility: no prior chemotherapy or HER2 therapy for metastatic disease.
assert rec.option("trastuzumab-deruxtecan-pertuzumab").tier == "alternative"

# %% [markdown]
# ## What would change the answer: the cause is not recorded
#
# Without `toxicity_agents`, every agent of the line is read as the cause, pertuzumab
# included, so THP is no longer preferred and the answer asks which drug it was.

# %%
unknown = recommend({**patient, "metastatic_lines": [{"agents": thp, "stopped": "toxicity"}]})
Compare(**{"docetaxel named": rec, "cause not given": unknown})

# %%
assert unknown.preferred == ()
assert "missing-information" in unknown.alert_codes

# %% [markdown]
# ## A later seam: pneumonitis on T-DM1
#
# Suppose she later progressed on THP, received T-DM1 second line and developed grade 2
# pneumonitis on it. The Kadcyla label stops T-DM1 for good after ILD or pneumonitis of any
# grade; the T-DXd label's permanent stop is for ILD that occurred **on T-DXd**. With
# `ild_agent` set, each label is applied to its own drug.

# %%
later = recommend(
    {
        **patient,
        "metastatic_lines": [
            {"agents": thp, "stopped": "progression"},
            {"agents": ["T-DM1"], "stopped": "toxicity", "toxicity_agents": ["T-DM1"]},
        ],
        "ild_history": "drug_grade2_plus",
        "ild_agent": "Kadcyla",
    }
)
later

# %%
toxicity("ild")

# %%
# Kadcyla label: permanently discontinue after ILD/pneumonitis; T-DXd: caution, not a label stop.
assert later.option("trastuzumab-emtansine") is None
assert {e.regimen: e.rule for e in later.excluded}["trastuzumab-emtansine"] == "ILD-TDM1"
assert later.option("trastuzumab-deruxtecan").tier == "other"  # NCCN: no data with an ILD history
assert "ild-caution" in later.alert_codes
# Still second line: T-DM1 was stopped for toxicity, not progression.
assert later.line == 2

# %% [markdown]
# ## References

# %%
cite("asco-2022", "kadcyla-us-label", "enhertu-us-label", "nccn-breast")
references()
