"""Run a command and write its peak RSS and CPU time, as ``os.wait4`` reports them, to a JSON file.

    python benchmarks/measure_child.py OUT.json -- CMD [ARGS...]

Why a separate process: Linux counts a child's peak RSS from before its ``exec`` too, so a child
forked from a benchmark that has grown (it reads ground truths and crosswalks of a million
records) reports the parent's size as its own peak. This launcher is small when it forks, so the
command's figure is the command's own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys


def main(argv: list[str]) -> int:
    out, sep, *cmd = argv
    if sep != "--" or not cmd:
        raise SystemExit(__doc__)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    with open(out, "w") as fh:
        json.dump({"exit": code, "peak_rss_kib": usage.ru_maxrss, "cpu_s": usage.ru_utime + usage.ru_stime}, fh)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
