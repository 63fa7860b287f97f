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
#     patient: "HR-negative; adjuvant docetaxel, carboplatin, trastuzumab and pertuzumab finished three years ago; now liver metastases; no brain metastases; LVEF 60%."
# ---

# %% [markdown]
# # Late relapse: metastases years after adjuvant therapy
#
# A woman in her fifties finished adjuvant docetaxel, carboplatin, trastuzumab and
# pertuzumab for HER2-positive, hormone-receptor-negative breast cancer three years ago.
# She now has liver metastases, HER2-positive on biopsy.
# No brain metastases; LVEF 60%.
#
# After a long disease-free interval every source treats her as first line.
# The open question is *which* first-line combination: the long-standing THP, or T-DXd +
# pertuzumab, approved in the US in December 2025.

# %% [markdown]
# *Setup.* Small helpers that render her2guide's own data: every citation, trial figure and
# guideline grade shown below is read from the package, not typed into this notebook.
# (They live in `her2guide.notebook`; the setup cell is hidden on the website.)

# %% tags=["remove-input"]
from her2guide.notebook import Compare, cite, figures, references, says_each, steps


# %% [markdown]
# ## The scenario

# %%
import datetime as dt
from dataclasses import replace

from her2guide import parse_scenario, recommend

# Written out in full on purpose, like every notebook's patient (not shared with the others):
# each value is part of this story, and changing one notebook must not change another.
scenario = parse_scenario(
    {
        "her2": "positive",
        "setting": "metastatic",
        "as_of": "2026-11-23",
        "metastatic_diagnosis": "2026-11-02",
        "hormone_receptor": "negative",
        "early_treatment": {
            "agents": ["docetaxel", "carboplatin", "trastuzumab", "pertuzumab"],
            "her2_therapy_end": "2023-10-30",
            "residual_disease": False,
        },
        "metastatic_lines": [],
        "brain_metastases": "none",
        "ild_history": "none",
        "lvef": 60,
        "pregnant": False,
    }
)
rec = recommend(scenario)
rec

# %% [markdown]
# ## Reasoning
#
# - **Line.** More than 12 months have passed since the last HER2-directed dose, so first-line
#   recommendations apply under ASCO 2022 rec. 5.1, NCCN and the labels.
# - **THP** is ASCO's first-line recommendation and NCCN's category 1 preferred regimen.
# - **T-DXd + pertuzumab** improved progression-free survival over THP in DESTINY-Breast09;
#   overall survival was immature at the reported analysis, and the T-DXd-alone arm had not
#   met its success criterion.
# - her2guide lists both as preferred and raises `guidelines-differ` because ASCO 2022
#   predates the approval and the EU had not approved it in her2guide's sources.
#   Toxicity differs: the interstitial lung disease rate below is one reason to discuss both.

# %%
says_each("asco-2022-5.1", "asco-2022-1.1", "nccn-first-line", "label-tdxd-us-1l")

# %%
figures("cleopatra-primary", "cleopatra-final-os", "db09-interim")

# %%
steps(rec)

# %%
# ASCO 2022 rec. 5.1: recurrence >12 months after adjuvant therapy → first line.
assert rec.line == 1
assert set(rec.line_by_source.values()) == {1}
# ASCO 2022 rec. 1.1 and NCCN category 1: THP first line.
assert "trastuzumab-pertuzumab-taxane" in rec.preferred
# FDA approval of 15 December 2025: T-DXd + pertuzumab first line.
assert rec.option("trastuzumab-deruxtecan-pertuzumab") is not None
assert "guidelines-differ" in rec.alert_codes
# Second-line agents are not first-line options.
assert rec.option("trastuzumab-deruxtecan") is None

# %% [markdown]
# ## What would change the answer: the same decision made before December 2025
#
# her2guide evaluates every scenario on its `as_of` date. Moved back to November 2025, before
# the US approval, T-DXd + pertuzumab had no US approval at all, so it is set aside (rule
# `APPROVAL-AS-OF`), and THP is the preferred first line.

# %%
earlier = recommend(
    replace(scenario, as_of=dt.date(2025, 11, 20), metastatic_diagnosis=dt.date(2025, 11, 1))
)
Compare(**{"decided November 2026": rec, "decided November 2025": earlier})

# %%
# FDA approval date 15 December 2025: before it, THP alone is the preferred first-line regimen.
assert earlier.preferred == ("trastuzumab-pertuzumab-taxane",)
assert earlier.option("trastuzumab-deruxtecan-pertuzumab") is None
assert {e.regimen: e.rule for e in earlier.excluded}[
    "trastuzumab-deruxtecan-pertuzumab"
] == "APPROVAL-AS-OF"

# %% [markdown]
# ## References

# %%
cite("fda-tdxd-pertuzumab-2025", "ema-tdxd-pertuzumab-validation-2026")
references()
