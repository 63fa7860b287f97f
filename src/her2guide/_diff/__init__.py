"""The decision diff: which patient classes of the declared space another version of
her2guide answers differently, grouped by cause.

Both versions evaluate the same cells (this version's declared space, or a deterministic
sample of it), each in its own Python process with ``PYTHONPATH`` pointing at its source,
through the public API only (``parse_scenario``, ``recommend``, ``Recommendation.to_dict``),
so the other version's engine and data are the ones that answer. The other version is

- a git ref (``HEAD~1``, ``v0.1.0``, a commit): its ``src/`` is extracted with ``git archive``;
- a directory holding a source tree (``DIR/src/her2guide`` or ``DIR/her2guide``);
- ``python:EXE``: an interpreter that has another her2guide installed.

A first pass compares a digest of each cell's decision (scope, line, options with tiers,
set-asides with their rules, alert codes); a second pass fetches the full answers of the
changed cells and groups them by what changed and by the rules whose trace differs. The data
records that differ between the two versions' ``data/*.toml`` are listed, and each group
names the records that mention a regimen, alert, rule or reference involved in it. Cells the
other version cannot read (a field it does not know) are counted as such, never dropped.
"""

from .compare import DiffResult, Group, decision_diff, scenario_dict
from .report import format_diff
from .versions import DiffError

__all__ = ["DiffError", "DiffResult", "Group", "decision_diff", "format_diff", "scenario_dict"]
