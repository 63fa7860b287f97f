"""The facts read from FHIR, plus an optional overlay, become a validated scenario.

What FHIR cannot say (why a line stopped, residual disease, the status of brain metastases,
the kind of an ILD) comes from the overlay or is reported as ``missing-information``: a
:class:`FhirGapError` when no recommendation can be made without it, otherwise a note that
:func:`recommend_fhir` adds to the recommendation as an alert.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .._catalogue import Catalogue, load_catalogue
from .._recommendation import Alert, Recommendation
from .._scenario import _MISSING, Problem, Scenario, ScenarioError, parse_scenario
from ._codes import MAPPING_RULE, is_fhir_bundle
from ._read import collect, validate


class FhirGapError(ScenarioError):
    """The bundle lacks what a recommendation needs: ``missing-information`` per field."""

    heading = "missing information (FHIR cannot say it)"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.args = ("missing information:\n" + "\n".join(f"  - {p}" for p in self.problems),)


@dataclass(frozen=True, slots=True)
class FhirScenario:
    """A scenario read from FHIR: the validated :class:`Scenario`, the merged mapping it came
    from, and the ``missing-information`` notes that do not block a recommendation."""

    scenario: Scenario
    data: Mapping[str, Any]
    notes: tuple[tuple[str, str], ...]


def _lines(meds: Sequence[tuple[dt.date, dt.date | None, str, bool, str]]) -> list[dict[str, Any]]:
    """One line per start date, oldest first; a later date on which only medicines of the
    current line appear is a further dose of that line."""
    by_date: dict[dt.date, list[tuple[str, bool]]] = {}
    for start, _end, agent, ongoing, _where in meds:
        by_date.setdefault(start, []).append((agent, ongoing))
    lines: list[dict[str, Any]] = []
    for start in sorted(by_date):
        agents = list(dict.fromkeys(a for a, _ in by_date[start]))
        ongoing = all(o for _, o in by_date[start])
        cur = lines[-1] if lines else None
        if cur is not None and set(agents) <= set(cur["agents"]):
            cur["_ongoing"] = cur["_ongoing"] and ongoing
            continue
        lines.append({"_start": start, "agents": agents, "_ongoing": ongoing})
    return lines


def _merge_overlay(data: dict[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for key, value in overlay.items():
        if key == "early_treatment" and isinstance(value, Mapping) and key in out:
            out[key] = {**out[key], **value}
        elif (
            key == "metastatic_lines"
            and isinstance(value, list)
            and isinstance(out.get(key), list)
            and len(value) == len(out[key])
            and all(isinstance(v, Mapping) for v in value)
        ):
            out[key] = [{**a, **b} for a, b in zip(out[key], value, strict=True)]
        else:
            out[key] = copy.deepcopy(value)
    return out


def _missing(fld: str, why: str) -> Problem:
    return Problem(fld, _MISSING, f"missing-information: {why}; give it in --overlay FILE")


def from_fhir(
    bundle: Mapping[str, Any],
    *,
    overlay: Mapping[str, Any] | None = None,
    as_of: dt.date | None = None,
    catalogue: Catalogue | None = None,
) -> Scenario:
    """Map a FHIR R4 ``Bundle`` (JSON object) to a validated :class:`~her2guide.Scenario`.

    The mapping's ``missing-information`` notes travel in ``scenario.extra["fhir_notes"]``
    (``(field, message)`` pairs); :func:`recommend_fhir` turns them into alerts. Arguments and
    errors as in :func:`map_bundle`.
    """
    cat = load_catalogue() if catalogue is None else catalogue  # the public edge
    mapped = _map_bundle(bundle, overlay, as_of, cat)
    return replace(mapped.scenario, extra={"fhir_notes": mapped.notes})


def map_bundle(
    bundle: Mapping[str, Any],
    *,
    overlay: Mapping[str, Any] | None = None,
    as_of: dt.date | None = None,
    catalogue: Catalogue | None = None,
) -> FhirScenario:
    """Map a FHIR R4 ``Bundle`` (JSON object) to a validated scenario and the notes on it.

    ``overlay`` is a scenario mapping merged over the FHIR-derived one (its keys win; one
    ``metastatic_lines`` item per derived line merges item by item). ``as_of`` is the
    evaluation date when neither the overlay nor the caller's scenario has one.

    Raises:
        ScenarioError: the bundle is not valid FHIR, or a value is not one the mapping allows.
        FhirGapError: in scope, but FHIR cannot say what the recommendation needs
            (``missing-information`` per field).
    """
    return _map_bundle(bundle, overlay, as_of, load_catalogue() if catalogue is None else catalogue)


def _map_bundle(
    bundle: Mapping[str, Any],
    overlay: Mapping[str, Any] | None,
    as_of: dt.date | None,
    cat: Catalogue,
) -> FhirScenario:
    if not is_fhir_bundle(bundle):
        raise ScenarioError(
            [
                Problem(
                    "resourceType",
                    bundle.get("resourceType", _MISSING) if isinstance(bundle, Mapping) else bundle,
                    "allowed: Bundle",
                )
            ]
        )
    overlay = dict(overlay or {})
    problems: list[Problem] = []
    found = collect(validate(bundle), cat, problems)
    if found.patients > 1:
        problems.append(
            Problem("Bundle.entry(Patient)", found.patients, "allowed: one patient per bundle")
        )
    if problems:
        raise ScenarioError(problems)

    data: dict[str, Any] = {}
    notes: list[tuple[str, str]] = []
    gaps: list[Problem] = []
    if found.her2:
        data["her2"] = "positive" if "positive" in found.her2 else "negative"
    elif "her2" not in overlay:
        gaps.append(_missing("her2", "the bundle has no HER2 tumor-marker test"))
    if found.secondary:
        data["setting"] = "metastatic"
    elif found.primary:
        data["setting"] = "early"
    elif "setting" not in overlay:
        gaps.append(_missing("setting", "the bundle has no primary or secondary cancer condition"))
    merged_probe = {**data, **overlay}
    if merged_probe.get("her2") not in (None, "positive") or merged_probe.get("setting") == "early":
        # Out of scope: the engine refuses it; nothing else is needed.
        scope = {
            "her2": merged_probe.get("her2", "unknown"),
            "setting": merged_probe.get("setting", "metastatic"),
        }
        if as_of is not None or "as_of" in overlay:
            scope["as_of"] = overlay.get("as_of", as_of)
        return FhirScenario(parse_scenario(scope, cat), scope, ())
    if gaps:
        raise FhirGapError(gaps)

    dates = [d for d, _, _ in found.secondary if d is not None]
    if dates:
        data["metastatic_diagnosis"] = min(dates)
    if as_of is not None:
        data["as_of"] = as_of
    if found.receptors:
        data["hormone_receptor"] = "positive" if "positive" in found.receptors else "negative"
    else:
        data["hormone_receptor"] = "unknown"
    if any(brain for _, brain, _ in found.secondary):
        gaps_brain = "brain_metastases" not in overlay
        if gaps_brain:
            gaps.append(
                _missing(
                    "brain_metastases",
                    "the bundle records brain metastases; FHIR does not say whether they are "
                    "stable, active or symptomatic",
                )
            )
    else:
        data["brain_metastases"] = "unknown"
    if found.ild:
        if "ild_history" not in overlay:
            gaps.append(
                _missing(
                    "ild_history",
                    f"{found.ild[0]} records ILD/pneumonitis; FHIR does not say whether it was "
                    "present before treatment or drug-induced, nor its grade",
                )
            )
    else:
        data["ild_history"] = "none"
        if "ild_history" not in overlay:
            notes.append(
                (
                    "ild_history",
                    "no Condition in the FHIR bundle names interstitial lung disease or "
                    "pneumonitis, so ild_history is read as none: confirm it, or give "
                    "ild_history in the overlay.",
                )
            )
    for fld in ("lvef", "weight_kg", "height_cm"):
        if fld in found.latest:
            data[fld] = found.latest[fld][1]
    preg = found.latest.get("pregnant")
    if preg is not None and preg[1] in ("true", "false"):
        data["pregnant"] = preg[1] == "true"
    elif "pregnant" not in overlay:
        gaps.append(
            _missing(
                "pregnant",
                "the bundle has no pregnancy status (LOINC 82810-3) saying Pregnant or Not "
                "pregnant",
            )
        )
    met_dx = data.get("metastatic_diagnosis") or overlay.get("metastatic_diagnosis")
    if isinstance(met_dx, str):
        met_dx = dt.date.fromisoformat(met_dx) if len(met_dx) == 10 else None
    early = [r for r in found.meds if met_dx is not None and r[0] < met_dx]
    later = [r for r in found.meds if met_dx is None or r[0] >= met_dx]
    if early:
        agents = list(dict.fromkeys(r[2] for r in sorted(early, key=lambda r: (r[0], r[2]))))
        et: dict[str, Any] = {"agents": agents}
        her2_ends = [r[1] for r in early if cat.agents[r[2]].her2_directed and r[1] is not None]
        if her2_ends:
            et["her2_therapy_end"] = max(her2_ends)
        data["early_treatment"] = et
        if "residual_disease" not in overlay.get("early_treatment", {}):
            notes.append(
                (
                    "early_treatment.residual_disease",
                    "FHIR does not say whether invasive disease remained after neoadjuvant "
                    "therapy: give early_treatment.residual_disease in the overlay if it did.",
                )
            )
    lines = _lines(later)
    data["metastatic_lines"] = [{"agents": ln["agents"]} for ln in lines]
    for i, ln in enumerate(lines):
        if ln["_ongoing"] and i == len(lines) - 1:
            data["metastatic_lines"][i]["stopped"] = "ongoing"
    data = _merge_overlay(data, overlay)
    if lines and "metastatic_lines" not in overlay:
        notes.append(
            (
                "metastatic_lines",
                f"{len(lines)} metastatic line(s) were grouped from FHIR medication records by "
                "start date (FHIR does not say where a line ends): check them, or give "
                "metastatic_lines in the overlay.",
            )
        )
    for i, ln in enumerate(data.get("metastatic_lines") or []):
        if isinstance(ln, Mapping) and "stopped" not in ln:
            gaps.append(
                _missing(
                    f"metastatic_lines[{i}].stopped",
                    f"line {i + 1} ({', '.join(map(str, ln.get('agents', [])))}) is not active; "
                    "FHIR does not say whether it stopped for progression, toxicity or "
                    "completion",
                )
            )
    if gaps:
        raise FhirGapError(gaps)
    return FhirScenario(parse_scenario(data, cat), data, tuple(notes))


def recommend_fhir(
    bundle: Mapping[str, Any],
    *,
    overlay: Mapping[str, Any] | None = None,
    as_of: dt.date | None = None,
    catalogue: Catalogue | None = None,
) -> Recommendation:
    """:func:`from_fhir`, then :func:`her2guide.recommend`, with the mapping's
    ``missing-information`` notes added as alerts (in scope only)."""
    from .._engine import recommend

    cat = load_catalogue() if catalogue is None else catalogue  # the public edge
    mapped = _map_bundle(bundle, overlay, as_of, cat)
    rec = recommend(mapped.scenario, cat)
    if not rec.in_scope or not mapped.notes:
        return rec
    extra = tuple(
        Alert("missing-information", f"{fld} (FHIR): {msg}", MAPPING_RULE)
        for fld, msg in mapped.notes
    )
    return replace(rec, alerts=rec.alerts + extra)
