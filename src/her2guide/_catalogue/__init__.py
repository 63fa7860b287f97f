"""The frozen, validated catalogue of clinical content from ``her2guide/data/*.toml``.

- :mod:`.records`: the frozen records and closed vocabularies;
- :mod:`.reader`: the strict TOML reader every data loader uses (:class:`DataError`);
- :mod:`.load`: the loader and its cross-checks (:func:`load_catalogue`).
"""

from .load import load_catalogue, normalise_name
from .reader import DataError

# The reader's helpers under their old import path, for data loaders written before the split
# (new code imports them from ``her2guide._catalogue.reader``).
from .reader import _read as _read
from .reader import _Reader as _Reader
from .reader import _records as _records
from .reader import _unique as _unique
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
    "load_catalogue",
    "normalise_name",
]
