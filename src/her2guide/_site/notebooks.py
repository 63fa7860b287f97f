"""Execute the worked-scenario notebooks, once, into a content-addressed cache.

The notebooks in ``notebooks/`` are jupytext percent files (``# %%`` cells). Each one is
run top to bottom in a fresh Jupyter kernel that uses *this* interpreter (no global
kernelspec needed), with errors not allowed: a failing cell (a failing ``assert``
included) raises :class:`NotebookExecutionError`, whose message names the notebook file,
the cell number and the line it starts on, and shows the error.

:func:`executed` keeps each executed notebook in ``CACHE/<stem>/<key>.ipynb``, where the
key (:func:`cache_key`) hashes the notebook's text, every file of the installed
``her2guide`` package (code and data, this module included), the Python version and the
versions of the Jupyter machinery. The site build (:func:`render_notebooks`) and the
notebook tests both go through :func:`executed`, so one ``make check`` runs each notebook
once: whichever comes first executes it, the other reads the result. An execution that
fails is never cached, so it fails the build and the tests alike.

``python -m her2guide._site.notebooks OUT_DIR`` renders every notebook as the site does.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Final

import her2guide

from .._catalogue import Catalogue
from .notebook_markdown import notebook_to_markdown

__all__ = [
    "NotebookExecutionError",
    "RenderedNotebook",
    "cache_key",
    "execute_notebook",
    "executed",
    "notebook_paths",
    "render_notebooks",
]

#: the installed package: its files are part of every cache key
PACKAGE_DIR: Final = Path(her2guide.__file__).resolve().parent
KERNEL_NAME: Final = "python3"
CELL_TIMEOUT: Final = 60  # seconds per cell
STARTUP_TIMEOUT: Final = 60  # seconds for the kernel to start
WORKERS: Final = 2
PROGRESS_EVERY: Final = 5.0  # seconds between "still running" lines for one notebook
#: the distributions whose behaviour shapes an executed notebook, besides her2guide
_EXECUTORS: Final = ("nbclient", "nbformat", "ipykernel", "jupytext", "ipython")

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: Progress of a build (which notebook, which step): under ``mkdocs.*`` so that
#: ``mkdocs build`` prints it at INFO level.
log = logging.getLogger("mkdocs.hooks.her2guide.notebooks")


class NotebookExecutionError(RuntimeError):
    """A notebook cell raised (a failing ``assert`` included) or timed out.

    Attributes:
        notebook: the notebook file.
        cell: 1-based number of the failing cell, counting every cell in the notebook.
        line: the line of the ``.py`` file where that cell's code starts (0 if unknown).
    """

    def __init__(self, notebook: Path, cell: int, line: int, detail: str) -> None:
        self.notebook = notebook
        self.cell = cell
        self.line = line
        where = f"{_display_path(notebook)}, cell {cell}"
        if line:
            where += f" (starts at line {line})"
        super().__init__(f"notebook failed: {where}\n\n{detail}")


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def notebook_paths(notebook_dir: Path) -> list[Path]:
    """Every ``*.py`` notebook in ``notebook_dir``, sorted by name."""
    return sorted(Path(notebook_dir).glob("*.py"))


# --------------------------------------------------------------------------- execution


@contextlib.contextmanager
def _kernel_dirs() -> Iterator[Path]:
    """A throw-away kernelspec directory whose ``python3`` kernel runs ``sys.executable``.

    The kernelspec shipped in a virtualenv says just ``python``, which resolves through
    PATH; a fresh clone may have no kernelspec at all. Writing our own pins the kernel to
    the interpreter running the build, so the notebooks import the same her2guide.
    """
    with tempfile.TemporaryDirectory(prefix="her2guide-kernels-") as tmp:
        spec_dir = Path(tmp) / KERNEL_NAME
        spec_dir.mkdir()
        spec = {
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "her2guide (build interpreter)",
            "language": "python",
        }
        (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        yield Path(tmp)


def _line_of(source_text: str, cell_source: str) -> int:
    """1-based line in the .py file where a code cell's source starts (0 if not found)."""
    first = next((ln for ln in cell_source.splitlines() if ln.strip()), "")
    if not first:
        return 0
    pos = source_text.find(cell_source) if cell_source else -1
    if pos < 0:
        pos = source_text.find(first)
    return source_text.count("\n", 0, pos) + 1 if pos >= 0 else 0


def execute_notebook(path: Path, *, kernel_dirs: Path | None = None) -> Any:
    """Read a jupytext ``.py`` notebook, run every cell, and return the executed notebook.

    Raises:
        NotebookExecutionError: a cell raised or timed out; names the file and cell.
    """
    import jupytext
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    nb = jupytext.reads(text, fmt="py:percent")
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python 3",
        "language": "python",
    }

    with contextlib.ExitStack() as stack:
        dirs = kernel_dirs or stack.enter_context(_kernel_dirs())
        ksm = KernelSpecManager(kernel_dirs=[str(dirs)], ensure_native_kernel=False)
        # IPC sockets in the private temp dir: no TCP ports, and no warning from ipykernel
        # about unencrypted TCP on every start.
        km = AsyncKernelManager(
            kernel_name=KERNEL_NAME,
            kernel_spec_manager=ksm,
            transport="ipc" if sys.platform != "win32" else "tcp",
            ip=str(Path(stack.enter_context(tempfile.TemporaryDirectory())) / "kernel")
            if sys.platform != "win32"
            else "127.0.0.1",
        )
        client = NotebookClient(
            nb,
            km=km,
            kernel_name=KERNEL_NAME,
            timeout=CELL_TIMEOUT,
            startup_timeout=STARTUP_TIMEOUT,
            allow_errors=False,
            resources={"metadata": {"path": str(path.parent)}},
        )
        current = {"index": -1}

        code_cells = sum(c.cell_type == "code" for c in nb.cells)
        started = time.perf_counter()
        last_log = [0.0]  # when this notebook last said how far it is

        def on_cell_start(cell: Any, cell_index: int) -> None:
            current["index"] = cell_index
            _cell_progress(path, cell_index, len(nb.cells), code_cells, started, last_log)

        client.on_cell_start = on_cell_start
        try:
            # nbclient stops only kernels whose manager it created; cleanup_kc=True makes it
            # shut this one down and close its channels too (no stray kernels or sockets).
            client.execute(cleanup_kc=True)
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
            idx = current["index"]
            source = nb.cells[idx].source if idx >= 0 else ""
            detail = _ANSI.sub("", str(exc)).strip()
            if isinstance(exc, CellTimeoutError):
                detail = f"timed out after {CELL_TIMEOUT} s\n\n{detail}"
            raise NotebookExecutionError(path, idx + 1, _line_of(text, source), detail) from None
    return nb


def _cell_progress(
    path: Path, index: int, cells: int, code_cells: int, started: float, last_log: list[float]
) -> None:
    """Log a running notebook's step every few seconds, so a long build is never silent."""
    elapsed = time.perf_counter() - started
    if elapsed - last_log[0] >= PROGRESS_EVERY:
        last_log[0] = elapsed
        log.info(
            "notebooks: %s: cell %d of %d (%d code cells), %.0f s",
            path.name,
            index + 1,
            cells,
            code_cells,
            elapsed,
        )


# --------------------------------------------------------------------------- the cache


def cache_key(py_path: Path, package_dir: Path = PACKAGE_DIR) -> str:
    """The content address of one notebook's execution.

    It changes when the notebook's text changes, when any file of the package (code or
    data) changes, and with the Python version or the Jupyter machinery's versions.
    """
    h = hashlib.sha256()
    h.update(b"notebook\0" + Path(py_path).read_bytes())
    for f in sorted(Path(package_dir).rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts and f.suffix not in {".pyc", ".pyo"}:
            h.update(b"\0file\0" + f.relative_to(package_dir).as_posix().encode() + b"\0")
            h.update(f.read_bytes())
    h.update(b"\0python\0" + sys.version.encode())
    for dist in _EXECUTORS:
        with contextlib.suppress(metadata.PackageNotFoundError):
            h.update(f"\0{dist}\0{metadata.version(dist)}".encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Execution:
    """An executed notebook and whether it came from the cache."""

    nb: Any
    cached: bool
    seconds: float


def executed(
    py_path: Path,
    cache_dir: Path,
    *,
    package_dir: Path = PACKAGE_DIR,
    kernel_dirs: Path | None = None,
) -> Execution:
    """The executed notebook: from ``cache_dir`` when its :func:`cache_key` is there,
    otherwise executed now (and then stored; older entries of the notebook are removed).

    Raises:
        NotebookExecutionError: a cell failed (nothing is cached then).
    """
    import nbformat

    py_path = Path(py_path)
    key = cache_key(py_path, package_dir)
    folder = Path(cache_dir) / py_path.stem
    entry = folder / f"{key}.ipynb"
    if entry.is_file():
        with contextlib.suppress(OSError, ValueError):
            nb = nbformat.from_dict(json.loads(entry.read_text(encoding="utf-8")))
            log.debug("notebooks: %s: unchanged, executed notebook from cache", py_path.name)
            return Execution(nb, cached=True, seconds=0.0)
    log.info("notebooks: %s: executing", py_path.name)
    start = time.perf_counter()
    nb = execute_notebook(py_path, kernel_dirs=kernel_dirs)
    seconds = time.perf_counter() - start
    log.info("notebooks: %s: done in %.1f s", py_path.name, seconds)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{key}.{os.getpid()}.{time.monotonic_ns()}.tmp"
    # Plain JSON, not nbformat.writes: that sorts every key, and the pages show some
    # mappings in their order (each source's line in the summary card), so a page read from
    # the cache would differ from one just executed.
    tmp.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    tmp.replace(entry)  # atomic: parallel test workers may store the same key
    for old in folder.glob("*.ipynb"):
        if old != entry:
            with contextlib.suppress(OSError):
                old.unlink()
    return Execution(nb, cached=False, seconds=seconds)


# --------------------------------------------------------------------------- the site's pages


@dataclass(frozen=True)
class RenderedNotebook:
    """One worked-scenario page written by :func:`render_notebooks`."""

    stem: str
    title: str
    rules: tuple[str, ...]
    md_path: Path
    py_path: Path


def render_notebooks(
    out_dir: Path,
    cat: Catalogue,
    notebooks: Sequence[Path],
    cache_dir: Path,
    *,
    workers: int = WORKERS,
) -> list[RenderedNotebook]:
    """Execute (or read from ``cache_dir``) every notebook and write ``out_dir/<stem>.md``.

    Returns one record per notebook, in the order given; ``rules`` are the sorted unique
    rule IDs from the outputs' metadata.

    Raises:
        NotebookExecutionError: a notebook cell failed; names the file and the cell.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    log.info("notebooks: rendering %d worked scenarios (%d at a time)", len(notebooks), workers)

    def one(py_path: Path, kdirs: Path) -> RenderedNotebook:
        run = executed(py_path, cache_dir, kernel_dirs=kdirs)
        title, markdown, rules = notebook_to_markdown(run.nb, py_path.stem, cat)
        md_path = out_dir / f"{py_path.stem}.md"
        md_path.write_text(markdown, encoding="utf-8")
        return RenderedNotebook(py_path.stem, title, tuple(rules), md_path, py_path)

    with _kernel_dirs() as kdirs:
        if workers <= 1 or len(notebooks) <= 1:
            return [one(p, kdirs) for p in notebooks]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(one, p, kdirs) for p in notebooks]
            return [f.result() for f in futures]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m her2guide._site.notebooks OUT_DIR``: render every notebook and time it."""
    import argparse

    from .._catalogue import load_catalogue

    parser = argparse.ArgumentParser(description="Execute and render the worked scenarios.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    parser.add_argument("--cache", type=Path, default=Path(".cache/notebooks"))
    parser.add_argument("--no-cache", action="store_true", help="execute into a fresh cache")
    parser.add_argument("--workers", type=int, default=WORKERS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    start = time.perf_counter()
    with contextlib.ExitStack() as stack:
        cache = (
            Path(stack.enter_context(tempfile.TemporaryDirectory()))
            if args.no_cache
            else args.cache
        )
        pages = render_notebooks(
            args.out_dir,
            load_catalogue(),
            notebook_paths(args.notebooks),
            cache,
            workers=args.workers,
        )
    for page in pages:
        print(f"{page.stem}: {page.title} — {len(page.rules)} rules")
    print(f"{len(pages)} notebooks in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
