"""The frozen, validated catalogue of clinical content from ``her2guide/data/*.toml``.

- :mod:`.records`: the frozen records and closed vocabularies;
- :mod:`.reader`: the strict TOML reader every data loader uses (:class:`DataError`);
- :mod:`.load`: the loader and its cross-checks (:func:`load_catalogue`).
"""

from .load import load_catalogue, normalise_name
from .reader import DataError, _read, _Reader, _records, _unique
from .records import (
    Agent,
    Analysis,
    Catalogue,
    Component,
    Figure,
    Reference,
    Regimen,
    Statement,
    ToxicityRule,
    Trial,
)

__all__ = [
    "Agent",
    "Analysis",
    "Catalogue",
    "Component",
    "DataError",
    "Figure",
    "Reference",
    "Regimen",
    "Statement",
    "ToxicityRule",
    "Trial",
    "_Reader",
    "_read",
    "_records",
    "_unique",
    "load_catalogue",
    "normalise_name",
]
