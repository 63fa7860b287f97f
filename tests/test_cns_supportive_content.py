"""Issue 11, gaps 3, 4, 6, 7 and 8: re-biopsy and brain imaging, supportive care, subcutaneous
products and other names, maintenance, and the absent ESMO positions.

The expected fragments below are typed from the primary sources named in each docstring, not
copied from the data, so an edit that changes a number, a grade or a source's wording fails
here. Sources are the records in ``references.toml`` with the same IDs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from her2guide import Catalogue, DataError, ScenarioError, load_catalogue, parse_scenario
from her2guide import _supportive as supportive_module
from her2guide._site import Page, RenderError
from her2guide._supportive import load_supportive
from her2guide.cli import main

ROOT = Path(__file__).resolve().parents[1]

_BASE = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-06-01",
    "metastatic_diagnosis": "2026-05-01",
    "hormone_receptor": "negative",
    "brain_metastases": "none",
    "ild_history": "none",
    "pregnant": False,
}


def _first_line_agents(name: str) -> tuple[str, ...]:
    scenario = parse_scenario(
        {**_BASE, "metastatic_lines": [{"agents": [name], "stopped": "progression"}]}
    )
    return scenario.metastatic_lines[0].agents


def _page(name: str) -> str:
    return Page(name, load_catalogue()).expand((ROOT / "docs" / name).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- gap 8: re-biopsy


def test_asco_cap_asks_for_a_her2_test_on_a_metastatic_site(cat: Catalogue) -> None:
    """ASCO/CAP 2013 HER2 testing guideline (Wolff, JCO 2013;31:3997), "Specimens to be
    tested": "Patients who then develop metastatic disease must have a HER2 test performed
    in a metastatic site, if tissue sample is available."
    """
    s = cat.statements["asco-cap-2013-metastatic-retest"]
    assert s.source == "ASCO/CAP 2013"
    assert s.topic == "rebiopsy"
    assert "must have a HER2 test performed in a metastatic site" in s.quote
    assert "if tissue sample is available" in s.quote
    assert "3997" in cat.references[s.reference].citation


def test_asco_cap_er_low_positive_category(cat: Catalogue) -> None:
    """ASCO/CAP 2020 ER/PgR update (Allison, JCO 2020;38:1346; PMID 31928404): "1% to 100% of
    tumor nuclei positive should be interpreted as ER positive"; 1% to 10% is reported as "ER
    Low Positive" because data on endocrine benefit are limited."""
    s = cat.statements["asco-cap-2020-er-low"]
    assert "1–100%" in s.summary
    assert "1–10%" in s.summary
    assert "ER Low Positive" in s.quote
    assert cat.references[s.reference].pmid == "31928404"
    assert "entered as positive" in s.note


# --------------------------------------------------------------------------- gap 8: brain imaging


def test_asco_brain_rec_10_1_grade_and_words_as_printed(cat: Catalogue) -> None:
    """ASCO 2022 HER2+ brain metastases guideline, rec. 10.1 (screening): "there are
    insufficient data to recommend for or against performing routine surveillance with brain
    magnetic resonance imaging" (Weak Recommendation; FC/IC-L)."""
    s = cat.statements["asco-bm-2022-10.1"]
    assert (s.number, s.grade) == ("10.1", "Weak Recommendation; FC/IC-L")
    assert "insufficient data to recommend for or against" in s.quote
    assert "routine surveillance with brain magnetic resonance imaging" in s.quote


def test_asco_brain_rec_10_2_low_threshold_without_an_invented_grade(cat: Catalogue) -> None:
    """ASCO 2022 brain metastases rec. 10.2: "Clinicians should have a low threshold for
    performing diagnostic brain magnetic resonance imaging (MRI) testing in the setting of any
    neurologic symptoms". Its grade was cut off in the stored excerpt, so none may be shown."""
    s = cat.statements["asco-bm-2022-10.2"]
    assert "low threshold for performing diagnostic brain magnetic resonance imaging" in s.quote
    assert s.grade == ""
    assert "not shown" in s.note


def test_nccn_brain_screening_is_shown_as_a_trial_report_of_nccn(cat: Catalogue) -> None:
    """Moffitt trial, Neuro-Oncology 2025 (PMID 39851040): "Screening of asymptomatic stage IV breast
    cancer with brain MRIs is currently not recommended by National Comprehensive Cancer
    Network (NCCN) Guidelines"; 33 HER2-positive patients, 15% at baseline, 24% by 6 months."""
    s = cat.statements["nccn-brain-mri-screening"]
    assert "currently not recommended by National Comprehensive Cancer Network" in s.quote
    assert cat.references[s.reference].pmid == "39851040"
    assert "not NCCN's own text" in s.note
    for fragment in ("15%", "33 HER2-positive", "24%"):
        assert fragment in s.note


# --------------------------------------------------------------------------- gap 8: KATHERINE CNS


def test_katherine_cns_first_recurrence_figures_stay_with_their_analyses(cat: Catalogue) -> None:
    """KATHERINE: CNS as site of first recurrence 5.9% vs 4.3% with no difference in overall CNS
    risk (Mamounas, Ann Oncol 2021;32:1005, exploratory analyses of the primary cut); 7.0% vs
    5.1% at the final analysis (Geyer, NEJM 2025;392:249)."""
    analyses = {a.id: a for a in cat.trials["katherine"].analyses}
    sub = {f.endpoint: f.result for f in analyses["katherine-subgroups"].figures}
    final = {f.endpoint: f.result for f in analyses["katherine-final"].figures}
    assert sub["CNS as site of first recurrence"].startswith("5.9% vs 4.3%")
    assert (
        "not associated with a difference in the overall risk"
        in sub["CNS as site of first recurrence"]
    )
    assert final["CNS recurrence as first event"].startswith("7.0% vs 5.1%")
    assert analyses["katherine-subgroups"].reference == "mamounas-2021-katherine"
    assert cat.references["mamounas-2021-katherine"].doi == "10.1016/j.annonc.2021.04.011"


def test_pitfalls_page_shows_biopsy_brain_and_both_katherine_figures() -> None:
    """The pitfalls page answers the seed's silence on the CNS from the data: ASCO rec. 10.1
    and 10.2, the ASCO/CAP re-test and both KATHERINE analyses render into section 7."""
    text = _page("pitfalls.md")
    section = text[text.index("{#silent-on-the-brain-and-the-biopsy}") :]
    section = section[: section.index("## Smaller problems")]
    for fragment in (
        "rec. 10.1",
        "rec. 10.2",
        "must have a HER2 test performed in a metastatic site",
        "5.9% vs 4.3%",
        "7.0% vs 5.1%",
        "algorithm.md#cns-status-unknown",
        "algorithm.md#scope-her2-status",
    ):
        assert fragment in section, fragment


# --------------------------------------------------------------------------- gap 3: supportive care


def test_tdxd_emetic_risk_as_the_label_and_mascc_esmo_state_it(cat: Catalogue) -> None:
    """Enhertu US label: "ENHERTU is highly emetogenic". MASCC/ESMO 2023 (Scotté, Support Care
    Cancer 2023;32:45; PMID 38114821): T-DXd's "emetogenic potential comparable to carboplatin
    > AUC 5", for which the triple NK1 RA + 5-HT3 RA + steroid prophylaxis is recommended."""
    label = cat.statements["label-tdxd-emetogenic"]
    mascc = cat.statements["mascc-esmo-2023-tdxd"]
    assert label.quote == "ENHERTU is highly emetogenic"
    assert "emetogenic potential comparable to carboplatin > AUC 5" in mascc.quote
    for drug in ("NK1 receptor antagonist", "5-HT3 receptor antagonist", "steroid"):
        assert drug in mascc.summary
    ref = cat.references[mascc.reference]
    assert (ref.pmid, ref.doi) == ("38114821", "10.1007/s00520-023-08222-3")


def test_asco_emetic_risk_of_the_intravenous_partners(cat: Catalogue) -> None:
    """ASCO Antiemetics, Table 1 "Emetic Risk of Single Intravenous Antineoplastic Agents in
    Adults": Minimal (<10%) trastuzumab, vinorelbine; Low (10%-30%) docetaxel, eribulin,
    fluorouracil, gemcitabine, nab-paclitaxel, paclitaxel, pertuzumab, trastuzumab-emtansine;
    Moderate (30%-90%) carboplatin. Moderate agents: 5-HT3 RA + dexamethasone on day 1
    (Strong Recommendation; EB-H)."""
    table = cat.statements["asco-antiemetics-her2-regimen-agents"].summary
    minimal, rest = table.split("minimal (under 10%)")
    low, moderate = rest.split("low (10–30%)")
    for agent in ("trastuzumab", "vinorelbine"):
        assert agent in minimal
    for agent in ("pertuzumab", "T-DM1", "docetaxel", "paclitaxel", "eribulin", "gemcitabine"):
        assert agent in low
    assert "carboplatin moderate (30–90%)" in moderate
    assert "T-DXd is not listed" in table
    moderate_rec = cat.statements["asco-antiemetics-moderate"]
    assert moderate_rec.grade == "Strong Recommendation; EB-H"
    assert "5-HT3 receptor antagonist and dexamethasone on day 1" in moderate_rec.summary


def test_tdxd_ild_surveillance_panel_gives_onset_not_an_interval(cat: Catalogue) -> None:
    """Asia-Pacific panel, Drug Saf 2023;46:927, Table 1: baseline chest CT; "regular CT scans
    of the thorax (standard or high-resolution non-contrast CT)"; median ILD onset 5.6 months
    (range 1.1–20.8); high-resolution CT is the principal diagnostic tool."""
    baseline = cat.statements["asia-pacific-tdxd-ild-baseline"]
    during = cat.statements["asia-pacific-tdxd-ild-surveillance"]
    diagnosis = cat.statements["asia-pacific-tdxd-ild-diagnosis"]
    assert "chest CT" in baseline.summary
    assert "regular CT scans of the thorax" in during.quote
    assert "5.6 months, range 1.1–20.8" in during.summary
    assert "no fixed interval" in during.summary
    assert "High-resolution chest CT should be the principal tool" in diagnosis.quote
    assert cat.references[during.reference].doi == "10.1007/s40264-023-01328-x"


def test_nhs_scotland_describes_but_does_not_recommend_a_ct_interval(cat: Catalogue) -> None:
    """NHS Scotland acute oncology guidance (T-DXd, shortness of breath): "Patients are usually
    having 6-9 weekly surveillance chest CT scans"; grade 1: "at least 0.5 mg/kg/day
    prednisone or equivalent followed by gradual taper over at least 4 weeks"; review "within
    3-5 days"."""
    during = cat.statements["nhs-scotland-tdxd-ild-surveillance"]
    grade1 = cat.statements["nhs-scotland-tdxd-ild-grade1"]
    assert "6-9 weekly surveillance chest CT scans" in during.quote
    assert "not a recommended interval" in during.note
    assert "0.5 mg/kg/day prednisone or equivalent" in grade1.summary
    assert "at least 4 weeks" in grade1.summary
    assert "3–5 days" in grade1.summary
    assert "interrupt T-DXd" in grade1.summary


def test_neratinib_loperamide_after_day_56_and_escalation_start(cat: Catalogue) -> None:
    """Nerlynx US label 2.1-2.2 (Drugs.com, 2020): weeks 9 onwards "4 mg as needed, not to
    exceed 16 mg per day; titrate dosing to achieve 1-2 bowel movements per day"; "A two weeks
    dose escalation approach, starting at 120 mg daily is recommended"."""
    rules = {r.id: r for r in cat.toxicity}
    later = rules["neratinib-loperamide-after-day-56"]
    escalation = rules["neratinib-dose-escalation"]
    assert (later.agent, later.topic) == ("neratinib", "diarrhoea")
    for fragment in ("4 mg as needed", "16 mg a day", "1–2 bowel movements"):
        assert fragment in later.action
    assert "week 9 (day 57)" in later.condition
    assert "two-week dose escalation starting at 120 mg daily" in escalation.action
    assert "160" not in escalation.action


def test_dose_command_prints_neratinib_diarrhoea_rules(capsys: pytest.CaptureFixture[str]) -> None:
    """`dose neratinib-capecitabine` lists the loperamide schedule under its own heading."""
    assert main(["dose", "neratinib-capecitabine", "--weight", "60", "--height", "165"]) == 0
    out = capsys.readouterr().out
    section = out[out.index("Diarrhoea: prophylaxis and dose rules") :]  # plain text in a terminal
    assert "4 mg three times daily on days 1–14" in section
    assert "not more than 16 mg a day" in section
    assert "120 mg daily" in section


def test_monitoring_page_lists_what_supportive_care_data_is_missing() -> None:
    """Unverified supportive-care facts are named as gaps, not filled in."""
    text = (ROOT / "docs" / "monitoring.md").read_text(encoding="utf-8")
    gaps = text[text.index("## Known gaps") :]
    assert "Emetic-risk categories for the oral agents" in gaps
    # tucatinib prophylaxis is now recorded (tests/test_issue11_label_checks.py), so it is
    # no longer a gap
    assert "Tucatinib: whether the label asks for diarrhoea prophylaxis" not in gaps
    assert "escalation steps after the 120 mg start" in gaps
    assert "A recommended CT interval" in gaps


# --------------------------------------------------------------------------- gap 4: formulations, names


def test_herceptin_hylecta_fixed_subcutaneous_dose(cat: Catalogue) -> None:
    """Herceptin Hylecta US label 2.3: "600 mg/10,000 units (600 mg trastuzumab and 10,000
    units hyaluronidase) administered subcutaneously over approximately 2-5 minutes once every
    three weeks. No loading dose is required." """
    reg = cat.regimens["trastuzumab-chemotherapy"]
    note = next(n for n in reg.notes if "Hylecta" in n)
    for fragment in (
        "600 mg trastuzumab",
        "10,000 units",
        "2–5 minutes",
        "every 3 weeks",
        "no loading dose",
    ):
        assert fragment in note, fragment
    assert "T-DM1" in note
    assert "herceptin-hylecta-us-label" in reg.references


def test_phesgo_fixed_subcutaneous_doses(cat: Catalogue) -> None:
    """Phesgo US label: loading 1,200 mg pertuzumab / 600 mg trastuzumab / 30,000 units
    hyaluronidase, then 600 mg / 600 mg / 20,000 units every 3 weeks, subcutaneously (thigh)."""
    reg = cat.regimens["trastuzumab-pertuzumab-taxane"]
    note = next(n for n in reg.notes if "Phesgo" in n)
    for fragment in (
        "1,200 mg pertuzumab",
        "600 mg trastuzumab",
        "30,000 units",
        "20,000 units",
        "every 3 weeks",
        "thigh",
    ):
        assert fragment in note, fragment


@pytest.mark.parametrize(
    "name",
    [
        # US proper names and brands as FDA lists them (openFDA label and NDC records)
        "OGIVRI",
        "trastuzumab-dkst",
        "Kanjinti",
        "trastuzumab-anns",
        "Trazimera",
        "trastuzumab-qyyp",
        "HERCESSI",
        "Trastuzumab-strf",
        "HERZUMA",
        "trastuzumab-pkrb",
        # EU brands with EU product numbers (EU/1/17/1241, EU/1/17/1257, EU/1/18/1281)
        "Ontruzant",
        # Ontruzant's US proper name, as the manufacturer's US pages print it:
        # "ONTRUZANT® (trastuzumab-dttb) for injection, for intravenous use 21 mg/mL"
        "trastuzumab-dttb",
        # subcutaneous trastuzumab, as the openFDA label names it
        "Trastuzumab and hyaluronidase-oysk",
    ],
)
def test_verified_trastuzumab_names_are_accepted(name: str) -> None:
    """Each name from an FDA or EU product record normalises to trastuzumab."""
    assert _first_line_agents(name) == ("trastuzumab",)


@pytest.mark.parametrize("name", ["Zercepac"])
def test_unverified_trastuzumab_names_are_reported_not_guessed(name: str) -> None:
    """EU brands that were not verified stay unknown names,
    and the error names the field, the value and the known names (the closest ones when any
    are close)."""
    with pytest.raises(ScenarioError) as err:
        _first_line_agents(name)
    message = str(err.value)
    assert "metastatic_lines[0].agents[0]" in message
    assert name in message
    assert "known" in message
    assert "trastuzumab" in message.split(name, 1)[1]


def test_dosing_page_lists_the_accepted_names_from_the_data() -> None:
    """The names on the dosing page come from agents.toml, not from typing."""
    text = _page("dosing.md")
    section = text[text.index("{#subcutaneous-and-other-names}") :]
    for name in (
        "`trastuzumab-dkst`",
        "`Hercessi`",
        "`Ontruzant`",
        "Herceptin Hylecta US prescribing information",
    ):
        assert name in section, name


def test_synonyms_placeholder_names_an_unknown_agent_and_the_known_ones() -> None:
    """A typo in a page's placeholder fails the build with the bad ID and the allowed ones."""
    with pytest.raises(RenderError) as err:
        Page("dosing.md", load_catalogue()).expand('{{ synonyms("trastuzumabb") }}')
    message = str(err.value)
    assert "unknown agent 'trastuzumabb'" in message
    assert "trastuzumab-deruxtecan" in message


# --------------------------------------------------------------------------- gap 6: maintenance


def test_maintenance_trials_figures_as_published(cat: Catalogue) -> None:
    """PATINA (NEJM 2026, final PFS): 44.3 vs 29.1 months, HR 0.75 (95% CI 0.59–0.96), P=0.02.
    HER2CLIMB-05 (SABCS 2025 GS1-01): 24.9 vs 16.3 months, HR 0.641 (0.514–0.799)."""
    patina = {f.endpoint: f.result for a in cat.trials["patina"].analyses for f in a.figures}
    climb = {f.endpoint: f.result for a in cat.trials["her2climb-05"].analyses for f in a.figures}
    pfs = "Progression-free survival (investigator)"
    assert "44.3 vs 29.1 months; HR 0.75 (95% CI 0.59–0.96); P=0.02" in patina[pfs]
    assert "24.9" in climb[pfs]
    assert "16.3 months" in climb[pfs]
    assert "HR 0.641 (95% CI 0.514–0.799)" in climb[pfs]


def test_maintenance_additions_are_evidence_notes_not_options(cat: Catalogue) -> None:
    """No source in the data recommends palbociclib or tucatinib added to HP maintenance, so
    neither trial supports a regimen and no regimen combines them."""
    assert cat.trials["patina"].regimens == ()
    assert cat.trials["her2climb-05"].regimens == ()
    for reg in cat.regimens.values():
        agents = {c.agent for c in reg.components}
        assert not ({"tucatinib", "pertuzumab"} <= agents), reg.id
        assert "palbociclib" not in agents, reg.id
    text = _page("guidelines.md")
    section = text[text.index("{#maintenance}") :]
    assert "44.3 vs 29.1 months" in section
    assert "does not offer palbociclib or tucatinib maintenance" in section


# --------------------------------------------------------------------------- gap 7: ESMO


def test_no_esmo_guideline_position_is_claimed(cat: Catalogue) -> None:
    """The ESMO living guideline could not be verified: no statement claims an ESMO position
    (MASCC/ESMO's antiemetic consensus is a different document), and the guidelines page says
    so."""
    assert [s.id for s in cat.statements.values() if s.source.startswith("ESMO")] == []
    text = (ROOT / "docs" / "guidelines.md").read_text(encoding="utf-8")
    assert "No ESMO recommendation or level of evidence is therefore shown on this site" in text


# --------------------------------------------------------------------------- CLI: dose output


def test_dose_command_prints_the_tdxd_supportive_care(capsys: pytest.CaptureFixture[str]) -> None:
    """`her2guide dose trastuzumab-deruxtecan` shows, under the doses, the label's "highly
    emetogenic", MASCC/ESMO's carboplatin comparison and the panel's baseline chest CT, each
    with its source, and still ends with the intended-use notice."""
    assert main(["dose", "trastuzumab-deruxtecan", "--weight", "60"]) == 0
    out = capsys.readouterr().out
    table_end = out.index("BSA by Mosteller")  # plain text in a terminal: no <small> or **
    supportive = out[table_end:]
    assert "Emetic risk and antiemetic prophylaxis" in supportive
    assert "calls T-DXd highly emetogenic" in supportive
    assert "carboplatin AUC 5 or more" in supportive
    assert "[MASCC/ESMO 2023, moderately emetogenic agents (Scotté et al.)]" in supportive
    assert "Looking for ILD/pneumonitis" in supportive
    assert "chest CT" in supportive
    assert out.rstrip().endswith("apply clinical judgement.")


def test_dose_command_prints_the_subcutaneous_alternative(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The Hylecta note (600 mg / 10,000 units, no loading dose) reaches `dose` output, and the
    ASCO single-agent emetic risk is attributed to the agents of this regimen only."""
    assert main(["dose", "trastuzumab-chemotherapy", "--weight", "60", "--height", "165"]) == 0
    out = capsys.readouterr().out
    assert "Herceptin Hylecta" in out
    assert "10,000 units hyaluronidase" in out
    assert "- Trastuzumab, Paclitaxel — ASCO antiemetics (table 1):" in out
    assert "Looking for ILD" not in out


def test_endocrine_regimen_gets_no_antiemetic_section(capsys: pytest.CaptureFixture[str]) -> None:
    """No supportive-care statement is recorded for endocrine agents, so none is printed."""
    assert main(["dose", "endocrine-alone", "--weight", "60"]) == 0
    assert "Emetic risk" not in capsys.readouterr().out


def test_supportive_notes_cover_only_agents_and_statements_that_exist(cat: Catalogue) -> None:
    """Every note links real agents to real statements of a supportive topic."""
    notes = load_supportive(cat)
    assert {n.topic for n in notes} == {"antiemetic", "ild-monitoring", "diarrhoea"}
    rules = {r.id: r for r in cat.toxicity}
    for n in notes:
        assert set(n.agents) <= set(cat.agents)
        for sid in n.statements:
            assert cat.statements[sid].topic == n.topic
        for rid in n.rules:
            assert rules[rid].topic == n.topic
            assert rules[rid].agent in n.agents


def test_supportive_loader_names_file_record_field_and_allowed(
    monkeypatch: pytest.MonkeyPatch, cat: Catalogue
) -> None:
    """A misspelt agent in supportive.toml fails loading with the file, field, value and the
    allowed IDs, not silently."""
    doc = {"note": [{"agents": ["t-dxd"], "topic": "antiemetic", "statements": ["label-tdxd-emetogenic"]}]}  # fmt: skip
    monkeypatch.setattr(supportive_module, "read_toml", lambda file: doc)
    with pytest.raises(DataError) as err:
        supportive_module.load_supportive(cat)
    message = str(err.value)
    assert "supportive.toml" in message
    assert "'agents'" in message
    assert "'t-dxd'" in message
    assert "agent IDs defined in agents.toml" in message


def test_supportive_loader_rejects_an_unknown_topic(
    monkeypatch: pytest.MonkeyPatch, cat: Catalogue
) -> None:
    """The topic is a closed set."""
    doc = {"note": [{"agents": ["trastuzumab"], "topic": "nausea", "statements": ["label-tdxd-emetogenic"]}]}  # fmt: skip
    monkeypatch.setattr(supportive_module, "read_toml", lambda file: doc)
    with pytest.raises(DataError) as err:
        supportive_module.load_supportive(cat)
    assert "'nausea'" in str(err.value)
    assert "antiemetic | ild-monitoring | diarrhoea" in str(err.value)


def test_supportive_loader_rejects_an_unknown_monitoring_rule(
    monkeypatch: pytest.MonkeyPatch, cat: Catalogue
) -> None:
    """A rule ID that is not in monitoring.toml fails loading, naming it."""
    doc = {"note": [{"agents": ["neratinib"], "topic": "diarrhoea", "statements": [], "rules": ["neratinib-imodium"]}]}  # fmt: skip
    monkeypatch.setattr(supportive_module, "read_toml", lambda file: doc)
    with pytest.raises(DataError) as err:
        supportive_module.load_supportive(cat)
    assert "'neratinib-imodium'" in str(err.value)
    assert "rule IDs defined in monitoring.toml" in str(err.value)
