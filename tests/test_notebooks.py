"""The worked-scenario notebooks: every one runs, asserts its outcome, and cites its sources.

Each notebook is executed in a fresh Jupyter kernel, without the render cache, through the
same machinery the site build uses (``tools.notebook_pages``). A failing ``assert`` fails
the test for that notebook, and the message names the notebook file and the cell.
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # tools/ is a build helper, not part of the installed package
    sys.path.insert(0, str(ROOT))

with warnings.catch_warnings():
    # jupyter_client/jupyter_core warn on import about their platformdirs migration
    # ("Jupyter is migrating its paths"), which pyproject already ignores, and zmq may warn
    # about its event-loop policy on some platforms; neither is ours to fix.
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", RuntimeWarning)
    from tools.notebook_pages import (
        NOTEBOOK_DIR,
        NotebookExecutionError,
        execute_notebook,
        notebook_paths,
        notebook_to_markdown,
    )

NOTEBOOKS = notebook_paths()

pytestmark = pytest.mark.notebooks


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_its_asserts_hold(path: Path) -> None:
    """Every cell of the notebook executes and every assert in it holds (no cache)."""
    nb = execute_notebook(path)
    title, markdown, rules = notebook_to_markdown(nb, path.stem)
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


def test_notebook_dir_is_the_repository_notebooks() -> None:
    """The renderer reads the repository's notebooks/ folder."""
    assert NOTEBOOK_DIR == ROOT / "notebooks"
