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
