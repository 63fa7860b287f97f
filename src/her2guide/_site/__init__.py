"""The reference site, generated from the catalogue and the rule registry.

The site's pages hold placeholders such as ``{{ regimen("trastuzumab-deruxtecan") }}`` or
``{{ cite("asco-2022") }}``; :meth:`Page.expand` replaces each one with Markdown built from
``her2guide/data`` and :data:`her2guide.RULES`, so no dose, trial figure or reference is
ever typed into a page by hand. The MkDocs hook (``docs/hooks/her2guide_hook.py``) is a
shim over :class:`her2guide._site.build.SiteBuild`.

- :mod:`.page`: the page context (:class:`Page`: links, citations, expansion) and the
  placeholder registry (:func:`placeholder`).
- One module per topic, each registering its placeholders: :mod:`.citations` (references,
  guideline statements, intended use), :mod:`.evidence` (trials), :mod:`.dosing` (regimens,
  practical dosing, monitoring), :mod:`.algorithm` (rules, rule diagram, hazard log),
  :mod:`.flowchart` (the clinician's flowchart), :mod:`.scenarios` (worked-scenario pages),
  :mod:`.answers` (the home page's short answers), :mod:`.decision_table`, :mod:`.interop`
  (FHIR and CDS Hooks pages).
- Build chores: :mod:`.notebooks` (execute the notebooks once, into a content-addressed
  cache), :mod:`.notebook_markdown` (an executed notebook as a page), :mod:`.navigator` and
  :mod:`.navigator_form` (the in-browser navigator), :mod:`.build` (one ``mkdocs build``).
"""

from __future__ import annotations

# Importing the topic modules registers their placeholders.
from . import (  # noqa: F401  (imported for their registrations)
    algorithm,
    answers,
    citations,
    decision_table,
    dosing,
    evidence,
    flowchart,
    interop,
    scenarios,
)
from .algorithm import algorithm_svg, check_rule_sections, rule_sections, rule_stages
from .citations import mentioned_references
from .page import (
    ALGORITHM_PAGE,
    DOSING_PAGE,
    EVIDENCE_PAGE,
    PLACEHOLDER,
    PLACEHOLDERS,
    REFERENCES_PAGE,
    Page,
    RenderError,
    ScenarioLink,
    page_title,
    placeholder,
)

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
    "algorithm_svg",
    "check_rule_sections",
    "mentioned_references",
    "page_title",
    "placeholder",
    "rule_sections",
    "rule_stages",
]
