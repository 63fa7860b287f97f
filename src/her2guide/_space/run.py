"""Running the space check: every cell (or a deterministic sample) on all cores.

Each worker process loads the packaged catalogue once (a catalogue is not shared across
processes); the result's digest is the XOR of per-cell hashes of the decisions, so it does
not depend on how the cells were chunked.
"""

from __future__ import annotations

import hashlib
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from .._catalogue import load_catalogue
from .._recommendation import Recommendation
from .cells import _OUT_OF_SCOPE, _dimensions, cell_at, space_size
from .invariants import INVARIANTS


@dataclass(frozen=True, slots=True)
class SpaceResult:
    cells: int
    violations: int
    seconds: float
    digest: str
    examples: tuple[tuple[str, str, str], ...]

    @property
    def rate(self) -> float:
        return self.cells / self.seconds if self.seconds else 0.0


def _summary(r: Recommendation) -> str:
    """The decision in one line: line, tiers, exclusions and alerts (what a diff compares)."""
    return repr(
        (
            r.in_scope,
            r.line,
            tuple((o.regimen, o.tier) for o in r.options),
            tuple((e.regimen, e.rule) for e in r.excluded),
            r.alert_codes,
        )
    )


def _check_chunk(
    args: tuple[int, int, int | None, int],
) -> tuple[int, int, str, list[tuple[str, str, str]]]:
    from .._engine import recommend

    start, stop, sample, seed = args
    cat = load_catalogue()  # the edge of a worker process
    dims = _dimensions(cat)
    n = bad = 0
    acc = 0
    examples: list[tuple[str, str, str]] = []
    for i in range(start, stop):
        s = cell_at(i, dims, sample is not None, seed)
        n += 1
        try:
            r = recommend(s, cat)
        except Exception as exc:  # the engine must never raise on a valid scenario
            bad += 1
            if len(examples) < 5:
                examples.append(("INV-NO-RAISE", repr(exc)[:200], repr(s)[:300]))
            continue
        acc ^= int.from_bytes(hashlib.sha256(f"{i}|{_summary(r)}".encode()).digest()[:16], "big")
        for inv in INVARIANTS:
            msg = inv.check(s, r, cat)
            if msg is not None:
                bad += 1
                if len(examples) < 5:
                    examples.append((inv.id, msg, repr(s)[:300]))
    return n, bad, f"{acc:032x}", examples


def check_space(
    sample: int | None = None, seed: int = 0, workers: int | None = None
) -> SpaceResult:
    """Evaluate every cell (or ``sample`` cells) and check every invariant on each.

    The entry point of a run (the CLI's ``check-space``, the site's hazard log): it and each
    worker process load the packaged catalogue.
    """
    cat = load_catalogue()
    total = (sample + len(_OUT_OF_SCOPE)) if sample is not None else space_size(cat)
    workers = workers or os.cpu_count() or 1
    step = -(-total // (workers * 8))
    chunks = [(i, min(i + step, total), sample, seed) for i in range(0, total, step)]
    t0 = time.perf_counter()
    if workers == 1:
        parts = [_check_chunk(c) for c in chunks]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_check_chunk, chunks))
    seconds = time.perf_counter() - t0
    acc = 0
    for p in parts:  # XOR of per-cell hashes: independent of how the cells were chunked
        acc ^= int(p[2], 16)
    digest = f"{acc:032x}"
    examples = tuple(e for p in parts for e in p[3])[:10]
    return SpaceResult(
        sum(p[0] for p in parts), sum(p[1] for p in parts), seconds, digest, examples
    )
