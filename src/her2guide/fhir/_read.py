"""FHIR resources in: a validated ``Bundle`` becomes the facts a scenario is built from.

:func:`collect` walks the bundle (nested prefetch bundles included) and gathers, per
scenario field, what the Observations, Conditions and medication records say, with the
place each fact came from, so a problem names ``Bundle.entry[i].resource(Kind)``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .._catalogue import Catalogue, normalise_name
from .._scenario import _MISSING, Problem, ScenarioError
from ._codes import (
    ICD10CM,
    INSTALL_HINT,
    PRIMARY_PROFILE,
    SECONDARY_PROFILE,
    Mapping_,
    load_mapping,
)

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


def validate(bundle: Mapping[str, Any]) -> Any:
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
class Found:
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


def _latest(found: Found, key: str, when: dt.date | None, value: Any, where: str) -> None:
    if when is None:
        when = dt.date.min
    if key not in found.latest or when >= found.latest[key][0]:
        found.latest[key] = (when, value, where)


def _observation(
    res: Any, where: str, m: Mapping_, f: Found, problems: list[Problem], cat: Catalogue
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


def _condition(res: Any, where: str, m: Mapping_, f: Found, problems: list[Problem]) -> None:
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
    f: Found,
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
        from .._scenario import _suggest

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


def collect(
    bundle: Any,
    cat: Catalogue,
    problems: list[Problem],
    medications: Mapping[str, Any] | None = None,
) -> Found:
    m = load_mapping()
    f = Found()
    meds = _medications(bundle) if medications is None else medications
    for i, entry in enumerate(bundle.entry or []):
        res = entry.resource
        if res is None:
            continue
        kind = res.get_resource_type()
        where = f"Bundle.entry[{i}].resource({kind})"
        if kind == "Bundle":  # a CDS Hooks prefetch search result inside a collection
            inner = collect(res, cat, problems, meds)
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


def _merge_found(into: Found, other: Found) -> None:
    into.her2 += other.her2
    into.receptors += other.receptors
    into.secondary += other.secondary
    into.primary |= other.primary
    into.ild += other.ild
    into.meds += other.meds
    into.patients += other.patients
    for key, (when, value, where) in other.latest.items():
        _latest(into, key, when, value, where)
