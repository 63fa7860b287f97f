"""Conformance vectors (`her2guide export-tests DIR`) and the interoperability site pages.

The expected outcomes in the vectors must be the clinician-reviewed rows of
tests/scenarios.toml, unchanged: they are compared with the table itself, not with the engine.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from her2guide import load_catalogue
from her2guide._conformance import vectors_zip
from her2guide._site import Page

TABLE = tomllib.loads((Path(__file__).with_name("scenarios.toml")).read_text(encoding="utf-8"))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "her2guide.cli", *args], capture_output=True, text=True
    )


def test_export_tests_writes_one_pair_per_table_row(tmp_path: Path) -> None:
    """Every row becomes input.json + expected.json; expected holds the row's own expectations and cite."""
    r = _cli("export-tests", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert f"wrote {len(TABLE['case'])} conformance vectors" in r.stdout
    for case in TABLE["case"]:
        folder = tmp_path / "out" / case["id"]
        expected = json.loads((folder / "expected.json").read_text())
        assert case["cite"] == expected["cite"]
        for key in ("preferred", "line", "alerts", "excludes", "rules"):
            if key in case:
                assert case[key] == expected[key], (case["id"], key)
        scenario = json.loads((folder / "input.json").read_text())
        for key, value in case["scenario"].items():
            if value != "__omit__":
                assert json.loads(json.dumps(value, default=str)) == scenario[key]
        assert json.loads((folder / "input-fhir.json").read_text())["resourceType"] == "Bundle"
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    assert len(TABLE["case"]) == len(index["cases"])
    assert "not a medical device" in index["intended_use"].lower()


def test_export_tests_without_a_table_names_the_file(tmp_path: Path) -> None:
    """A missing scenario table: exit 2 and one line naming it, no traceback."""
    r = _cli("export-tests", str(tmp_path / "out"), "--scenarios", str(tmp_path / "none.toml"))
    assert r.returncode == 2
    assert "none.toml: no such file" in r.stderr
    assert "Traceback" not in r.stderr


def test_the_download_zip_holds_every_case() -> None:
    """The site's zip has index.json and four files per case."""
    names = zipfile.ZipFile(io.BytesIO(vectors_zip())).namelist()
    assert "her2guide-conformance/index.json" in names
    assert 1 + 4 * len(TABLE["case"]) == len(names)


def test_fhir_mapping_page_table_is_generated_from_the_mapping_data() -> None:
    """The FHIR mapping table shows the mCODE HER2 code 48676-1 and the answer LA6576-8 → positive."""
    table = Page("fhir.md", load_catalogue()).expand("{{ fhir_mapping }}")
    assert "`48676-1` HER2 [Interpretation] in Tissue" in table
    assert "answer `LA6576-8` Positive → `positive`" in table
    assert "mcode-secondary-cancer-condition" in table


def test_cds_page_example_is_a_real_response() -> None:
    """The CDS Hooks page's example is produced by calling the app: a 200 with cards and a 412."""
    text = Page("cds-hooks.md", load_catalogue()).expand("{{ cds_example }}")
    assert "**Response** — HTTP 200" in text
    assert '"cards": [' in text
    assert "**No prefetch** — HTTP 412" in text
