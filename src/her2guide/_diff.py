"""The decision diff: which patient classes of the declared space another version of
her2guide answers differently, grouped by cause.

Both versions evaluate the same cells (this version's declared space, or a deterministic
sample of it), each in its own Python process with ``PYTHONPATH`` pointing at its source,
through the public API only (``parse_scenario``, ``recommend``, ``Recommendation.to_dict``),
so the other version's engine and data are the ones that answer. The other version is

- a git ref (``HEAD~1``, ``v0.1.0``, a commit): its ``src/`` is extracted with ``git archive``;
- a directory holding a source tree (``DIR/src/her2guide`` or ``DIR/her2guide``);
- ``python:EXE``: an interpreter that has another her2guide installed.

A first pass compares a digest of each cell's decision (scope, line, options with tiers,
set-asides with their rules, alert codes); a second pass fetches the full answers of the
changed cells and groups them by what changed and by the rules whose trace differs. The data
records that differ between the two versions' ``data/*.toml`` are listed, and each group
names the records that mention a regimen, alert, rule or reference involved in it. Cells the
other version cannot read (a field it does not know) are counted as such, never dropped.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ._catalogue import load_catalogue
from ._scenario import Scenario

__all__ = ["DiffError", "DiffResult", "decision_diff", "format_diff", "scenario_dict"]


class DiffError(ValueError):
    """The other version could not be found or run (message names what and why)."""


# The worker runs inside the other version's interpreter: it may use only the public API.
_WORKER: Final = r"""
import hashlib, json, sys
import her2guide
from her2guide import ScenarioError, parse_scenario, recommend

mode, cells_path, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
wanted = {int(i) for i in open(wanted[0]).read().split()} if wanted else None
out = sys.stdout
out.write(json.dumps({"package": her2guide.__file__,
                      "version": getattr(her2guide, "__version__", "?")}) + "\n")
with open(cells_path, encoding="utf-8") as f:
    for i, line in enumerate(f):
        if wanted is not None and i not in wanted:
            continue
        try:
            s = parse_scenario(json.loads(line))
        except ScenarioError as exc:
            p = exc.problems[0] if getattr(exc, "problems", None) else exc
            out.write(json.dumps(["unreadable", str(p)[:200]]) + "\n")
            continue
        try:
            d = recommend(s).to_dict()
        except Exception as exc:
            out.write(json.dumps(["raised", repr(exc)[:200]]) + "\n")
            continue
        key = [d.get("in_scope"), d.get("line"),
               [[o["regimen"], o["tier"]] for o in d.get("options", [])],
               [[e["regimen"], e["rule"]] for e in d.get("excluded", [])],
               list(dict.fromkeys(a["code"] for a in d.get("alerts", [])))]
        if mode == "digest":
            out.write(hashlib.sha256(json.dumps(key).encode()).hexdigest()[:16] + "\n")
        else:
            trace = [[t["rule"], t.get("finding", ""), list(t.get("citations", []))]
                     for t in d.get("trace", [])]
            out.write(json.dumps(["ok", key, trace]) + "\n")
"""


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


# --------------------------------------------------------------------------- versions


@dataclass(frozen=True, slots=True)
class _Version:
    label: str
    python: str
    pythonpath: str | None  # None: the interpreter's own installation


def _git(repo: Path, *args: str, binary: bool = False) -> Any:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    if proc.returncode:
        raise DiffError(
            f"--against: git {' '.join(args)} failed in {repo}: "
            + proc.stderr.decode("utf-8", "replace").strip()
        )
    return proc.stdout if binary else proc.stdout.decode().strip()


def _resolve(ref: str, repo: Path, tmp: Path) -> _Version:
    if ref.startswith("python:"):
        exe = ref.removeprefix("python:")
        return _Version(f"the her2guide installed for {exe}", exe, None)
    path = Path(ref)
    if path.is_dir():
        for src in (path / "src", path):
            if (src / "her2guide" / "__init__.py").is_file():
                return _Version(f"the source tree {path}", sys.executable, str(src))
        raise DiffError(
            f"--against: {ref!r} is a directory without src/her2guide or her2guide; allowed: "
            "a git ref, a source tree, or python:EXE"
        )
    try:
        commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except DiffError:
        raise DiffError(
            f"--against: {ref!r} is neither a git ref in {repo} nor a directory; allowed: "
            "a git ref (HEAD~1, a tag, a commit), a source tree, or python:EXE"
        ) from None
    archive = _git(repo, "archive", "--format=tar", commit, "src", binary=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tmp / "old", filter="data")
    return _Version(f"{ref} ({commit[:12]})", sys.executable, str(tmp / "old" / "src"))


def _current() -> _Version:
    src = Path(__file__).resolve().parents[1]
    label = "this version"
    try:
        head = _git(src, "rev-parse", "--short=12", "HEAD")
        dirty = _git(src, "status", "--porcelain", "--", ".")
        label += f" ({head}{' + uncommitted changes' if dirty else ''})"
    except (DiffError, OSError):
        pass  # an installed package: no commit to name
    return _Version(label, sys.executable, str(src))


def _start(v: _Version, mode: str, cells: Path, wanted: str = "") -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if v.pythonpath is not None:
        env["PYTHONPATH"] = v.pythonpath
    args = [v.python, "-c", _WORKER, mode, str(cells)] + ([wanted] if wanted else [])
    return subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cells.parent
    )


def _finish(v: _Version, proc: subprocess.Popen[str]) -> tuple[dict[str, str], list[str]]:
    out, err = proc.communicate()
    if proc.returncode:
        raise DiffError(f"{v.label} could not evaluate the cells:\n{err.strip()[-2000:]}")
    lines = out.splitlines()
    return json.loads(lines[0]), lines[1:]


# --------------------------------------------------------------------------- data records


def _records(data_dir: Path) -> dict[str, str]:
    """Each record of ``data/*.toml`` by a readable identity, with its canonical content."""
    out: dict[str, str] = {}
    for p in sorted(data_dir.glob("*.toml")):
        doc = tomllib.loads(p.read_text("utf-8"))
        for table, value in doc.items():
            items = value if isinstance(value, list) else [value]
            for n, rec in enumerate(items):
                if not isinstance(rec, dict):
                    out[f"{p.name} {table}"] = json.dumps(value, sort_keys=True, default=str)
                    break
                ident = _identity(rec) or f"#{n + 1}"
                name = f"{p.name} [[{table}]] {ident}"
                while name in out:
                    name += "'"
                out[name] = json.dumps(rec, sort_keys=True, default=str)
    return out


_ID_FIELDS: Final = ("id", "code", "line", "regimen", "jurisdiction", "source", "below", "when")


def _identity(rec: Mapping[str, Any]) -> str:
    if "id" in rec:
        return f"id={rec['id']}"
    if "code" in rec:
        return f"code={rec['code']}"
    return " ".join(
        f"{k}={rec[k]}" for k in _ID_FIELDS if k in rec and not isinstance(rec[k], (list, dict))
    )


# --------------------------------------------------------------------------- the diff


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


_ID: Final = re.compile(r"^(?:[a-z0-9]+(?:[-.][a-z0-9]+)+|[A-Z0-9]+(?:-[A-Z0-9]+)+)$")


def _values(record_json: str) -> set[str]:
    """The identifiers among a record's values (regimen, agent, statement, reference, alert
    and rule IDs), not its field names or its prose."""

    def walk(v: Any) -> Iterator[str]:
        if isinstance(v, dict):
            for x in v.values():
                yield from walk(x)
        elif isinstance(v, list):
            for x in v:
                yield from walk(x)
        elif isinstance(v, str):
            yield from v.split()

    words = {w.strip(".,;:()'\"") for w in walk(json.loads(record_json or "{}"))}
    return {w for w in words if _ID.match(w)}  # identifiers only, not the prose around them


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
    sample: int | None = None,
    seed: int = 0,
    repo: Path | None = None,
    max_detail: int = 200_000,
) -> DiffResult:
    """Evaluate this version's declared space with ``against`` and with this version."""
    import time

    from ._space import cells

    t0 = time.perf_counter()
    repo = repo or Path.cwd()
    cat = load_catalogue()
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


def format_diff(r: DiffResult, markdown: bool = False, top: int = 40) -> str:
    """The report: what changed for how many classes, why, and the changed data records."""
    lines: list[str] = []
    say = lines.append
    if markdown:
        say(f"Compared **{r.new}** with **{r.old}** on {r.cells:,} cells of the declared space.")
        say("")
    else:
        say(f"comparing {r.new}")
        say(f"     with {r.old}")
        say(f"on {r.cells:,} cells of the declared space ({r.seconds:.1f} s)")
    if r.records:
        say("")
        say("Data records that differ:" if not markdown else "**Data records that differ:**")
        say("")
        lines.extend(f"- `{rec}`" if markdown else f"  - {rec}" for rec in r.records)
    say("")
    if not r.groups:
        say("No patient class changed recommendation.")
    elif markdown:
        say("**Patient classes whose recommendation changed, by cause:**")
        say("")
    for g in r.groups[:top]:
        rules = ", ".join(g.rules) or "no rule's trace differs"
        recs = "; ".join(g.records) or (
            "none (see the list above)" if r.records else "no data record changed (a code change)"
        )
        if markdown:
            say(f"- **{g.count:,} classes:** {g.change}  ")
            say(
                f"  rules whose trace differs: {', '.join(f'`{x}`' for x in g.rules) or rules}; "
                f"changed data records that name it: {recs}"
            )
        else:
            say(f"{g.count:>9,} classes: {g.change}")
            say(f"           rules: {rules}")
            say(f"           data: {recs}")
    if len(r.groups) > top:
        say(f"... and {len(r.groups) - top} more groups")
    if r.unreadable:
        say("")
        say(f"{r.unreadable:,} cells the old version cannot read (not compared):")
        for why, k in r.unreadable_reasons.most_common(5):
            say(f"  {k:,}: {why}")
    if r.raised_old or r.raised_new:
        say(f"the engine raised on {r.raised_old:,} cells (old) and {r.raised_new:,} (new)")
    say("")
    say(
        f"{r.changed:,} of {r.cells:,} cells changed recommendation in {len(r.groups)} groups; "
        f"{r.unreadable:,} unreadable by the old version"
    )
    return "\n".join(lines)
