"""Execute the worked-scenario notebooks and render them as Markdown pages for the site.

The notebooks in ``notebooks/`` are jupytext percent files (``# %%`` cells). This module
reads each one, runs it top to bottom in a fresh Jupyter kernel that uses *this*
interpreter (no global kernelspec needed), and turns the executed notebook into a
Markdown page: Markdown cells verbatim, code cells as ``python`` fences, rich
``text/markdown`` outputs inside ``<div class="nb-output" markdown>`` (excluded from
the site search), plain text in ``text`` fences.

The MkDocs hook calls :func:`render_notebooks`; the tests call :func:`execute_notebook`
directly. A failing cell raises :class:`NotebookExecutionError`, whose message names the
notebook file, the cell number and the line it starts on, and shows the error.

Rendered pages are cached in ``.cache/notebooks/`` under a key made of the notebook
source, every file under ``src/her2guide/`` (code and data), this module's source and
the Python version, so a page is never served from older code or data.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final

__all__ = [
    "CACHE_DIR",
    "NOTEBOOK_DIR",
    "NotebookExecutionError",
    "execute_notebook",
    "notebook_paths",
    "notebook_to_markdown",
    "render_notebooks",
]

ROOT: Final = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR: Final = ROOT / "notebooks"
PACKAGE_DIR: Final = ROOT / "src" / "her2guide"
CACHE_DIR: Final = ROOT / ".cache" / "notebooks"
KERNEL_NAME: Final = "python3"
CELL_TIMEOUT: Final = 60  # seconds per cell
STARTUP_TIMEOUT: Final = 60  # seconds for the kernel to start
WORKERS: Final = 2

INTENDED_USE_NOTE: Final = (
    "Educational reference for healthcare professionals. Not a medical device and not medical "
    "advice: verify against current labels and guidelines and apply clinical judgement."
)

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
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def notebook_paths(notebook_dir: Path | None = None) -> list[Path]:
    """Every ``*.py`` notebook, sorted by name."""
    return sorted((notebook_dir or NOTEBOOK_DIR).glob("*.py"))


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

        def on_cell_start(cell: Any, cell_index: int) -> None:
            current["index"] = cell_index
            _cell_progress(path, cell_index, len(nb.cells), code_cells, started)

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


# --------------------------------------------------------------------------- rendering


def _fence(body: str, lang: str) -> str:
    ticks = "```"
    while ticks in body:
        ticks += "`"
    return f"{ticks}{lang}\n{body.rstrip()}\n{ticks}"


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _output_md(output: Any) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        body = _text(output.get("text"))
        return _fence(body, "text") if body.strip() else ""
    if kind in ("display_data", "execute_result"):
        data = output.get("data", {})
        if "text/markdown" in data:
            body = _text(data["text/markdown"]).strip()
            if not body:
                return ""
            if _answer_of(output) is not None:
                return _collapsible_report(body)
            return f'<div class="nb-output" markdown data-search-exclude>\n\n{body}\n\n</div>'
        if "text/plain" in data:
            body = _text(data["text/plain"])
            return _fence(body, "text") if body.strip() else ""
    return ""


def _rules_of(output: Any) -> list[str]:
    """Rule IDs carried in an output's metadata by ``Recommendation._repr_markdown_``.

    IPython stores the metadata returned with a ``_repr_markdown_`` under the MIME type:
    ``output.metadata["text/markdown"]["her2guide"]["rules"]``. A top-level
    ``output.metadata["her2guide"]`` (from ``display(..., metadata=...)``) is accepted too.
    """
    meta = output.get("metadata") or {}
    rules: list[str] = []
    for holder in (meta.get("text/markdown") or {}, meta):
        found = (holder.get("her2guide") or {}).get("rules") or []
        rules.extend(str(r) for r in found)
    return rules


def _title(nb: Any, stem: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return str(line[2:].strip())
    return stem


def _header(stem: str) -> str:
    # Boilerplate, the same on every scenario page: kept out of the search index.
    return "\n".join(
        [
            '<div class="h2g-nb-note" markdown data-search-exclude>',
            "",
            f"> [Download this notebook]({stem}.py) (a plain Python file in jupytext percent "
            "format). To run it locally with its outputs, install her2guide with Jupyter and "
            "jupytext, then run",
            f"> `jupytext --to notebook notebooks/{stem}.py` and open `notebooks/{stem}.ipynb` in "
            f"Jupyter. `python notebooks/{stem}.py` also runs every step and every `assert` "
            "(it stops with an error if an expected answer no longer holds), but shows no "
            "tables: bare expressions only display inside Jupyter.",
            ">",
            f"> *{INTENDED_USE_NOTE}* The outputs below were produced by running this notebook "
            "against the current her2guide code and data when the site was built.",
            "",
            "</div>",
        ]
    )


def notebook_to_markdown(nb: Any, stem: str) -> tuple[str, str, list[str]]:
    """Turn an executed notebook into ``(title, markdown, rules)``.

    The page opens with a summary card (:func:`summary_card`) after its title.
    """
    title = _title(nb, stem)
    card = summary_card(nb)
    parts: list[str] = []
    rules: set[str] = set()
    header_done = False
    for cell in nb.cells:
        source = cell.source.strip("\n")
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "remove-cell" in tags:
            continue
        if "remove-input" in tags:
            source = ""
        if cell.cell_type == "markdown":
            if not header_done:
                lines = source.splitlines()
                if lines and lines[0].startswith("# "):
                    parts += [lines[0], card, _header(stem)]
                    rest = "\n".join(lines[1:]).strip("\n")
                    if rest:
                        parts.append(rest)
                else:
                    parts += [f"# {title}", card, _header(stem), source]
                header_done = True
            elif source.strip():
                parts.append(source)
            continue
        if cell.cell_type != "code":
            continue
        if not header_done:
            parts += [f"# {title}", card, _header(stem)]
            header_done = True
        if source.strip():
            parts.append(_fence(source, "python"))
        for output in cell.get("outputs", []):
            rules.update(_rules_of(output))
            md = _output_md(output)
            if md:
                parts.append(md)
    return title, "\n\n".join(p for p in parts if p).rstrip() + "\n", sorted(rules)


# --------------------------------------------------------------------------- summary card


def _her2guide_meta(output: Any) -> dict[str, Any]:
    meta = output.get("metadata") or {}
    for holder in (meta.get("text/markdown") or {}, meta):
        found = holder.get("her2guide")
        if isinstance(found, dict):
            return found
    return {}


def _answer_of(output: Any) -> dict[str, Any] | None:
    """The brief answer a ``Recommendation`` display carries (``Recommendation.summary``)."""
    answer = _her2guide_meta(output).get("answer")
    return answer if isinstance(answer, dict) else None


def _variants_of(output: Any) -> list[dict[str, Any]]:
    """The labelled brief answers a ``Notebook.compare`` table carries."""
    found = _her2guide_meta(output).get("variants") or []
    return [v for v in found if isinstance(v, dict)]


def _collapsible_report(body: str) -> str:
    """A full recommendation report, folded: the summary card already gives its answer."""
    return "\n".join(
        [
            '<details class="note h2g-report" markdown data-search-exclude>',
            "<summary>Full recommendation: options, sources, exclusions, alerts, trace</summary>",
            "",
            '<div class="nb-output" markdown>',
            "",
            body,
            "",
            "</div>",
            "</details>",
        ]
    )


def _short_names() -> dict[str, str]:
    from her2guide import load_catalogue

    return {rid: r.short for rid, r in load_catalogue().regimens.items()}


def _brief(answer: dict[str, Any], short: dict[str, str]) -> str:
    """One line: line of therapy (per source when they differ), preferred, alerts."""
    if not answer.get("in_scope", True):
        return "out of scope for her2guide"
    line = answer.get("line")
    by_source = answer.get("line_by_source") or {}
    text = f"line {line}" if line else "line not set"
    if by_source and len(set(by_source.values())) > 1:
        text += " (" + "; ".join(f"{k}: {v}" for k, v in by_source.items()) + ")"
    preferred = [short.get(r, r) for r in answer.get("preferred") or []]
    text += " · preferred: " + (", ".join(f"**{p}**" for p in preferred) or "none")
    alerts = answer.get("alerts") or []
    if alerts:
        text += " · alerts: " + ", ".join(f"`{a}`" for a in dict.fromkeys(alerts))
    return text


def summary_card(nb: Any) -> str:
    """The card a scenario page opens with, built from the executed notebook alone.

    - *Patient*: ``her2guide.patient`` in the notebook's jupytext header (one line).
    - *Answer*: the first recommendation the notebook displays (its ``answer`` metadata),
      or else the first row of its first comparison table.
    - *What would change it*: every row of the notebook's comparison tables whose
      answer differs from the main one, with the label the notebook gives it.

    Returns ``""`` when the notebook displays no recommendation.
    """
    answer: dict[str, Any] | None = None
    variants: list[dict[str, Any]] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            found = _answer_of(output)
            if found is not None and answer is None and not variants:
                answer = found
            variants.extend(_variants_of(output))
    if answer is None and variants:
        answer = variants[0]
    if answer is None:
        return ""
    short = _short_names()
    patient = str((nb.metadata.get("her2guide") or {}).get("patient") or "").strip()
    key = ("in_scope", "line", "line_by_source", "preferred", "alerts")
    main = tuple(str(answer.get(k)) for k in key)
    seen: set[tuple[str, ...]] = {main}
    changes: list[str] = []
    for v in variants:
        sig = tuple(str(v.get(k)) for k in key)
        if sig in seen:
            continue
        seen.add(sig)
        changes.append(f"    - *{v.get('label', '')}*: {_brief(v, short)}")
    lines = ['!!! abstract h2g-summary "In brief"', ""]
    if patient:
        lines.append(f"    **Patient:** {patient}")
        lines.append("")
    lines.append(f"    **Answer:** {_brief(answer, short)}")
    if changes:
        lines += ["", "    **What would change it:**", "", *changes]
    return "\n".join(lines)


# --------------------------------------------------------------------------- cache and driver


def _cache_key(py_path: Path) -> str:
    h = hashlib.sha256()
    h.update(b"notebook\0" + py_path.read_bytes())
    for f in sorted(PACKAGE_DIR.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc":
            h.update(b"\0file\0" + f.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            h.update(f.read_bytes())
    # The renderer's own source: a change in how pages are built must rebuild them.
    h.update(b"\0renderer\0" + Path(__file__).read_bytes())
    h.update(b"\0python\0" + sys.version.encode())
    return h.hexdigest()


def _cell_progress(path: Path, index: int, cells: int, code_cells: int, started: float) -> None:
    """Log a running notebook's step every few seconds, so a long build is never silent."""
    elapsed = time.perf_counter() - started
    last = _last_progress.get(path, 0.0)
    if elapsed - last >= PROGRESS_EVERY:
        _last_progress[path] = elapsed
        log.info(
            "notebooks: %s: cell %d of %d (%d code cells), %.0f s",
            path.name,
            index + 1,
            cells,
            code_cells,
            elapsed,
        )


PROGRESS_EVERY: Final = 5.0  # seconds between "still running" lines for one notebook
_last_progress: dict[Path, float] = {}


def _render_one(py_path: Path, out_dir: Path, use_cache: bool, kernel_dirs: Path) -> dict[str, Any]:
    stem = py_path.stem
    md_path = out_dir / f"{stem}.md"
    key = _cache_key(py_path)
    cache_file = CACHE_DIR / f"{stem}.json"
    if use_cache and cache_file.is_file():
        try:
            cached = json.loads(cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cached = {}
        if cached.get("key") == key:
            log.debug("notebooks: %s: unchanged, page from cache", py_path.name)
            md_path.write_text(cached["markdown"], encoding="utf-8")
            return {
                "stem": stem,
                "title": cached["title"],
                "rules": list(cached["rules"]),
                "md_path": md_path,
                "py_path": py_path,
            }
    log.info("notebooks: %s: executing", py_path.name)
    start = time.perf_counter()
    nb = execute_notebook(py_path, kernel_dirs=kernel_dirs)
    log.info("notebooks: %s: done in %.1f s", py_path.name, time.perf_counter() - start)
    title, markdown, rules = notebook_to_markdown(nb, stem)
    md_path.write_text(markdown, encoding="utf-8")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    payload = {"key": key, "title": title, "rules": rules, "markdown": markdown}
    cache_file.write_text(json.dumps(payload), encoding="utf-8")
    return {"stem": stem, "title": title, "rules": rules, "md_path": md_path, "py_path": py_path}


def render_notebooks(
    out_dir: Path,
    *,
    use_cache: bool = True,
    notebooks: Sequence[Path] | None = None,
    workers: int = WORKERS,
) -> list[dict[str, Any]]:
    """Execute (or reuse from cache) every notebook and write ``out_dir/<stem>.md``.

    Returns one dict per notebook, in file-name order: ``stem``, ``title``, ``rules``
    (sorted unique rule IDs from the outputs' metadata), ``md_path`` and ``py_path``
    (both :class:`pathlib.Path`). ``use_cache=False`` forces execution.

    Raises:
        NotebookExecutionError: a notebook cell failed; names the file and the cell.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = list(notebooks) if notebooks is not None else notebook_paths()
    log.info("notebooks: rendering %d worked scenarios (%d at a time)", len(paths), workers)
    with _kernel_dirs() as kdirs:
        if workers <= 1 or len(paths) <= 1:
            return [_render_one(p, out_dir, use_cache, kdirs) for p in paths]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_render_one, p, out_dir, use_cache, kdirs) for p in paths]
            return [f.result() for f in futures]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tools.notebook_pages OUT_DIR [--no-cache] [--workers N]``: render and time."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--workers", type=int, default=WORKERS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    start = time.perf_counter()
    pages = render_notebooks(args.out_dir, use_cache=not args.no_cache, workers=args.workers)
    for page in pages:
        print(f"{page['stem']}: {page['title']} — {len(page['rules'])} rules")
    print(f"{len(pages)} notebooks in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
