"""The decision-table page: its filter form (:func:`form_html`) and the ``decision_table``
placeholder. The table's data is computed by :func:`her2guide._table.build_table` and
written into the site by the build (:class:`her2guide._site.build.SiteBuild`)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from .._catalogue import Catalogue
from .._table import dimensions
from .page import ALGORITHM_PAGE, Page, RenderError, placeholder

__all__ = ["TABLE_DIR", "form_html"]

#: where the table's JSON files go inside the built site
TABLE_DIR = "assets/decision-table"


def form_html(base: str, algorithm: str, script: str, loads: Sequence[str], cat: Catalogue) -> str:
    """The filter form of the decision-table page (one labelled ``select`` per dimension).

    ``base`` is the URL of the table's JSON files, ``algorithm`` of the algorithm page and
    ``script`` of ``decision-table.js``, each relative to the page; ``loads`` lists what a
    first look-up fetches at most (read by ``scripts/page_weight.py``).
    """
    dims = dimensions(cat)
    fields = []
    for n, d in enumerate(dims):
        opts = [] if n == 0 else ['<option value="">any</option>']
        opts += [
            f'<option value="{i}">{html.escape(label)}</option>'
            for i, (label, _) in enumerate(d.values)
        ]
        fields.append(
            f'<div class="h2g-filter"><label for="h2g-f-{d.key}">{html.escape(d.label)}</label>'
            f'<select id="h2g-f-{d.key}" name="{d.key}">{"".join(opts)}</select></div>'
        )
    return (
        f'<div id="h2g-table" class="h2g-table" data-state="idle" data-base="{html.escape(base)}" '
        f'data-algorithm="{html.escape(algorithm)}" data-h2g-loads="{html.escape(" ".join(loads))}">'
        '<form class="h2g-table-filters" aria-label="Filter the patient classes">'
        + "".join(fields)
        + '<div class="h2g-filter"><button type="submit" class="h2g-table-go">'
        "Look up</button></div></form>"
        '<div id="h2g-table-result" role="status" aria-live="polite"></div></div>'
        f'<script defer src="{html.escape(script)}"></script>'
    )


@placeholder
def decision_table(page: Page) -> str:
    """The decision-table filter (its data is written by the MkDocs hook, see ``_table``)."""
    built = page.extra.get("decision_table")
    if not isinstance(built, Mapping):
        raise RenderError("the decision table is built by the MkDocs hook (extra.decision_table)")
    base = page.link(str(built["dir"]) + "/")
    return form_html(
        base=base if base.endswith("/") else base + "/",
        algorithm=page.link(ALGORITHM_PAGE).removesuffix(".md") + ".html",
        script=page.link(str(built["script"])),
        loads=[page.link(str(u)) for u in built["loads"]],
        cat=page.cat,
    ) + (
        f"\n\n*At this build:* {built['classes']:,} patient classes, "
        f"{built['answers']:,} distinct answers (counted per metastatic history).\n"
    )
