"""Accuracy, speed and memory of crm-steward against Splink 5, in one run.

    .venv/bin/python benchmarks/accuracy.py                        # all data sets
    .venv/bin/python benchmarks/accuracy.py --quick                # FEBRL 1-4 + demo_10k
    .venv/bin/python benchmarks/accuracy.py --datasets febrl3 demo_10k --skip-splink
    .venv/bin/python benchmarks/accuracy.py --datasets indep_10k --skip-steward    # Splink only
    .venv/bin/python benchmarks/accuracy.py --quick --splink-threshold 0.99        # Splink at one fixed threshold

For each data set (benchmarks/datasets.py builds and caches them) both tools run
as a user runs them, each in its own child process on the same canonical CSVs:

    .venv/bin/steward dedupe --input ... --out DIR
    python benchmarks/splink_model.py --input ... --out DIR --wide-sweep

Splink is reported at its best threshold for each data set: splink_model.py
clusters its predictions at every threshold of ``splink_model.WIDE_SWEEP``
(0.001 ... 0.999999) and writes a crosswalk for each; this script scores them all
and keeps the one with the best pairwise F1. That choice uses the ground truth,
so it is an oracle in Splink's favour (crm-steward runs with its fixed rules);
``--splink-threshold T`` reports Splink at one fixed threshold instead. Splink's
wall time and memory are those of the whole run, sweep included; the markdown
notes say how much of it went to clustering and writing at the thresholds not
chosen (from the run's timings.json).

Wall time is measured around the child; peak memory is the child's peak
resident set size from ``os.wait4`` in benchmarks/measure_child.py (ru_maxrss: exact, no polling). Both
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
import json
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
from review_queue import QueueFigures, queue_figures  # noqa: E402
from steward.match.evaluate import Evaluation, evaluate  # noqa: E402

QUICK = list(FEBRL) + ["demo_10k"]


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
    sweep: dict | None = None  # Splink: {threshold: (pairwise precision, recall, F1)}
    threshold: float | None = None  # Splink: the threshold reported (best pairwise F1, or fixed)
    sweep_extra_s: float = 0.0  # Splink: clustering + writing at the thresholds not reported
    queue: QueueFigures | None = None  # crm-steward: its review queue measured against the truth


def run_child(cmd: list[str], log_path: Path) -> tuple[int, float, float, float]:
    """Run ``cmd``; return (exit code, wall seconds, peak RSS in MB, CPU seconds) of the child."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        log.write((" ".join(cmd) + "\n\n").encode())
        log.flush()
        # Through benchmarks/measure_child.py: a child forked from this process (grown by the
        # ground truths it scores) would report this process's size as its own peak.
        measured = log_path.with_suffix(".usage.json")
        measured.unlink(missing_ok=True)
        started = time.perf_counter()
        code = subprocess.run([sys.executable, str(HERE / "measure_child.py"), str(measured), "--", *cmd],
                              stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT).returncode
        wall = time.perf_counter() - started
    if not measured.is_file():
        return code, wall, float("nan"), float("nan")
    usage = json.loads(measured.read_text())
    # ru_maxrss is in KiB on Linux
    return code, wall, usage["peak_rss_kib"] / 1024, usage["cpu_s"]


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


def run_tool(tool: str, ds: Dataset, truth: pd.DataFrame, work: Path, splink_threshold: float | None = None) -> Run:
    out = work / ds.name / tool
    for old in [*out.glob("crosswalk*.csv"), out / "timings.json"]:
        old.unlink(missing_ok=True)
    inputs = [arg for p in ds.inputs for arg in ("--input", str(p))]
    if tool == "crm-steward":
        cmd = steward_command() + inputs + ["--out", str(out)]
    else:
        cmd = [sys.executable, str(HERE / "splink_model.py"), *inputs, "--out", str(out)]
        cmd += ["--threshold", str(splink_threshold)] if splink_threshold is not None else ["--wide-sweep"]
    log = work / ds.name / f"{tool}.log"
    code, wall, rss, cpu = run_child(cmd, log)
    if code != 0 or not (out / "crosswalk.csv").is_file():
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        return Run(ds.name, ds.records, tool, False, wall, rss, cpu, note=f"exit {code}: {' | '.join(tail)} (log {log})")
    run = Run(ds.name, ds.records, tool, True, wall, rss, cpu)
    if tool == "splink" and splink_threshold is None:
        pick_best_threshold(run, out, truth)
    else:
        run.evaluation, run.missing = score(out / "crosswalk.csv", truth)
        run.threshold = splink_threshold if tool == "splink" else None
    if tool == "crm-steward":
        run.queue = queue_figures(out, truth)
    return run


def pick_best_threshold(run: Run, out: Path, truth: pd.DataFrame) -> None:
    """Score Splink's crosswalk-<t>.csv files and report the one with the best pairwise F1
    (the oracle choice); note the time spent clustering and writing at the others."""
    from splink_model import WIDE_SWEEP

    # pairwise P/R/F1 at every threshold (fast; evaluate() takes ~15 s per crosswalk at 1M),
    # then the full evaluation (B-cubed too) of the one reported
    run.sweep = {t: pairwise(out / f"crosswalk-{t}.csv", truth) for t in WIDE_SWEEP}
    run.threshold = max(WIDE_SWEEP, key=lambda t: (run.sweep[t][2], t))
    run.evaluation, run.missing = score(out / f"crosswalk-{run.threshold}.csv", truth)
    timings_path = out / "timings.json"
    if timings_path.is_file():
        timings = json.loads(timings_path.read_text())
        others = [t for t in WIDE_SWEEP if t != run.threshold]
        run.sweep_extra_s = sum(timings.get("cluster_s", {}).get(str(t), 0.0) +
                                timings.get("write_s", {}).get(str(t), 0.0) for t in others)


def pairwise(crosswalk_path: Path, truth: pd.DataFrame) -> tuple[float, float, float]:
    """Pairwise (precision, recall, F1) of a crosswalk, as ``score`` counts them: over the
    ground-truth records, those missing from the crosswalk as singletons."""
    import numpy as np

    cw = pd.read_csv(crosswalk_path, dtype=str, keep_default_na=False, usecols=["source", "record_id", "golden_id"])
    joined = truth[["source", "record_id", "entity_id"]].merge(
        cw.drop_duplicates(["source", "record_id"]), on=["source", "record_id"], how="left")
    golden = joined["golden_id"].fillna("__singleton__:" + joined["source"] + ":" + joined["record_id"])
    g, e = pd.factorize(golden)[0], pd.factorize(joined["entity_id"])[0]

    def pairs(codes) -> float:
        counts = np.bincount(codes).astype(float)
        return float((counts * (counts - 1) / 2).sum())

    tp, pred, true = pairs(pd.factorize(g.astype(np.int64) * (e.max() + 1) + e)[0]), pairs(g), pairs(e)
    precision = tp / pred if pred else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def table(runs: list[Run]) -> list[str]:
    lines = [
        "| dataset | records | tool | pairwise P | R | F1 | B-cubed F1 | wall s | peak RSS MB |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        tool = r.tool if r.threshold is None else f"{r.tool} @ {r.threshold:g}"
        if r.ok and r.evaluation is not None:
            e = r.evaluation
            lines.append(f"| {r.dataset} | {r.records:,} | {tool} | {e.precision:.4f} | {e.recall:.4f} | "
                         f"{e.f1:.4f} | {e.bcubed_f1:.4f} | {r.wall_s:.1f} | {r.peak_rss_mb:,.0f} |")
        else:
            lines.append(f"| {r.dataset} | {r.records:,} | {tool} | failed | | | | {r.wall_s:.1f} | "
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
    parser.add_argument("--skip-steward", action="store_true", help="run Splink only")
    parser.add_argument("--splink-threshold", type=float, default=None,
                        help="report Splink clustered at this one match probability instead of at its best "
                             "threshold per data set (then no sweep is run)")
    parser.add_argument("--splink-sweep", action="store_true", help=argparse.SUPPRESS)  # old flag: always on now
    parser.add_argument("--work", type=Path, default=CACHE_DIR / "runs", help="where the tools write their output")
    parser.add_argument("--results", type=Path, default=HERE / "results", help="where the markdown table goes")
    args = parser.parse_args(argv)

    names = args.datasets or (QUICK if args.quick else DATASETS)
    tools = ([] if args.skip_steward else ["crm-steward"]) + ([] if args.skip_splink else ["splink"])
    if not tools:
        raise SystemExit("--skip-steward and --skip-splink leave nothing to run")
    if "splink" in tools:
        try:
            import splink  # noqa: F401
        except ImportError:
            raise SystemExit("splink is not installed: uv pip install -e '.[bench]' (or use --skip-splink)") from None
        from splink_model import WIDE_SWEEP
    runs: list[Run] = []
    for name in names:
        ds = prepare(name, echo=lambda m: print(m, flush=True))
        truth = pd.read_csv(ds.truth, dtype=str, keep_default_na=False)[["source", "record_id", "entity_id"]]
        for tool in tools:
            print(f"{name}: running {tool} on {ds.records:,} records …", flush=True)
            run = run_tool(tool, ds, truth, args.work, args.splink_threshold)
            runs.append(run)
            if run.ok:
                e = run.evaluation
                extra = f", {run.missing} records not in its crosswalk (singletons)" if run.missing else ""
                at = f" at {run.threshold:g}" if run.threshold is not None else ""
                print(f"  F1 {e.f1:.4f}{at}, B-cubed F1 {e.bcubed_f1:.4f}, {run.wall_s:.1f}s ({run.cpu_s:.1f}s CPU), "
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
    if "splink" in tools and args.splink_threshold is not None:
        notes.append(f"- Splink 5 (DuckDB): benchmarks/splink_model.py (its docstring describes the model), "
                     f"clustered at match probability {args.splink_threshold:g} on every data set.")
    elif "splink" in tools:
        notes.append(f"- Splink 5 (DuckDB): benchmarks/splink_model.py (its docstring describes the model), "
                     f"reported at the clustering threshold with the best pairwise F1 on each data set "
                     f"(`splink @ t`), chosen from {len(WIDE_SWEEP)} thresholds {WIDE_SWEEP[0]:g} … "
                     f"{WIDE_SWEEP[-1]:g} with the ground truth: an oracle choice in Splink's favour "
                     f"(crm-steward runs with its fixed rules). Splink's wall s / peak RSS are its whole run, "
                     f"sweep included.")
        notes += [f"- {r.dataset} / splink: {r.sweep_extra_s:.1f}s of its {r.wall_s:.1f}s went to clustering and "
                  f"writing crosswalks at the {len(WIDE_SWEEP) - 1} thresholds not reported"
                  for r in runs if r.ok and r.sweep and r.sweep_extra_s]
    failed = [r for r in runs if not r.ok]
    notes += [f"- {r.dataset} / {r.tool} failed: {r.note}" for r in failed]
    missing = [r for r in runs if r.ok and r.missing]
    notes += [f"- {r.dataset} / {r.tool}: {r.missing} truth record(s) not in its crosswalk, scored as singletons"
              for r in missing]
    out += notes
    queues = [r for r in runs if r.queue is not None]
    if queues:
        out += ["", "Review queue (crm-steward's merge_suggestions.csv, one suggestion per pair of golden records; "
                "issue 16's target: at most 2 % of records, at least 50 % true):"]
        out += [f"- {r.dataset}: {r.queue.line()}" for r in queues]
    sweeps = [r for r in runs if r.sweep]
    if sweeps:
        thresholds = list(sweeps[0].sweep)
        out += ["", "Splink pairwise P / R / F1 by clustering threshold (**bold**: the one reported):", "",
                "| threshold | " + " | ".join(r.dataset for r in sweeps) + " | mean F1 |",
                "|---:|" + "---|" * len(sweeps) + "---:|"]
        for t in thresholds:
            cells = []
            for r in sweeps:
                precision, recall, f1 = r.sweep[t]
                cell = f"{precision:.3f} / {recall:.3f} / {f1:.4f}"
                cells.append(f"**{cell}**" if t == r.threshold else cell)
            mean = sum(r.sweep[t][2] for r in sweeps) / len(sweeps)
            out.append(f"| {t:g} | " + " | ".join(cells) + f" | {mean:.4f} |")

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
