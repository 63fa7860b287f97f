"""The diff itself: both versions answer the same cells; changed cells are grouped by what
changed and by the rules whose trace differs, and each group names the changed records."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._catalogue import Catalogue
from .._scenario import Scenario
from .records import _records, _values
from .versions import _current, _finish, _resolve, _start


def scenario_dict(s: Scenario) -> dict[str, Any]:
    """A scenario in the public input form (what a scenario file holds), ``None`` left out."""

    def day(d: dt.date | None) -> str | None:
        return None if d is None else d.isoformat()

    out: dict[str, Any] = {"her2": s.her2, "setting": s.setting}
    if s.her2 != "positive" or s.setting != "metastatic":
        return out
    e = s.early_treatment
    out |= {
        "as_of": day(s.as_of),
        "metastatic_diagnosis": day(s.metastatic_diagnosis),
        "hormone_receptor": s.hormone_receptor,
        "early_treatment": None
        if e is None
        else {
            k: v
            for k, v in (
                ("agents", list(e.agents)),
                ("her2_therapy_end", day(e.her2_therapy_end)),
                ("residual_disease", e.residual_disease),
            )
            if v is not None
        },
        "metastatic_lines": [
            {"agents": list(ml.agents), "stopped": ml.stopped}
            | ({"toxicity_agents": list(ml.toxicity_agents)} if ml.toxicity_agents else {})
            for ml in s.metastatic_lines
        ],
        "brain_metastases": s.brain_metastases,
        "ild_history": s.ild_history,
        "ild_agent": s.ild_agent,
        "lvef": s.lvef,
        "ecog": s.ecog,
        "pregnant": s.pregnant,
    }
    return {k: v for k, v in out.items() if v is not None}


@dataclass
class Group:
    change: str
    rules: tuple[str, ...]
    count: int = 0
    records: tuple[str, ...] = ()
    example: dict[str, Any] = field(default_factory=dict)


@dataclass
class DiffResult:
    old: str
    new: str
    cells: int
    changed: int
    unreadable: int
    raised_old: int
    raised_new: int
    groups: list[Group]
    records: list[str]
    unreadable_reasons: Counter[str]
    seconds: float


def _ids(old: list[Any], new: list[Any]) -> set[str]:
    """The regimen IDs, alert codes and exclusion rules that differ between two decisions."""
    out: set[str] = set()
    o_opts, n_opts = {tuple(o) for o in old[2]}, {tuple(o) for o in new[2]}
    out |= {r for r, _ in o_opts ^ n_opts}
    o_ex, n_ex = {tuple(e) for e in old[3]}, {tuple(e) for e in new[3]}
    out |= {x for e in o_ex ^ n_ex for x in e}
    out |= set(old[4]) ^ set(new[4])
    return out


def _change(old: list[Any], new: list[Any]) -> str:
    o_in, o_line, o_opts, o_excl, o_alerts = old
    n_in, n_line, n_opts, n_excl, n_alerts = new
    parts: list[str] = []
    if o_in != n_in:
        parts.append(f"in scope {o_in} → {n_in}")
    if o_line != n_line:
        parts.append(f"line {o_line} → {n_line}")
    o_tier = dict(o_opts)
    n_tier = dict(n_opts)
    for r in sorted(set(o_tier) | set(n_tier)):
        a, b = o_tier.get(r), n_tier.get(r)
        if a != b:
            parts.append(f"{r}: {a or 'not offered'} → {b or 'not offered'}")
    if o_opts != n_opts and o_tier == n_tier:
        parts.append("option order changed")
    for code in n_alerts:
        if code not in o_alerts:
            parts.append(f"alert +{code}")
    for code in o_alerts:
        if code not in n_alerts:
            parts.append(f"alert −{code}")
    o_ex = {tuple(e) for e in o_excl}
    n_ex = {tuple(e) for e in n_excl}
    parts += [f"set aside +{r} ({rule})" for r, rule in sorted(n_ex - o_ex)]
    parts += [f"set aside −{r} ({rule})" for r, rule in sorted(o_ex - n_ex)]
    if not parts and o_alerts != n_alerts:
        parts.append("alert order changed")
    if not parts and o_excl != n_excl:
        parts.append("set-aside order changed")
    return "; ".join(parts) or "no visible change"


def _rules(old_trace: list[Any], new_trace: list[Any]) -> tuple[tuple[str, ...], set[str]]:
    """Rules whose trace entries differ, and the citations of those entries."""

    def by_rule(trace: list[Any]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for rule, finding, cites in trace:
            out.setdefault(rule, []).append((finding, tuple(cites)))
        return out

    a, b = by_rule(old_trace), by_rule(new_trace)
    order = list(dict.fromkeys([t[0] for t in new_trace] + [t[0] for t in old_trace]))
    differ = tuple(r for r in order if a.get(r) != b.get(r))
    cites = {c for r in differ for _, cs in a.get(r, []) + b.get(r, []) for c in cs}
    return differ, cites


def decision_diff(
    against: str,
    cat: Catalogue,
    sample: int | None = None,
    seed: int = 0,
    repo: Path | None = None,
    max_detail: int = 200_000,
) -> DiffResult:
    """Evaluate this version's declared space (from ``cat``, this version's catalogue) with
    ``against`` and with this version."""
    from .._space import cells

    t0 = time.perf_counter()
    repo = repo or Path.cwd()
    with tempfile.TemporaryDirectory(prefix="her2guide-diff-") as tmp_s:
        tmp = Path(tmp_s)
        old = _resolve(against, repo, tmp)
        new = _current()
        path = tmp / "cells.jsonl"
        n = 0
        with path.open("w", encoding="utf-8") as f:
            for s in cells(cat, sample=sample, seed=seed):
                f.write(json.dumps(scenario_dict(s), separators=(",", ":")) + "\n")
                n += 1
        procs = [(v, _start(v, "digest", path)) for v in (old, new)]
        (old_meta, old_d), (new_meta, new_d) = [_finish(v, p) for v, p in procs]
        unreadable: Counter[str] = Counter()
        changed: list[int] = []
        raised = [0, 0]
        for i, (a, b) in enumerate(zip(old_d, new_d, strict=True)):
            if a.startswith("["):
                kind, why = json.loads(a)
                if kind == "unreadable":
                    unreadable[why] += 1
                    continue
                raised[0] += 1
            if b.startswith("["):
                raised[1] += 1
            if a != b:
                changed.append(i)
        detail = changed[:max_detail]
        wanted = tmp / "wanted.txt"
        wanted.write_text(" ".join(map(str, detail)))
        groups: dict[tuple[str, tuple[str, ...]], Group] = {}
        involved: dict[tuple[str, tuple[str, ...]], set[str]] = {}
        if detail:
            procs = [(v, _start(v, "detail", path, str(wanted))) for v in (old, new)]
            (_, old_x), (_, new_x) = [_finish(v, p) for v, p in procs]
            lines = path.read_text("utf-8").splitlines()
            for i, a_s, b_s in zip(detail, old_x, new_x, strict=True):
                a, b = json.loads(a_s), json.loads(b_s)
                if a[0] != "ok" or b[0] != "ok":
                    key: tuple[str, tuple[str, ...]] = (
                        f"the engine raised ({a[1] if a[0] != 'ok' else b[1]})",
                        (),
                    )
                    ids: set[str] = set()
                else:
                    rules, cites = _rules(a[2], b[2])
                    key = (_change(a[1], b[1]), rules)
                    ids = cites | set(rules) | _ids(a[1], b[1])
                g = groups.get(key)
                if g is None:
                    g = groups[key] = Group(key[0], key[1], example=json.loads(lines[i]))
                    involved[key] = set()
                g.count += 1
                involved[key] |= ids
        old_records = _records(Path(old_meta["package"]).parent / "data")
        new_records = _records(Path(new_meta["package"]).parent / "data")
        records = sorted(
            k
            for k in set(old_records) | set(new_records)
            if old_records.get(k) != new_records.get(k)
        )
        for key, g in groups.items():
            g.records = tuple(
                r
                for r in records
                if (_values(old_records.get(r, "")) | _values(new_records.get(r, "")))
                & involved[key]
            )
    return DiffResult(
        old=f"{old.label}, her2guide {old_meta['version']}",
        new=f"{new.label}, her2guide {new_meta['version']}",
        cells=n,
        changed=len(changed),
        unreadable=sum(unreadable.values()),
        raised_old=raised[0],
        raised_new=raised[1],
        groups=sorted(groups.values(), key=lambda g: (-g.count, g.change)),
        records=records,
        unreadable_reasons=unreadable,
        seconds=time.perf_counter() - t0,
    )
