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
#     patient: "HR-negative; residual invasive disease after neoadjuvant anthracycline, paclitaxel and trastuzumab; now liver metastases; date of the last trastuzumab dose not given; no brain metastases; LVEF 60%."
# ---

# %% [markdown]
# # The seed question: residual disease after neoadjuvant chemotherapy and trastuzumab, then relapse
#
# A woman had HER2-positive, hormone-receptor-negative early breast cancer.
# She received neoadjuvant anthracycline and paclitaxel chemotherapy with trastuzumab, had
# **residual invasive disease** at surgery, and completed 10 cycles of trastuzumab in total.
# Some time later, liver metastases were found and biopsied: still HER2-positive.
#
# *Which systemic therapy comes next?*
#
# This is the question her2guide started from.
# A widely shared answer to it jumped straight to trastuzumab deruxtecan (T-DXd) "because she
# relapsed within 12 months". The question never said when she relapsed.
# This notebook shows what has to be asked first, and how the answer moves with each reply.

# %% [markdown]
# *Setup.* Small helpers that render her2guide's own data: every citation, trial figure and
# guideline grade shown below is read from the package, not typed into this notebook.
# (They live in `her2guide.notebook`; the setup cell is hidden on the website.)

# %% tags=["remove-input"]
from her2guide.notebook import Compare, Markdown, cat, cite, figures, references, says, short, steps  # noqa: F401


# %% [markdown]
# ## The scenario as it was asked
#
# Everything the question gave, and nothing more: no date for the last trastuzumab dose.
# Hormone-receptor status is given as negative and there are no known brain metastases.
# The evaluation date is fixed so the outputs never change.

# %%
import datetime as dt
from dataclasses import replace

from her2guide import parse_scenario, recommend

# Written out in full on purpose, like every notebook's patient (not shared with the others):
# each value is part of this story, and changing one notebook must not change another.
as_asked = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2026-10-01",
    "hormone_receptor": "negative",
    "early_treatment": {
        "agents": ["doxorubicin", "cyclophosphamide", "paclitaxel", "Herceptin"],
        "residual_disease": True,
    },
    "metastatic_lines": [],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 60,
    "pregnant": False,
}
rec = recommend(as_asked)
rec

# %% [markdown]
# her2guide **refuses to set a line of therapy**.
# The line is not a detail: it decides between first-line combinations and second-line
# T-DXd, and it depends on the interval from the last HER2-directed dose to relapse, which
# the sources draw in different places:

# %%
Markdown(
    "\n".join(
        [
            "- " + says("asco-2022-5.0"),
            "- " + says("asco-2022-5.1"),
            "- " + says("nccn-relapse-interval"),
            "- " + says("label-tdxd-us-2l"),
            "- " + says("eligibility-db09"),
        ]
    )
)

# %% [markdown]
# The `missing-information` alert means **ask this before deciding**; so does
# `residual-disease-history`.
# Residual invasive disease after neoadjuvant therapy is the KATHERINE setting: she should
# normally have been offered adjuvant T-DM1, and in the US T-DXd has been approved there since
# May 2026.
# If she received either, metastatic T-DM1 or T-DXd would be a re-treatment.
# Ten cycles is also short of a full course of trastuzumab: ask why it stopped (a fall in LVEF
# would matter for the next HER2-directed drug).
#
# **Questions to ask first:** the date of the last trastuzumab dose; whether adjuvant T-DM1 or
# T-DXd was given; hormone-receptor status of the metastasis; brain imaging if there are
# symptoms; a current LVEF.

# %%
# Expected from the guideline text, not from the engine: ASCO 2022 recs 5.0/5.1 and the NCCN
# and label windows all depend on the interval, so without it no line can be chosen and
# nothing can be preferred.
assert rec.in_scope
assert rec.line is None
assert "missing-information" in rec.alert_codes
assert "residual-disease-history" in rec.alert_codes
assert rec.preferred == ()

# %% [markdown]
# her2guide also refuses to guess the other answers. Leave out the hormone-receptor and
# brain-metastasis fields and the scenario is rejected, with one line per missing item:

# %%
from her2guide import ScenarioError

incomplete = {
    k: v for k, v in as_asked.items() if k not in ("hormone_receptor", "brain_metastases")
}
try:
    parse_scenario(incomplete)
except ScenarioError as err:
    problems = err.problems
Markdown("\n".join(f"- `{p.field}`: {p.message}" for p in problems))

# %%
assert {p.field for p in problems} == {"hormone_receptor", "brain_metastases"}

# %% [markdown]
# Receptor status may be genuinely unknown while the biopsy is processed: recorded as
# `unknown`, it raises another `missing-information` alert, because it decides whether
# endocrine-based options apply (ASCO 2022 recs 6.0–8.0).

# %%
hr_pending = recommend({**as_asked, "hormone_receptor": "unknown"})
assert sum(a.code == "missing-information" for a in hr_pending.alerts) == 2
Markdown(
    "\n".join(
        f"- `{a.code}` — {a.message}" for a in hr_pending.alerts if a.code == "missing-information"
    )
)

# %% [markdown]
# ## The answer for three different intervals
#
# Same patient, with the last trastuzumab dose 3, 8 and 16 months before the metastases were
# found. `dataclasses.replace` changes only that date on the validated scenario.

# %%
base = parse_scenario(as_asked)


def last_dose(day: dt.date):
    return replace(base, early_treatment=replace(base.early_treatment, her2_therapy_end=day))


within_6 = recommend(last_dose(dt.date(2026, 7, 1)))
six_to_12 = recommend(last_dose(dt.date(2026, 2, 1)))
beyond_12 = recommend(last_dose(dt.date(2025, 6, 1)))
Compare(
    **{
        "last dose 3 months before": within_6,
        "last dose 8 months before": six_to_12,
        "last dose 16 months before": beyond_12,
    }
)

# %% [markdown]
# **Within 6 months** every source agrees this is second line, and ASCO 2022 rec. 2.1 names
# T-DXd.
# **Between 6 and 12 months** after trastuzumab without pertuzumab the sources part: ASCO says
# second line; NCCN's 6-month footnote and the labels' 6-month window have passed, and
# DESTINY-Breast09 enrolled patients more than 6 months out.
# her2guide reports line 2 (ASCO), shows the first-line options beside it, and raises
# `guidelines-differ` rather than choosing silently.
# **Beyond 12 months** every source treats her as first line.

# %%
# ASCO 2022 rec. 5.0 (≤12 months → second line) and the 6-month label/NCCN window:
assert within_6.line == 2
assert within_6.line_by_source == {"ASCO 2022": 2, "NCCN": 2, "FDA label": 2}
assert "trastuzumab-deruxtecan" in within_6.preferred  # ASCO 2022 rec. 2.1
# 6–12 months after trastuzumab only: ASCO 5.0 says second line; NCCN and the labels do not.
assert six_to_12.line_by_source["ASCO 2022"] == 2
assert six_to_12.line_by_source["NCCN"] == 1
assert "guidelines-differ" in six_to_12.alert_codes
assert six_to_12.option("trastuzumab-deruxtecan") is not None  # ASCO reading: rec. 2.1
assert (
    six_to_12.option("trastuzumab-deruxtecan-pertuzumab") is not None
)  # DB-09 eligibility >6 months
# ASCO 2022 rec. 5.1 (>12 months → first line) and rec. 1.1 (THP first line):
assert beyond_12.line == 1
assert "trastuzumab-pertuzumab-taxane" in beyond_12.preferred
assert beyond_12.option("trastuzumab-emtansine") is None

# %% [markdown]
# ## The reasoning, step by step (relapse 8 months after the last dose)

# %%
steps(six_to_12)

# %% [markdown]
# ## What would change the answer: she did receive adjuvant T-DM1, or T-DXd
#
# If she had the KATHERINE regimen and relapsed 3 months after it, T-DM1 in the metastatic
# setting would be a re-challenge that no trial supports; T-DXd remains the second-line choice.
# If instead she had adjuvant T-DXd (the DESTINY-Breast05 setting, US-approved in May 2026),
# ASCO's second-line recommendation no longer fits — it is for patients who have not had T-DXd —
# and no trial has studied what should follow, so nothing is preferred.


# %%
def adjuvant(agent: str):
    early = base.early_treatment
    return replace(
        base,
        early_treatment=replace(
            early, agents=(*early.agents, agent), her2_therapy_end=dt.date(2026, 7, 1)
        ),
    )


after_tdxd = recommend(adjuvant("trastuzumab-deruxtecan"))
after_katherine = recommend(adjuvant("trastuzumab-emtansine"))
Compare(
    **{
        "adjuvant T-DM1, relapse 3 months later": after_katherine,
        "adjuvant T-DXd, relapse 3 months later": after_tdxd,
    }
)

# %%
# ASCO 2022 rec. 2.1: T-DXd second line if not already received.
assert after_katherine.line == 2
assert after_katherine.preferred == ("trastuzumab-deruxtecan",)
# KATHERINE tested T-DM1 as adjuvant therapy; nothing supports giving it again on early relapse.
assert after_katherine.option("trastuzumab-emtansine").tier != "preferred"
assert "evidence-gap" in after_katherine.alert_codes
# ASCO 2022 rec. 2.1 applies only to patients who have not received T-DXd; DB-05 studied
# adjuvant therapy, not what follows it.
assert "trastuzumab-deruxtecan" not in after_tdxd.preferred
assert after_tdxd.preferred == ()
assert "evidence-gap" in after_tdxd.alert_codes

# %% [markdown]
# ## The trial numbers behind T-DXd second line, analysis by analysis
#
# The widely shared answer quoted a median PFS from one DESTINY-Breast03 analysis with the
# hazard ratio of another.
# Each row below keeps a result with its own analysis; ASCO's grading of rec. 2.1 is shown
# as printed.

# %%
figures("db03-primary", "db03-updated", "db03-long-term", "katherine-final")

# %%
Markdown("- " + says("asco-2022-2.1"))

# %% [markdown]
# ## References

# %%
cite("asco-2022", "nccn-breast", "katherine-2019", "geyer-2025-katherine", "fda-tdxd-early-2026")
references()
