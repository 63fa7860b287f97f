"""Print the weight of every page of the built site, with what it loads.

For each HTML page: its own bytes, plus every local script, stylesheet, image and icon it
references (each shared asset counted once per page, as a first visit would load it), raw
and gzip-compressed. The search index is excluded: Material's search worker fetches it only
when the reader opens the search box.

Target: under 400 KB gzipped per page.

Usage:
    python scripts/page_weight.py            # build into a temporary directory, then measure
    python scripts/page_weight.py SITE_DIR   # measure an existing build (e.g. site/)
"""

from __future__ import annotations

import gzip
import html.parser
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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and set(a.get("rel", "").lower().split()) & _RELS:
            self.urls.append(a.get("href", ""))
        elif tag in {"script", "img", "iframe", "source"} and a.get("src"):
            self.urls.append(a["src"])
        # what a page fetches on first use (e.g. the decision table's JSON), counted as loaded
        self.urls += a.get("data-h2g-loads", "").split()


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


def measure(site: Path) -> list[tuple[str, int, int, int, int]]:
    """Rows of (page, page bytes, total bytes, total gzipped bytes, number of assets)."""
    rows = []
    for page in sorted(site.rglob("*.html")):
        data = page.read_bytes()
        parser = _Loads()
        parser.feed(data.decode("utf-8", "replace"))
        assets = {p for u in parser.urls if (p := _local(page, u, site)) is not None}
        assets = {p for p in assets if "search_index" not in p.name}
        raw = len(data) + sum(p.stat().st_size for p in assets)
        gz = _gz(data) + sum(_gz(p.read_bytes()) for p in assets)
        rows.append((str(page.relative_to(site)), len(data), raw, gz, len(assets)))
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
    print("search index excluded). Target: < 400 KB gzipped per page.\n")
    print(f"{'page':<40} {'html KB':>8} {'total KB':>9} {'gzip KB':>8} {'assets':>6}  target")
    worst = 0
    for name, own, raw, gz, n in rows:
        ok = "ok" if gz < TARGET_GZIP else "OVER"
        worst = max(worst, gz)
        print(f"{name:<40} {own / 1024:>8.1f} {raw / 1024:>9.1f} {gz / 1024:>8.1f} {n:>6}  {ok}")
    print(f"\nheaviest page: {worst / 1024:.1f} KB gzipped (target < {TARGET_GZIP // 1024} KB)")
    return 0 if worst < TARGET_GZIP else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
