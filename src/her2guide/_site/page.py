"""The page context every site placeholder receives, links between pages, and the registry.

A page's Markdown holds placeholders such as ``{{ regimen("trastuzumab-deruxtecan") }}`` or
``{{ cite("asco-2022") }}``; :meth:`Page.expand` replaces each one with Markdown built from
``her2guide/data`` and :data:`her2guide.RULES`, so no dose, trial figure or reference is
ever typed into a page by hand.

Placeholder grammar: ``{{ name }}`` or ``{{ name(arg, ...) }}`` where the arguments are
Python literals (strings, numbers). Unknown names, bad arguments and unknown IDs raise
:class:`RenderError`, naming the page, the placeholder and what is allowed.

Each topic module (``citations``, ``evidence``, ``dosing``, ``algorithm``, ``scenarios``, …)
registers its placeholders with :func:`placeholder`; a placeholder is a function that takes
the :class:`Page` first and the placeholder's arguments after it.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, TypeVar

from .._catalogue import Catalogue
from .._engine import RULES, Rule

__all__ = [
    "ALGORITHM_PAGE",
    "DOSING_PAGE",
    "EVIDENCE_PAGE",
    "PLACEHOLDER",
    "PLACEHOLDERS",
    "REFERENCES_PAGE",
    "Page",
    "RenderError",
    "ScenarioLink",
    "cell",
    "page_title",
    "placeholder",
]

PLACEHOLDER: Final = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*(?:\((.*?)\))?\s*\}\}", re.S)
FENCE: Final = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.S | re.M)

#: Where things live on the site (source paths, relative to ``docs/``).
REFERENCES_PAGE: Final = "references.md"
ALGORITHM_PAGE: Final = "algorithm.md"
DOSING_PAGE: Final = "dosing.md"
EVIDENCE_PAGE: Final = "evidence.md"


class RenderError(ValueError):
    """A placeholder could not be rendered: unknown name, bad arguments or unknown ID."""


@dataclass(frozen=True, slots=True)
class ScenarioLink:
    """A worked-scenario page and the rule IDs it exercises."""

    stem: str
    title: str
    rules: tuple[str, ...]
    src_uri: str


Renderer = Callable[..., str]
_F = TypeVar("_F", bound=Renderer)

#: Every placeholder name → the function that renders it (filled by the topic modules).
PLACEHOLDERS: dict[str, Renderer] = {}


def placeholder(fn: _F) -> _F:
    """Register ``fn`` as the placeholder of the same name (``{{ fn(...) }}``)."""
    name = fn.__name__
    if name in PLACEHOLDERS and PLACEHOLDERS[name] is not fn:
        raise RuntimeError(f"placeholder {name!r} is registered twice")
    PLACEHOLDERS[name] = fn
    return fn


def cell(text: str) -> str:
    """Make text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def page_title(markdown: str, default: str = "") -> str:
    """The text of the first level-1 heading, without attribute lists.

    >>> page_title("Intro\\n\\n# Dosing and administration {#top}\\n")
    'Dosing and administration'
    """
    m = re.search(r"^#\s+(.+?)\s*(?:\{[^}]*\})?\s*$", markdown, re.M)
    return m.group(1).strip() if m else default


@dataclass
class Page:
    """The context of one page while its placeholders are expanded.

    Args:
        src_uri: the page's source path relative to ``docs/`` (links are made relative to it).
        cat: the clinical data (loaded once by the caller, e.g. the MkDocs hook).
        rules: the rule registry; defaults to :data:`her2guide.RULES`.
        scenarios: worked-scenario pages, for rule cross-links and the scenario index.
        cited_by: reference ID → ``(page title, src_uri)`` pairs, for the reference list.
        extra: site values such as ``clinical_review`` (from ``mkdocs.yml`` ``extra``).

    Every reference a placeholder cites is recorded in :attr:`cited`.

    Examples:
        >>> from her2guide import load_catalogue
        >>> import her2guide._site
        >>> p = Page("pitfalls.md", load_catalogue())
        >>> p.expand('Graded {{ grade("asco-2022-2.1") }}.')
        'Graded ASCO 2022 rec. 2.1, `(EB, B, M, S)` ([ASCO 2022 (Giordano et al.)](references.md#asco-2022)).'
        >>> sorted(p.cited)
        ['asco-2022']
    """

    src_uri: str
    cat: Catalogue
    rules: Sequence[Rule] = field(default_factory=lambda: RULES)
    scenarios: Sequence[ScenarioLink] = ()
    cited_by: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)
    extra: Mapping[str, object] = field(default_factory=dict)
    cited: dict[str, None] = field(default_factory=dict)

    @property
    def placeholder_names(self) -> tuple[str, ...]:
        """The placeholder names this renderer understands."""
        return tuple(sorted(PLACEHOLDERS))

    def link(self, target: str) -> str:
        """A link from this page to ``target`` (a source path, optionally with ``#anchor``).

        >>> from her2guide import load_catalogue
        >>> Page("scenarios/x.md", load_catalogue()).link("references.md#asco-2022")
        '../references.md#asco-2022'
        >>> Page("algorithm.md", load_catalogue()).link("algorithm.md#scope-setting")
        '#scope-setting'
        """
        path, _, anchor = target.partition("#")
        if path == self.src_uri and anchor:
            return f"#{anchor}"
        rel = posixpath.relpath(path, posixpath.dirname(self.src_uri) or ".")
        return f"{rel}#{anchor}" if anchor else rel

    def expand(self, markdown: str) -> str:
        """Replace every placeholder outside fenced code blocks."""
        out, last = [], 0
        for fence in FENCE.finditer(markdown):
            out.append(PLACEHOLDER.sub(self._call, markdown[last : fence.start()]))
            out.append(fence.group(0))
            last = fence.end()
        out.append(PLACEHOLDER.sub(self._call, markdown[last:]))
        return "".join(out)

    def render(self, name: str, *args: object) -> str:
        """Render one placeholder by name, as ``{{ name(*args) }}`` would."""
        fn = PLACEHOLDERS.get(name)
        if fn is None:
            raise RenderError(
                f"{self.src_uri}: unknown placeholder {{{{ {name} }}}}; "
                f"known: {', '.join(self.placeholder_names)}"
            )
        return fn(self, *args)

    def _call(self, m: re.Match[str]) -> str:
        name, raw = m.group(1), m.group(2)
        if name not in PLACEHOLDERS:
            self.render(name)  # raises, naming what is known
        args: tuple[object, ...] = ()
        if raw and raw.strip():
            try:
                parsed = ast.literal_eval(f"({raw},)")
            except (SyntaxError, ValueError) as exc:
                raise RenderError(
                    f"{self.src_uri}: {m.group(0)!r}: arguments must be Python literals ({exc})"
                ) from None
            args = tuple(parsed)
        try:
            return self.render(name, *args)
        except RenderError as exc:
            raise RenderError(f"{self.src_uri}: {m.group(0)}: {exc}") from None
        except TypeError as exc:
            raise RenderError(f"{self.src_uri}: {m.group(0)}: wrong arguments ({exc})") from None

    def lookup(self, kind: str, key: str, table: Mapping[str, object]) -> None:
        """Raise :class:`RenderError` naming the known keys when ``key`` is not in ``table``."""
        if key not in table:
            raise RenderError(f"unknown {kind} {key!r}; known: {', '.join(sorted(table))}")

    def cite(self, *ids: str) -> str:
        """Links to reference-list entries: ``{{ cite("asco-2022", "nccn-breast") }}``."""
        if not ids:
            raise RenderError("cite() needs at least one reference ID")
        links = []
        for rid in ids:
            self.lookup("reference", rid, self.cat.references)
            self.cited[rid] = None
            ref = self.cat.references[rid]
            links.append(f"[{ref.short}]({self.link(f'{REFERENCES_PAGE}#{rid}')})")
        return "; ".join(links)
