"""Command-line interface: ``her2guide recommend | regimens | schema | dose | serve | export-tests``.

Invalid input exits with status 2 and one line per problem (field, bad value, what is
allowed) — never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Callable, Sequence

from ._catalogue import Catalogue, load_catalogue, normalise_name
from ._dosing import dose_regimen
from ._engine import recommend
from ._practical import adjust_doses, load_practical, practical_markdown
from ._recommendation import INTENDED_USE, Recommendation
from ._report import doses_markdown, doses_text, to_markdown, to_text
from ._scenario import (
    CRCL_RANGE,
    HEIGHT_RANGE,
    WEIGHT_RANGE,
    ScenarioError,
    load_scenario,
    scenario_json_schema,
)
from ._supportive import supportive_markdown

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"her2guide: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _date(text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; allowed: YYYY-MM-DD") from None


def _bounded(lo: float, hi: float, unit: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                f"{text!r}; allowed: a number from {lo:g} to {hi:g} ({unit})"
            )
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="her2guide",
        description="Which systemic therapy comes next in HER2-positive metastatic breast cancer. "
        + INTENDED_USE,
    )
    from . import __version__

    p.add_argument("--version", action="version", version=f"her2guide {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    r = sub.add_parser(
        "recommend", help="recommend the next therapy for a scenario file (YAML or JSON)"
    )
    r.add_argument(
        "file",
        help="scenario file (YAML or JSON) or FHIR R4 Bundle (JSON), or - for standard input",
    )
    r.add_argument(
        "--overlay",
        metavar="FILE",
        help="a small scenario file merged over a FHIR bundle's scenario (what FHIR cannot say)",
    )
    r.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    r.add_argument(
        "--as-of", type=_date, help="evaluation date (default: the file's as_of, else today)"
    )
    sub.add_parser("regimens", help="list regimen IDs and names")
    c = sub.add_parser(
        "check-space",
        help="evaluate the declared decision space and check the safety invariants",
    )
    c.add_argument("--sample", type=int, help="a deterministic sample of N cells (default: all)")
    c.add_argument("--seed", type=int, default=0, help="sample seed (default 0)")
    c.add_argument("--workers", type=int, help="processes (default: all cores)")
    df = sub.add_parser(
        "diff", help="list the patient classes whose recommendation differs from another version"
    )
    df.add_argument(
        "--against",
        required=True,
        help="a git ref (HEAD~1, a tag), a source tree directory, or python:EXE",
    )
    df.add_argument("--sample", type=int, help="a deterministic sample of N cells (default: all)")
    df.add_argument("--seed", type=int, default=0, help="sample seed (default 0)")
    df.add_argument("--format", choices=("text", "markdown"), default="text")
    df.add_argument("--top", type=int, default=40, help="groups to list (default 40)")
    sub.add_parser("schema", help="print the JSON Schema of a scenario file")
    from ._interop_cli import add_interop_commands

    add_interop_commands(sub)
    d = sub.add_parser("dose", help="calculate doses for a regimen")
    d.add_argument(
        "regimen",
        help="regimen ID, name or abbreviation (THP, T-DXd), or an agent name that is a regimen on its own (e.g. Enhertu)",
    )
    d.add_argument("--format", choices=("text", "markdown"), default="text")
    d.add_argument("--weight", type=_bounded(*WEIGHT_RANGE, "kg"), required=True, help="kg")
    d.add_argument(
        "--height", type=_bounded(*HEIGHT_RANGE, "cm"), help="cm (needed for mg/m² doses)"
    )
    d.add_argument(
        "--child-pugh",
        choices=("A", "B", "C"),
        help="Child-Pugh class of hepatic impairment: show the labels' adjustments",
    )
    d.add_argument(
        "--crcl",
        type=_bounded(*CRCL_RANGE, "mL/min"),
        help="creatinine clearance in mL/min: show the labels' renal statements",
    )
    return p


def _recommend(args: argparse.Namespace) -> int:
    label = "(stdin)" if args.file == "-" else args.file
    try:
        # --as-of (or today, when the file has none) goes in before validation.
        if args.overlay is not None or args.file == "-" or str(args.file).endswith(".json"):
            from ._interop_cli import recommend_any

            rec = recommend_any(args.file, args.overlay, args.as_of)
            return _print_recommendation(rec, args.format)
        scenario = load_scenario(args.file, as_of=args.as_of, default_as_of=dt.date.today())
    except ScenarioError as exc:
        file_problem = exc.problems and exc.problems[0].field == "(file)"
        if file_problem and len(exc.problems) == 1:
            print(f"her2guide: {label}: {exc.problems[0].message}", file=sys.stderr)
            return 2
        heading = getattr(exc, "heading", "invalid scenario")
        print(f"her2guide: {label}: {heading}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    return _print_recommendation(recommend(scenario), args.format)


def _print_recommendation(rec: Recommendation, fmt: str) -> int:
    if fmt == "json":
        print(json.dumps(rec.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        print(to_markdown(rec))
    else:
        print(to_text(rec))
    return 0


def _regimen_id(name: str, cat: Catalogue) -> str | None:
    """A regimen ID from its ID, its name, or the name of the one agent it consists of."""
    if name in cat.regimens:
        return name
    key = normalise_name(name)
    for reg in cat.regimens.values():
        short = re.sub(r"\s*\(.*\)$", "", reg.short)  # "TTC (HER2CLIMB)" -> "TTC"
        if key in {normalise_name(n) for n in (reg.id, reg.name, reg.short, short)}:
            return reg.id
    agents = cat.aliases.get(key)
    if agents:
        hits = [
            r.id for r in cat.regimens.values() if {c.agent for c in r.components} == set(agents)
        ]
        if len(hits) == 1:
            return hits[0]
    return None


def _dose(args: argparse.Namespace) -> int:
    cat = load_catalogue()
    rid = _regimen_id(args.regimen, cat)
    if rid is None:
        import difflib

        close = difflib.get_close_matches(args.regimen, list(cat.regimens), n=3)
        hint = f" closest: {', '.join(close)};" if close else ""
        print(
            f"her2guide: regimen: {args.regimen!r} is unknown;{hint} allowed: a regimen ID "
            f"({', '.join(cat.regimens)}), its name or abbreviation (e.g. THP), or a single-agent name such as Enhertu",
            file=sys.stderr,
        )
        return 2
    doses = dose_regimen(rid, args.weight, args.height, cat)
    # the label's dose for this organ function replaces the usual one (never both printed)
    doses = adjust_doses(doses, args.child_pugh, args.crcl, load_practical(cat))
    print(f"{cat.regimens[rid].name} ({rid})\n")
    if args.format == "markdown":
        print(doses_markdown(doses))
    else:
        print(doses_text(doses, field_names={"weight_kg": "--weight", "height_cm": "--height"}))
    practical = practical_markdown(doses, cat, child_pugh=args.child_pugh, crcl=args.crcl)
    supportive = supportive_markdown(rid, cat)  # notes and supportive care (issue 11)
    for extra in (practical, supportive):
        if extra and args.format != "markdown":  # a terminal gets no HTML or emphasis marks
            extra = re.sub(r"</?small>", "", extra).replace("**", "")
        if extra:
            print(f"\n{extra}")
    print(f"\n{INTENDED_USE}")
    return 0


def _check_space(args: argparse.Namespace) -> int:
    from ._space import INVARIANTS, check_space, space_size

    if args.sample is not None and args.sample < 1:
        print(f"her2guide: --sample: {args.sample} — allowed: a positive number", file=sys.stderr)
        return 2
    total = space_size(load_catalogue()) if args.sample is None else args.sample
    print(f"her2guide — {INTENDED_USE}")
    print(
        f"checking {len(INVARIANTS)} invariants on "
        + (f"a sample of {total:,} cells" if args.sample else f"all {total:,} cells"),
        flush=True,
    )
    r = check_space(sample=args.sample, seed=args.seed, workers=args.workers)
    for inv_id, msg, scen in r.examples:
        print(f"  VIOLATION {inv_id}: {msg}\n    {scen}")
    print(f"{r.rate:,.0f} cells/s, {r.seconds:.1f} s wall, decision digest {r.digest}")
    print(f"{r.cells} cells, {r.violations} violations")
    return 1 if r.violations else 0


def _diff(args: argparse.Namespace) -> int:
    from ._diff import DiffError, decision_diff, format_diff

    if args.sample is not None and args.sample < 1:
        print(f"her2guide: --sample: {args.sample} — allowed: a positive number", file=sys.stderr)
        return 2
    try:
        result = decision_diff(args.against, load_catalogue(), sample=args.sample, seed=args.seed)
    except DiffError as exc:
        print(f"her2guide: {exc}", file=sys.stderr)
        return 2
    if args.format == "text":
        print(f"her2guide — {INTENDED_USE}")
    if args.top < 0:
        print(f"her2guide: --top: {args.top} — allowed: 0 or more", file=sys.stderr)
        return 2
    print(format_diff(result, markdown=args.format == "markdown", top=args.top))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``her2guide`` command (a closed pipe ends it quietly, as ``head`` expects)."""
    try:
        code = _main(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe


def _main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "check-space":
        return _check_space(args)
    if args.command == "diff":
        return _diff(args)
    if args.command == "recommend":
        return _recommend(args)
    if args.command == "dose":
        return _dose(args)
    if args.command in ("serve", "export-tests"):
        from ._interop_cli import run_interop_command

        return run_interop_command(args)
    if args.command == "schema":
        print(json.dumps(scenario_json_schema(), indent=2))
        return 0
    cat = load_catalogue()
    width = max(len(r) for r in cat.regimens)
    for reg in cat.regimens.values():
        print(f"{reg.id:<{width}}  {reg.name}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
