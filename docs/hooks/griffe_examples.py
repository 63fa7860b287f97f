"""Griffe extension for the API page: read ``Example:`` docstring sections as examples.

The package's docstrings head their doctests with ``Example:``; Google style (and griffe)
only treats the plural ``Examples:`` as an examples section, so the singular form would be
rendered as prose and its ``>>>`` lines parsed as Markdown. This only changes how the API
page renders; the docstrings themselves are untouched.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_SINGULAR = re.compile(r"^(\s*)Example:\s*$", re.M)


class ExampleSections(griffe.Extension):
    """Rename ``Example:`` section headers to ``Examples:`` before docstrings are parsed."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _SINGULAR.sub(r"\1Examples:", obj.docstring.value)
