"""Print the weight of every page of the built site, with what it loads.

For each HTML page: its own bytes, plus every local script, stylesheet, image and icon it
references (each shared asset counted once per page, as a first visit would load it), raw
and gzip-compressed. Material's search worker and the search index it fetches are counted
too: the theme starts the worker on every page load (its path is in the page's
``__config`` JSON), not when the search box opens. ``dom`` is the number of elements in the
HTML as served (Lighthouse flags pages above about 800 and warns above 1,400).

Target: under 400 KB gzipped per page.

Usage:
    python scripts/page_weight.py            # build into a temporary directory, then measure
    python scripts/page_weight.py SITE_DIR   # measure an existing build (e.g. site/)
"""

from __future__ import annotations

import gzip
import html.parser
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

TARGET_GZIP = 400 * 1024
ROOT = Path(__file__).resolve().parents[1]
_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "preload",
    "modulepreload",
    "manifest",
    "apple-touch-icon",
}


class _Loads(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.elements = 0
        self._in_config = False
        self._config = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements += 1
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and set(a.get("rel", "").lower().split()) & _RELS:
            self.urls.append(a.get("href", ""))
        elif tag in {"script", "img", "iframe", "source"} and a.get("src"):
            self.urls.append(a["src"])
        # what a page fetches on first use (e.g. the decision table's JSON), counted as loaded
        self.urls += a.get("data-h2g-loads", "").split()
        self._in_config = tag == "script" and a.get("id") == "__config"

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self._config += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_config:
            self._in_config = False
            self._add_search()

    def _add_search(self) -> None:
        """Material's ``__config``: the search worker, and the index it loads from ``base``."""
        try:
            config = json.loads(self._config)
        except ValueError:
            return
        if config.get("search"):
            self.urls.append(str(config["search"]))
            base = str(config.get("base", ".")).rstrip("/")
            self.urls.append(f"{base}/search/search_index.json")


def _local(page: Path, url: str, site: Path) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    base = site if path.startswith("/") else page.parent
    target = (base / path.lstrip("/")).resolve()
    return target if target.is_file() and site.resolve() in target.parents else None


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def measure(site: Path) -> list[tuple[str, int, int, int, int, int]]:
    """Rows of (page, page bytes, total bytes, total gzipped bytes, number of assets,
    number of HTML elements)."""
    rows = []
    for page in sorted(site.rglob("*.html")):
        data = page.read_bytes()
        parser = _Loads()
        parser.feed(data.decode("utf-8", "replace"))
        assets = {p for u in parser.urls if (p := _local(page, u, site)) is not None}
        raw = len(data) + sum(p.stat().st_size for p in assets)
        gz = _gz(data) + sum(_gz(p.read_bytes()) for p in assets)
        rows.append((str(page.relative_to(site)), len(data), raw, gz, len(assets), parser.elements))
    return rows


def main(argv: list[str]) -> int:
    if argv:
        site = Path(argv[0])
        return report(site)
    with tempfile.TemporaryDirectory(prefix="her2guide-weight-") as tmp:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", tmp]
        done = subprocess.run(cmd, cwd=ROOT, env=env, check=False)
        if done.returncode:
            return done.returncode
        return report(Path(tmp))


def report(site: Path) -> int:
    rows = measure(site)
    print(f"Page weight of {site} (page + the scripts, styles and images it loads; ")
    print("search worker and index included). Target: < 400 KB gzipped per page.\n")
    print(
        f"{'page':<40} {'html KB':>8} {'total KB':>9} {'gzip KB':>8} {'assets':>6} "
        f"{'dom':>6}  target"
    )
    worst = most = 0
    for name, own, raw, gz, n, dom in rows:
        ok = "ok" if gz < TARGET_GZIP else "OVER"
        worst = max(worst, gz)
        most = max(most, dom)
        print(
            f"{name:<40} {own / 1024:>8.1f} {raw / 1024:>9.1f} {gz / 1024:>8.1f} {n:>6} "
            f"{dom:>6}  {ok}"
        )
    print(f"\nheaviest page: {worst / 1024:.1f} KB gzipped (target < {TARGET_GZIP // 1024} KB)")
    print(f"largest DOM: {most} elements")
    return 0 if worst < TARGET_GZIP else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
