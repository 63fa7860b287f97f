"""Line of therapy: the line of HER2-directed therapy about to start, as ASCO and NCCN count it.

The counting itself is in :mod:`her2guide._history`; these rules choose the reading, say it
in words (``line_basis``) and, where the sources' relapse windows disagree, show each.
"""

from __future__ import annotations

from .core import State, rule


def _sources(st: State) -> tuple[str, ...]:
    return tuple(w.source for w in st.cat.decisions.windows)


def _when(days: int) -> str:
    if days <= 0:
        return "during (neo)adjuvant HER2-directed therapy"
    return f"{days} days (about {days / 30.44:.1f} months) after the last HER2-directed dose"


def _set(st: State, line: int, basis: str, rule_sources: tuple[str, ...] = ()) -> None:
    st.line, st.line_basis = line, basis
    st.readings = {line: rule_sources or _sources(st)}


def _metastatic_words(st: State) -> str:
    h = st.h
    parts = [f"{h.prior_metastatic_lines} previous line(s) for metastatic disease"]
    if h.her2_lines_advanced:
        parts.append(f"{h.her2_lines_advanced} HER2-directed line(s) counted before this one")
    skipped = []
    if h.endocrine_only_lines:
        skipped.append(f"{h.endocrine_only_lines} endocrine-only")
    if h.chemotherapy_only_lines:
        skipped.append(f"{h.chemotherapy_only_lines} chemotherapy-only")
    if skipped:
        parts.append(" and ".join(skipped) + " line(s) do not advance the HER2-directed line")
    if h.maintenance_continuations:
        parts.append(
            f"{h.maintenance_continuations} completed induction line(s) continued as maintenance "
            "with the same HER2-directed agents: one line (ASCO 2022 rec. 4.0)"
        )
    if h.toxicity_switches:
        parts.append(
            f"{h.toxicity_switches} HER2-directed line(s) stopped for toxicity: a change for "
            "toxicity is not progression, so the line does not advance"
        )
    last = h.last
    if last is not None and last.outcome == "ongoing":
        parts.append(
            "the most recent line is ongoing: continue it until progression or unacceptable "
            "toxicity (ASCO 2022 rec. 4.0); this is the plan for when it stops"
        )
    return "; ".join(parts)


@rule(
    "LINE-AFTER-METASTATIC",
    "Line = HER2-directed lines ended by progression (or completed) + 1; endocrine-only, "
    "chemotherapy-only and toxicity changes do not count",
    "asco-2022",
    "nccn-breast",
)
def after_metastatic(st: State) -> str | None:
    h = st.h
    if not h.lines:
        return None
    words = _metastatic_words(st)
    if h.early_her2:
        return f"History read: {words}; the (neo)adjuvant relapse rules set the line."
    _set(st, h.her2_lines_advanced + 1, words)
    return f"Line {st.line}: {words}."


@rule("LINE-DE-NOVO", "No HER2-directed therapy before: first line", "asco-2022")
def de_novo(st: State) -> str | None:
    if st.line is not None or st.h.early_her2:
        return None
    basis = (
        "de novo metastatic disease"
        if st.s.early_treatment is None
        else "no HER2-directed therapy in the (neo)adjuvant setting"
    )
    _set(st, 1, basis)
    return f"Line 1: {basis}."


@rule(
    "LINE-RELAPSE-INTERVAL-UNKNOWN",
    "Relapse after (neo)adjuvant HER2 therapy without an end date: the interval decides",
    "asco-2022",
    "nccn-breast",
)
def interval_unknown(st: State) -> str | None:
    h = st.h
    if not h.early_her2_without_end:
        return None
    if h.her2_lines_advanced == 0:
        st.line_basis = (
            "undetermined: early_treatment.her2_therapy_end is missing, and the interval from the "
            "last HER2-directed dose to recurrence decides between first- and second-line options"
        )
        st.alert(
            "missing-information",
            "Give early_treatment.her2_therapy_end (date of the last HER2-directed dose). ASCO 2022 "
            "treats recurrence ≤12 months after trastuzumab-based adjuvant therapy as second line "
            "(rec. 5.0); NCCN and the FDA labels use 6 months (NCCN: 12 months after "
            "pertuzumab-containing therapy). First- and second-line options are shown, none "
            "preferred.",
        )
        return "Line not set: the (neo)adjuvant HER2 therapy end date is missing."
    line = h.her2_lines_advanced + 1
    _set(
        st,
        line,
        f"{_metastatic_words(st)}; the (neo)adjuvant HER2 therapy end date is missing, so an "
        "early relapse, which would count as one more line, cannot be assessed",
    )
    st.alert(
        "missing-information",
        "Give early_treatment.her2_therapy_end: if the recurrence came within a source's window "
        f"after (neo)adjuvant HER2 therapy, that source counts one more line (line {line + 1}).",
    )
    return f"Line {line} (lower reading): the (neo)adjuvant end date is missing."


@rule(
    "LINE-EARLY-RELAPSE",
    "Relapse within every source's window after (neo)adjuvant HER2 therapy: counts as a line",
    "asco-2022",
    "nccn-breast",
    "tdxd-approval-2022",
    "kadcyla-us-label",
)
def early(st: State) -> str | None:
    r = st.h.relapse
    if r is None or not r.within_all:
        return None
    line = st.h.her2_lines_advanced + 2
    st.line_by_source = st.h.line_by_source(_sources(st))
    basis = (
        f"recurrence {_when(r.days)}, inside every source's window: ASCO 2022 rec. 5.0 says to "
        "follow the second-line recommendations; NCCN's rapid-progression footnote and the T-DXd "
        "and T-DM1 labels' 6-month clause apply, so it counts as a HER2-directed line"
    )
    if st.h.lines:
        basis += f"; {_metastatic_words(st)}"
    _set(st, line, basis)
    return f"Line {line}: recurrence {_when(r.days)}."


@rule(
    "LINE-LATE-RELAPSE",
    "Relapse beyond every source's window after (neo)adjuvant HER2 therapy: not a line",
    "asco-2022",
    "nccn-breast",
)
def late(st: State) -> str | None:
    r = st.h.relapse
    if r is None or r.within_any:
        return None
    line = st.h.her2_lines_advanced + 1
    st.line_by_source = st.h.line_by_source(_sources(st))
    basis = (
        f"recurrence {_when(r.days)}: outside every source's window, so it does not count as a line"
    )
    if st.h.lines:
        basis += f"; {_metastatic_words(st)}"
    _set(st, line, basis)
    return f"Line {line}: recurrence {_when(r.days)}."


@rule(
    "LINE-RELAPSE-SOURCES-DIFFER",
    "Relapse inside some sources' windows but not others: ASCO, NCCN and labels differ",
    "asco-2022",
    "nccn-breast",
    "tdxd-approval-2022",
    "db09-asco-2025-lba1008",
    "cleopatra-eligibility",
)
def differ(st: State) -> str | None:
    r = st.h.relapse
    if r is None or r.within_all or not r.within_any:
        return None
    by_source = st.h.line_by_source(_sources(st))
    st.line_by_source = by_source
    readings: dict[int, list[str]] = {}
    for src, n in by_source.items():
        readings.setdefault(n, []).append(src)
    line = max(readings)
    st.line, st.differ = line, True
    st.readings = {n: tuple(srcs) for n, srcs in sorted(readings.items(), reverse=True)}
    pert = "pertuzumab-containing" if r.pertuzumab else "trastuzumab-based (no pertuzumab)"
    positions = "; ".join(
        f"{w.source}: {'counts it as a line' if r.within[w.source] else 'does not count it'} "
        f"({w.months_pertuzumab if r.pertuzumab else w.months}-month window)"
        for w in st.cat.decisions.windows
    )
    lower = min(readings)
    st.line_basis = (
        f"recurrence {_when(r.days)} after {pert} therapy. {positions}. DESTINY-Breast09 enrolled "
        "patients with a disease-free interval over 6 months. her2guide reports the higher count "
        f"(line {line}) and shows the options of the line-{lower} reading beside it"
    )
    if st.h.lines:
        st.line_basis += f"; {_metastatic_words(st)}"
    st.alert(
        "guidelines-differ",
        f"Relapse interval: {st.line_basis}.",
        "asco-2022",
        "nccn-breast",
        "tdxd-approval-2022",
        "db09-asco-2025-lba1008",
    )
    return (
        "Sources differ on the line: " + ", ".join(f"{k} {v}" for k, v in by_source.items()) + "."
    )


@rule(
    "LINE-ONGOING",
    "The most recent line is ongoing: continue it; the options are the plan for when it stops",
    "asco-2022",
)
def ongoing(st: State) -> str | None:
    last = st.h.last
    if last is None or last.outcome != "ongoing" or st.line is None:
        return None
    agents = ", ".join(sorted(last.agents))
    st.alert(
        "continue-current-line",
        f"The current line ({agents}) is ongoing: continue it until progression or unacceptable "
        "toxicity, as its regimen's schedule gives (for HER2-directed maintenance, ASCO 2022 rec. "
        "4.0). The options below are for when it stops for progression; "
        "if it stops for toxicity instead, the line does not advance.",
        "asco-2022",
    )
    return f"Ongoing line ({agents}): continue it; the options are the plan after progression."
