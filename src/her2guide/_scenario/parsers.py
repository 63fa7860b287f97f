"""The per-kind value parsers of the permissive layer: enum, date, boolean, number, agent
names, ECOG, Child-Pugh class, medicine names, unknown keys. Each collects its problems
instead of raising, so one call reports every bad field."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
from collections.abc import Mapping
from typing import Any, Final

from .._catalogue import Catalogue, normalise_name
from .._limits import limit
from .model import Problem
from .values import ECOG_VALUES, HEPATIC_VALUES, MAX_MEDICATION_CHARS, MAX_MEDICATIONS

__all__ = ["Collector"]

_ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Collector:
    """Collects every problem of one scenario; one method per kind of value.

    Each method reads ``data[fld]`` (reported as ``path`` when nested), returns the canonical
    value, or ``None`` when the field is absent or bad (a bad value adds a :class:`Problem`
    naming the field, the value and what is allowed).
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.problems: list[Problem] = []
        self.cat = catalogue

    def add(self, fld: str, value: object, message: str) -> None:
        self.problems.append(Problem(fld, value, message))

    def enum(
        self, data: Mapping[str, Any], fld: str, allowed: tuple[str, ...], path: str | None = None
    ) -> str | None:
        if fld not in data:
            return None
        value = data[fld]
        if isinstance(value, str) and value.strip().lower() in allowed:
            return value.strip().lower()
        self.add(path or fld, value, "allowed: " + " | ".join(allowed))
        return None

    def date(self, data: Mapping[str, Any], fld: str, path: str | None = None) -> dt.date | None:
        path = path or fld
        if fld not in data or data[fld] is None:
            return None
        value = data[fld]
        day: dt.date | None = None
        if isinstance(value, dt.datetime):
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        elif isinstance(value, str) and _ISO_DATE.match(value.strip()):
            with contextlib.suppress(ValueError):  # e.g. 2026-02-30
                day = dt.date.fromisoformat(value.strip())
        if day is None:
            self.add(path, value, "allowed: a date written YYYY-MM-DD, e.g. 2025-03-14")
            return None
        lo, hi = limit("min-year"), limit("max-year")
        if not lo <= day.year <= hi:
            self.add(path, day.isoformat(), f"allowed: a date from {lo} to {hi}")
            return None
        return day

    def boolean(
        self,
        data: Mapping[str, Any],
        fld: str,
        path: str | None = None,
        *,
        null_is_absent: bool = True,
    ) -> bool | None:
        if fld not in data or (data[fld] is None and null_is_absent):
            return None
        value = data[fld]
        if isinstance(value, bool):
            return value
        self.add(path or fld, value, "allowed: true | false")
        return None

    def number(
        self, data: Mapping[str, Any], fld: str, bounds: tuple[float, float], unit: str
    ) -> float | None:
        if fld not in data or data[fld] is None:
            return None
        value = data[fld]
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if numeric and bounds[0] <= value <= bounds[1]:
            return float(value)
        self.add(fld, value, f"allowed: a number from {bounds[0]:g} to {bounds[1]:g} ({unit})")
        return None

    def agents(self, value: object, path: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.add(path, value, "allowed: a list of agent names, e.g. [trastuzumab, pertuzumab]")
            return ()
        cap = limit("max-agents-per-line")
        if len(value) > cap:
            self.add(path, f"{len(value)} agents", f"allowed: at most {cap} agents")
            return ()
        out: list[str] = []
        for i, name in enumerate(value):
            if not isinstance(name, str) or len(name) > 200:
                self.add(
                    f"{path}[{i}]", name, "allowed: an agent name (text, up to 200 characters)"
                )
                continue
            ids = self.cat.aliases.get(normalise_name(name))
            if ids is None:
                self.add(f"{path}[{i}]", name, "unknown agent; " + _suggest(name, self.cat))
                continue
            out.extend(i for i in ids if i not in out)
        return tuple(out)

    def agent(self, data: Mapping[str, Any], fld: str) -> str | None:
        if fld not in data or data[fld] is None:
            return None
        value = data[fld]
        if not isinstance(value, str):
            self.add(fld, value, "allowed: one agent name (text), e.g. trastuzumab-deruxtecan")
            return None
        ids = self.cat.aliases.get(normalise_name(value))
        if ids is None:
            self.add(fld, value, "unknown agent; " + _suggest(value, self.cat))
            return None
        if len(ids) != 1:
            self.add(fld, value, "names a combination; give the one agent: " + " | ".join(ids))
            return None
        return ids[0]

    def ecog(self, data: Mapping[str, Any], fld: str) -> int | None:
        if fld not in data or data[fld] is None:
            return None
        value = data[fld]
        if isinstance(value, int) and not isinstance(value, bool) and value in ECOG_VALUES:
            return value
        self.add(fld, value, "allowed: 0 | 1 | 2 | 3 | 4 (ECOG performance status)")
        return None

    def hepatic(self, data: Mapping[str, Any], fld: str) -> str | None:
        if fld not in data or data[fld] is None:
            return None
        value = data[fld]
        if isinstance(value, str):
            key = value.strip().lower().replace("_", "-").replace(" ", "-")
            key = key.removeprefix("child-pugh-").removeprefix("class-")
            for v in HEPATIC_VALUES:
                if key == v.lower():
                    return v
        self.add(
            fld,
            value,
            "allowed: none | A | B | C | unknown (Child-Pugh class; 'Child-Pugh B' is accepted)",
        )
        return None

    def medications(self, data: Mapping[str, Any], fld: str) -> tuple[str, ...]:
        if fld not in data or data[fld] is None:
            return ()
        value = data[fld]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.add(
                fld, value, "allowed: a list of medicine names, e.g. [gemfibrozil, omeprazole]"
            )
            return ()
        if len(value) > MAX_MEDICATIONS:
            self.add(fld, f"{len(value)} names", f"allowed: at most {MAX_MEDICATIONS} names")
            return ()
        out: list[str] = []
        for i, name in enumerate(value):
            if not isinstance(name, str) or not name.strip() or len(name) > MAX_MEDICATION_CHARS:
                self.add(
                    f"{fld}[{i}]",
                    name,
                    f"allowed: a medicine name (text, 1 to {MAX_MEDICATION_CHARS} characters)",
                )
                continue
            if name.strip() not in out:
                out.append(name.strip())
        return tuple(out)

    def unknown_keys(self, data: Mapping[str, Any], allowed: tuple[str, ...], path: str) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                name = str(key)[:60] if str(key).strip() else repr(key)
                self.add(
                    f"{path}{name}",
                    data[key],
                    f"unknown field; {hint}allowed: {', '.join(allowed)}",
                )


def _suggest(name: str, cat: Catalogue) -> str:
    display = {normalise_name(a.name): a.id for a in cat.agents.values()}
    keys = list(cat.aliases)
    close = difflib.get_close_matches(normalise_name(name), keys, n=3, cutoff=0.6)
    names: list[str] = []
    for key in close:
        for aid in cat.aliases[key]:
            if aid not in names:
                names.append(aid)
    if names:
        return "closest known: " + ", ".join(names)
    return "known agents: " + ", ".join(sorted(display.values()))
