"""Citations and guideline statements: ``cite``, ``grade``, ``statement``, ``compare`` and
the reference list (``references``), plus the site-wide ``intended_use`` and ``review_date``."""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from .. import INTENDED_USE
from .._catalogue import Catalogue, Statement
from .page import Page, RenderError, cell, placeholder

__all__ = ["mentioned_references"]

_CANONICAL_SOURCES: Final = ("ASCO 2022", "NCCN", "FDA label", "EU label")
_KIND_TITLES: Final = {
    "guideline": "Guidelines",
    "trial": "Trials",
    "label": "Labels (prescribing information)",
    "regulatory": "Regulatory decisions",
    "score": "ESMO-MCBS scorecards",
    "review": "Reviews",
    "method": "Methods",
}


def mentioned_references(text: str, cat: Catalogue) -> set[str]:
    """Reference IDs that appear as whole words in ``text`` (used for generated pages).

    >>> from her2guide import load_catalogue
    >>> text = "citations: asco-2022, nccn-breast; asco-2022-brain"
    >>> sorted(mentioned_references(text, load_catalogue()))
    ['asco-2022', 'asco-2022-brain', 'nccn-breast']
    """
    return {
        rid for rid in cat.references if re.search(rf"(?<![\w-]){re.escape(rid)}(?![\w-])", text)
    }


@placeholder
def cite(page: Page, *ids: str) -> str:
    """Links to reference-list entries: ``{{ cite("asco-2022", "nccn-breast") }}``."""
    return page.cite(*ids)


def _statement(page: Page, sid: str) -> Statement:
    page.lookup("statement", sid, page.cat.statements)
    return page.cat.statements[sid]


@placeholder
def grade(page: Page, sid: str) -> str:
    """A statement's number and grade as printed, with its citation."""
    s = _statement(page, sid)
    grade = f", `{s.grade}`" if s.grade else " (no grade printed)"
    return f"{s.label}{grade} ({page.cite(s.reference)})"


@placeholder
def statement(page: Page, sid: str) -> str:
    """One statement in a sentence: label, grade, our summary, the source's words, citation."""
    s = _statement(page, sid)
    grade = f" `{s.grade}`" if s.grade else ""
    quote = f" The source's words: “{s.quote}”." if s.quote else ""
    note = f" *Caveat:* {s.note}" if s.note else ""
    return f"**{s.label}**{grade}: {s.summary}{quote} ({page.cite(s.reference)}).{note}"


@placeholder
def compare(page: Page, *ids: str) -> str:
    """A side-by-side table of what each source says; canonical sources without a
    recorded statement get a row saying so, so silence is visible."""
    statements = [_statement(page, sid) for sid in ids]
    rows = [
        "| Source | Number | Grade as printed | Position (our summary) | Reference |",
        "|---|---|---|---|---|",
    ]
    order = list(_CANONICAL_SOURCES) + [
        s.source for s in statements if s.source not in _CANONICAL_SOURCES
    ]
    for source in dict.fromkeys(order):
        mine = [s for s in statements if s.source == source]
        if not mine:
            rows.append(
                f"| **{source}** | — | — | *No statement on this question is recorded in "
                "her2guide's sources.* | — |"
            )
        for s in mine:
            text = s.summary + (f" “{s.quote}”" if s.quote else "")
            text += f" *Caveat: {s.note}*" if s.note else ""
            rows.append(
                f"| **{s.source}** | {s.number or '—'} | {('`' + s.grade + '`') if s.grade else '—'} "
                f"| {cell(text)} | {page.cite(s.reference)} |"
            )
    return "\n".join(rows)


#: hosts whose pages are the publisher's, the regulator's or a registry's own; any other page a
#: fact was checked on is a copy, and the reference list says so and names its host
_PRIMARY_HOSTS: Final = (
    "doi.org",
    "pubmed.ncbi.nlm.nih.gov",
    "pmc.ncbi.nlm.nih.gov",
    "dailymed.nlm.nih.gov",
    "fda.gov",
    "api.fda.gov",
    "ec.europa.eu",
    "ema.europa.eu",
    "esmo.org",
    "clinicaltrials.gov",
    "nhs.uk",  # NHS bodies (medicines resources, NHS Scotland Right Decisions)
    "thelancet.com",
    "bmj.com",
    "aacrjournals.org",
    "jnccn360.org",
    # the marketing-authorisation holders' own prescribing-information sites
    "enhertuhcp.com",
    "tukysahcp.com",
    "nerlynx-her2.com",
    "margenzahcp.com",
    "herceptin.com",
    "phesgo-hcp.com",
    "pfizermedicalinformation.com",
    "hcp.novartis.com",
    "faslodexhcp.com",
    "merckconnect.com",
)


def _checked(url: str) -> str:
    host = urlsplit(url).hostname or url
    bare = host.removeprefix("www.")
    if any(bare == h or bare.endswith("." + h) for h in _PRIMARY_HOSTS):
        return f"[page checked]({url})"
    return f"[copy checked]({url}) (on {bare}, not the publisher's own page)"


@placeholder
def references(page: Page) -> str:
    """The reference list, grouped by kind, with links and the pages that cite each."""
    out: list[str] = []
    for kind, title in _KIND_TITLES.items():
        refs = [r for r in page.cat.references.values() if r.kind == kind]
        if not refs:
            continue
        out += [f"## {title}", ""]
        for r in sorted(refs, key=lambda x: x.short.casefold()):
            links = []
            if r.doi:
                links.append(f"DOI [{r.doi}](https://doi.org/{r.doi})")
            if r.pmid:
                links.append(f"PMID [{r.pmid}](https://pubmed.ncbi.nlm.nih.gov/{r.pmid}/)")
            links.append(_checked(r.url))
            pages = page.cited_by.get(r.id, ())
            cited = (
                ", ".join(f"[{t}]({page.link(u)})" for t, u in pages)
                if pages
                else "*no page on this site (used by the engine's data only)*"
            )
            note = f"  \n*Note:* {r.note}" if r.note else ""
            out += [
                f"**{r.short}** · `{r.id}`  ",
                f"{r.citation}  ",
                f"{' · '.join(links)}  ",
                f"Cited by: {cited}{note}",
                f"{{: #{r.id} .h2g-ref }}",
                "",
            ]
    return "\n".join(out)


# --------------------------------------------------------------------------- site-wide


@placeholder
def intended_use(page: Page) -> str:
    """The intended-use statement shared with the package (``her2guide.INTENDED_USE``)."""
    return INTENDED_USE


@placeholder
def review_date(page: Page) -> str:
    """The last clinical review date, from ``mkdocs.yml`` ``extra.clinical_review``."""
    value = page.extra.get("clinical_review")
    if not value:
        raise RenderError("extra.clinical_review is not set in mkdocs.yml")
    return str(value)
