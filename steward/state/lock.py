"""One pipeline run at a time per project: the runs of a project share its state database, the
snapshot folder and the CRM, and two at once overwrote each other's half-written snapshot. A review
decision is a run of the whole pipeline, so a reviewer clicking Approve on three lines starts three
runs; they now wait for each other in order instead of racing.

An advisory lock (``fcntl.flock``) on ``<data>/run.lock``: released by the kernel when the process
ends, so a killed run never leaves a stale lock behind."""

from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path

from steward.errors import StewardError

log = logging.getLogger("steward.state")

DEFAULT_WAIT_S = 3600.0


class RunLockTimeout(StewardError, TimeoutError):
    """Another run of the project held the lock for longer than the wait allowed."""


class RunLock:
    """``with RunLock(path, owner):`` waits (polling, ``wait_s`` at most) until no other run holds it."""

    def __init__(self, path: Path, owner: str, wait_s: float = DEFAULT_WAIT_S, poll_s: float = 1.0):
        self.path, self.owner, self.wait_s, self.poll_s = Path(path), owner, wait_s, poll_s
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline, told = time.monotonic() + self.wait_s, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another run"
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise RunLockTimeout(f"{self.path}: {holder} has held the project for more than "
                                         f"{self.wait_s:.0f} s; this run ({self.owner}) did not start") from None
                if not told:
                    log.info("waiting for %s to finish (one run of a project at a time)", holder)
                    told = True
                time.sleep(self.poll_s)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{self.owner} (pid {os.getpid()})".encode(), 0)
        self._fd = fd

    def holder(self) -> str | None:
        """Who holds the lock now (None: nobody), without taking it: for telling a person at a
        terminal why their run does not start yet."""
        if not self.path.exists():
            return None
        fd = os.open(self.path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another run"
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "RunLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
