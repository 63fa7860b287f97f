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
# # Progression after T-DXd: third line, and the evidence gap
#
# The patient from the previous scenario had second-line T-DXd after first-line THP, with a
# good response for a year and a half. Now her liver disease is growing again.
# HR-negative, no brain metastases, LVEF 57%.
#
# After T-DXd there is no randomised trial telling us what comes next.
# her2guide lists the third-line options without ranking them, as ASCO does.

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
    "metastatic_diagnosis": "2023-02-01",
    "hormone_receptor": "negative",
    "metastatic_lines": [
        {"agents": ["docetaxel", "trastuzumab", "pertuzumab"], "stopped": "progression"},
        {"agents": ["T-DXd"], "stopped": "progression"},
    ],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 57,
    "pregnant": False,
}
rec = recommend(patient)
Compare(**{"third line after THP and T-DXd": rec})

# %% [markdown]
# ## Reasoning
#
# - ASCO 2022 rec. 3.0: keep HER2-targeted therapy in later lines, but without head-to-head
#   trials there is not enough evidence to prefer one regimen. So **nothing is preferred**.
# - The `evidence-gap` alert is the point of this scenario: HER2CLIMB (tucatinib) required
#   prior T-DM1, not T-DXd, and data for T-DM1 or the tucatinib regimen after T-DXd are lacking.
# - Neratinib, lapatinib and margetuximab combinations join the list at this line, each with
#   its own trial results below.

# %%
Markdown(
    "\n".join(
        "- " + says(s)
        for s in ("asco-2022-3.0", "asco-2022-3.1", "belgian-after-tdxd", "nccn-tucatinib-cns")
    )
)

# %%
figures(
    "her2climb-primary",
    "her2climb-final-os",
    "emilia-primary",
    "th3resa-results",
    "nala-primary",
    "sophia-primary-pfs",
    "sophia-final-os",
)

# %%
steps(rec)

# %%
# ASCO 2022 rec. 3.0: insufficient evidence to recommend one regimen over another.
assert rec.line == 3
assert rec.preferred == ()
assert "evidence-gap" in rec.alert_codes
# ASCO 2022 rec. 3.1 lists tucatinib regimens, T-DM1 (if not given), neratinib, lapatinib, margetuximab.
for regimen in (
    "tucatinib-trastuzumab-capecitabine",
    "trastuzumab-emtansine",
    "neratinib-capecitabine",
    "lapatinib-capecitabine",
    "margetuximab-chemotherapy",
):
    assert rec.option(regimen) is not None, regimen
# The disease progressed on T-DXd: no T-DXd regimen is offered again.
assert rec.option("trastuzumab-deruxtecan") is None

# %% [markdown]
# ## What would change the answer: first-line T-DXd + pertuzumab
#
# A patient treated first line with T-DXd + pertuzumab (DESTINY-Breast09) who progresses
# is at **line 2**, but ASCO's second-line recommendation (T-DXd) no longer applies and no
# trial has tested anything after that combination.

# %%
after_db09 = recommend(
    {**patient, "metastatic_lines": [{"agents": ["T-DXd", "pertuzumab"], "stopped": "progression"}]}
)
Compare(**{"after THP then T-DXd": rec, "after first-line T-DXd + pertuzumab": after_db09})

# %%
assert after_db09.line == 2
assert after_db09.preferred == ()  # ASCO 2022 rec. 2.1 requires no prior T-DXd
assert "evidence-gap" in after_db09.alert_codes
assert after_db09.option("trastuzumab-deruxtecan") is None

# %% [markdown]
# ## References

# %%
references()
