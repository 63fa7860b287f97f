"""Fuzzing the ways in: random bytes, random JSON/YAML values and valid scenarios with one
field mutated. Every result is an answer or a ScenarioError naming a field, never another
exception, and error text stays small. Examples per test come from the hypothesis profile
(fast locally, thorough with CI=true; see tests/conftest.py)."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scenario_helpers import BASE

from her2guide import ScenarioError, parse_scenario, recommend
from her2guide._input import InputError, parse_text

FIELDS = [*sorted(BASE), "early_treatment", "ild_agent", "ecog", "weight_kg", "height_cm", "notes"]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)
odd = st.one_of(
    json_values,
    st.sampled_from(
        [
            "9999-12-31",
            "0001-01-01",
            "20260601",
            "2026-02-30",
            "T-DXd",
            "Ｔ－ＤＸｄ",
            "\x00",
            "é" * 3000,
            10**4000,
            -1,
            1e308,
            float("nan"),
            [],
            [[[]]],
            {"agents": []},
        ]
    ),
)


def _outcome(data: Any) -> str:
    """'answer' or 'error'; anything else (another exception) fails the test."""
    t0 = time.perf_counter()
    error: ScenarioError | None = None
    try:
        rec = recommend(parse_scenario(data))
    except ScenarioError as exc:
        error = exc
    if error is not None:
        assert all(p.field for p in error.problems)
        assert len(str(error)) < 20_000
        result = "error"
    else:
        assert rec.in_scope is False or rec.options or "no-standard-option" in rec.alert_codes
        result = "answer"
    assert time.perf_counter() - t0 < 5
    return result


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(raw: bytes) -> None:
    """Random bytes as a file's content: parsed, or refused with a reason."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return  # the decoder's refusal is tested in test_hostile_input
    for kind in ("yaml", "json"):
        try:
            data = parse_text(text, kind)
        except InputError as exc:
            reason = str(exc)
        else:
            _outcome(data)
            continue
        assert reason


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(json_values)
def test_random_values_never_crash(value: Any) -> None:
    """Any JSON value as a scenario: an answer or a field-named error."""
    _outcome(value)
    for text, kind in ((json.dumps(value), "json"), (yaml.safe_dump(value), "yaml")):
        with contextlib.suppress(InputError):
            _outcome(parse_text(text, kind))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(FIELDS), odd)
def test_one_mutated_field_never_crashes(field: str, value: Any) -> None:
    """A valid scenario with one field replaced by something odd."""
    data = dict(BASE)
    data[field] = value
    _outcome(data)


@settings(max_examples=5, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(FIELDS), odd)
def test_cli_on_mutated_files(tmp_path_factory: Any, field: str, value: Any) -> None:
    """Through the real command: exit 0 or 2, no traceback, bounded output and time."""
    data = dict(BASE)
    try:
        data[field] = json.loads(json.dumps(value))
    except (ValueError, TypeError):
        return
    p = Path(tmp_path_factory.mktemp("fuzz")) / "s.json"
    try:
        p.write_text(json.dumps(data), encoding="utf-8")
    except ValueError:  # NaN is not JSON
        return
    done = subprocess.run(
        [sys.executable, "-m", "her2guide.cli", "recommend", str(p)],
        capture_output=True,
        check=False,
        timeout=30,
    )
    assert done.returncode in (0, 2), done.stderr[-2000:]
    assert b"Traceback" not in done.stderr
    assert len(done.stdout) + len(done.stderr) < 100_000
