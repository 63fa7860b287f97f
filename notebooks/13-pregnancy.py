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
#     patient: "18 weeks pregnant; newly found liver metastases, ER-positive; LVEF 63%; no brain symptoms."
# ---

# %% [markdown]
# # Metastatic HER2-positive breast cancer in pregnancy
#
# A woman of 33, 18 weeks pregnant, is found to have liver metastases from a HER2-positive,
# ER-positive breast cancer that was not previously known. LVEF 63%; no brain symptoms.
#
# Every HER2-directed drug carries an embryo-fetal toxicity warning, and endocrine therapy is
# also avoided in pregnancy.

# %% [markdown]
# *Setup.* Small helpers that render her2guide's own data: every citation, trial figure and
# guideline grade shown below is read from the package, not typed into this notebook.
# (They live in `her2guide.notebook`; the setup cell is hidden on the website.)

# %% tags=["remove-input"]
from her2guide.notebook import Compare, Markdown, cite, references, says, steps, toxicity


# %% [markdown]
# ## The scenario

# %%
from her2guide import recommend

patient = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2026-11-12",
    "hormone_receptor": "positive",
    "metastatic_lines": [],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 63,
    "pregnant": True,
}
rec = recommend(patient)
rec

# %% [markdown]
# ## Reasoning
#
# - No regimen in her2guide is appropriate during pregnancy: all HER2-directed regimens are
#   set aside, and so are the endocrine ones.
# - `no-her2-therapy-in-pregnancy` means **stop and refer**: a multidisciplinary team with
#   obstetric input. The review her2guide cites notes that anthracycline-based chemotherapy can
#   be given in the second and third trimesters; that is outside her2guide's regimens.
# - The plan should be revisited after delivery.

# %%
Markdown("- " + says("review-pregnancy"))

# %%
toxicity("pregnancy")

# %%
steps(rec)

# %%
# Labels (boxed embryo-fetal toxicity) and Shachar 2017: no HER2-directed or endocrine therapy.
assert rec.options == ()
assert rec.preferred == ()
assert "no-her2-therapy-in-pregnancy" in rec.alert_codes
assert all(e.rule == "SAFETY-PREGNANCY" for e in rec.excluded)

# %% [markdown]
# ## What would change the answer: after delivery
#
# The same patient after delivery gets the usual first-line options (and the labels'
# contraception advice applies during and after treatment).

# %%
after = recommend({**patient, "pregnant": False, "as_of": "2027-04-01"})
Compare(**{"pregnant": rec, "after delivery": after})

# %%
assert "trastuzumab-pertuzumab-taxane" in after.preferred  # ASCO 2022 rec. 1.1
assert "no-her2-therapy-in-pregnancy" not in after.alert_codes

# %% [markdown]
# ## References

# %%
cite("enhertu-us-label", "herceptin-us-label", "perjeta-us-label")
references()
