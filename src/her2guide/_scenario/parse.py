"""The permissive layer: :func:`parse_scenario` turns a mapping (from YAML, JSON or code) into
the strict :class:`~her2guide._scenario.model.Scenario`, accepting brand names and ISO date
strings, and collects *every* problem before failing.

It walks the field table (:data:`~her2guide._scenario.fields.FIELDS`): unknown keys, the
fields required always and for HER2-positive metastatic scenarios, each field's parser, then
the checks that relate two fields (:data:`CHECKS`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, Final

from .._catalogue import Catalogue, load_catalogue
from .._input import InputError, read_source
from .fields import FIELD_NAMES, FIELDS
from .model import _MISSING, Problem, Scenario, ScenarioError
from .parsers import Collector

__all__ = ["CHECKS", "load_scenario", "parse_scenario"]

#: the canonical values parsed so far, by field name (``None``: absent or bad)
Values = Mapping[str, Any]
Add = Callable[[str, object, str], None]


def _ild_agent_needs_drug_ild(v: Values, add: Add) -> None:
    if v["ild_agent"] is not None and v["ild_history"] not in ("drug_grade1", "drug_grade2_plus"):
        add(
            "ild_agent",
            v["ild_agent"],
            "only with ild_history drug_grade1 | drug_grade2_plus (the agent that caused it)",
        )


def _her2_therapy_end_not_after_as_of(v: Values, add: Add) -> None:
    early, as_of = v["early_treatment"], v["as_of"]
    end = early.her2_therapy_end if early is not None else None
    if end and as_of and end > as_of:
        add("early_treatment.her2_therapy_end", str(end), f"is after as_of ({as_of})")


def _diagnosis_not_after_as_of(v: Values, add: Add) -> None:
    met_dx, as_of = v["metastatic_diagnosis"], v["as_of"]
    if met_dx and as_of and met_dx > as_of:
        add("metastatic_diagnosis", str(met_dx), f"is after as_of ({as_of})")


#: checks that relate two fields, run after every field has been parsed
CHECKS: Final[tuple[Callable[[Values, Add], None], ...]] = (
    _ild_agent_needs_drug_ild,
    _her2_therapy_end_not_after_as_of,
    _diagnosis_not_after_as_of,
)


def parse_scenario(data: Mapping[str, Any], catalogue: Catalogue | None = None) -> Scenario:
    """Validate a scenario given as a mapping and return the strict :class:`Scenario`.

    Every problem is collected before failing, so one call reports them all.

    Raises:
        ScenarioError: with one :class:`Problem` per bad or missing field.

    Examples:
        >>> s = parse_scenario({
        ...     "her2": "positive", "setting": "metastatic", "as_of": "2026-01-10",
        ...     "metastatic_diagnosis": "2026-01-05", "hormone_receptor": "negative",
        ...     "metastatic_lines": [], "brain_metastases": "none",
        ...     "ild_history": "none", "pregnant": False,
        ...     "early_treatment": {"agents": ["Herceptin", "docetaxel"]},
        ... })
        >>> s.early_treatment.agents
        ('trastuzumab', 'docetaxel')
    """
    cat = catalogue or load_catalogue()  # the public edge: load here, pass down
    if not isinstance(data, Mapping):
        raise ScenarioError(
            [Problem("(scenario)", data, "allowed: a mapping of field names to values")]
        )
    c = Collector(cat)
    c.unknown_keys(data, FIELD_NAMES, "")
    values: dict[str, Any] = {}
    always = [f for f in FIELDS if f.required == "always"]
    for f in always:  # her2 and setting decide what else is required
        values[f.name] = f.parse(c, data, f.name)
    for f in always:
        if f.name not in data:
            c.add(f.name, _MISSING, "required; allowed: " + f.allowed)
    if values["her2"] == "positive" and values["setting"] == "metastatic":
        for f in (f for f in FIELDS if f.required == "in-scope"):
            if f.name not in data:
                c.add(f.name, _MISSING, "required for HER2-positive metastatic scenarios")
            elif data[f.name] is None and not f.null_ok:
                c.add(
                    f.name,
                    None,
                    "required for HER2-positive metastatic scenarios; null is not a value",
                )
    for f in FIELDS:
        if f.required != "always":
            values[f.name] = f.parse(c, data, f.name)
    for check in CHECKS:
        check(values, c.add)
    if c.problems or values["her2"] is None or values["setting"] is None:
        raise ScenarioError(c.problems)
    return Scenario(
        **{f.name: f.default if values[f.name] is None else values[f.name] for f in FIELDS}
    )


def load_scenario(
    path: str | Path,
    catalogue: Catalogue | None = None,
    *,
    as_of: dt.date | None = None,
    default_as_of: dt.date | None = None,
    stdin: IO[bytes] | None = None,
) -> Scenario:
    """Read a YAML or JSON scenario file (``-``: standard input) and validate it.

    ``as_of``, when given, replaces the file's evaluation date *before* validation, so a date
    before the diagnosis is reported like any other bad value; ``default_as_of`` is used
    only when the file has no ``as_of`` key (an explicit null stays an error).

    Raises:
        ScenarioError: the file cannot be read or parsed (field ``(file)``), or is invalid.
    """
    try:
        _, data = read_source(path, stdin)
    except InputError as exc:
        shown = "(stdin)" if str(path) == "-" else str(path)
        raise ScenarioError([Problem("(file)", shown, str(exc))]) from None
    if as_of is not None and isinstance(data, Mapping):
        data = {**data, "as_of": as_of}
    elif default_as_of is not None and isinstance(data, Mapping) and "as_of" not in data:
        data = {**data, "as_of": default_as_of}
    return parse_scenario(data, catalogue)
