"""her2guide: which systemic therapy comes next in HER2-positive metastatic breast cancer.

An educational reference for healthcare professionals — not a medical device. The public API:

>>> from her2guide import recommend
>>> rec = recommend({
...     "her2": "low", "setting": "metastatic",
... })
>>> rec.in_scope
False
"""

from typing import Any

from . import _report as _report  # installs Recommendation.to_markdown (records import no report)
from ._catalogue import Catalogue, DataError, load_catalogue
from ._dosing import bsa_mosteller, dose_regimen
from ._engine import RULES, Rule, classify_line, recommend
from ._recommendation import (
    INTENDED_USE,
    Alert,
    Exclusion,
    Option,
    Recommendation,
    RegimenDoses,
    Support,
    TraceStep,
)
from ._scenario import (
    Problem,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    scenario_json_schema,
)

__version__ = "0.1.0"


def from_fhir(bundle: Any, **kwargs: Any) -> Scenario:
    """Map a FHIR R4 ``Bundle`` to a :class:`Scenario` (see :func:`her2guide.fhir.from_fhir`).

    Needs the ``interop`` extra; imported on first use so that ``import her2guide`` stays light.
    """
    from .fhir import from_fhir as _from_fhir

    return _from_fhir(bundle, **kwargs)


__all__ = [
    "INTENDED_USE",
    "RULES",
    "Alert",
    "Catalogue",
    "DataError",
    "Exclusion",
    "Option",
    "Problem",
    "Recommendation",
    "RegimenDoses",
    "Rule",
    "Scenario",
    "ScenarioError",
    "Support",
    "TraceStep",
    "__version__",
    "bsa_mosteller",
    "classify_line",
    "dose_regimen",
    "from_fhir",
    "load_catalogue",
    "load_scenario",
    "parse_scenario",
    "recommend",
    "scenario_json_schema",
]
