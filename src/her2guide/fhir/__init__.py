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

from ._codes import (
    INSTALL_HINT,
    MAPPING_RULE,
    FieldMapping,
    MappedCode,
    Mapping_,
    is_fhir_bundle,
    load_mapping,
)
from ._map import FhirGapError, FhirScenario, from_fhir, map_bundle, recommend_fhir
from ._write import fhir_overlay, to_fhir_bundle

__all__ = [
    "INSTALL_HINT",
    "MAPPING_RULE",
    "FhirGapError",
    "FhirScenario",
    "FieldMapping",
    "MappedCode",
    "Mapping_",
    "fhir_overlay",
    "from_fhir",
    "is_fhir_bundle",
    "load_mapping",
    "map_bundle",
    "recommend_fhir",
    "to_fhir_bundle",
]
