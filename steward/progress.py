"""Progress of long runs: stage, how much is done, rate and time left.

The engine reports through one logger (``steward.progress``) with the numbers attached to the
record, so that the hot path stays plain functions (no callback threaded through every stage)
and whoever runs it decides how to show it: the CLI as a progress bar (or plain lines when its
output is not a terminal), the Dagster assets as run log lines and metadata.

    report("score", 250_000, 3_491_388, "pairs")

``ProgressTracker`` turns reports into ``ProgressLine``s (rate over the stage so far, ETA =
what is left at that rate); ``ProgressHandler`` hands them to a sink, at most every
``every`` seconds per stage, and always the first and the last report of a stage."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

log = logging.getLogger("steward.progress")


def report(stage: str, done: int, total: int | None = None, unit: str = "rows") -> None:
    """``done`` of ``total`` ``unit`` of ``stage`` are done (``total`` None: not known)."""
    if log.isEnabledFor(logging.INFO):
        log.info("%s: %s%s %s", stage, f"{done:,}", f" / {total:,}" if total is not None else "", unit,
                 extra={"progress": (stage, int(done), None if total is None else int(total), unit)})


@dataclass(frozen=True)
class ProgressLine:
    stage: str
    done: int
    total: int | None
    unit: str
    elapsed: float  # seconds since the stage's first report
    rate: float | None  # units per second over the stage so far (None: too early to tell)
    eta: float | None  # seconds left at that rate (None: no total, or too early)

    @property
    def finished(self) -> bool:
        return self.total is not None and self.done >= self.total

    def text(self) -> str:
        share = f" ({self.done / self.total:.0%})" if self.total else ""
        of = f" / {self.total:,}" if self.total is not None else ""
        rate = f", {_short(self.rate)} {self.unit}/s" if self.rate else ""
        eta = f", ETA {_duration(self.eta)}" if self.eta is not None and not self.finished else ""
        done = f", done in {_duration(self.elapsed)}" if self.finished and self.elapsed > 0 else ""
        return f"{self.stage}: {self.done:,}{of} {self.unit}{share}{rate}{eta}{done}"


class ProgressTracker:
    """Rate and ETA per stage from successive reports. A stage starts at its first report; a
    report after the stage finished, or with fewer done than the last one, starts it again (the
    same stage run twice)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._start: dict[str, tuple[float, int]] = {}  # stage -> (time of first report, done then)
        self._last: dict[str, ProgressLine] = {}

    def update(self, stage: str, done: int, total: int | None, unit: str = "rows") -> ProgressLine:
        now = self.clock()
        last = self._last.get(stage)
        if last is None or last.finished or done < last.done:
            # The first report already counts: a stage reports after its first chunk, so its
            # clock starts a chunk late and the first chunk is credited to no time at all;
            # the rate is only given from the second report on.
            self._start[stage] = (now, done)
        started, done_then = self._start[stage]
        elapsed = now - started
        rate = (done - done_then) / elapsed if elapsed > 0 and done > done_then else None
        eta = (total - done) / rate if rate and total is not None else None
        self._last[stage] = line = ProgressLine(stage, done, total, unit, elapsed, rate, eta)
        return line


class ProgressHandler(logging.Handler):
    """Sends progress reports (records of ``report``) to ``sink(ProgressLine)``: per stage the
    first, the last (done == total) and otherwise at most one every ``every`` seconds."""

    def __init__(self, sink: Callable[[ProgressLine], None], every: float = 5.0,
                 clock: Callable[[], float] = time.monotonic):
        super().__init__(level=logging.INFO)
        self.sink, self.every, self.clock = sink, every, clock
        self.tracker = ProgressTracker(clock)
        self._sent: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        progress = getattr(record, "progress", None)
        if progress is None:
            return
        try:
            line = self.tracker.update(*progress)
            now = self.clock()
            first = line.stage not in self._sent or line.elapsed == 0
            if first or line.finished or now - self._sent[line.stage] >= self.every:
                self._sent[line.stage] = now
                self.sink(line)
        except Exception:  # a progress display must never break a run
            self.handleError(record)


class listening:
    """``with listening(sink, every):`` progress reports go to ``sink`` while inside."""

    def __init__(self, sink: Callable[[ProgressLine], None], every: float = 5.0):
        self.handler = ProgressHandler(sink, every)

    def __enter__(self) -> ProgressHandler:
        # Shown by the sink only: not also as log lines of the parent loggers.
        self._saved = (log.level, log.propagate)
        log.setLevel(logging.INFO)
        log.propagate = False
        log.addHandler(self.handler)
        return self.handler

    def __exit__(self, *exc) -> None:
        log.removeHandler(self.handler)
        log.setLevel(self._saved[0])
        log.propagate = self._saved[1]


def _short(value: float) -> str:
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:.1f}{suffix}"
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
