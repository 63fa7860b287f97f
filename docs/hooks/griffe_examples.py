"""Griffe extension for the API page: render docstring doctests as examples.

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
        if obj.docstring is None:
            return
        text = _SINGULAR.sub(r"\1Examples:", obj.docstring.value)
        # A bare doctest with no section header (e.g. the package docstring): give it one,
        # so it renders as code rather than as a Markdown quote.
        if re.search(r"^\s*>>>", text, re.M) and not re.search(r"^\s*Examples:\s*$", text, re.M):
            text = re.sub(r"^([ \t]*)>>>", r"\1Examples:\n\1    >>>", text, count=1, flags=re.M)
            lines = text.splitlines()
            start = next(i for i, line in enumerate(lines) if line.strip() == "Examples:")
            lines[start + 2 :] = [
                "    " + line if line.strip() else line for line in lines[start + 2 :]
            ]
            text = "\n".join(lines)
        obj.docstring.value = text
