"""The worked-scenario notebooks: every one runs, asserts its outcome, and cites its sources.

Each notebook is executed in a fresh Jupyter kernel through the same machinery the site
build uses (``her2guide._site.notebooks.executed``), into the same content-addressed cache
(``.cache/notebooks/``): after ``mkdocs build`` the tests read the executions the build
made, and a build after the tests reuses theirs, so one ``make check`` runs each notebook
once. The cache key covers the notebook's text and every file of the package, so a
changed notebook, rule or data file is executed afresh (tested below). A failing
``assert`` is never cached: it fails the test for that notebook, and the message names
the notebook file and the cell.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest

from her2guide import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
CACHE_DIR = ROOT / ".cache" / "notebooks"  # the site build's cache (SiteBuild._notebooks)

with warnings.catch_warnings():
    # jupyter_client/jupyter_core warn on import about their platformdirs migration
    # ("Jupyter is migrating its paths"), which pyproject already ignores, and zmq may warn
    # about its event-loop policy on some platforms; neither is ours to fix.
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", RuntimeWarning)
    from her2guide._site.notebook_markdown import notebook_to_markdown
    from her2guide._site.notebooks import (
        PACKAGE_DIR,
        NotebookExecutionError,
        cache_key,
        execute_notebook,
        executed,
        notebook_paths,
    )

NOTEBOOKS = notebook_paths(NOTEBOOK_DIR)

pytestmark = pytest.mark.notebooks


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_its_asserts_hold(path: Path) -> None:
    """Every cell of the notebook executes and every assert in it holds (executed now, or
    by the site build from this very notebook text and package)."""
    nb = executed(path, CACHE_DIR).nb
    title, markdown, rules = notebook_to_markdown(nb, path.stem, load_catalogue())
    assert title
    assert f"[Download this notebook]({path.stem}.py)" in markdown
    assert rules, "a notebook should display at least one recommendation (rules come from it)"


def test_at_least_twelve_notebooks() -> None:
    """The scenarios section has at least twelve worked cases."""
    assert len(NOTEBOOKS) >= 12


def test_notebook_names_follow_the_pattern() -> None:
    """Files are named NN-short-slug.py so they sort in reading order."""
    bad = [
        p.name for p in NOTEBOOKS if not re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.py", p.name)
    ]
    assert bad == []


def test_only_py_notebooks_are_committed() -> None:
    """Notebooks are committed in jupytext percent form only, never as .ipynb."""
    tracked = subprocess.run(
        ["git", "ls-files", "notebooks"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked, "no notebooks tracked by git"
    assert [f for f in tracked if not f.endswith(".py")] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_has_asserts_references_and_fixed_date(path: Path) -> None:
    """Each notebook asserts its outcome, ends with references and fixes its evaluation date."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ---\n# jupyter:\n#   jupytext:"), "jupytext header missing"
    assert "# %% [markdown]\n# # " in text, "title cell missing"
    assert re.search(r"^assert ", text, re.M), "no assert on the outcome"
    assert "# ## References" in text, "no references section"
    assert "references()" in text.split("# ## References", 1)[1], "references not rendered"
    assert '"as_of": "' in text, "scenarios must use a fixed as_of date"
    assert "from her2guide._" not in text, "notebooks import only the public API"


def test_broken_notebook_names_file_and_cell(tmp_path: Path) -> None:
    """A failing assert raises an error naming the notebook file and the failing cell."""
    broken = tmp_path / "99-broken.py"
    broken.write_text(
        "# %% [markdown]\n"
        "# # A broken scenario\n"
        "\n"
        "# %%\n"
        "answer = 1 + 1\n"
        "\n"
        "# %%\n"
        "assert answer == 3, 'expected 3 from the guideline'\n",
        encoding="utf-8",
    )
    with pytest.raises(NotebookExecutionError) as info:
        execute_notebook(broken)
    message = str(info.value)
    assert str(broken) in message or "99-broken.py" in message
    assert "cell 3" in message
    assert "line 8" in message
    assert "AssertionError" in message
    assert "expected 3 from the guideline" in message
    assert info.value.cell == 3


def test_the_build_executes_the_repository_notebooks_into_this_cache() -> None:
    """The site build reads the repository's notebooks/ folder and caches into .cache/notebooks,
    the folders these tests use (so one make check executes each notebook once)."""
    from her2guide._site.build import SiteBuild

    build = SiteBuild(ROOT, load_catalogue())
    assert (build.notebook_folder, build.notebook_cache) == (NOTEBOOK_DIR, CACHE_DIR)
    assert PACKAGE_DIR == ROOT / "src" / "her2guide"  # keys hash this checkout's package


_TINY = (
    "# %% [markdown]\n# # Tiny\n\n# %%\nprint(6 * 7)\n"
    "from IPython.display import display\n"
    "display({'text/plain': 'x'}, raw=True, metadata={'her2guide': {'z': 1, 'a': 2}})\n"
)


def _meta_order(nb: Any) -> list[str]:
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    return [k for o in outputs if o.get("metadata") for k in o.metadata["her2guide"]]


def _stdout(nb: Any) -> str:
    cells = nb.cells
    outputs = [o for c in cells if c.cell_type == "code" for o in c.outputs]
    return "".join(o.get("text", "") for o in outputs if o.output_type == "stream")


def test_cache_key_changes_with_the_notebook_and_with_any_package_file(tmp_path: Path) -> None:
    """The key is the notebook text plus every package file: editing either changes it, and
    an identical copy keeps it."""
    pkg = tmp_path / "pkg"
    shutil.copytree(PACKAGE_DIR / "data", pkg / "data")
    (pkg / "rules.py").write_text("X = 1\n", encoding="utf-8")
    nb = tmp_path / "01-tiny.py"
    nb.write_text(_TINY, encoding="utf-8")
    first = cache_key(nb, pkg)
    assert first == cache_key(nb, pkg)
    nb.write_text(_TINY.replace("6 * 7", "6 * 8"), encoding="utf-8")
    assert cache_key(nb, pkg) != first
    nb.write_text(_TINY, encoding="utf-8")
    assert cache_key(nb, pkg) == first
    (pkg / "rules.py").write_text("X = 2\n", encoding="utf-8")  # code
    second = cache_key(nb, pkg)
    assert second != first
    toml = pkg / "data" / "decisions.toml"  # data
    toml.write_text(toml.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache_key(nb, pkg) not in {first, second}


def test_cached_execution_is_reused_and_a_change_executes_afresh(tmp_path: Path) -> None:
    """A second call reads the cache (the same outputs, in the same order, no kernel); a
    changed notebook or package file executes again and shows the new output; the old
    entry is removed."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "mod.py").write_text("X = 1\n", encoding="utf-8")
    nb, cache = tmp_path / "01-tiny.py", tmp_path / "cache"
    nb.write_text(_TINY, encoding="utf-8")
    run = executed(nb, cache, package_dir=pkg)
    assert (run.cached, _stdout(run.nb)) == (False, "42\n")
    again = executed(nb, cache, package_dir=pkg)
    assert (again.cached, _stdout(again.nb)) == (True, "42\n")
    # read back exactly as executed: mappings keep their order (pages show some in order)
    assert _meta_order(run.nb) == _meta_order(again.nb) == ["z", "a"]
    nb.write_text(_TINY.replace("6 * 7", "6 * 8"), encoding="utf-8")
    changed = executed(nb, cache, package_dir=pkg)
    assert (changed.cached, _stdout(changed.nb)) == (False, "48\n")
    (pkg / "mod.py").write_text("X = 2\n", encoding="utf-8")
    assert executed(nb, cache, package_dir=pkg).cached is False
    assert len(list((cache / "01-tiny").glob("*.ipynb"))) == 1


def test_a_failing_notebook_is_never_cached(tmp_path: Path) -> None:
    """An error raises and stores nothing, so the next caller (build or test) executes the
    notebook again and fails again."""
    nb, cache = tmp_path / "01-bad.py", tmp_path / "cache"
    nb.write_text("# %%\nassert 1 == 2, 'no'\n", encoding="utf-8")
    with pytest.raises(NotebookExecutionError, match="AssertionError"):
        executed(nb, cache)
    assert list(cache.rglob("*")) == []
