"""Accuracy, speed and memory of crm-steward against Splink 5, in one run.

    .venv/bin/python benchmarks/accuracy.py                        # all data sets
    .venv/bin/python benchmarks/accuracy.py --quick                # FEBRL 1-4 + demo_10k
    .venv/bin/python benchmarks/accuracy.py --datasets febrl3 demo_10k --skip-splink
    .venv/bin/python benchmarks/accuracy.py --quick --splink-sweep # + Splink at 0.9/0.95/0.99

For each data set (benchmarks/datasets.py builds and caches them) both tools run
as a user runs them, each in its own child process on the same canonical CSVs:

    .venv/bin/steward dedupe --input ... --out DIR
    python benchmarks/splink_model.py --input ... --out DIR

Wall time is measured around the child; peak memory is the child's peak
resident set size from ``os.wait4`` (ru_maxrss: exact, no polling). Both
include interpreter start-up and imports (steward: pandas, GX-free CLI path;
splink: duckdb, pyarrow) and reading/writing CSVs; steward dedupe also scores
itself against ground_truth.csv beside its inputs (its own printout, ignored
here, a fraction of a second). The crosswalks are then scored here with
``steward.match.evaluate.evaluate`` against the same truth; records a tool left out
(steward's quarantine, Splink's dropped id-less rows) count as singletons, so
both are scored over every ground-truth record.

Speed and memory are printed, never asserted: compare them as ratios within
one run on one machine. Needs the optional ``bench`` dependencies for Splink
(``uv pip install -e '.[bench]'``).

Prints a markdown table and writes it to benchmarks/results/accuracy-<date>.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

import pandas as pd  # noqa: E402

from datasets import CACHE_DIR, DATASETS, FEBRL, Dataset, prepare  # noqa: E402
from steward.match.evaluate import Evaluation, evaluate  # noqa: E402

QUICK = list(FEBRL) + ["demo_10k"]
SWEEP = [0.9, 0.95, 0.99]


@dataclass
class Run:
    dataset: str
    records: int
    tool: str
    ok: bool
    wall_s: float
    peak_rss_mb: float
    cpu_s: float = 0.0  # user + system time of the child (all its threads)
    evaluation: Evaluation | None = None
    missing: int = 0  # truth records absent from the crosswalk (scored as singletons)
    note: str = ""
    sweep: dict | None = None


def run_child(cmd: list[str], log_path: Path) -> tuple[int, float, float, float]:
    """Run ``cmd``; return (exit code, wall seconds, peak RSS in MB, CPU seconds) of the child."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        log.write((" ".join(cmd) + "\n\n").encode())
        log.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4; tell Popen
    # ru_maxrss is in KiB on Linux
    return proc.returncode, wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def score(crosswalk_path: Path, truth: pd.DataFrame) -> tuple[Evaluation, int]:
    cw = pd.read_csv(crosswalk_path, dtype=str, keep_default_na=False)[["source", "record_id", "golden_id"]]
    keys = truth[["source", "record_id"]].merge(cw[["source", "record_id"]].drop_duplicates(), how="left",
                                                indicator=True)
    missing = keys[keys["_merge"] == "left_only"][["source", "record_id"]].copy()
    if len(missing):
        missing["golden_id"] = "__singleton__:" + missing["source"] + ":" + missing["record_id"]
        cw = pd.concat([cw, missing], ignore_index=True)
    return evaluate(cw, truth), len(missing)


def steward_command() -> list[str]:
    exe = Path(sys.executable).parent / "steward"
    if not exe.is_file():
        raise SystemExit(f"{exe} not found: install crm-steward into this venv (make install)")
    # --no-evaluate: this script scores both tools' crosswalks itself, outside the timed run
    # (steward dedupe would otherwise score itself against the ground truth it finds beside the inputs).
    return [str(exe), "dedupe", "--no-evaluate"]


def run_tool(tool: str, ds: Dataset, truth: pd.DataFrame, work: Path, sweep: bool) -> Run:
    out = work / ds.name / tool
    for old in out.glob("crosswalk*.csv"):
        old.unlink()
    inputs = [arg for p in ds.inputs for arg in ("--input", str(p))]
    if tool == "crm-steward":
        cmd = steward_command() + inputs + ["--out", str(out)]
    else:
        cmd = [sys.executable, str(HERE / "splink_model.py"), *inputs, "--out", str(out)]
        if sweep:
            cmd += ["--sweep", *map(str, SWEEP)]
    log = work / ds.name / f"{tool}.log"
    code, wall, rss, cpu = run_child(cmd, log)
    if code != 0 or not (out / "crosswalk.csv").is_file():
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        return Run(ds.name, ds.records, tool, False, wall, rss, cpu, note=f"exit {code}: {' | '.join(tail)} (log {log})")
    evaluation, missing = score(out / "crosswalk.csv", truth)
    run = Run(ds.name, ds.records, tool, True, wall, rss, cpu, evaluation, missing)
    if sweep and tool == "splink":
        run.sweep = {t: score(out / f"crosswalk-{t}.csv", truth)[0] for t in SWEEP}
    return run


def table(runs: list[Run]) -> list[str]:
    lines = [
        "| dataset | records | tool | pairwise P | R | F1 | B-cubed F1 | wall s | peak RSS MB |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        if r.ok and r.evaluation is not None:
            e = r.evaluation
            lines.append(f"| {r.dataset} | {r.records:,} | {r.tool} | {e.precision:.4f} | {e.recall:.4f} | "
                         f"{e.f1:.4f} | {e.bcubed_f1:.4f} | {r.wall_s:.1f} | {r.peak_rss_mb:,.0f} |")
        else:
            lines.append(f"| {r.dataset} | {r.records:,} | {r.tool} | failed | | | | {r.wall_s:.1f} | "
                         f"{r.peak_rss_mb:,.0f} |")
    return lines


def ratios(runs: list[Run]) -> list[str]:
    by = {(r.dataset, r.tool): r for r in runs}
    lines = []
    for name in dict.fromkeys(r.dataset for r in runs):
        s, k = by.get((name, "crm-steward")), by.get((name, "splink"))
        if s and k and s.ok and k.ok:
            lines.append(f"- {name}: steward/splink wall time {s.wall_s / k.wall_s:.2f}x, "
                         f"CPU time {s.cpu_s / k.cpu_s:.2f}x ({s.cpu_s:.1f}s vs {k.cpu_s:.1f}s), "
                         f"peak memory {s.peak_rss_mb / k.peak_rss_mb:.2f}x, "
                         f"pairwise F1 {s.evaluation.f1:.4f} vs {k.evaluation.f1:.4f}")
    return lines


def environment() -> str:
    import importlib.metadata as md

    def v(pkg: str) -> str:
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return "-"

    try:
        mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem_gb = float("nan")
    return (f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {mem_gb:.0f} GiB RAM; "
            f"crm-steward {v('crm-steward')} at {_git_state()}, splink {v('splink')}, duckdb {v('duckdb')}, "
            f"pandas {v('pandas')}")


def _git_state() -> str:
    """Commit the steward code ran at, and whether steward/ or rules/ had uncommitted edits."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "steward", "rules"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return f"commit {head}" + (" + uncommitted changes in steward/ or rules/" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="crm-steward vs Splink 5: accuracy, wall time, peak memory.")
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=None,
                        help=f"data sets to run (default: all: {' '.join(DATASETS)})")
    parser.add_argument("--quick", action="store_true", help=f"only {' '.join(QUICK)}")
    parser.add_argument("--skip-splink", action="store_true", help="run crm-steward only")
    parser.add_argument("--splink-sweep", action="store_true",
                        help=f"also score Splink clustered at {SWEEP} (how its threshold was chosen)")
    parser.add_argument("--work", type=Path, default=CACHE_DIR / "runs", help="where the tools write their output")
    parser.add_argument("--results", type=Path, default=HERE / "results", help="where the markdown table goes")
    args = parser.parse_args(argv)

    names = args.datasets or (QUICK if args.quick else DATASETS)
    tools = ["crm-steward"] + ([] if args.skip_splink else ["splink"])
    if "splink" in tools:
        try:
            import splink  # noqa: F401
        except ImportError:
            raise SystemExit("splink is not installed: uv pip install -e '.[bench]' (or use --skip-splink)") from None
        from splink_model import DEFAULT_THRESHOLD
    runs: list[Run] = []
    for name in names:
        ds = prepare(name, echo=lambda m: print(m, flush=True))
        truth = pd.read_csv(ds.truth, dtype=str, keep_default_na=False)[["source", "record_id", "entity_id"]]
        for tool in tools:
            print(f"{name}: running {tool} on {ds.records:,} records …", flush=True)
            run = run_tool(tool, ds, truth, args.work, args.splink_sweep)
            runs.append(run)
            if run.ok:
                e = run.evaluation
                extra = f", {run.missing} records not in its crosswalk (singletons)" if run.missing else ""
                print(f"  F1 {e.f1:.4f}, B-cubed F1 {e.bcubed_f1:.4f}, {run.wall_s:.1f}s ({run.cpu_s:.1f}s CPU), "
                      f"{run.peak_rss_mb:,.0f} MB peak{extra}", flush=True)
            else:
                print(f"  FAILED {run.note}", flush=True)

    out = [f"# crm-steward vs Splink 5 — {date.today().isoformat()}", "", environment(), ""]
    out += table(runs)
    rat = ratios(runs)
    if rat:
        out += ["", "Ratios (same run, same machine):", *rat]
    notes = ["", "Notes:",
             "- pairwise P/R/F1 over record pairs; B-cubed F1 per record; every ground-truth record is scored "
             "(records missing from a crosswalk count as singletons).",
             "- wall s / peak RSS MB: the whole child process (start-up, imports, CSV in/out) via os.wait4; "
             "CPU time (user+system, all threads) is in the ratio lines: Splink's DuckDB uses every core, "
             "steward's pandas mostly one, and CPU time is steadier than wall time on a busy machine.",
             "- crm-steward: `steward dedupe` with the project's rules/ as they are."]
    if "splink" in tools:
        notes.append(f"- Splink 5 (DuckDB): benchmarks/splink_model.py, clustered at match probability "
                     f"{DEFAULT_THRESHOLD} (best mean pairwise F1 of {SWEEP} over FEBRL 1-4 + demo_10k in a "
                     f"one-off sweep; fixed for every data set).")
    failed = [r for r in runs if not r.ok]
    notes += [f"- {r.dataset} / {r.tool} failed: {r.note}" for r in failed]
    missing = [r for r in runs if r.ok and r.missing]
    notes += [f"- {r.dataset} / {r.tool}: {r.missing} truth record(s) not in its crosswalk, scored as singletons"
              for r in missing]
    out += notes
    sweeps = [r for r in runs if r.sweep]
    if sweeps:
        out += ["", "Splink pairwise F1 by clustering threshold:", "",
                "| dataset | " + " | ".join(str(t) for t in SWEEP) + " |",
                "|---|" + "---:|" * len(SWEEP)]
        for r in sweeps:
            out.append(f"| {r.dataset} | " + " | ".join(f"{r.sweep[t].f1:.4f}" for t in SWEEP) + " |")
        means = [sum(r.sweep[t].f1 for r in sweeps) / len(sweeps) for t in SWEEP]
        out.append("| mean | " + " | ".join(f"{m:.4f}" for m in means) + " |")

    text = "\n".join(out) + "\n"
    print()
    print(text)
    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / f"accuracy-{date.today().isoformat()}.md"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
