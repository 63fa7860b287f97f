"""The decision diff (``her2guide diff --against REF``) finds what another version answers
differently, names the data record behind it, and counts the cells that version cannot read.

Each test builds the other version from a copy of this source tree with one deliberate change,
so the expected difference is stated from that change, not from the engine's output.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from her2guide import Catalogue, _diff, cli
from her2guide._space import cells

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = SRC.parent
SAMPLE = 600  # cells: enough to hit de novo first-line classes, small enough to be quick


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "other" / "src"
    shutil.copytree(
        SRC / "her2guide", dst / "her2guide", ignore=shutil.ignore_patterns("__pycache__")
    )
    return dst.parent


def test_diff_names_a_changed_option_record(tmp_path: Path, cat: Catalogue) -> None:
    """In the other version first-line T-DXd + pertuzumab is only an alternative: the diff
    reports classes where it is now preferred and names that [[option]] record."""
    other = _copy(tmp_path)
    toml = other / "src" / "her2guide" / "data" / "decisions.toml"
    text = toml.read_text("utf-8")
    row = 'line = 1\nregimen = "trastuzumab-deruxtecan-pertuzumab"\ntier = "preferred"'
    assert text.count(row) == 1
    toml.write_text(text.replace(row, row.replace('"preferred"', '"alternative"')), "utf-8")

    r = _diff.decision_diff(str(other), cat, sample=SAMPLE, seed=0)
    record = "decisions.toml [[option]] line=1 regimen=trastuzumab-deruxtecan-pertuzumab"
    assert r.records == [record]
    assert r.changed > 0
    promoted = [
        g
        for g in r.groups
        if "trastuzumab-deruxtecan-pertuzumab: alternative → preferred" in g.change
    ]
    assert promoted, [g.change for g in r.groups]
    assert all(record in g.records for g in promoted)
    assert r.changed == sum(g.count for g in r.groups)
    assert r.unreadable == 0
    text_report = _diff.format_diff(r)
    assert text_report.splitlines()[-1].startswith(f"{r.changed:,} of {r.cells:,} cells changed")


def test_diff_counts_cells_the_other_version_cannot_read(tmp_path: Path, cat: Catalogue) -> None:
    """An older version that does not know the ``ecog`` field cannot read the cells that set
    it: they are counted as unreadable (not dropped, not compared)."""
    other = _copy(tmp_path)
    scen = other / "src" / "her2guide" / "_scenario" / "fields.py"  # the field table
    text = scen.read_text("utf-8")
    row = '    Field("ecog", _parse_ecog, _ecog_schema),\n'
    assert row in text
    scen.write_text(text.replace(row, "", 1), "utf-8")

    with_ecog = sum("ecog" in _diff.scenario_dict(s) for s in cells(cat, sample=SAMPLE, seed=0))
    assert with_ecog > 0
    r = _diff.decision_diff(str(other), cat, sample=SAMPLE, seed=0)
    assert r.unreadable == with_ecog
    assert r.changed == 0
    assert "ecog" in " ".join(r.unreadable_reasons)


def test_diff_against_a_git_ref_of_this_tree_finds_no_change(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``her2guide diff --against HEAD`` extracts the committed tree with git and, on the
    committed engine and data, finds that no class changed (the CLI prints the last line)."""
    clean = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "src"], capture_output=True, text=True
    )
    monkeypatch.chdir(ROOT)
    assert cli.main(["diff", "--against", "HEAD", "--sample", "200"]) == 0
    out = capsys.readouterr().out
    if clean.stdout.strip():  # uncommitted changes in src/: the comparison is still made
        assert out.splitlines()[-1].endswith("unreadable by the old version")
    else:
        assert out.splitlines()[-1] == (
            "0 of 209 cells changed recommendation in 0 groups; 0 unreadable by the old version"
        )
    assert "Not a medical device" in out


def test_diff_rejects_an_unknown_ref(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An --against that is no ref and no directory exits 2 naming it and what is allowed."""
    monkeypatch.chdir(ROOT)
    assert cli.main(["diff", "--against", "no-such-ref-xyz", "--sample", "5"]) == 2
    err = capsys.readouterr().err
    assert "'no-such-ref-xyz'" in err
    assert "allowed: a git ref" in err


def test_scenario_dict_round_trips_through_the_public_parser(cat: Catalogue) -> None:
    """Every sampled cell, written as a scenario file would hold it, parses back to the same
    Scenario (so both versions evaluate exactly the cells of the declared space)."""
    from her2guide import parse_scenario

    for s in cells(cat, sample=300, seed=3):
        assert parse_scenario(json.loads(json.dumps(_diff.scenario_dict(s)))) == s


def test_diff_cli_runs_as_a_command() -> None:
    """The installed ``her2guide`` command has the diff subcommand with --against and --sample."""
    out = subprocess.run(
        [sys.executable, "-m", "her2guide.cli", "diff", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert "--against" in out.stdout
    assert "--sample" in out.stdout
