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
#     patient: "The seed patient, relapsed 3 months after her last trastuzumab dose; 64 kg, 165 cm."
# ---

# %% [markdown]
# # Dosing for a given weight and height, with the dose-reduction ladder
#
# The patient from the seed question has relapsed 3 months after her last trastuzumab dose,
# so T-DXd is the second-line choice. She weighs 64 kg and is 165 cm tall.
# Her team wants the doses, and the levels to step down to if toxicity requires it.
#
# her2guide calculates doses from the regimen data: mg/kg by weight, mg/m² by body-surface
# area (Mosteller). Nothing is rounded to vial or tablet sizes: that follows local policy.

# %% [markdown]
# *Setup.* Small helpers that render her2guide's own data: every citation, trial figure and
# guideline grade shown below is read from the package, not typed into this notebook.
# (They live in `her2guide.notebook`; the setup cell is hidden on the website.)

# %% tags=["remove-input"]
from her2guide.notebook import Compare, Markdown, cat, cite, figures, references, says, short, steps  # noqa: F401


# %% [markdown]
# ## Doses through `recommend`
#
# Giving `weight_kg` and `height_cm` in the scenario attaches doses to every option.

# %%
from her2guide import bsa_mosteller, dose_regimen, recommend

# Written out in full on purpose, like every notebook's patient (not shared with the others):
# each value is part of this story, and changing one notebook must not change another.
patient = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2026-10-01",
    "hormone_receptor": "negative",
    "early_treatment": {
        "agents": ["doxorubicin", "cyclophosphamide", "paclitaxel", "trastuzumab"],
        "her2_therapy_end": "2026-07-01",
        "residual_disease": True,
    },
    "metastatic_lines": [],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 60,
    "pregnant": False,
    "weight_kg": 64,
    "height_cm": 165,
}
rec = recommend(patient)
Compare(**{"seed patient, relapse at 3 months": rec})

# %% [markdown]
# ## The dose table and the reduction ladder
#
# A small helper turns a `RegimenDoses` into a table: for each drug the dose per unit, the
# amount for this patient, and each reduction level.


# %%
def dose_table(regimen_id: str, weight_kg: float, height_cm: float | None = None) -> Markdown:
    d = dose_regimen(regimen_id, weight_kg, height_cm)

    def amount(a) -> str:
        if a.unit == "mg":  # flat dose: nothing to calculate
            return f"**{a.per:g} mg**"
        per = f"{a.per:g} {a.unit.replace('m2', 'm²')}"
        return (
            f"{per} → **{a.amount_mg:g} mg**" if a.amount_mg is not None else f"{per} ({a.basis})"
        )

    bsa = (
        f"BSA {d.bsa_m2:.2f} m² (Mosteller)" if d.bsa_m2 else "BSA not calculable (height missing)"
    )
    rows = [
        f"**{cat.regimens[regimen_id].name}** — {weight_kg:g} kg; {bsa}",
        "",
        "| Drug | Loading | Dose | Reduction levels | Schedule |",
        "|---|---|---|---|---|",
    ]
    for c in d.components:
        if c.maintenance is None:
            rows.append(f"| {cat.agents[c.agent].name} | — | {c.note} | — | {c.schedule} |")
            continue
        ladder = " → ".join(amount(r) for r in c.reductions)
        ladder = f"{ladder}. {c.reduction_note}" if ladder else c.reduction_note
        rows.append(
            f"| {cat.agents[c.agent].name} | {amount(c.loading) if c.loading else '—'} "
            f"| {amount(c.maintenance)} | {ladder} | {c.schedule} |"
        )
    if d.missing:
        rows += ["", f"*Missing:* {'; '.join(d.missing)}"]
    return Markdown("\n".join(rows))


dose_table("trastuzumab-deruxtecan", 64, 165)

# %% [markdown]
# The ladder comes straight from the label data: two reduction levels, then stop, and no
# re-escalation after a reduction. The same for the alternatives:

# %%
dose_table("trastuzumab-emtansine", 64, 165)

# %%
dose_table("tucatinib-trastuzumab-capecitabine", 64, 165)

# %% [markdown]
# ## Checking the arithmetic against the data
#
# These asserts recompute each amount from the per-kg or per-m² value stored in the
# regimen data, so they test the calculation, not a number copied from the output.

# %%
bsa = bsa_mosteller(64, 165)
assert bsa == round((64 * 165 / 3600) ** 0.5, 2)  # Mosteller formula
for regimen in ("trastuzumab-deruxtecan", "trastuzumab-emtansine"):
    (component,) = dose_regimen(regimen, 64, 165).components
    assert component.maintenance.amount_mg == round(component.maintenance.per * 64)
    assert [r.amount_mg for r in component.reductions] == [
        round(r.per * 64) for r in component.reductions
    ]
    # Each step down is a smaller dose (label ladders only go down).
    pers = [component.maintenance.per, *(r.per for r in component.reductions)]
    assert pers == sorted(pers, reverse=True)
tdxd = rec.option("trastuzumab-deruxtecan")
assert tdxd.tier == "preferred"  # ASCO 2022 rec. 2.1; relapse within 6 months (rec. 5.0)
assert tdxd.doses is not None
assert tdxd.doses.weight_kg == 64
# Capecitabine is dosed per m²: with the tucatinib regimen it uses this patient's BSA.
cape = next(
    c
    for c in dose_regimen("tucatinib-trastuzumab-capecitabine", 64, 165).components
    if c.agent == "capecitabine"
)
assert cape.maintenance.amount_mg == round(cape.maintenance.per * bsa)

# %% [markdown]
# ## What would change the answer: weight loss, or no height recorded
#
# Doses follow the current weight: after losing 8 kg the T-DXd amount falls.
# Without a height, mg/m² doses cannot be calculated, and her2guide says so rather than guess.

# %%
dose_table("trastuzumab-deruxtecan", 56, 165)

# %%
dose_table("tucatinib-trastuzumab-capecitabine", 64)

# %%
lighter = dose_regimen("trastuzumab-deruxtecan", 56, 165).components[0]
assert lighter.maintenance.amount_mg == round(lighter.maintenance.per * 56)
no_height = dose_regimen("tucatinib-trastuzumab-capecitabine", 64)
assert no_height.bsa_m2 is None
assert no_height.missing

# %% [markdown]
# ## References

# %%
cite("enhertu-us-label", "kadcyla-us-label", "tukysa-us-label", "xeloda-us-label", "mosteller-1987")
references()
