"""The two versions a decision diff compares, each evaluated in its own Python process.

The other version is a git ref (its ``src/`` extracted with ``git archive``), a source
tree, or another interpreter; the worker (:data:`_WORKER`) runs inside that version's
interpreter and may use only the public API.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final


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
    src = Path(__file__).resolve().parents[2]  # src/her2guide/_diff/versions.py → src
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
