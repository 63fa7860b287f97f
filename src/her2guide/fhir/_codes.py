"""The FHIR side of the mapping: code systems, mCODE profiles and ``fhir_mapping.toml``.

Which element and code fills which scenario field is data (``her2guide/data/fhir_mapping.toml``);
this module reads it once into frozen records that the reader (:mod:`._read`), the writer
(:mod:`._write`), the CDS Hooks prefetch templates and the site's "FHIR mapping" page share.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Final

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
