"""The published decision table: every patient class of a projection of the declared space,
with the answer the engine gives, grouped into classes with identical answers.

The projection keeps every categorical value of the declared space (:mod:`her2guide._space`)
and replaces each numeric range by one value per bucket the data defines: LVEF one value in
each band between the cut-offs (plus *not known*), the relapse interval one value in each band
between the sources' windows (the window's own last day for "within"). The boundary days
themselves are checked by the full space run, not published here. The evaluation date is the
space's review date (``_space.AS_OF``), after every approval in the data.

:func:`build_table` evaluates every class and returns the files the site ships: ``index.json``
(dimensions, regimen names, the distinct answers) and one ``h<k>.json`` per metastatic
history (the answer number of each class, in the mixed-radix order of the other dimensions).
The page loads them only when the reader first uses the filter.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Final

from ._catalogue import Catalogue, load_catalogue
from ._engine import RULES
from ._model import Recommendation
from ._scenario import MetastaticLine, Scenario
from ._space import AS_OF, ILD, _early_patterns, _histories
from ._space import _scenario as space_scenario

__all__ = ["TableResult", "build_table", "dimensions", "source_hash"]

#: bump when the file format changes (part of the cache key)
FORMAT: Final = 1

_ILD_LABELS: Final = {
    ("none", None): "none",
    ("preexisting", None): "pre-existing ILD",
    ("drug_grade1", "trastuzumab-deruxtecan"): "grade 1 on T-DXd",
    ("drug_grade1", "trastuzumab-emtansine"): "grade 1 on T-DM1",
    ("drug_grade2_plus", "trastuzumab-deruxtecan"): "grade ≥2 on T-DXd",
    ("drug_grade2_plus", "trastuzumab-emtansine"): "grade ≥2 on T-DM1",
    ("drug_grade2_plus", "docetaxel"): "grade ≥2 on docetaxel",
    ("drug_grade2_plus", None): "grade ≥2, drug not given",
}


@dataclass(frozen=True, slots=True)
class Dimension:
    key: str
    label: str
    values: tuple[tuple[str, object], ...]  # (label shown, value used in the scenario)


def _lvef_buckets(cat: Catalogue) -> tuple[tuple[str, object], ...]:
    cuts = sorted(c.below for c in cat.decisions.lvef)
    out: list[tuple[str, object]] = [("not known", None), (f"≥ {cuts[-1]:g}%", cuts[-1])]
    for lo, hi in reversed(list(itertools.pairwise(cuts))):
        out.append((f"{lo:g}% to under {hi:g}%", lo))
    out.append((f"under {cuts[0]:g}%", cuts[0] - 1))
    return tuple(out)


def _interval_buckets(cat: Catalogue) -> tuple[tuple[str, object], ...]:
    months = sorted({m for w in cat.decisions.windows for m in (w.months, w.months_pertuzumab)})
    out: list[tuple[str, object]] = [
        ("date of last HER2 dose not known", None),
        ("during (neo)adjuvant therapy", "during"),
        (f"≤ {months[0]} months after the last dose", (months[0], 0)),
    ]
    for lo, hi in itertools.pairwise(months):
        out.append((f"{lo}–{hi} months after", (hi, 0)))
    out.append((f"> {months[-1]} months after", (months[-1], 1)))
    return tuple(out)


def _history_label(h: Sequence[MetastaticLine], cat: Catalogue) -> str:
    if not h:
        return "no metastatic line yet"

    def name(a: str) -> str:
        ag = cat.agents.get(a)
        return a if ag is None else ag.name

    return " → ".join(f"{' + '.join(name(a) for a in ml.agents)} ({ml.stopped})" for ml in h)


def dimensions(cat: Catalogue | None = None) -> tuple[Dimension, ...]:
    """The dimensions of the published table, in the order the cells are numbered."""
    cat = cat or load_catalogue()
    early: list[tuple[str, object]] = [("none", None)] + [
        (label, agents) for label, agents in _early_patterns()
    ]
    return (
        Dimension("history", "Metastatic lines so far", tuple(
            (_history_label(h, cat), h) for h in _histories()
        )),
        Dimension("hormone_receptor", "Hormone receptor", tuple(
            (v, v) for v in ("positive", "negative", "unknown")
        )),
        Dimension("brain_metastases", "Brain metastases", tuple(
            (v, v) for v in ("none", "stable", "active", "symptomatic", "unknown")
        )),
        Dimension("ild", "ILD / pneumonitis", tuple((_ILD_LABELS[v], v) for v in ILD)),
        Dimension("lvef", "LVEF", _lvef_buckets(cat)),
        Dimension("ecog", "ECOG", (("0–1 or not given", None), ("3", 3))),
        Dimension("early", "(Neo)adjuvant therapy", tuple(early)),
        Dimension("interval", "Recurrence after the last (neo)adjuvant HER2 dose",
                  _interval_buckets(cat)),
    )  # fmt: skip


def _early_combos(dims: Sequence[Dimension]) -> list[tuple[int, int]]:
    """(early index, interval index) pairs: 'none' has no interval, so it appears once."""
    early, interval = dims[-2], dims[-1]
    return [(0, 0)] + [
        (e, i) for e in range(1, len(early.values)) for i in range(len(interval.values))
    ]


def _scenario(dims: Sequence[Dimension], pick: Sequence[int], combo: tuple[int, int]) -> Scenario:
    """One class as a scenario, built by the declared space's own cell builder (not pregnant,
    on the space's review date), so the table and the space cannot read a cell differently."""
    hist, hr, brain, ild, lvef, ecog = (d.values[k][1] for d, k in zip(dims, pick, strict=False))
    e, i = combo
    early: tuple[object, object] = (None, None)
    if e:  # the space's cells carry (pattern, interval); the builder reads pattern[1], the agents
        early = (("", dims[-2].values[e][1]), dims[-1].values[i][1])
    return space_scenario((hr, brain, ild, lvef, False, ecog, early, hist, AS_OF))


Answer = tuple[object, ...]


def _answer(r: Recommendation) -> tuple[str, tuple[str, ...]]:
    """What a clinician reads off one class (line, options by tier, alerts, set-asides) as
    canonical JSON, and the rules that fired (for the links to the algorithm page)."""

    def tier(t: str) -> list[str]:
        return [o.regimen for o in r.options if o.tier == t]

    key = [
        r.line,
        tier("preferred"),
        tier("alternative"),
        tier("other"),
        list(r.alert_codes),
        [[e.regimen, e.rule] for e in r.excluded],
    ]
    return json.dumps(key, separators=(",", ":")), tuple(dict.fromkeys(t.rule for t in r.trace))


def _evaluate_history(k: int) -> bytes:
    """The chunk file of metastatic history ``k``: its distinct answers (each with the rules
    that fired in every class giving it, and those that fired in some) and, per class in
    mixed-radix order, the number of its answer."""
    from ._engine import recommend

    cat = load_catalogue()
    dims = dimensions(cat)
    combos = _early_combos(dims)
    numbers: dict[str, int] = {}
    always: list[set[str]] = []
    some: list[set[str]] = []
    cells: list[int] = []
    for pick in itertools.product(*(range(len(d.values)) for d in dims[1:6])):
        for combo in combos:
            key, rules = _answer(recommend(_scenario(dims, [k, *pick], combo), cat))
            n = numbers.setdefault(key, len(numbers))
            if n == len(always):
                always.append(set(rules))
                some.append(set(rules))
            else:
                always[n] &= set(rules)
                some[n] |= set(rules)
            cells.append(n)
    order = {r.id: i for i, r in enumerate(RULES)}
    answers = [
        [
            *json.loads(key),
            sorted(always[n], key=order.__getitem__),
            sorted(some[n] - always[n], key=order.__getitem__),
        ]
        for key, n in numbers.items()
    ]
    return json.dumps({"answers": answers, "cells": cells}, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class TableResult:
    files: dict[str, bytes]
    classes: int
    answers: int
    seconds: float
    cached: bool


def source_hash() -> str:
    """A hash of the package's source and data: the table is a function of nothing else."""
    h = hashlib.sha256(f"format {FORMAT}".encode())
    root = Path(str(resources.files("her2guide")))
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in {".py", ".toml"}:
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:20]


def build_table(cache_dir: Path | None = None, workers: int | None = None) -> TableResult:
    """Evaluate every class of the projection (or read the cached result for this source)."""
    key = source_hash()
    cached = cache_dir / f"decision-table-{key}.json" if cache_dir else None
    t0 = time.perf_counter()
    if cached is not None and cached.is_file():
        files = {k: v.encode() for k, v in json.loads(cached.read_text("utf-8")).items()}
        meta = json.loads(files["index.json"])
        return TableResult(files, meta["classes"], meta["answers"], 0.0, True)
    cat = load_catalogue()
    dims = dimensions(cat)
    n_hist = len(dims[0].values)
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        parts = [_evaluate_history(k) for k in range(n_hist)]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_evaluate_history, range(n_hist)))
    seconds = time.perf_counter() - t0
    per_history = len(json.loads(parts[0])["cells"])
    answers = sum(len(json.loads(p)["answers"]) for p in parts)
    index = {
        "format": FORMAT,
        "as_of": AS_OF.isoformat(),
        "classes": per_history * n_hist,
        "answers": answers,
        "source": key,
        "dimensions": [
            {"key": d.key, "label": d.label, "values": [lab for lab, _ in d.values]} for d in dims
        ],
        "regimens": {r.id: r.name for r in cat.regimens.values()},
        "rules": {r.id: [r.title, r.anchor] for r in RULES},
        "alerts": dict(cat.decisions.alerts),
    }
    files = {"index.json": json.dumps(index, separators=(",", ":"), ensure_ascii=False).encode()}
    files |= {f"h{k}.json": part for k, part in enumerate(parts)}
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(json.dumps({k: v.decode() for k, v in files.items()}), "utf-8")
        tmp.replace(cached)
    return TableResult(files, per_history * n_hist, answers, seconds, False)


def form_html(
    base: str, algorithm: str, script: str, loads: Sequence[str], cat: Catalogue | None = None
) -> str:
    """The filter form of the decision-table page (one labelled ``select`` per dimension).

    ``base`` is the URL of the table's JSON files, ``algorithm`` of the algorithm page and
    ``script`` of ``decision-table.js``, each relative to the page; ``loads`` lists what a
    first look-up fetches at most (read by ``scripts/page_weight.py``).
    """
    import html

    dims = dimensions(cat)
    fields = []
    for n, d in enumerate(dims):
        opts = [] if n == 0 else ['<option value="">any</option>']
        opts += [
            f'<option value="{i}">{html.escape(label)}</option>'
            for i, (label, _) in enumerate(d.values)
        ]
        fields.append(
            f'<div class="h2g-filter"><label for="h2g-f-{d.key}">{html.escape(d.label)}</label>'
            f'<select id="h2g-f-{d.key}" name="{d.key}">{"".join(opts)}</select></div>'
        )
    return (
        f'<div id="h2g-table" class="h2g-table" data-state="idle" data-base="{html.escape(base)}" '
        f'data-algorithm="{html.escape(algorithm)}" data-h2g-loads="{html.escape(" ".join(loads))}">'
        '<form class="h2g-table-filters" aria-label="Filter the patient classes">'
        + "".join(fields)
        + '<div class="h2g-filter"><button type="submit" class="h2g-table-go">'
        "Look up</button></div></form>"
        '<div id="h2g-table-result" role="status" aria-live="polite"></div></div>'
        f'<script defer src="{html.escape(script)}"></script>'
    )
