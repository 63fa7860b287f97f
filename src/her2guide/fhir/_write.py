"""Scenario out: what FHIR can say about a scenario as a ``Bundle``, the rest as an overlay.

``from_fhir(to_fhir_bundle(s), overlay=fhir_overlay(s))`` describes the same patient as ``s``;
the round-trip tests, the site's example request and the benchmark use it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .._catalogue import Catalogue, load_catalogue
from .._scenario import Scenario
from ._codes import PRIMARY_PROFILE, SECONDARY_PROFILE, TUMOR_MARKER_PROFILE, load_mapping
from ._map import _lines


def _coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _obs(i: int, code: dict[str, Any], when: str, **value: Any) -> dict[str, Any]:
    return {
        "fullUrl": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
        "resource": {
            "resourceType": "Observation",
            "status": "final",
            "code": code,
            "subject": {"reference": "Patient/example"},
            "effectiveDateTime": when,
            **value,
        },
    }


def to_fhir_bundle(scenario: Scenario, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """A FHIR R4 collection ``Bundle`` that says what FHIR can say about ``scenario``.

    Used for the round-trip tests, the site's example request and the benchmark. Dates the
    scenario does not hold (when each line started) are synthesised in order: line *i*
    starts *i* days after the metastatic diagnosis.
    """
    cat = load_catalogue() if catalogue is None else catalogue  # the public edge
    m = load_mapping()
    when = (scenario.metastatic_diagnosis or scenario.as_of or dt.date(2000, 1, 1)).isoformat()
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000000",
            "resource": {"resourceType": "Patient", "id": "example"},
        }
    ]

    def add(entry: dict[str, Any]) -> None:
        entries.append(entry)

    pos, neg = m.field("her2").values[0], m.field("her2").values[1]

    def marker(fld: str, positive: bool) -> None:
        """An mCODE tumor-marker Observation: the field's first code, answer Positive/Negative."""
        v, c = (pos if positive else neg), m.field(fld).codes[0]
        add(
            _obs(
                len(entries),
                _coding(c.system, c.code, c.display),
                when,
                valueCodeableConcept=_coding(v.system, v.code, v.display),
                meta={"profile": [TUMOR_MARKER_PROFILE]},
            )
        )

    if scenario.her2 in ("positive", "negative", "low", "ultralow"):
        marker("her2", scenario.her2 == "positive")
    if scenario.hormone_receptor in ("positive", "negative"):
        marker("hormone_receptor", scenario.hormone_receptor == "positive")
    sec = m.field("setting").codes[0]
    if scenario.setting == "metastatic":
        cond: dict[str, Any] = {
            "resourceType": "Condition",
            "meta": {"profile": [SECONDARY_PROFILE]},
            "code": _coding(sec.system, sec.code, sec.display),
            "subject": {"reference": "Patient/example"},
        }
        if scenario.metastatic_diagnosis:
            cond["onsetDateTime"] = scenario.metastatic_diagnosis.isoformat()
        add({"fullUrl": f"urn:uuid:00000000-0000-4000-8000-{len(entries):012d}", "resource": cond})
    else:
        add(
            {
                "fullUrl": f"urn:uuid:00000000-0000-4000-8000-{len(entries):012d}",
                "resource": {
                    "resourceType": "Condition",
                    "meta": {"profile": [PRIMARY_PROFILE]},
                    "code": {"text": "Malignant neoplasm of breast"},
                    "subject": {"reference": "Patient/example"},
                },
            }
        )
    if scenario.brain_metastases not in ("none", "unknown"):
        b = m.field("brain_metastases").codes[0]
        add(
            {
                "fullUrl": f"urn:uuid:00000000-0000-4000-8000-{len(entries):012d}",
                "resource": {
                    "resourceType": "Condition",
                    "meta": {"profile": [SECONDARY_PROFILE]},
                    "code": _coding(b.system, b.code, b.display),
                    "subject": {"reference": "Patient/example"},
                    "onsetDateTime": when,
                },
            }
        )
    if scenario.ild_history != "none":
        add(
            {
                "fullUrl": f"urn:uuid:00000000-0000-4000-8000-{len(entries):012d}",
                "resource": {
                    "resourceType": "Condition",
                    "code": {"text": "Interstitial lung disease"},
                    "subject": {"reference": "Patient/example"},
                },
            }
        )
    for fld, value, unit in (
        ("lvef", scenario.lvef, "%"),
        ("weight_kg", scenario.weight_kg, "kg"),
        ("height_cm", scenario.height_cm, "cm"),
    ):
        if value is None:
            continue
        c = m.field(fld).codes[0]
        add(
            _obs(
                len(entries),
                _coding(c.system, c.code, c.display),
                when,
                valueQuantity={
                    "value": value,
                    "unit": unit,
                    "system": "http://unitsofmeasure.org",
                    "code": unit,
                },
            )
        )
    preg = m.field("pregnant")
    pv = preg.values[0] if scenario.pregnant else preg.values[1]
    add(
        _obs(
            len(entries),
            _coding(preg.codes[0].system, preg.codes[0].code, preg.codes[0].display),
            (scenario.as_of or scenario.metastatic_diagnosis or dt.date(2000, 1, 1)).isoformat(),
            valueCodeableConcept=_coding(pv.system, pv.code, pv.display),
        )
    )

    def med(agent: str, start: dt.date, end: dt.date | None, status: str) -> None:
        period: dict[str, str] = {"start": start.isoformat()}
        if end is not None:
            period["end"] = end.isoformat()
        add(
            {
                "fullUrl": f"urn:uuid:00000000-0000-4000-8000-{len(entries):012d}",
                "resource": {
                    "resourceType": "MedicationStatement",
                    "status": status,
                    "medicationCodeableConcept": {"text": cat.agents[agent].name},
                    "subject": {"reference": "Patient/example"},
                    "effectivePeriod": period,
                },
            }
        )

    if scenario.early_treatment is not None and scenario.metastatic_diagnosis is not None:
        et = scenario.early_treatment
        end = et.her2_therapy_end
        start = min(
            end or scenario.metastatic_diagnosis, scenario.metastatic_diagnosis
        ) - dt.timedelta(days=365)
        for agent in et.agents:
            med(agent, start, end if cat.agents[agent].her2_directed else start, "completed")
    base = scenario.metastatic_diagnosis or scenario.as_of or dt.date(2000, 1, 1)
    for i, line in enumerate(scenario.metastatic_lines):
        start = base + dt.timedelta(days=i)
        status = "active" if line.stopped == "ongoing" else "completed"
        end = None if line.stopped == "ongoing" else start
        for agent in line.agents:
            med(agent, start, end, status)
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def fhir_overlay(scenario: Scenario, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """What :func:`to_fhir_bundle` cannot say about ``scenario``, as an overlay mapping.

    ``from_fhir(to_fhir_bundle(s), overlay=fhir_overlay(s))`` describes the same patient as
    ``s`` (the round-trip tests check that both give the same recommendation).
    """
    cat = load_catalogue() if catalogue is None else catalogue  # the public edge
    out: dict[str, Any] = {"brain_metastases": scenario.brain_metastases}
    if scenario.as_of is not None:
        out["as_of"] = scenario.as_of.isoformat()
    if scenario.her2 not in ("positive", "negative"):
        out["her2"] = scenario.her2
    if scenario.ild_history != "none":
        out["ild_history"] = scenario.ild_history
    if scenario.ild_agent is not None:
        out["ild_agent"] = scenario.ild_agent
    # Not mapped from FHIR in this release (the 0.2 practical fields: concomitant medicines,
    # Child-Pugh class, creatinine clearance): carried by the overlay.
    for fld in (
        "ecog",
        "low_disease_burden",
        "hepatic_impairment",
        "creatinine_clearance_ml_min",
    ):
        if getattr(scenario, fld) is not None:
            out[fld] = getattr(scenario, fld)
    if scenario.concomitant_medications:
        out["concomitant_medications"] = list(scenario.concomitant_medications)
    et = scenario.early_treatment
    if et is not None:
        said: dict[str, Any] = {"agents": list(et.agents)} if et.agents else {}
        if et.her2_therapy_end is not None and any(cat.agents[a].her2_directed for a in et.agents):
            said["her2_therapy_end"] = et.her2_therapy_end.isoformat()
        full: dict[str, Any] = {"agents": list(et.agents)}
        if et.her2_therapy_end is not None:
            full["her2_therapy_end"] = et.her2_therapy_end.isoformat()
        if et.residual_disease is not None:
            full["residual_disease"] = et.residual_disease
        extra = {k: v for k, v in full.items() if said.get(k) != v}
        if not et.agents:
            extra = full
        if extra:
            out["early_treatment"] = extra
    derived = _lines(
        [
            (dt.date(2000, 1, 1) + dt.timedelta(days=i), None, a, False, "")
            for i, ln in enumerate(scenario.metastatic_lines)
            for a in ln.agents
        ]
    )
    if len(derived) == len(scenario.metastatic_lines):
        lines: list[dict[str, Any]] = []
        for ln in scenario.metastatic_lines:
            item: dict[str, Any] = {"stopped": ln.stopped}
            if ln.toxicity_agents:
                item["toxicity_agents"] = list(ln.toxicity_agents)
            lines.append(item)
        if lines:
            out["metastatic_lines"] = lines
    else:  # a line that repeats the one before it: FHIR dates cannot tell them apart
        out["metastatic_lines"] = [
            {"agents": list(ln.agents), "stopped": ln.stopped}
            | ({"toxicity_agents": list(ln.toxicity_agents)} if ln.toxicity_agents else {})
            for ln in scenario.metastatic_lines
        ]
    return out
