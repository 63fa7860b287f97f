"""The declared decision space and the safety invariants checked on every cell of it.

The space is the product of the decision-relevant dimensions; the values that sit at
thresholds (LVEF cut-offs, relapse windows, approval dates) are generated from the
catalogue, so a new cut-off or window widens the space by itself. Each invariant has a
stable ID, the hazard it guards against, and states its expectation from the scenario
itself (never through an engine helper).

:func:`check_space` evaluates every cell (or a deterministic sample) on all cores and
returns the counts and the first violations.
"""

from .cells import AS_OF, ILD, cell_at, cells, space_size
from .invariants import INVARIANTS, Invariant
from .run import SpaceResult, check_space

__all__ = [
    "AS_OF",
    "ILD",
    "INVARIANTS",
    "Invariant",
    "SpaceResult",
    "cell_at",
    "cells",
    "check_space",
    "space_size",
]
