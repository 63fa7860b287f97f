"""Practical dosing: drug interactions, organ-function adjustments, tablets and vials.

- :mod:`.load`: the records and the loader of the three data files (:func:`load_practical`);
- :mod:`.adjust`: the lookups and :func:`adjust_doses` (pure functions of the loaded data);
- :mod:`.plans`: tablet and vial arithmetic and :func:`practical_markdown` for ``her2guide dose``.
"""

from .adjust import WITHHELD, adjust_doses, interactions_for, match_medicines, organ_adjustments
from .load import (
    ADJUSTMENT_ACTIONS,
    CHILD_PUGH_CLASSES,
    Adjustment,
    Interaction,
    Medicine,
    Practical,
    Product,
    load_practical,
)
from .plans import TabletPlan, VialPlan, practical_markdown, tablet_plan, vial_plan

__all__ = [
    "ADJUSTMENT_ACTIONS",
    "CHILD_PUGH_CLASSES",
    "WITHHELD",
    "Adjustment",
    "Interaction",
    "Medicine",
    "Practical",
    "Product",
    "TabletPlan",
    "VialPlan",
    "adjust_doses",
    "interactions_for",
    "load_practical",
    "match_medicines",
    "organ_adjustments",
    "practical_markdown",
    "tablet_plan",
    "vial_plan",
]
