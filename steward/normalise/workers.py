"""Worker processes for the two slow normalisers (email-validator, phonenumbers).

A column with at least PARALLEL_MIN_DISTINCT distinct values is normalised in
worker processes ($STEWARD_NORMALISE_WORKERS, default the CPU count up to 4;
0/1 = in this process); below that, starting processes (about a second) costs
more than it saves. Kept apart from the normalisers because it is the only
code here that deals with processes, and the only module-level mutable state
(``_FORK_ITEMS``) lives here and nowhere else.

The per-value function handed to ``apply_distinct`` must be a module-level
function (workers receive it by name) that is safe to run on any value.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing as mp
import os
import threading
from collections.abc import Callable
from typing import Any

from steward.normalise.values import apply_each
from steward.progress import report

log = logging.getLogger(__name__)

# Below this many distinct values a column is normalised in-process: starting
# worker processes costs about a second.
PARALLEL_MIN_DISTINCT = 50_000
PARALLEL_CHUNK = 10_000
WORKERS_ENV_VAR = "STEWARD_NORMALISE_WORKERS"


def worker_count() -> int:
    """Worker processes for the slow normalisers: $STEWARD_NORMALISE_WORKERS,
    else the CPU count (at most 4); 0 or 1 means in-process."""
    raw = os.environ.get(WORKERS_ENV_VAR, "").strip()
    if raw:
        try:
            return max(0, int(raw))
        except ValueError:
            pass
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # no sched_getaffinity on macOS and Windows
        cpus = os.cpu_count() or 1
    return min(cpus, 4)


def _run_chunk(func: Callable[[Any], Any], default: Any, items: list) -> list:
    """One chunk of distinct values of one normaliser (in a worker or here)."""
    return apply_each(func, items, default)


# The items of the current parallel map. Forked workers inherit this list from
# the parent's memory, so they are sent only index ranges instead of pickled
# values -- pickling a million strings each way is most of what would otherwise
# make workers slow. Set only around one fork-based pool, and emptied after it.
_FORK_ITEMS: list = []


def _run_range(func: Callable[[Any], Any], default: Any, start: int, stop: int) -> list:
    return _run_chunk(func, default, _FORK_ITEMS[start:stop])


def _reported(kind: str, parts, bounds: list[tuple[int, int]]) -> list:
    """The workers' results in order, reporting progress as each chunk comes back."""
    out = []
    for part, (_, stop) in zip(parts, bounds):
        out.append(part)
        report(f"normalise {kind}s", stop, bounds[-1][1], "distinct values")
    return out


def _mp_context(preload: list[str]):
    methods = mp.get_all_start_methods()
    # fork is cheapest (no re-import, values inherited) but only safe while
    # this process has a single thread; otherwise forkserver (workers forked
    # from a clean server with the normaliser's module preloaded) or spawn
    if "fork" in methods and threading.active_count() == 1:
        return mp.get_context("fork")
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(preload)
        return ctx
    return mp.get_context("spawn")


def apply_distinct(kind: str, func: Callable[[Any], Any], items: list, default: Any) -> list:
    """``func`` over all distinct ``items`` (``default`` where it raises): in
    worker processes when there are many (>= PARALLEL_MIN_DISTINCT) and more than
    one CPU, else -- or if worker processes cannot be started -- in this process.
    ``kind`` names the values in progress reports and log lines ('email')."""
    global _FORK_ITEMS

    workers = worker_count()
    if len(items) >= PARALLEL_MIN_DISTINCT and workers > 1:
        try:
            if mp.current_process().daemon:
                raise RuntimeError("daemonic processes cannot start workers")
            ctx = _mp_context([func.__module__])
            bounds = [(i, min(i + PARALLEL_CHUNK, len(items))) for i in range(0, len(items), PARALLEL_CHUNK)]
            n = min(workers, len(bounds))
            n_chunks = len(bounds)
            # looked up on the module at call time, so that a test can replace it
            pool_class = concurrent.futures.ProcessPoolExecutor
            if ctx.get_start_method() == "fork":
                _FORK_ITEMS = items
                try:
                    with pool_class(max_workers=n, mp_context=ctx) as pool:
                        ranges = pool.map(_run_range, [func] * n_chunks, [default] * n_chunks, *zip(*bounds))
                        parts = _reported(kind, ranges, bounds)
                finally:
                    _FORK_ITEMS = []
            else:
                with pool_class(max_workers=n, mp_context=ctx) as pool:
                    chunks = [items[a:b] for a, b in bounds]
                    parts = _reported(kind, pool.map(_run_chunk, [func] * n_chunks, [default] * n_chunks, chunks),
                                      bounds)
            return [r for part in parts for r in part]
        except Exception as exc:
            # Worker processes fail in ways that depend on the platform and the
            # host (OSError, NotImplementedError without sem_open, a broken pool,
            # a daemonic parent); every one of them means the same thing: do the
            # work here. Per-value errors never get here (apply_each).
            log.warning("normalising %d %s values in one process: worker processes failed (%s)", len(items), kind, exc)
    bounds = [(i, min(i + PARALLEL_CHUNK, len(items))) for i in range(0, len(items), PARALLEL_CHUNK)]
    return [r for part in _reported(kind, (_run_chunk(func, default, items[a:b]) for a, b in bounds), bounds)
            for r in part]
