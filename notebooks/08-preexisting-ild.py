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
# # Pre-existing interstitial lung disease at second line
#
# A woman of 67 with HER2-positive, HR-negative metastatic breast cancer progressed on
# first-line THP. She also has fibrotic interstitial lung disease, diagnosed by a
# respiratory physician two years ago, stable without treatment.
# No brain metastases; LVEF 60%.
#
# T-DXd would normally be the second-line choice, and T-DXd causes interstitial lung disease.
# The widely shared answer to the seed question called pre-existing ILD a *contraindication*
# to T-DXd. It is not one in the label; the honest position is that there are no data.

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
    "metastatic_diagnosis": "2025-01-15",
    "hormone_receptor": "negative",
    "metastatic_lines": [
        {"agents": ["docetaxel", "trastuzumab", "pertuzumab"], "stopped": "progression"},
    ],
    "brain_metastases": "none",
    "ild_history": "preexisting",
    "lvef": 60,
    "pregnant": False,
}
rec = recommend(patient)
rec

# %% [markdown]
# ## Reasoning
#
# - **Not a contraindication.** The US label lists no contraindications for T-DXd.
# - **No data.** T-DXd trials did not enrol patients with current or steroid-requiring ILD, and
#   NCCN says there are no data on its safety after ILD or pneumonitis.
# - **So her2guide does not prefer it.** T-DXd stays on the list as `other`, with an
#   `ild-caution` alert; T-DM1 and the tucatinib regimen become the realistic choices, and
#   nothing is marked preferred: the choice needs respiratory input and the patient's view.
# - T-DM1 is not free of lung toxicity either: its label requires permanent discontinuation if
#   ILD or pneumonitis occurs.

# %%
Markdown("\n".join(["- " + says("label-tdxd-ild"), "- " + says("nccn-ild")]))

# %%
rows = ["| Agent | Situation | What the source says | Source |", "|---|---|---|---|"]
rows += [
    f"| {cat.agents[t.agent].name} | {t.condition} | {t.action} | {cite(t.reference)} |"
    for t in cat.toxicity
    if t.topic == "ild"
]
Markdown("\n".join(rows))

# %%
figures("db03-primary", "db03-long-term", "db09-interim")

# %%
steps(rec)

# %%
# Label: no contraindication, so T-DXd is not removed; NCCN: no data, so it is not preferred.
assert rec.line == 2
assert rec.option("trastuzumab-deruxtecan") is not None
assert "trastuzumab-deruxtecan" not in rec.preferred
assert "ild-caution" in rec.alert_codes
# NCCN second line: T-DM1 for patients who are not T-DXd candidates; tucatinib regimen may be given.
assert rec.option("trastuzumab-emtansine").tier == "alternative"
assert rec.option("tucatinib-trastuzumab-capecitabine").tier == "alternative"

# %% [markdown]
# ## What would change the answer: no lung disease
#
# Without the ILD history the same patient gets the standard second-line answer.

# %%
no_ild = recommend({**patient, "ild_history": "none"})
Compare(**{"pre-existing ILD": rec, "no lung disease": no_ild})

# %%
assert no_ild.preferred == ("trastuzumab-deruxtecan",)  # ASCO 2022 rec. 2.1
assert "ild-caution" not in no_ild.alert_codes

# %% [markdown]
# ## References

# %%
references()
