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
# # Brain metastases: active, then symptomatic
#
# A woman with HER2-positive, HR-negative metastatic breast cancer progressed on first-line
# THP. Staging MRI shows three new small brain metastases without surrounding swelling; she has
# no neurological symptoms. LVEF 61%.
#
# In ASCO's brain-metastases guideline, "active" (new or growing, no mass effect) and
# "symptomatic" (symptoms or mass effect needing local treatment) lead to different first steps.

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
# ## Active brain metastases at second line

# %%
from her2guide import recommend

patient = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2025-02-10",
    "hormone_receptor": "negative",
    "metastatic_lines": [
        {"agents": ["docetaxel", "trastuzumab", "pertuzumab"], "stopped": "progression"},
    ],
    "brain_metastases": "active",
    "ild_history": "none",
    "lvef": 61,
    "pregnant": False,
}
rec = recommend(patient)
rec

# %% [markdown]
# ## Reasoning
#
# - Her disease progressed on a HER2-directed therapy for metastatic disease, so ASCO's
#   brain-metastases rec. 7.1 applies: the tucatinib regimen may be offered, and local therapy
#   may be deferred until intracranial progression. It is a *weak* recommendation.
# - T-DXd has its own CNS data from the single-arm DESTINY-Breast12 study.
# - her2guide therefore prefers both CNS-active options. Which one, and whether to add
#   radiosurgery now, is a multidisciplinary decision (brain-metastases rec. 1.0).

# %%
Markdown(
    "\n".join(
        "- " + says(s)
        for s in ("asco-bm-2022-1.0", "asco-bm-2022-7.1", "asco-bm-2022-8.2", "nccn-tucatinib-cns")
    )
)

# %%
figures("her2climb-primary", "db12-primary")

# %%
steps(rec)

# %%
# ASCO 2022 brain metastases rec. 7.1: tucatinib regimen for BM without mass effect after ≥1
# prior metastatic HER2 therapy; ASCO 2022 rec. 2.1 / DESTINY-Breast12: T-DXd.
assert rec.line == 2
assert "tucatinib-trastuzumab-capecitabine" in rec.preferred
assert "trastuzumab-deruxtecan" in rec.preferred
assert "local-therapy-first" not in rec.alert_codes

# %% [markdown]
# ## What would change the answer: symptoms or mass effect
#
# If she had headaches and a 3-cm lesion with oedema, ASCO's brain-metastases recs 1.0 and 2.1
# put local treatment (surgery or radiotherapy) first. `local-therapy-first` means: **arrange
# this before starting systemic therapy**. Systemic options are still listed, for afterwards
# (rec. 8.2).

# %%
symptomatic = recommend({**patient, "brain_metastases": "symptomatic"})
Compare(**{"active, no symptoms": rec, "symptomatic / mass effect": symptomatic})

# %%
Markdown("- " + says("asco-bm-2022-2.1"))

# %%
# ASCO 2022 brain metastases recs 1.0 and 2.1: local therapy first for symptomatic disease.
assert "local-therapy-first" in symptomatic.alert_codes
assert symptomatic.line == 2
assert symptomatic.option("trastuzumab-deruxtecan") is not None  # rec. 8.2: usual algorithm after

# %% [markdown]
# ## References

# %%
references()
