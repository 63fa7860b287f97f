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
#
# T-DXd is recorded as stopped for **toxicity**, and the ILD history as drug-induced grade ≥2.

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
        {"agents": ["trastuzumab deruxtecan"], "stopped": "toxicity"},
    ],
    "brain_metastases": "none",
    "ild_history": "drug_grade2_plus",
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
# 2. **Line 3.** Two lines for metastatic disease have been given, so ASCO's third-line
#    list applies, with no preferred regimen.
# 3. **Lung caution carries over.** T-DM1 must also be stopped permanently if ILD occurs on it;
#    respiratory input before any further antibody-drug conjugate is sensible.

# %%
rows = ["| Situation | What the T-DXd label says | Source |", "|---|---|---|"]
rows += [
    f"| {t.condition} | {t.action} | {cite(t.reference)} |"
    for t in cat.toxicity
    if t.agent == "trastuzumab-deruxtecan" and t.topic == "ild"
]
Markdown("\n".join(rows))

# %%
steps(rec)

# %%
# T-DXd label: permanently discontinue after grade ≥2 ILD/pneumonitis.
assert rec.option("trastuzumab-deruxtecan") is None
assert rec.option("trastuzumab-deruxtecan-pertuzumab") is None
assert any(e.regimen == "trastuzumab-deruxtecan" for e in rec.excluded)
assert "ild-caution" in rec.alert_codes
# ASCO 2022 rec. 3.0: third line, no single preferred regimen.
assert rec.line == 3
assert rec.preferred == ()
assert rec.option("tucatinib-trastuzumab-capecitabine") is not None

# %% [markdown]
# ## What would change the answer: grade 1 (asymptomatic) pneumonitis
#
# Under the label, grade 1 ILD means interrupting T-DXd until it resolves, not stopping it for
# good. her2guide keeps T-DXd on the list (as `other`, since it was already given) with an
# `ild-caution` alert that restates the label's grade 1 rule.

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
