"""Fixtures for the browser suite: the built site served on 127.0.0.1, driven by Debian chromium.

The suite tests what a reader sees: the site exactly as ``mkdocs build --strict`` wrote it
(``site/``, built by ``make check`` before pytest runs), served by ``http.server`` on a free
loopback port, in headless Chromium from Debian (``/usr/bin/chromium``; override with
``HER2GUIDE_CHROMIUM``). Playwright never downloads a browser here.

Environment:
    HER2GUIDE_SITE_DIR   built site to serve (default: ``<repo>/site``; built into a temp
                         directory with ``mkdocs build --strict`` when it has no index.html)
    HER2GUIDE_CHROMIUM   chromium executable (default ``/usr/bin/chromium``)
    HER2GUIDE_ARTIFACTS  where screenshots go (default ``<repo>/artifacts``)
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

from .audit import CHROME_PAGES, PageAudit, audit_page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("HER2GUIDE_CHROMIUM", "/usr/bin/chromium")
# Headless, and quiet on the network: without the background-networking flags Chromium
# phones home at start-up, which this machine's closed network refuses.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Any host but this machine fails to resolve at once, so a stray third-party request
    # is recorded (see ``new_context``) and fails fast instead of waiting for a time-out.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
ColorScheme = Literal["light", "dark"]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site: ``site/`` if built, otherwise a fresh ``mkdocs build --strict``."""
    configured = Path(os.environ.get("HER2GUIDE_SITE_DIR", ROOT / "site"))
    if (configured / "index.html").is_file():
        return configured
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 or not (out / "index.html").is_file():
        pytest.fail(
            f"no built site at {configured} and `mkdocs build --strict` failed "
            f"(exit {proc.returncode}):\n{proc.stderr[-4000:]}",
            pytrace=False,
        )
    return out


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """``http://127.0.0.1:<free port>/`` serving the built site from a background thread."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _page_path(site: Path, html: Path) -> str:
    rel = html.relative_to(site).as_posix()
    if rel == "index.html":
        return ""
    if rel.endswith("/index.html"):
        return rel[: -len("index.html")]
    return rel


@pytest.fixture(scope="session")
def page_paths(site_dir: Path) -> list[str]:
    """Every HTML page of the built site, as a path relative to the site root ('' = home)."""
    pages = sorted(
        _page_path(site_dir, p)
        for p in site_dir.rglob("*.html")
        if "assets" not in p.relative_to(site_dir).parts
    )
    assert pages, f"the built site at {site_dir} has no HTML pages"
    return pages


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"no chromium at {CHROMIUM}: run `make check` (it installs Debian's chromium) "
            "or `apt-get install chromium`, or set HER2GUIDE_CHROMIUM",
            pytrace=False,
        )
    b = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
    )
    yield b
    b.close()


@dataclass
class NetworkLog:
    """Requests a browser context sent to hosts other than this machine."""

    external: list[str] = field(default_factory=list)


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https", "ws", "wss"}:
        return True  # data:, blob:, about: never leave the machine
    return (parts.hostname or "") in LOCAL_HOSTS


@pytest.fixture(scope="session")
def new_context(
    browser: Browser, base_url: str
) -> Iterator[Callable[..., tuple[BrowserContext, NetworkLog]]]:
    """Factory for browser contexts that record every request to a non-local host.

    Such requests cannot succeed (``--host-resolver-rules`` sends them nowhere); listening
    to request events rather than routing every request keeps page loads fast.
    """
    contexts: list[BrowserContext] = []

    def make(color_scheme: ColorScheme = "light") -> tuple[BrowserContext, NetworkLog]:
        log = NetworkLog()
        ctx = browser.new_context(
            base_url=base_url,
            viewport=VIEWPORT,
            color_scheme=color_scheme,
            service_workers="block",
        )

        def record(url: str) -> None:
            if not _is_local(url):
                log.external.append(url)

        ctx.on("request", lambda r: record(r.url))
        ctx.on("page", lambda p: p.on("websocket", lambda ws: record(ws.url)))
        contexts.append(ctx)
        return ctx, log

    yield make
    for ctx in contexts:
        ctx.close()


@dataclass
class ConsoleLog:
    errors: list[str] = field(default_factory=list)


def _watch_console(page: Page) -> ConsoleLog:
    log = ConsoleLog()
    page.on(
        "console",
        lambda m: log.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: log.errors.append(f"uncaught: {e}"))
    page.on(
        "response",
        lambda r: log.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )
    return log


@pytest.fixture(scope="session")
def watch_console() -> Callable[[Page], ConsoleLog]:
    """``watch_console(page)`` collects the page's console errors, uncaught exceptions and
    HTTP error responses into a list that the test can assert is empty."""
    return _watch_console


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """``artifacts/screenshots/`` (gitignored; CI uploads it)."""
    d = Path(os.environ.get("HER2GUIDE_ARTIFACTS", ROOT / "artifacts")) / "screenshots"
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="session")
def site_audit(
    new_context: Callable[..., tuple[BrowserContext, NetworkLog]],
    watch_console: Callable[[Page], ConsoleLog],
    page_paths: list[str],
) -> dict[str, PageAudit]:
    """Every page visited once (``audit.audit_page``): console errors, non-local requests,
    axe violations in light and dark, notebook outputs and what a 390 px reader cannot
    reach, by page path. Pages in ``audit.CHROME_PAGES`` must exist."""
    missing = [p for p in CHROME_PAGES if p not in page_paths]
    assert missing == [], f"pages the audit checks the site chrome on are missing: {missing}"
    axe_source = Axe().axe_script
    ctx, net = new_context(color_scheme="light")
    page = ctx.new_page()
    console = watch_console(page)
    results: dict[str, PageAudit] = {}
    for path in page_paths:
        console.errors.clear()
        net.external.clear()
        results[path] = audit_page(page, path, axe_source, viewport=VIEWPORT)
        # The axe runs give late requests time to show up in the logs before they are read.
        results[path].console = list(console.errors)
        results[path].external = list(net.external)
    page.close()
    return results
