"""FHIR R4 / mCODE in: a ``Bundle`` becomes a scenario for the same engine.

The resources are parsed and validated with the ``fhir.resources`` models (its R4B package,
FHIR 4.3.0: fhir.resources 8 ships no 4.0.1 package; the R4-shaped bundles of the tests parse
with it, but R4/R4B differences were not reviewed element by element); which element and code
fills which scenario field is data,
``her2guide/data/fhir_mapping.toml``, rendered on the site's "FHIR mapping" page.

What FHIR cannot say (why a line stopped, residual disease, the status of brain metastases,
the kind of an ILD) is either given by an *overlay* (a small scenario mapping merged over the
FHIR-derived one) or reported as ``missing-information`` naming the field: as a
:class:`FhirGapError` when no recommendation can be made without it, otherwise as an alert
added to the recommendation.

This module needs the ``interop`` extra (``pip install 'her2guide[interop]'``); importing
``her2guide`` itself does not import it.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any, Final

from ._catalogue import Catalogue, load_catalogue, normalise_name
from ._recommendation import Alert, Recommendation
from ._scenario import _MISSING, Problem, Scenario, ScenarioError, parse_scenario

__all__ = [
    "INSTALL_HINT",
    "FhirGapError",
    "FhirScenario",
    "fhir_overlay",
    "from_fhir",
    "is_fhir_bundle",
    "load_mapping",
    "map_bundle",
    "recommend_fhir",
    "to_fhir_bundle",
]

INSTALL_HINT: Final = (
    "FHIR input and the CDS Hooks service need the interop extra: "
    "pip install 'her2guide[interop]' (in a clone: bash scripts/setup.sh)"
)
#: the ``rule`` of the alerts this mapping adds (explained on the site's FHIR mapping page)
MAPPING_RULE: Final = "FHIR-MAPPING"
MCODE: Final = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
SECONDARY_PROFILE: Final = MCODE + "mcode-secondary-cancer-condition"
PRIMARY_PROFILE: Final = MCODE + "mcode-primary-cancer-condition"
TUMOR_MARKER_PROFILE: Final = MCODE + "mcode-tumor-marker-test"
LOINC: Final = "http://loinc.org"
SNOMED: Final = "http://snomed.info/sct"
ICD10CM: Final = "http://hl7.org/fhir/sid/icd-10-cm"
_MED_TYPES: Final = ("MedicationAdministration", "MedicationStatement", "MedicationRequest")
# Records of what did not happen, or not yet: left out. (A preliminary Observation is kept:
# a preliminary "Pregnant" must not be dropped in favour of an older final "Not pregnant".)
_IGNORED_STATUS: Final = frozenset(
    {"entered-in-error", "cancelled", "not-taken", "not-done", "draft", "intended"}
)
_IGNORED_INTENT: Final = frozenset({"proposal", "plan"})  # MedicationRequest: not an order
_ONGOING_STATUS: Final = frozenset({"active", "in-progress", "on-hold"})
_ILD_TEXT: Final = re.compile(r"interstitial lung|\bild\b|pneumonitis", re.IGNORECASE)
_KG: Final = {"kg": 1.0, "g": 0.001, "[lb_av]": 0.45359237}
_CM: Final = {"cm": 1.0, "m": 100.0, "[in_i]": 2.54}


class FhirGapError(ScenarioError):
    """The bundle lacks what a recommendation needs: ``missing-information`` per field."""

    heading = "missing information (FHIR cannot say it)"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.args = ("missing information:\n" + "\n".join(f"  - {p}" for p in self.problems),)


@dataclass(frozen=True, slots=True)
class MappedCode:
    """One code of the mapping table."""

    system: str
    code: str
    display: str
    source: str
    maps_to: str = ""


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """How one scenario field is read from FHIR."""

    field: str
    resource: str
    element: str
    rule: str
    profile: str = ""
    codes: tuple[MappedCode, ...] = ()
    values: tuple[MappedCode, ...] = ()


@dataclass(frozen=True, slots=True)
class Mapping_:
    """The loaded ``fhir_mapping.toml``."""

    sources: Mapping[str, Mapping[str, str]]
    fields: tuple[FieldMapping, ...]
    unmapped: tuple[tuple[str, str], ...]
    unverified: tuple[tuple[str, str], ...]

    def field(self, name: str) -> FieldMapping:
        """The mapping of one scenario field."""
        return next(f for f in self.fields if f.field == name)

    def codes(self, name: str) -> frozenset[tuple[str, str]]:
        """``(system, code)`` pairs of a field's resource codes."""
        return frozenset((c.system, c.code) for c in self.field(name).codes)

    def values(self, name: str) -> dict[tuple[str, str], str]:
        """``(system, code)`` of a field's answer codes → the scenario value."""
        return {(c.system, c.code): c.maps_to for c in self.field(name).values}


@functools.cache
def load_mapping() -> Mapping_:
    """Read ``her2guide/data/fhir_mapping.toml`` (every code names a known source)."""
    text = resources.files("her2guide").joinpath("data/fhir_mapping.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    sources = raw["source"]

    def code(c: Mapping[str, str], where: str) -> MappedCode:
        if c["source"] not in sources:
            raise ValueError(f"fhir_mapping.toml: {where}: unknown source {c['source']!r}")
        return MappedCode(c["system"], c["code"], c["display"], c["source"], c.get("maps_to", ""))

    fields = tuple(
        FieldMapping(
            field=f["field"],
            resource=f["resource"],
            element=f["element"],
            rule=f["rule"],
            profile=f.get("profile", ""),
            codes=tuple(code(c, f["field"]) for c in f.get("code", ())),
            values=tuple(code(c, f["field"]) for c in f.get("value", ())),
        )
        for f in raw["field"]
    )
    return Mapping_(
        sources=sources,
        fields=fields,
        unmapped=tuple((u["field"], u["why"]) for u in raw["unmapped"]),
        unverified=tuple((u["what"], u["why"]) for u in raw["unverified"]),
    )


def is_fhir_bundle(data: object) -> bool:
    """True when ``data`` is a JSON object with ``resourceType: Bundle``."""
    return isinstance(data, Mapping) and data.get("resourceType") == "Bundle"


# --------------------------------------------------------------------------- parsing


def _bundle_model() -> Any:
    try:
        from fhir.resources.R4B.bundle import Bundle
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise ScenarioError([Problem("(file)", "FHIR Bundle", INSTALL_HINT)]) from None
    return Bundle


def _loc(loc: Iterable[object]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _validate(bundle: Mapping[str, Any]) -> Any:
    from pydantic import ValidationError

    model = _bundle_model()
    try:
        return model.model_validate(dict(bundle))
    except ValidationError as exc:
        problems = [
            Problem(
                "Bundle." + _loc(e["loc"]),
                e.get("input", _MISSING) if e["type"] != "missing" else _MISSING,
                f"not valid FHIR: {e['msg']}",
            )
            for e in exc.errors()[:20]
        ]
        raise ScenarioError(problems) from None


def _codings(concept: Any) -> list[tuple[str, str, str]]:
    if concept is None:
        return []
    return [(c.system or "", c.code or "", c.display or "") for c in (concept.coding or [])]


def _texts(concept: Any) -> list[str]:
    if concept is None:
        return []
    out = [concept.text] if concept.text else []
    return out + [d for _, _, d in _codings(concept) if d]


def _date(value: object, where: str, problems: list[Problem]) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if len(text) >= 10:
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    problems.append(Problem(where, text, "a partial or bad date; allowed: a full date YYYY-MM-DD"))
    return None


@dataclass
class _Found:
    her2: list[str] = field(default_factory=list)
    receptors: list[str] = field(default_factory=list)
    secondary: list[tuple[dt.date | None, bool, str]] = field(default_factory=list)
    primary: bool = False
    ild: list[str] = field(default_factory=list)
    latest: dict[str, tuple[dt.date, Any, str]] = field(default_factory=dict)
    meds: list[tuple[dt.date, dt.date | None, str, bool, str]] = field(default_factory=list)
    patients: int = 0


def _keep(status: object) -> bool:
    return str(status or "") not in _IGNORED_STATUS


def _latest(found: _Found, key: str, when: dt.date | None, value: Any, where: str) -> None:
    if when is None:
        when = dt.date.min
    if key not in found.latest or when >= found.latest[key][0]:
        found.latest[key] = (when, value, where)


def _observation(
    res: Any, where: str, m: Mapping_, f: _Found, problems: list[Problem], cat: Catalogue
) -> None:
    codes = {(s, c) for s, c, _ in _codings(res.code)}
    when = _date(res.effectiveDateTime or getattr(res.effectivePeriod, "start", None), where, [])
    value_codes = {(s, c) for s, c, _ in _codings(res.valueCodeableConcept)}

    def answer(fld: str) -> str | None:
        allowed = m.values(fld)
        hit = [allowed[k] for k in value_codes if k in allowed]
        if hit:
            return hit[0]
        shown = _codings(res.valueCodeableConcept) or res.valueString or _MISSING
        problems.append(
            Problem(
                f"{where}.valueCodeableConcept ({fld})",
                shown,
                "allowed: "
                + ", ".join(f"{c.system}|{c.code} ({c.display})" for c in m.field(fld).values),
            )
        )
        return None

    if codes & m.codes("her2"):
        if (v := answer("her2")) is not None:
            f.her2.append(v)
    elif codes & m.codes("hormone_receptor"):
        if (v := answer("hormone_receptor")) is not None:
            f.receptors.append(v)
    elif codes & m.codes("pregnant"):
        # Any mapped answer coding counts (a value may carry LOINC and SNOMED CT codings);
        # none (e.g. Unknown, LA4489-6) records None: missing-information, never "not pregnant".
        allowed = m.values("pregnant")
        hits = sorted({allowed[k] for k in value_codes if k in allowed})
        _latest(f, "pregnant", when, hits[0] if len(hits) == 1 else None, where)
    else:
        for fld, units in (("lvef", {"%": 1.0}), ("weight_kg", _KG), ("height_cm", _CM)):
            if not codes & m.codes(fld):
                continue
            q = res.valueQuantity
            unit = (q.code or q.unit or "") if q is not None else ""
            if q is None or q.value is None or unit not in units:
                problems.append(
                    Problem(
                        f"{where}.valueQuantity ({fld})",
                        f"{getattr(q, 'value', None)} {unit}".strip() or _MISSING,
                        "allowed: a value with UCUM unit " + " | ".join(units),
                    )
                )
                return
            _latest(f, fld, when, round(float(q.value) * units[unit], 1), where)


def _condition(res: Any, where: str, m: Mapping_, f: _Found, problems: list[Problem]) -> None:
    verification = _codings(getattr(res, "verificationStatus", None))
    if any(c in ("entered-in-error", "refuted") for _, c, _ in verification):
        return
    profiles = [str(p) for p in ((res.meta.profile or []) if res.meta else [])]
    codes = _codings(res.code)
    pairs = {(s, c) for s, c, _ in codes}
    secondary_codes = m.codes("setting")
    icd_prefixes = tuple(c for s, c in secondary_codes if s == ICD10CM)
    is_secondary = (
        SECONDARY_PROFILE in profiles
        or bool(pairs & secondary_codes)
        or any(s == ICD10CM and c.startswith(icd_prefixes) for s, c in pairs)
    )
    if is_secondary:
        brain_codes = m.codes("brain_metastases")
        sites = {(s, c) for site in (res.bodySite or []) for s, c, _ in _codings(site)}
        brain = bool((pairs | sites) & brain_codes)
        onset = res.onsetDateTime or getattr(res.onsetPeriod, "start", None)
        f.secondary.append((_date(onset, f"{where}.onsetDateTime", problems), brain, where))
        return
    if PRIMARY_PROFILE in profiles:
        f.primary = True
    text = " ".join(_texts(res.code))
    if _ILD_TEXT.search(text):
        f.ild.append(f"{where} ({text})")


def _medication(
    res: Any,
    kind: str,
    where: str,
    f: _Found,
    problems: list[Problem],
    cat: Catalogue,
    medications: Mapping[str, Any],
) -> None:
    if kind == "MedicationRequest" and str(res.intent or "") in _IGNORED_INTENT:
        return
    concept = getattr(res, "medicationCodeableConcept", None)
    ref = getattr(getattr(res, "medicationReference", None), "reference", None)
    if concept is None and ref is not None:
        if ref not in medications:
            problems.append(
                Problem(
                    f"{where}.medicationReference",
                    ref,
                    "allowed: a reference to a Medication resource in the same bundle",
                )
            )
            return
        concept = medications[ref].code
    names = _texts(concept)
    agents: list[str] = []
    for name in names:
        agents = list(cat.aliases.get(normalise_name(name), ()))
        if agents:
            break
    if not agents:
        from ._scenario import _suggest

        shown = names[0] if names else _MISSING
        hint = _suggest(str(shown), cat) if names else "give medicationCodeableConcept.text"
        problems.append(
            Problem(f"{where}.medicationCodeableConcept", shown, f"unknown agent; {hint}")
        )
        return
    if kind == "MedicationAdministration":
        start = res.effectiveDateTime or getattr(res.effectivePeriod, "start", None)
        end = getattr(res.effectivePeriod, "end", None) or res.effectiveDateTime
    elif kind == "MedicationStatement":
        start = res.effectiveDateTime or getattr(res.effectivePeriod, "start", None)
        end = getattr(res.effectivePeriod, "end", None)
    else:
        start, end = res.authoredOn, None
    start_d = _date(start, f"{where}.effective", problems)
    if start_d is None:
        if start is None:
            problems.append(
                Problem(f"{where}.effective", _MISSING, "required: when the medicine started")
            )
        return
    end_d = _date(end, f"{where}.effectivePeriod.end", problems)
    ongoing = str(res.status or "") in _ONGOING_STATUS
    for agent in agents:
        f.meds.append((start_d, end_d, agent, ongoing, where))


def _medications(bundle: Any) -> dict[str, Any]:
    """Medication resources by the references that can point at them."""
    out: dict[str, Any] = {}
    for entry in bundle.entry or []:
        res = entry.resource
        if res is None:
            continue
        kind = res.get_resource_type()
        if kind == "Bundle":
            out.update(_medications(res))
        elif kind == "Medication":
            if res.id:
                out[f"Medication/{res.id}"] = res
                out[f"#{res.id}"] = res
            if entry.fullUrl:
                out[str(entry.fullUrl)] = res
    return out


def _collect(
    bundle: Any,
    cat: Catalogue,
    problems: list[Problem],
    medications: Mapping[str, Any] | None = None,
) -> _Found:
    m = load_mapping()
    f = _Found()
    meds = _medications(bundle) if medications is None else medications
    for i, entry in enumerate(bundle.entry or []):
        res = entry.resource
        if res is None:
            continue
        kind = res.get_resource_type()
        where = f"Bundle.entry[{i}].resource({kind})"
        if kind == "Bundle":  # a CDS Hooks prefetch search result inside a collection
            inner = _collect(res, cat, problems, meds)
            _merge_found(f, inner)
            continue
        if kind == "Patient":
            f.patients += 1
        elif kind == "Observation" and _keep(res.status):
            _observation(res, where, m, f, problems, cat)
        elif kind == "Condition":
            _condition(res, where, m, f, problems)
        elif kind in _MED_TYPES and _keep(res.status):
            contained = {f"#{c.id}": c for c in (res.contained or []) if c.id}
            _medication(res, kind, where, f, problems, cat, {**meds, **contained})
    return f


def _merge_found(into: _Found, other: _Found) -> None:
    into.her2 += other.her2
    into.receptors += other.receptors
    into.secondary += other.secondary
    into.primary |= other.primary
    into.ild += other.ild
    into.meds += other.meds
    into.patients += other.patients
    for key, (when, value, where) in other.latest.items():
        _latest(into, key, when, value, where)


# --------------------------------------------------------------------------- mapping


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
    mapped = map_bundle(bundle, overlay=overlay, as_of=as_of, catalogue=catalogue)
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
    cat = catalogue or load_catalogue()
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
    found = _collect(_validate(bundle), cat, problems)
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
    from ._engine import recommend

    mapped = map_bundle(bundle, overlay=overlay, as_of=as_of, catalogue=catalogue)
    rec = recommend(mapped.scenario, catalogue)
    if not rec.in_scope or not mapped.notes:
        return rec
    extra = tuple(
        Alert("missing-information", f"{fld} (FHIR): {msg}", MAPPING_RULE)
        for fld, msg in mapped.notes
    )
    return replace(rec, alerts=rec.alerts + extra)


# --------------------------------------------------------------------------- scenario → FHIR


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
    cat = catalogue or load_catalogue()
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
    cat = catalogue or load_catalogue()
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
