"""Hostile input: every example found by the fuzzing pass (issue "Hostile input") gives exit 2
with a message naming the field or the file — never a traceback, never a silent default."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from scenario_helpers import scenario

from her2guide import Scenario, ScenarioError, load_scenario, parse_scenario, recommend
from her2guide.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = (ROOT / "examples" / "seed-question.yaml").read_text(encoding="utf-8")


def _run(
    tmp_path: Path, name: str, content: str | bytes, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    code = main(["recommend", str(p)])
    out = capsys.readouterr()
    return code, out.err + out.out


CASES: dict[str, tuple[str | bytes, str]] = {
    "latin1.yaml": ("her2: positive\nsetting: metast\xe1tic\n".encode("latin-1"), "is not UTF-8"),
    "utf16.yaml": (SEED.encode("utf-16"), "is not UTF-8"),
    "deep.json": ("[" * 100_000, "nested more than 32 levels"),
    "deep.yaml": ("a: " + "[" * 3000 + "]" * 3000 + "\n", "nested more than 32 levels"),
    "bigint.yaml": (
        SEED.replace("weight_kg: 64", "weight_kg: " + "9" * 5000),
        "more than 30 digits",
    ),
    "future.yaml": (
        SEED.replace("as_of: 2026-11-23", "as_of: 9999-12-31").replace(
            "metastatic_diagnosis: 2026-10-01", "metastatic_diagnosis: 9999-12-15"
        ),
        "as_of: '9999-12-31' — allowed: a date from 1990 to 2100",
    ),
    "dx-null.yaml": (
        SEED.replace("metastatic_diagnosis: 2026-10-01", "metastatic_diagnosis: null"),
        "metastatic_diagnosis: None — required",
    ),
    "as-of-null.yaml": (SEED.replace("as_of: 2026-11-23", "as_of: null"), "as_of: None — required"),
    "year-1000.yaml": (
        SEED.replace("metastatic_diagnosis: 2026-10-01", "metastatic_diagnosis: 1000-10-01"),
        "a date from 1990 to 2100",
    ),
    "duplicate.yaml": (
        SEED.replace("pregnant: false", "pregnant: true\npregnant: false"),
        "duplicate key 'pregnant'",
    ),
    "empty-agents.yaml": (
        SEED.replace(
            "metastatic_lines: []", "metastatic_lines: [{agents: [], stopped: progression}]"
        ),
        "metastatic_lines[0].agents: [] — allowed: at least one agent per line",
    ),
    "many-lines.yaml": (
        SEED.replace(
            "metastatic_lines: []",
            "metastatic_lines: ["
            + ", ".join(["{agents: [T-DXd], stopped: progression}"] * 50)
            + "]",
        ),
        "at most 20 lines",
    ),
    "alias-bomb.yaml": (
        'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
            for i in range(8)
        ),
        "anchors and aliases",
    ),
    "big.yaml": ('notes: "' + "x" * 1_100_000 + '"\n', "larger than 1,000,000 bytes"),
    "compact-date.json": (
        '{"her2": "positive", "setting": "metastatic", "as_of": "20260601", '
        '"metastatic_diagnosis": "2026-05-01", "hormone_receptor": "negative", '
        '"metastatic_lines": [], "brain_metastases": "none", "ild_history": "none", "pregnant": false}',
        "as_of: '20260601' — allowed: a date written YYYY-MM-DD",
    ),
    "syntax.yaml": ("her2: [positive\nsetting: metastatic\n", "line 2, column"),
    "dense.yaml": ("notes: [" + ", ".join(["1"] * 200_000) + "]\n", "more than 10,000 values"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_gives_exit_2_and_names_the_problem(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each fuzzing seed: exit 2, the expected message, small output, no traceback."""
    content, expected = CASES[name]
    code, out = _run(tmp_path, name, content, capsys)
    assert code == 2, out
    assert expected in out
    assert "Traceback" not in out
    assert len(out) < 20_000


def test_many_unknown_agents_are_capped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """5,000 unknown agent names: one message about the cap (20,000 stop earlier, at the value count)."""
    content = (
        "her2: positive\nsetting: metastatic\nearly_treatment:\n  agents: ["
        + ", ".join(f"drug{i}" for i in range(5_000))
        + "]\n"
    )
    code, out = _run(tmp_path, "agents.yaml", content, capsys)
    assert code == 2
    assert "early_treatment.agents: '5000 agents' — allowed: at most 12 agents" in out
    assert len(out) < 20_000


def test_missing_file_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    """A missing file is reported as missing, not as an invalid scenario."""
    assert main(["recommend", "no-such-file.yaml"]) == 2
    assert capsys.readouterr().err.strip() == "her2guide: no-such-file.yaml: no such file"


def test_as_of_flag_is_validated_like_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    """--as-of before the diagnosis is an error naming the field (it is applied before validation)."""
    assert (
        main(["recommend", str(ROOT / "examples/seed-question.yaml"), "--as-of", "2000-01-01"]) == 2
    )
    assert (
        "metastatic_diagnosis: '2026-10-01' — is after as_of (2000-01-01)"
        in capsys.readouterr().err
    )


def test_stdin_dash_reads_the_scenario() -> None:
    """`her2guide recommend -` reads standard input."""
    done = subprocess.run(
        [sys.executable, "-m", "her2guide.cli", "recommend", "-", "--format", "json"],
        input=SEED.encode(),
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert b'"line": 2' in done.stdout


def test_closed_pipe_is_quiet() -> None:
    """Output into a closed pipe (| head -1) ends without a traceback."""
    done = subprocess.run(
        f"{sys.executable} -m her2guide.cli recommend {ROOT / 'examples/seed-question.yaml'} | head -1",
        shell=True,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0
    assert b"Traceback" not in done.stderr
    assert done.stdout.count(b"\n") == 1


def test_scenario_built_directly_is_validated() -> None:
    """The public Scenario validates itself: a bad value is a ScenarioError naming the field."""
    with pytest.raises(ScenarioError, match=r"hormone_receptor: 'maybe' — allowed"):
        Scenario(
            her2="positive",
            setting="metastatic",
            as_of=dt.date(2026, 6, 1),
            metastatic_diagnosis=dt.date(2026, 5, 1),
            hormone_receptor="maybe",
        )
    with pytest.raises(ScenarioError, match=r"metastatic_diagnosis: None — required"):
        Scenario(her2="positive", setting="metastatic", as_of=dt.date(2026, 6, 1))


def test_dict_path_rejects_null_dates_and_bad_years() -> None:
    """parse_scenario: required dates are never null; years are in the data's window."""
    with pytest.raises(ScenarioError, match="as_of: None — required"):
        parse_scenario(scenario(as_of=None))
    with pytest.raises(ScenarioError, match="a date from 1990 to 2100"):
        parse_scenario(scenario(as_of="2150-01-01"))


def test_problem_list_is_capped() -> None:
    """Dozens of problems: the first 20 are shown and the rest counted."""
    data = scenario(
        metastatic_lines=[{"agents": [f"x{i}"], "stopped": "progression"} for i in range(19)]
    )
    data["early_treatment"] = {"agents": [f"y{i}" for i in range(12)]}
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    assert len(info.value.problems) == 21
    assert info.value.problems[-1].field == "(more)"


def test_a_valid_seed_still_answers() -> None:
    """The seed question still gets its answer through the hardened path."""
    assert recommend(load_scenario(ROOT / "examples/seed-question.yaml")).line == 2
