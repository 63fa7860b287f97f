"""Shared fixtures for the unit tests, the hypothesis profiles, how the suite is spread over
xdist workers, and a progress line when no test has finished for a while."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from her2guide import Catalogue, load_catalogue

TESTS = Path(__file__).resolve().parent

# Hypothesis: a fast profile for local runs, the thorough one when CI=true (.ci/run sets it).
# Tests that set max_examples themselves keep it.
settings.register_profile("dev", max_examples=60)
settings.register_profile("ci", max_examples=400)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

#: The unit tests (``make unit``, ``pytest -m unit``): pure engine, data, parser and report
#: tests that start no subprocess, kernel, server, browser or site build. The set is by file,
#: so a new file is not a unit test until it is listed here.
UNIT_FILES = frozenset(
    {
        "test_approvals_data.py",
        "test_cns_supportive_content.py",
        "test_data.py",
        "test_esmo.py",
        "test_monitoring_content.py",
        "test_practical.py",
        "test_rules.py",
        "test_scenario_table.py",
        "test_typed_numbers.py",
    }
)

#: xdist groups (``--dist loadgroup``, see pytest_xdist_make_scheduler): tests that share an expensive session or module
#: fixture stay on one worker so it is built once (the browser suite's Chromium and its
#: one-visit audit of every page; test_docs' site builds, which also must not run at the same
#: time: two mkdocs builds of one tree race on its generated files). Everything else, the
#: notebooks included, is spread test by test, so the notebooks no longer queue on one worker.
#: The browser suite is two groups, each with its own Chromium: the page audit's file (the
#: session-scoped ``site_audit`` is built on its worker; a test in another file using it
#: would build it again) and the rest, so the audit's worker does not also carry the
#: navigator's Pyodide runs, the prints or the screenshots.
_GROUPS = {
    "browser/test_site_browser.py": "browser-audit",
    "browser": "browser",
    "test_docs.py": "docs-site",
}


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With ``-m unit`` alone, do not even import the other test files (the notebook and
    browser suites import Jupyter and Playwright: seconds of a ≤ 5 s budget)."""
    if config.getoption("markexpr", "") != "unit":
        return None
    if collection_path.is_dir() and collection_path.parent == TESTS:
        return True  # tests/browser (its conftest imports Playwright) and tests/data
    if collection_path.suffix == ".py" and collection_path.name.startswith("test_"):
        return collection_path.parent != TESTS or collection_path.name not in UNIT_FILES
    return None


def _group(nodeid: str) -> str | None:
    path = nodeid.split("::", 1)[0]
    first, _, rest = path.partition("/")
    if first != TESTS.name:
        return None
    return _GROUPS.get(rest) or _GROUPS.get(rest.split("/", 1)[0])


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadgroup`` with the groups above, decided from the node ID.

    xdist 3.8 marks a group by appending ``@group`` to ``item._nodeid``, which pytest 9 no
    longer reads (node IDs come from ``item._id``): its loadgroup silently became ``load``, and
    the browser suite's one-visit page audit ran on both workers. This scheduler is xdist's
    own per-scope one, with a test's scope being its group, or the test itself."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class _GroupScheduling(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return _group(nodeid) or nodeid

    return _GroupScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path))
        if path.parent == TESTS and path.name in UNIT_FILES:
            item.add_marker(pytest.mark.unit)


@pytest.fixture(scope="session")
def cat() -> Catalogue:
    """The packaged, validated catalogue."""
    return load_catalogue()


class _Heartbeat:
    """Prints which tests are running when none has finished for ``interval`` seconds, so a
    long notebook, site build or browser run never leaves a silent minute (issue 15). Runs in
    the process that reports (the xdist controller, or the only process); one line each time,
    so CI logs stay readable."""

    def __init__(self, config: pytest.Config, interval: float) -> None:
        self.config = config
        self.interval = interval
        self.running: dict[str, float] = {}
        self.last = time.monotonic()
        self.start = self.last
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def pytest_sessionstart(self) -> None:
        self.thread.start()

    def pytest_sessionfinish(self) -> None:
        self.done.set()

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self.running[nodeid] = time.monotonic()

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        self.running.pop(nodeid, None)
        self.last = time.monotonic()

    def _run(self) -> None:
        while not self.done.wait(1.0):
            now = time.monotonic()
            if now - self.last < self.interval:
                continue
            self.last = now
            tr = self.config.pluginmanager.get_plugin("terminalreporter")
            if tr is None:
                continue
            running = sorted(self.running.items(), key=lambda kv: kv[1])[:4]
            what = ", ".join(f"{nodeid} ({now - t0:.0f} s)" for nodeid, t0 in running)
            tr.write_line(
                f"[pytest {now - self.start:.0f} s] still running: {what or 'collection/setup'}"
            )


def pytest_configure(config: pytest.Config) -> None:
    interval = float(os.environ.get("HER2GUIDE_HEARTBEAT", "20"))
    if interval > 0 and not hasattr(config, "workerinput"):  # not inside an xdist worker
        config.pluginmanager.register(_Heartbeat(config, interval), "her2guide-heartbeat")
