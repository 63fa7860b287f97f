"""The diff as text or Markdown (the CLI's ``diff`` and the changelog page's decision diff)."""

from __future__ import annotations

from .compare import DiffResult


def format_diff(r: DiffResult, markdown: bool = False, top: int = 40) -> str:
    """The report: what changed for how many classes, why, and the changed data records."""
    lines: list[str] = []
    say = lines.append
    if markdown:
        say(f"Compared **{r.new}** with **{r.old}** on {r.cells:,} cells of the declared space.")
        say("")
    else:
        say(f"comparing {r.new}")
        say(f"     with {r.old}")
        say(f"on {r.cells:,} cells of the declared space ({r.seconds:.1f} s)")
    if r.records:
        say("")
        say("Data records that differ:" if not markdown else "**Data records that differ:**")
        say("")
        lines.extend(f"- `{rec}`" if markdown else f"  - {rec}" for rec in r.records)
    say("")
    if not r.groups:
        say("No patient class changed recommendation.")
    elif markdown:
        say("**Patient classes whose recommendation changed, by cause:**")
        say("")
    for g in r.groups[:top]:
        rules = ", ".join(g.rules) or "no rule's trace differs"
        recs = "; ".join(g.records) or (
            "none (see the list above)" if r.records else "no data record changed (a code change)"
        )
        if markdown:
            say(f"- **{g.count:,} classes:** {g.change}  ")
            say(
                f"  rules whose trace differs: {', '.join(f'`{x}`' for x in g.rules) or rules}; "
                f"changed data records that name it: {recs}"
            )
        else:
            say(f"{g.count:>9,} classes: {g.change}")
            say(f"           rules: {rules}")
            say(f"           data: {recs}")
    if len(r.groups) > top:
        say(f"... and {len(r.groups) - top} more groups")
    if r.unreadable:
        say("")
        say(f"{r.unreadable:,} cells the old version cannot read (not compared):")
        for why, k in r.unreadable_reasons.most_common(5):
            say(f"  {k:,}: {why}")
    if r.raised_old or r.raised_new:
        say(f"the engine raised on {r.raised_old:,} cells (old) and {r.raised_new:,} (new)")
    say("")
    say(
        f"{r.changed:,} of {r.cells:,} cells changed recommendation in {len(r.groups)} groups; "
        f"{r.unreadable:,} unreadable by the old version"
    )
    return "\n".join(lines)
