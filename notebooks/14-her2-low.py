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
#     patient: "ER-positive metastatic disease, HER2 IHC 2+ without ISH amplification (HER2-low)."
# ---

# %% [markdown]
# # HER2-low disease: outside her2guide, with a pointer
#
# A woman with ER-positive metastatic breast cancer has a liver biopsy reported as HER2 IHC 2+,
# ISH not amplified. Her oncologist has read that T-DXd works in "HER2" breast cancer and
# wonders whether her2guide applies.
#
# It does not. HER2-low (IHC 1+, or IHC 2+ without amplification) is a different treatment
# pathway with its own trials and approvals. her2guide refuses the question rather than answer
# it with HER2-positive logic, and says where to look instead.

# %% [markdown]
# *Setup.* Small helpers that render her2guide's own data: every citation, trial figure and
# guideline grade shown below is read from the package, not typed into this notebook.
# (They live in `her2guide.notebook`; the setup cell is hidden on the website.)

# %% tags=["remove-input"]
from her2guide.notebook import Compare, Markdown, cat, cite, figures, references, says, short, steps  # noqa: F401


# %% [markdown]
# ## The scenario

# %%
from her2guide import recommend

# Written out in full on purpose, like every notebook's patient (not shared with the others):
# each value is part of this story, and changing one notebook must not change another.
patient = {
    "her2": "low",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2026-10-30",
    "hormone_receptor": "positive",
    "metastatic_lines": [],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 60,
    "pregnant": False,
}
rec = recommend(patient)
rec

# %%
Markdown(f"**Why refused:** {rec.scope_reason} ({cite('fda-tdxd-her2-low-2025')})")

# %%
# Scope: only IHC 3+ or ISH-amplified disease; HER2-low is pointed elsewhere, with no options.
assert not rec.in_scope
assert rec.options == ()
assert "HER2-low" in rec.scope_reason
assert [t.rule for t in rec.trace] == ["SCOPE-HER2-STATUS"]

# %% [markdown]
# ## What would change the answer: the HER2 result
#
# - **Ultralow** (IHC 0 with membrane staining) is also out of scope, with the same pointer.
# - **Unknown**: her2guide asks for HER2 testing, preferably on the metastasis.
# - **Positive** (IHC 3+ or ISH-amplified, e.g. on a second biopsy): in scope, and the usual
#   first-line answer follows. HER2 expression can differ between the primary and a
#   metastasis, which is why a new biopsy is worth considering.

# %%
variants = {
    status: recommend({**patient, "her2": status})
    for status in ("low", "ultralow", "unknown", "positive")
}
Compare(**{f"HER2 {k}": v for k, v in variants.items()})

# %%
Markdown("\n".join(f"- **HER2 {k}:** {v.scope_reason or 'in scope'}" for k, v in variants.items()))

# %%
assert not variants["ultralow"].in_scope
assert not variants["unknown"].in_scope
assert "establish" in variants["unknown"].scope_reason  # test HER2 before choosing therapy
assert variants["positive"].in_scope
assert variants["positive"].line == 1

# %% [markdown]
# The same refusal applies to the *setting*: a question about (neo)adjuvant treatment of early
# breast cancer is outside her2guide, and the pointer names the early-breast trials instead.

# %%
early = recommend({**patient, "her2": "positive", "setting": "early"})
early

# %%
assert not early.in_scope
assert [t.rule for t in early.trace] == ["SCOPE-SETTING"]
assert early.options == ()

# %% [markdown]
# ## References

# %%
references()
