"""CDS Hooks cards from a :class:`~her2guide.Recommendation`: the answer, then the alerts.

A card's ``indicator`` follows the alert codes (:func:`card_indicator`); its ``source`` and
``links`` point at the site page and rule section that explain it. Cards never carry
``suggestions``: this reference places no orders.
"""

from __future__ import annotations

from typing import Any, Final

from .._catalogue import Catalogue
from .._recommendation import INTENDED_USE, Alert, Recommendation

#: alert codes that make a card ``critical``: a safety stop on HER2-directed therapy or an
#: urgent step before it. ``missing-information`` makes a card ``warning``; all else is ``info``.
CRITICAL_ALERTS: Final = (
    "no-her2-therapy-in-pregnancy",
    "lvef-below-50",
    "lvef-below-40",
    "local-therapy-first",
    "ild-caution",
)
WARNING_ALERTS: Final = ("missing-information",)
SUMMARY_MAX: Final = 139  # the spec: "<140-character summary"
_SOURCE_LABEL: Final = "her2guide — educational reference, not a medical device"


def card_indicator(codes: tuple[str, ...]) -> str:
    """``critical`` for a safety alert, ``warning`` for missing information, else ``info``."""
    if any(c in CRITICAL_ALERTS for c in codes):
        return "critical"
    if any(c in WARNING_ALERTS for c in codes):
        return "warning"
    return "info"


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1].rstrip() + "…"


def _site(site_url: str, page: str, anchor: str = "") -> str:
    base = site_url if site_url.endswith("/") else site_url + "/"
    return f"{base}{page}" + (f"#{anchor}" if anchor else "")


def _links(site_url: str) -> list[dict[str, str]]:
    return [
        {
            "label": "her2guide: the algorithm",
            "url": _site(site_url, "algorithm.html"),
            "type": "absolute",
        },
        {
            "label": "her2guide: FHIR mapping",
            "url": _site(site_url, "fhir.html"),
            "type": "absolute",
        },
    ]


def _card(
    summary: str, indicator: str, detail: str, site_url: str, page: str, anchor: str
) -> dict[str, Any]:
    return {
        "summary": _summary(summary),
        "indicator": indicator,
        "detail": detail + f"\n\n*{INTENDED_USE}*",
        "source": {"label": _SOURCE_LABEL, "url": _site(site_url, page, anchor)},
        "links": _links(site_url),
    }


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _recommendation_detail(rec: Recommendation, cat: Catalogue) -> str:
    out = [f"**Line {rec.line}** — {rec.line_basis}" if rec.line else f"*{rec.line_basis}*", ""]
    if rec.options:
        out += ["| Option | Tier | Why | Support |", "|---|---|---|---|"]
        for o in rec.options:
            support = "; ".join(
                f"{s.source}: {s.says}" + (f" ({s.number})" if s.number else "") for s in o.support
            )
            out.append(
                f"| {_cell(o.name)} | {o.tier} | {_cell(' '.join(o.why))} | {_cell(support) or '—'} |"
            )
    if rec.alerts:
        out += ["", "**Alerts**", ""]
        out += [f"- `{a.code}`: {a.message}" for a in rec.alerts]
    if rec.excluded:
        out += ["", "**Set aside**", ""]
        out += [
            f"- {cat.regimens[e.regimen].name if e.regimen in cat.regimens else e.regimen}: "
            f"{e.reason} ({e.rule})"
            for e in rec.excluded
        ]
    return "\n".join(out)


def cards_for(rec: Recommendation, site_url: str, cat: Catalogue) -> list[dict[str, Any]]:
    """The cards for one recommendation: the answer, then one card per safety alert."""
    if not rec.in_scope:
        rule = rec.trace[0].rule if rec.trace else ""
        return [
            _card(
                f"Out of scope: {rec.scope_reason}",
                "info",
                rec.scope_reason,
                site_url,
                "algorithm.html",
                rule.lower(),
            )
        ]
    names = [cat.regimens[r].name for r in rec.preferred]
    head = f"Line {rec.line}: " if rec.line else "Line not set: "
    summary = head + (
        "preferred " + "; ".join(names) if names else "no preferred option (see detail)"
    )
    line_rule = next((t.rule for t in reversed(rec.trace) if t.rule.startswith("LINE-")), "")
    cards = [
        _card(
            summary,
            card_indicator(rec.alert_codes),
            _recommendation_detail(rec, cat),
            site_url,
            "algorithm.html",
            line_rule.lower(),
        )
    ]
    for a in rec.alerts:
        if a.code in CRITICAL_ALERTS:
            cards.append(_alert_card(a, "critical", site_url))
    missing = [a for a in rec.alerts if a.code in WARNING_ALERTS]
    if missing:
        cards.append(
            _card(
                f"Missing information: {len(missing)} item(s) would sharpen this answer",
                "warning",
                "\n".join(f"- {a.message}" for a in missing),
                site_url,
                *_rule_page(missing[0].rule),
            )
        )
    return cards


def _rule_page(rule: str) -> tuple[str, str]:
    from ..fhir import MAPPING_RULE

    if rule == MAPPING_RULE:
        return "fhir.html", "what-fhir-cannot-say"
    return "algorithm.html", rule.lower()


def _alert_card(a: Alert, indicator: str, site_url: str) -> dict[str, Any]:
    return _card(f"{a.code}: {a.message}", indicator, a.message, site_url, *_rule_page(a.rule))
