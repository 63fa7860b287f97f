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
#     patient: "HR-negative; progression after first-line THP and second-line T-DXd; no brain metastases; LVEF 57%."
# ---

# %% [markdown]
# # Progression after T-DXd: third line, and the evidence gap
#
# The patient from the previous scenario had second-line T-DXd after first-line THP, with a
# good response for a year and a half. Now her liver disease is growing again.
# HR-negative, no brain metastases, LVEF 57%.
#
# After T-DXd there is no randomised trial telling us what comes next.
# her2guide lists the third-line options without ranking them, as ASCO does.

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
    "metastatic_diagnosis": "2023-02-01",
    "hormone_receptor": "negative",
    "metastatic_lines": [
        {"agents": ["docetaxel", "trastuzumab", "pertuzumab"], "stopped": "progression"},
        {"agents": ["T-DXd"], "stopped": "progression"},
    ],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 57,
    "pregnant": False,
}
rec = recommend(patient)
Compare(**{"third line after THP and T-DXd": rec})

# %% [markdown]
# ## Reasoning
#
# - ASCO 2022 rec. 3.0: keep HER2-targeted therapy in later lines, but without head-to-head
#   trials there is not enough evidence to prefer one regimen. So **nothing is preferred**.
# - The `evidence-gap` alert is the point of this scenario: HER2CLIMB (tucatinib) required
#   prior T-DM1, not T-DXd, and data for T-DM1 or the tucatinib regimen after T-DXd are lacking.
# - Neratinib, lapatinib and margetuximab combinations join the list at this line, each with
#   its own trial results below.

# %%
says_each("asco-2022-3.0", "asco-2022-3.1", "belgian-after-tdxd", "nccn-tucatinib-cns")

# %%
figures(
    "her2climb-primary",
    "her2climb-final-os",
    "emilia-primary",
    "th3resa-results",
    "nala-primary",
    "sophia-primary-pfs",
    "sophia-final-os",
)

# %%
steps(rec)

# %%
# ASCO 2022 rec. 3.0: insufficient evidence to recommend one regimen over another.
assert rec.line == 3
assert rec.preferred == ()
assert "evidence-gap" in rec.alert_codes
# ASCO 2022 rec. 3.1 lists tucatinib regimens, T-DM1 (if not given), neratinib, lapatinib, margetuximab.
for regimen in (
    "tucatinib-trastuzumab-capecitabine",
    "trastuzumab-emtansine",
    "neratinib-capecitabine",
    "lapatinib-capecitabine",
    "margetuximab-chemotherapy",
):
    assert rec.option(regimen) is not None, regimen
# The disease progressed on T-DXd: no T-DXd regimen is offered again.
assert rec.option("trastuzumab-deruxtecan") is None

# %% [markdown]
# ## What would change the answer: first-line T-DXd + pertuzumab
#
# A patient treated first line with T-DXd + pertuzumab (DESTINY-Breast09) who progresses
# is at **line 2**, but ASCO's second-line recommendation (T-DXd) no longer applies and no
# trial has tested anything after that combination.

# %%
after_db09 = recommend(
    {**patient, "metastatic_lines": [{"agents": ["T-DXd", "pertuzumab"], "stopped": "progression"}]}
)
Compare(**{"after THP then T-DXd": rec, "after first-line T-DXd + pertuzumab": after_db09})

# %%
assert after_db09.line == 2
assert after_db09.preferred == ()  # ASCO 2022 rec. 2.1 requires no prior T-DXd
assert "evidence-gap" in after_db09.alert_codes
assert after_db09.option("trastuzumab-deruxtecan") is None

# %% [markdown]
# ## References

# %%
references()
