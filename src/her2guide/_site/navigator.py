"""Build-time parts of the site's navigator page (``docs/navigator.md``).

- :func:`build_wheel`: the her2guide wheel, zipped from this checkout's ``src/her2guide``
  with the standard library only (no build backend, no network), so the page runs exactly
  the code and data the site was built from.
- :func:`copy_runtime`: the Pyodide files the page needs, copied from
  ``node_modules/pyodide`` (pinned in ``package-lock.json``, installed by ``npm ci`` in
  ``scripts/setup.sh``) into the built site; the page never loads anything from a CDN.
- the scenario form (:mod:`her2guide._site.navigator_form`), generated from
  ``her2guide schema`` (JSON Schema), with the agent names the CLI accepts.
- :func:`notebook_scenario` and :func:`fragment`: the "Open in the navigator" link of each
  worked-scenario page (the first scenario literal in the notebook, as ``#s=`` +
  base64url of its JSON).

The site build (:mod:`her2guide._site.build`) calls these; ``tests/test_navigator.py`` tests them.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import copy
import hashlib
import json
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import her2guide

__all__ = [
    "ASSET_DIR",
    "PYODIDE_FILES",
    "build_wheel",
    "copy_runtime",
    "fragment",
    "notebook_scenario",
]

#: the package the wheel is made of (the site-build code in ``_site/`` is left out)
PACKAGE_DIR: Final = Path(her2guide.__file__).resolve().parent
#: where ``npm ci`` puts Pyodide, relative to the checkout
PYODIDE_DIR: Final = Path("node_modules") / "pyodide"
#: where the runtime goes inside the built site
ASSET_DIR: Final = "assets/navigator"
#: the only Pyodide files the page loads (the core runtime; no packages)
PYODIDE_FILES: Final = (
    "pyodide.js",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
WHEEL_NAME: Final = "her2guide-py3-none-any.whl"


class NavigatorBuildError(RuntimeError):
    """Something the navigator needs is missing; the message says how to get it."""


# --------------------------------------------------------------------------- wheel


def _project() -> tuple[str, str]:
    return "her2guide", her2guide.__version__


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(out_dir: Path) -> Path:
    """Zip ``src/her2guide`` (code and data) into a pure-Python wheel in ``out_dir``.

    The site-build package ``her2guide/_site`` is left out: the page never runs it.

    The file name carries no version so the page's URL is stable; the wheel's METADATA,
    WHEEL and RECORD (with sha256 digests) follow the wheel spec. Entries are written in
    sorted order with a fixed timestamp, so the same checkout gives the same bytes.
    """
    name, version = _project()
    dist_info = f"{name}-{version}.dist-info"
    files: list[tuple[str, bytes]] = []
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts or path.suffix in {".pyc", ".pyo"}:
            continue
        if path.relative_to(PACKAGE_DIR).parts[0] == "_site":
            continue
        files.append((f"{name}/{path.relative_to(PACKAGE_DIR).as_posix()}", path.read_bytes()))
    files.append(
        (
            f"{dist_info}/METADATA",
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        )
    )
    files.append(
        (
            f"{dist_info}/WHEEL",
            b"Wheel-Version: 1.0\nGenerator: her2guide _site/navigator.py\n"
            b"Root-Is-Purelib: true\nTag: py3-none-any\n",
        )
    )
    record = "".join(f"{arc},{_digest(data)},{len(data)}\n" for arc, data in files)
    record += f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode()))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / WHEEL_NAME
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for arc, data in files:
            info = zipfile.ZipInfo(arc, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return target


def copy_runtime(site_dir: Path, root: Path) -> list[Path]:
    """Copy the Pyodide runtime (from the checkout ``root``) and a fresh wheel into
    ``site_dir/assets/navigator``."""
    pyodide = root / PYODIDE_DIR
    missing = [f for f in PYODIDE_FILES if not (pyodide / f).is_file()]
    if missing:
        raise NavigatorBuildError(
            f"navigator: {pyodide} lacks {', '.join(missing)}; run `bash scripts/setup.sh` "
            "(it runs `npm ci`, which installs the Pyodide pinned in package-lock.json)"
        )
    out = site_dir / ASSET_DIR
    out.mkdir(parents=True, exist_ok=True)
    copied = []
    for f in PYODIDE_FILES:
        shutil.copyfile(pyodide / f, out / f)
        copied.append(out / f)
    copied.append(build_wheel(out))
    return copied


# --------------------------------------------------------------------------- links in


def fragment(scenario: Mapping[str, Any]) -> str:
    """``s=`` + base64url (no padding) of the scenario's compact JSON (UTF-8)."""
    text = json.dumps(scenario, ensure_ascii=False, separators=(",", ":"))
    return "s=" + base64.urlsafe_b64encode(text.encode("utf-8")).rstrip(b"=").decode("ascii")


def notebook_scenario(py_path: Path) -> dict[str, Any] | None:
    """The first dict literal with a ``"her2"`` key in a notebook's source, or ``None``
    when there is none that is a plain literal (then the page gets no navigator link).

    Names bound earlier to plain literals at the top level (``thp = ["trastuzumab", …]``)
    may be used inside it.
    """
    tree = ast.parse(py_path.read_text(encoding="utf-8"))
    known: dict[str, ast.expr] = {}
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            with contextlib.suppress(ValueError, SyntaxError, TypeError):
                ast.literal_eval(stmt.value)
                known.setdefault(stmt.targets[0].id, stmt.value)

    class _Inline(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            return known.get(node.id, node)

    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and any(
            isinstance(k, ast.Constant) and k.value == "her2" for k in node.keys
        ):
            try:
                value = ast.literal_eval(_Inline().visit(copy.deepcopy(node)))
            except (ValueError, SyntaxError, TypeError):
                continue
            if isinstance(value, dict):
                return value
    return None
