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
# (The helper cell is hidden on the website; it is in the downloadable file.)

# %% tags=["remove-input"]
from IPython.display import Markdown

from her2guide import load_catalogue

cat = load_catalogue()
CITED: list[str] = []


def cite(*ids: str) -> str:
    """Short citations with links, from the reference catalogue (remembered for the list at the end)."""
    CITED.extend(i for i in ids if i not in CITED)
    return "; ".join(f"[{cat.references[i].short}]({cat.references[i].link})" for i in ids)


def says(statement_id: str) -> str:
    """A guideline or label statement with its number and grade as the source prints them."""
    s = cat.statements[statement_id]
    grade = f" ({s.grade})" if s.grade else ""
    return f"**{s.label}**{grade}: {s.summary} ({cite(s.reference)})"


def figures(*analysis_ids: str) -> Markdown:
    """Trial results exactly as stored in her2guide's data."""
    rows = ["| Trial | Analysis | Endpoint | Result | Source |", "|---|---|---|---|---|"]
    for trial in cat.trials.values():
        for a in (a for a in trial.analyses if a.id in analysis_ids):
            rows += [
                f"| {trial.name} | {a.label} | {f.endpoint} | {f.result} | {cite(a.reference)} |"
                for f in a.figures
            ]
    return Markdown("\n".join(rows))


def short(regimen_id: str) -> str:
    """The regimen's short name, e.g. THP or T-DXd."""
    return cat.regimens[regimen_id].short


class Compare:
    """A compact table of one or more recommendations; carries the rules that fired."""

    def __init__(self, **recs):
        self.recs = recs

    def _repr_markdown_(self):
        rows = ["| Scenario | Line | Preferred | Also offered | Alerts |", "|---|---|---|---|---|"]
        for label, rec in self.recs.items():
            if not rec.in_scope:
                rows.append(f"| {label} | out of scope | — | — | — |")
                continue
            others = [
                f"{short(o.regimen)} ({o.tier})" for o in rec.options if o.tier != "preferred"
            ]
            line = rec.line or "not set"
            if rec.line_by_source:
                line = f"{line} ({', '.join(f'{k}: {v}' for k, v in rec.line_by_source.items())})"
            rows.append(
                f"| {label} | {line} | {', '.join(map(short, rec.preferred)) or 'none'} "
                f"| {', '.join(others) or '—'} | {', '.join(f'`{c}`' for c in rec.alert_codes) or '—'} |"
            )
        rules = sorted({t.rule for rec in self.recs.values() for t in rec.trace})
        return "\n".join(rows), {"her2guide": {"rules": rules}}


def steps(rec) -> Markdown:
    """The engine's reasoning, one rule per step, with the sources behind each rule."""
    rows = ["| Step | Rule | Finding | Sources |", "|---|---|---|---|"]
    for i, t in enumerate(rec.trace, 1):
        rows.append(f"| {i} | `{t.rule}` | {t.finding} | {cite(*t.citations)} |")
    return Markdown("\n".join(rows))


def references() -> Markdown:
    """Every reference cited in this notebook, in order of first citation."""
    return Markdown(
        "\n".join(
            f"{n}. {cat.references[i].citation} [{cat.references[i].link}]({cat.references[i].link})"
            for n, i in enumerate(CITED, 1)
        )
    )


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
rows = ["| Agent | Situation | What the label says | Source |", "|---|---|---|---|"]
rows += [
    f"| {cat.agents[t.agent].name} | {t.condition} | {t.action} | {cite(t.reference)} |"
    for t in cat.toxicity
    if t.topic == "pregnancy"
]
Markdown("\n".join(rows))

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
