"""The navigator's Python side: ``her2guide.browser`` (run in Pyodide) and
``her2guide._site.navigator`` / ``navigator_form`` (wheel, form, links). The page itself
is tested in ``tests/browser/test_navigator.py``."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest

from her2guide import cli, load_catalogue, scenario_json_schema
from her2guide._conformance import table_scenario
from her2guide._input import parse_text
from her2guide._site import navigator, navigator_form
from her2guide.browser import evaluate, to_yaml

ROOT = Path(__file__).resolve().parents[1]

TABLE = tomllib.loads((ROOT / "tests" / "scenarios.toml").read_text(encoding="utf-8"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))


def _row(case: dict[str, Any]) -> dict[str, Any]:
    return table_scenario(TABLE["defaults"], case)


def _cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(args)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("case", TABLE["case"][::9], ids=lambda c: c["id"])
def test_evaluate_json_is_what_the_cli_prints(case: dict[str, Any], tmp_path: Path) -> None:
    """``evaluate`` returns, as ``json``, the exact text of ``recommend --format json``."""
    path = tmp_path / "s.json"
    path.write_text(json.dumps(_row(case)), encoding="utf-8")
    code, printed, _ = _cli(["recommend", str(path), "--format", "json"])
    assert code == 0
    out = json.loads(evaluate(json.dumps(_row(case)), "2026-12-01"))
    assert out["state"] == "done"
    assert printed == out["json"]


def test_evaluate_problems_are_the_lines_the_cli_prints(tmp_path: Path) -> None:
    """A bad LVEF and an unknown agent come back as the CLI's problem lines, never raised."""
    bad = {
        **TABLE["defaults"],
        "lvef": 150,
        "metastatic_lines": [{"agents": ["tdm1x"], "stopped": "progression"}],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    code, _, err = _cli(["recommend", str(path)])
    assert code == 2
    out = json.loads(evaluate(json.dumps(bad), "2026-12-01"))
    assert out["state"] == "error"
    assert "json" not in out
    assert [f"  - {p['text']}" for p in out["problems"]] == err.splitlines()[1:]
    assert {p["field"] for p in out["problems"]} == {"lvef", "metastatic_lines[0].agents[0]"}


@pytest.mark.parametrize(
    "text",
    ["", "[1, 2]", '{"her2": "positive", "her2": "low"}', "{" * 500, '"x"'],
    ids=["empty", "list", "duplicate-key", "deep", "string"],
)
def test_evaluate_never_raises_on_bad_text(text: str) -> None:
    """Whatever the page sends, the answer is a problem naming what is wrong, not a traceback."""
    out = json.loads(evaluate(text, "2026-12-01"))
    assert out["state"] == "error"
    assert out["problems"]
    assert all("Traceback" not in p["text"] for p in out["problems"])


def test_evaluate_defaults_as_of_to_the_browser_date_like_the_cli() -> None:
    """Without ``as_of`` the browser's date is used, as the CLI uses today's."""
    data = {k: v for k, v in TABLE["defaults"].items() if k != "as_of"}
    out = json.loads(evaluate(json.dumps(data), "2026-11-23"))
    assert json.loads(out["json"])["as_of"] == "2026-11-23"


@pytest.mark.parametrize("case", TABLE["case"], ids=lambda c: c["id"])
def test_yaml_copy_reads_back_as_the_same_scenario(case: dict[str, Any]) -> None:
    """ "Copy scenario as YAML" gives YAML that the CLI's reader parses to the same data."""
    data = _row(case)
    assert data == parse_text(to_yaml(data), "yaml")


def test_answers_do_not_depend_on_the_hash_seed() -> None:
    """The page (another process, another hash seed) must print what the CLI prints: every
    row of the scenario table gives the same JSON under different PYTHONHASHSEED values.
    (Before the fix, PRIOR-TOXICITY listed continued regimens in frozenset order.)"""
    code = (
        "import hashlib, json, sys, tomllib\n"
        "from her2guide.browser import evaluate\n"
        f"t = tomllib.loads(open({str(ROOT / 'tests' / 'scenarios.toml')!r}, encoding='utf-8').read())\n"
        "h = hashlib.sha256()\n"
        "for c in t['case']:\n"
        "    d = dict(t['defaults'])\n"
        "    d.update({k: v for k, v in c.get('scenario', {}).items() if v != '__omit__'})\n"
        "    for k in [k for k, v in c.get('scenario', {}).items() if v == '__omit__']: d.pop(k, None)\n"
        "    h.update(evaluate(json.dumps(d), '2026-12-01').encode())\n"
        "print(h.hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in (0, 1, 2, 3)
    }
    assert len(digests) == 1


def test_browser_path_runs_without_pyyaml() -> None:
    """The engine imported and run with PyYAML unavailable, as in Pyodide."""
    code = (
        "import sys; sys.modules['yaml'] = None\n"
        "import json\n"
        "from her2guide.browser import evaluate\n"
        f"out = json.loads(evaluate({json.dumps(json.dumps(TABLE['defaults']))}, '2026-12-01'))\n"
        "assert out['state'] == 'done', out\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.stdout.strip() == "ok", proc.stderr


def test_wheel_holds_the_package_with_a_valid_record(tmp_path: Path) -> None:
    """The wheel has every file of src/her2guide (code and data) but the site build
    (``_site/``, which the page never runs), and a RECORD whose sha256 digests and sizes
    match, plus METADATA naming the project's version."""
    whl = navigator.build_wheel(tmp_path)
    with zipfile.ZipFile(whl) as zf:
        names = set(zf.namelist())
        src = {
            "her2guide/" + p.relative_to(ROOT / "src" / "her2guide").as_posix()
            for p in (ROOT / "src" / "her2guide").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
        site = {n for n in src if n.startswith("her2guide/_site/")}
        assert "her2guide/_site/build.py" in site
        assert src - site <= names
        assert not any(n.startswith("her2guide/_site/") for n in names)
        assert "her2guide/_engine/core.py" in names
        assert "her2guide/data/references.toml" in names
        meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        dist = f"her2guide-{meta['version']}.dist-info"
        assert f"Version: {meta['version']}" in zf.read(f"{dist}/METADATA").decode()
        for row in zf.read(f"{dist}/RECORD").decode().splitlines():
            name, digest, size = row.split(",")
            if name.endswith("RECORD"):
                continue
            data = zf.read(name)
            want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert (digest, int(size)) == (f"sha256={want}", len(data)), name
    assert navigator.build_wheel(tmp_path / "again").read_bytes() == whl.read_bytes()


def test_form_has_a_control_for_every_schema_field() -> None:
    """Every property of ``her2guide schema`` (and of its nested objects) has a labelled
    control in the generated form; no control is for a field the schema lacks."""
    schema = scenario_json_schema()
    props = schema["properties"]
    want = {k for k in props if k not in {"early_treatment", "metastatic_lines"}}
    want |= {f"early_treatment.{k}" for k in props["early_treatment"]["properties"]}
    want |= {f"metastatic_lines.{k}" for k in props["metastatic_lines"]["items"]["properties"]}
    html = navigator_form.form_html(schema, load_catalogue())
    import re

    have = set(re.findall(r'data-field-wrap="([^"]+)"', html))
    assert want == have
    assert html.count("<label for=") == len(want)
    assert "\n\n" not in html  # one HTML block for Markdown


def test_form_offers_every_agent_name_the_cli_accepts() -> None:
    """The agent datalist holds each agent's ID and all its synonyms."""
    cat = load_catalogue()
    html = navigator_form.form_html(scenario_json_schema(), cat)
    for agent in cat.agents.values():
        for name in (agent.id, *agent.synonyms):
            assert f'<option value="{navigator_form._esc(name)}">' in html, name


def test_fragment_is_base64url_of_the_json() -> None:
    """``#s=`` carries base64url (no padding) of the scenario's JSON, UTF-8."""
    scenario = {"her2": "positive", "notes": "Ménière?"}
    frag = navigator.fragment(scenario)
    body = frag.removeprefix("s=")
    assert "=" not in body
    assert "+" not in body
    assert "/" not in body
    assert json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))) == scenario


def test_seed_notebook_scenario_is_found() -> None:
    """The seed notebook's first scenario is the one it asks about (Herceptin, residual disease)."""
    found = navigator.notebook_scenario(ROOT / "notebooks" / "01-seed-question.py")
    assert found is not None
    assert found["early_treatment"]["agents"][-1] == "Herceptin"
    assert found["early_treatment"]["residual_disease"] is True


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_links_a_scenario_the_engine_accepts(path: Path) -> None:
    """Each worked scenario has a navigator link whose scenario is plain JSON and valid."""
    found = navigator.notebook_scenario(path)
    assert found is not None, f"{path.name}: no literal scenario dict for its navigator link"
    assert json.loads(json.dumps(found)) == found
    assert json.loads(evaluate(json.dumps(found), "2026-12-01"))["state"] == "done"


def test_notebook_scenario_inlines_names_bound_to_literals(tmp_path: Path) -> None:
    """A list bound to a name before the scenario (``thp = [...]``) is filled in."""
    nb = tmp_path / "nb.py"
    nb.write_text(
        'thp = ["trastuzumab", "pertuzumab", "docetaxel"]\n'
        'patient = {"her2": "positive", "metastatic_lines": [{"agents": thp, "stopped": "toxicity"}]}\n',
        encoding="utf-8",
    )
    found = navigator.notebook_scenario(nb)
    assert found == {
        "her2": "positive",
        "metastatic_lines": [
            {"agents": ["trastuzumab", "pertuzumab", "docetaxel"], "stopped": "toxicity"}
        ],
    }


def test_every_form_field_links_to_its_definition() -> None:
    """Issue 14: labels and help 'linking to the definitions'. Each control's help links to a
    definition that exists, and every schema field has one with its allowed values."""
    import re

    schema = scenario_json_schema()
    form = navigator_form.form_html(schema, load_catalogue())
    defs = navigator_form.field_definitions_html(schema)
    ids = set(re.findall(r'<dt id="([^"]+)"', defs))
    links = set(re.findall(r'href="#(def-[^"]+)"', form))
    assert links, "no field links to a definition"
    assert links <= ids
    for key in schema["properties"]:
        assert f"<code>{key}</code>" in defs
    # allowed values come from the schema, e.g. the stop reasons of a metastatic line
    stopped = defs[defs.index('id="def-metastatic-lines-stopped"') :].split("</dd>")[0]
    for value in ("progression", "toxicity", "ongoing", "completed"):
        assert f"&quot;{value}&quot;" in stopped
    # the in-scope required fields say so (the schema's allOf list)
    her2 = defs[defs.index('id="def-hormone-receptor"') :].split("</dd>")[0]
    assert "Required for a HER2-positive metastatic scenario" in her2
