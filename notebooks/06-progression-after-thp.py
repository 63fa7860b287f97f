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
# # Progression after first-line THP
#
# A woman with de novo HER2-positive, hormone-receptor-negative metastatic breast cancer had
# docetaxel, trastuzumab and pertuzumab, then maintenance trastuzumab and pertuzumab.
# Twenty months later, new liver lesions show progression. No brain metastases; LVEF 59%.
#
# This is the classic second-line decision.

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
    "metastatic_diagnosis": "2025-03-01",
    "hormone_receptor": "negative",
    "metastatic_lines": [
        {"agents": ["docetaxel", "trastuzumab", "pertuzumab"], "stopped": "progression"},
    ],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 59,
    "pregnant": False,
}
rec = recommend(patient)
rec

# %% [markdown]
# ## Reasoning
#
# 1. One previous line for metastatic disease: this is line 2.
# 2. ASCO 2022 rec. 2.1 recommends T-DXd second line for patients who have not had it
#    (strong recommendation, moderate-quality evidence); NCCN lists it as preferred.
# 3. THP is set aside: the disease progressed on it.
# 4. T-DM1 and the tucatinib regimen are alternatives. For tucatinib the US label needs one
#    prior metastatic anti-HER2 regimen, the EU label two, hence the `guidelines-differ` alert.

# %%
Markdown(
    "\n".join(
        "- " + says(s)
        for s in (
            "asco-2022-2.0",
            "asco-2022-2.1",
            "nccn-second-line",
            "label-tucatinib-us",
            "label-tucatinib-eu",
        )
    )
)

# %%
figures("db03-primary", "db03-updated", "db03-long-term", "emilia-primary")

# %%
steps(rec)

# %%
# ASCO 2022 rec. 2.0/2.1: second-line HER2-targeted therapy; T-DXd if not received.
assert rec.line == 2
assert rec.preferred == ("trastuzumab-deruxtecan",)
# Never repeat a regimen the disease progressed on.
assert rec.option("trastuzumab-pertuzumab-taxane") is None
# NCCN: T-DM1 if not a T-DXd candidate; tucatinib regimen may be given second line.
assert rec.option("trastuzumab-emtansine").tier == "alternative"
assert rec.option("tucatinib-trastuzumab-capecitabine").tier == "alternative"

# %% [markdown]
# ## What would change the answer: hormone-receptor-positive disease
#
# If her tumour were HR-positive, ASCO 2022 rec. 7.0 allows endocrine therapy to be added
# to HER2-targeted therapy at progression. It is a weak recommendation, so it appears as an
# extra, not as a replacement for T-DXd.

# %%
hr_pos = recommend({**patient, "hormone_receptor": "positive"})
Compare(**{"HR-negative": rec, "HR-positive": hr_pos})

# %%
assert hr_pos.preferred == ("trastuzumab-deruxtecan",)  # ASCO 2022 rec. 2.1 still applies
assert hr_pos.option("endocrine-her2").tier == "other"  # ASCO 2022 rec. 7.0 (weak)
assert hr_pos.option("endocrine-alone") is None  # not a second-line ASCO recommendation

# %% [markdown]
# ## References

# %%
references()
