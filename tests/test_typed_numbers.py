"""No clinical number is typed anywhere a reader sees it unless the data holds the same
number, with the same unit, in the record it is written about.

The earlier guard accepted any number that appeared anywhere in the data (every integer
0–73 did). This one matches *kind* (a dose in mg, mg/kg or mg/m², a percentage, a number of
months, a hazard ratio) and, when the text names a trial just before the figure, requires the
figure to be in that trial's own record. It reads the site's hand-written pages, the
notebooks' Markdown cells and every string the engine can print.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from her2guide import _site

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "her2guide" / "data"
DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"
ENGINE = ROOT / "src" / "her2guide" / "_engine"
GENERATED = DOCS / "scenarios"

NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
KINDS: dict[str, re.Pattern[str]] = {
    "mg/kg": re.compile(NUMBER + r"\s*mg/kg\b"),
    "mg/m2": re.compile(NUMBER + r"\s*mg/m(?:2|²)"),
    "mg": re.compile(NUMBER + r"\s*mg(?![/A-Za-z])"),
    "%": re.compile(NUMBER + r"\s*%"),
    "months": re.compile(NUMBER + r"[\s-]*(?:months?|mo)\b"),
    "HR": re.compile(r"\b(?:HR|hazard ratio)\s*[=:,]?\s*" + NUMBER),
}
#: structured numeric fields in the data and the kind of number they hold
FIELD_KIND = {
    "strengths_mg": "mg",
    "dose_mg": "mg",
    "start_dose_mg": "mg",
    "months": "months",
    "months_pertuzumab": "months",
    "below": "%",
}
#: a patient's own values in a story ("her LVEF is 58%", "relapsing 14 months later") are
#: scenario facts, not clinical claims: they are taken out before the check
PATIENT = re.compile(
    r"LVEF (?:is |of |to |at )?" + NUMBER + r"\s*%"
    r"|" + NUMBER + r"(?:,| and| or)?\s*(?:months?) (?:after|later|before|ago)\b"
    r"|(?:relapse|relapsing|relapsed)(?: at)? " + NUMBER + r" months?(?:,? or at \d+ months?)?"
    r"|\b" + NUMBER + r"(?:,| and)(?= \d)"
)
FENCE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", re.S | re.M)


def _norm(n: str | float) -> str:
    text = str(n).replace(",", "")
    return text[:-2] if text.endswith(".0") else text


def _strings_and_numbers(x: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(x, dict):
        for k, v in x.items():
            yield from _strings_and_numbers(v, k)
    elif isinstance(x, list):
        for v in x:
            yield from _strings_and_numbers(v, key)
    else:
        yield key, x


def facts(text: str) -> set[tuple[str, str]]:
    """(kind, number) for every typed clinical number in ``text``."""
    out = set()
    for kind, pattern in KINDS.items():
        for m in pattern.finditer(text):
            out.add((kind, _norm(m.group(1))))
    return out


def record_facts(record: Any) -> set[tuple[str, str]]:
    """The (kind, number) facts one data record states, in its text or its typed fields."""
    out: set[tuple[str, str]] = set()
    unit = record.get("unit", "") if isinstance(record, dict) else ""
    for key, value in _strings_and_numbers(record):
        if isinstance(value, str):
            out |= facts(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if key in FIELD_KIND:
                out.add((FIELD_KIND[key], _norm(value)))
            elif key in {"dose", "loading_dose", "reductions", "value"} and unit:
                out.add((unit.replace("m²", "m2"), _norm(value)))
    return out


def _records() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(DATA.glob("*.toml")):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        for table, rows in doc.items():
            if isinstance(rows, list):
                for row in rows:
                    if isinstance(row, dict):
                        yield f"{path.stem}:{table}", row


def _nested_records(row: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield row
    for value in row.values():
        if isinstance(value, list):
            for v in value:
                if isinstance(v, dict):
                    yield from _nested_records(v)


DATA_FACTS: set[tuple[str, str]] = set()
for _, _row in _records():
    for _rec in _nested_records(_row):
        DATA_FACTS |= record_facts(_rec)

#: trial display name -> the facts its record (all analyses) states
TRIAL_FACTS: dict[str, set[tuple[str, str]]] = {
    row["name"]: set().union(*(record_facts(r) for r in _nested_records(row)))
    for where, row in _records()
    if where == "trials:trial"
}
TRIAL_NAME = re.compile(
    "|".join(re.escape(n) for n in sorted(TRIAL_FACTS, key=len, reverse=True)) + r"(?![\w-])"
)


def problems(text: str, where: str) -> list[str]:
    """Typed numbers in ``text`` that the data does not state, or states for another trial."""
    bad = []
    text = PATIENT.sub(" ", text)
    for kind, pattern in KINDS.items():
        for m in pattern.finditer(text):
            fact = (kind, _norm(m.group(1)))
            if fact not in DATA_FACTS:
                bad.append(f"{where}: {m.group(0)!r} ({kind}) is not in the data")
                continue
            if kind in {"%", "months", "HR"}:
                # same sentence: the nearest trial named before the figure must state it
                start = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start()))
                named = TRIAL_NAME.findall(text, start + 1, m.start())
                if named and fact not in TRIAL_FACTS[named[-1]]:
                    bad.append(
                        f"{where}: {m.group(0)!r} is written about {named[-1]}, whose record "
                        "does not state it"
                    )
    return bad


# --------------------------------------------------------------------------- sources of text


def page_prose(path: Path) -> str:
    return _site.PLACEHOLDER.sub(" ", FENCE.sub(" ", path.read_text(encoding="utf-8")))


def notebook_markdown(path: Path) -> str:
    """The Markdown cells of a percent-format notebook, comment marks removed."""
    out, in_md = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# %%"):
            in_md = "[markdown]" in line
            continue
        if in_md and line.startswith("#"):
            out.append(line[2:] if line.startswith("# ") else "")
    return "\n".join(out)


def engine_strings(path: Path) -> str:
    """Every string constant in an engine module (f-string parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    return "\n".join(parts)


PAGES = sorted(p for p in DOCS.rglob("*.md") if GENERATED not in p.parents)


# --------------------------------------------------------------------------- tests


def test_guard_catches_wrong_unit_wrong_trial_and_invented_numbers() -> None:
    """A number that is in the data with another unit, a real figure attributed to the wrong
    trial, and an invented dose are all flagged; the same figures stated correctly are not."""
    assert ("mg/kg", "5.4") in DATA_FACTS  # the Enhertu dose, in regimens.toml
    assert ("mg/m2", "5.4") not in DATA_FACTS
    wrong = problems("Give 5.4 mg/m2 of T-DXd. Give 7.77 mg/kg.", "probe")
    assert len(wrong) == 2
    # DESTINY-Breast03's HR 0.28 is in its record; CLEOPATRA's record does not state it
    assert ("HR", "0.28") in TRIAL_FACTS["DESTINY-Breast03"]
    assert problems("In DESTINY-Breast03, HR 0.28.", "probe") == []
    assert len(problems("In CLEOPATRA, HR 0.28.", "probe")) == 1
    # a patient's own values are not claims
    assert problems("Her LVEF is 58%; she relapsed 14 months after surgery.", "probe") == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_site_pages_type_only_numbers_the_data_states(page: Path) -> None:
    """Hand-written page prose: every dose, %, month count and HR is in the data, by kind."""
    assert problems(page_prose(page), page.name) == []


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("*.py")), ids=lambda p: p.stem)
def test_notebook_markdown_types_only_numbers_the_data_states(notebook: Path) -> None:
    """Notebook Markdown cells: the same rule as the pages."""
    assert problems(notebook_markdown(notebook), notebook.name) == []


@pytest.mark.parametrize("module", sorted(ENGINE.glob("*.py")), ids=lambda p: p.stem)
def test_engine_messages_type_only_numbers_the_data_states(module: Path) -> None:
    """Every string the engine can print: the same rule (messages built from data pass
    because their numbers are filled in at run time, not typed)."""
    assert problems(engine_strings(module), f"_engine/{module.name}") == []
