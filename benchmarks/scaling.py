"""How each stage of ``steward.run.dedupe`` grows with the number of records (issue 19, "Load").

    .venv/bin/python benchmarks/scaling.py --people 50000,100000,200000          # dev_crm, seed 7
    .venv/bin/python benchmarks/scaling.py --people 50000,100000 --snapshot       # + the snapshot build
    .venv/bin/python benchmarks/scaling.py --people 50000,100000 --data /tmp/scaling --json /tmp/scaling.json

Builds ``benchmarks/dev_crm`` (or ``--generator indep``) data at each size into ``--data``
(default ``benchmarks/.cache/scaling/``, git-ignored; reused), then runs one child process per size:
load the canonical CSVs, ``dedupe`` them (a full rebuild, no state database, the project's rules),
and time each stage and the main functions inside it (wrapped here, nothing in steward changes).
A thread samples the process RSS every 20 ms; a span's "peak MB" is the highest RSS seen while it
ran, "+MB" that peak minus the RSS when it started (what the span itself added, roughly: memory
freed earlier and kept by the allocator hides some of it).

The growth exponent between two sizes is ``log(t2 / t1) / log(n2 / n1)`` over records: 1 is
linear, 2 quadratic. Times under ~0.5 s are noisy on a shared machine; read their exponents loosely.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PAGE = os.sysconf("SC_PAGE_SIZE")
SPAN_ORDER: list[str] = []


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE / 2**20


class Spans:
    """Named, possibly nested spans: seconds, peak RSS while open, RSS at the start."""

    def __init__(self, interval: float = 0.02):
        self.open: dict[str, dict] = {}
        self.done: dict[str, dict] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)
        self.thread.start()

    def _sample(self, interval: float) -> None:
        while not self.stop.wait(interval):
            now = rss_mb()
            with self.lock:
                for span in self.open.values():
                    span["peak"] = max(span["peak"], now)

    def begin(self, name: str) -> None:
        now = rss_mb()
        with self.lock:
            self.open[name] = {"t0": time.perf_counter(), "c0": time.process_time(), "start": now, "peak": now}
        if name not in SPAN_ORDER:
            SPAN_ORDER.append(name)

    def end(self, name: str) -> None:
        now = rss_mb()
        with self.lock:
            span = self.open.pop(name, None)
        if span is None:
            return
        old = self.done.get(name)
        seconds, cpu = time.perf_counter() - span["t0"], time.process_time() - span["c0"]
        entry = {"s": seconds, "cpu": cpu, "peak_mb": max(span["peak"], now),
                 "added_mb": max(span["peak"], now) - span["start"], "calls": 1}
        if old:  # called again: add the time, keep the highest peak
            entry = {"s": old["s"] + seconds, "cpu": old["cpu"] + cpu, "peak_mb": max(old["peak_mb"], entry["peak_mb"]),
                     "added_mb": max(old["added_mb"], entry["added_mb"]), "calls": old["calls"] + 1}
        self.done[name] = entry


def wrap(spans: Spans, owner, attr: str, label: str) -> None:
    """Replace ``owner.attr`` by a wrapper timing it as span ``label`` (outermost call only)."""
    func = getattr(owner, attr)
    depth = {"n": 0}

    def wrapper(*args, **kwargs):
        depth["n"] += 1
        if depth["n"] == 1:
            spans.begin(label)
        try:
            return func(*args, **kwargs)
        finally:
            depth["n"] -= 1
            if depth["n"] == 0:
                spans.end(label)

    setattr(owner, attr, wrapper)


def instrument(spans: Spans) -> None:
    import steward.match.engines.local as local
    import steward.match.model as model
    import steward.match.training as training
    import steward.run.stages as stages

    for attr in ("normalise_contacts", "content_hashes", "cluster_records", "drop_erased", "merge_suggestions",
                 "assemble_queue", "build_golden_records", "build_snapshot", "scrub_quarantine"):
        wrap(spans, stages, attr, f"  {attr}")
    for attr in ("candidate_pairs", "score", "fit", "cluster"):
        wrap(spans, local.LocalEngine, attr, f"  engine.{attr}")
    for attr in ("fit_model", "reweighted", "safe_clusters", "graph_components"):
        wrap(spans, local, attr, f"    {attr}")
    for attr in ("estimate_u", "fit_from_patterns", "contradiction_share", "patterns_of"):
        wrap(spans, training, attr, f"      training.{attr}")
    wrap(spans, model, "add_term_frequencies", "      add_term_frequencies")


def child(data: Path, snapshot: bool, out: Path) -> None:
    import gc

    spans = Spans()
    instrument(spans)
    from steward.config import load_project
    from steward.run import RunContext, dedupe, load_all
    from steward.sources.load import canonical_csv_sources

    inputs = sorted(p for p in data.glob("*.csv") if p.name != "ground_truth.csv")
    spans.begin("load")
    records, quarantine = load_all({c.name: c for c in canonical_csv_sources(inputs)})
    spans.end("load")
    gc.collect()
    current = {"name": None}

    def progress(stage: str) -> None:  # hears each top-level stage start
        if current["name"]:
            spans.end(current["name"])
        current["name"] = stage
        spans.begin(stage)

    ctx = RunContext.for_project(load_project(ROOT), store=None, keep_snapshot=snapshot, progress=progress)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = dedupe(ctx, records, quarantine)
    if current["name"]:
        spans.end(current["name"])
    total, total_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    spans.stop.set()
    pairs = len(result.blocking.pairs)
    report = {"records": len(records), "pairs": pairs, "golden": len(result.golden), "total_s": total, "total_cpu": total_cpu,
              "max_rss_mb": _hwm_mb(), "timings": result.timings, "spans": spans.done, "order": SPAN_ORDER,
              "pairs_by_rule": result.blocking.pairs["rule"].value_counts(sort=False).astype(int).to_dict()}
    out.write_text(json.dumps(report, indent=1, default=str))


def _hwm_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def build(generator: str, people: int, data_dir: Path) -> Path:
    target = data_dir / f"{generator}_{people}"
    if not (target / ".complete").is_file():
        target.mkdir(parents=True, exist_ok=True)
        if generator == "dev":
            from benchmarks.dev_crm import generate
            generate(target, people=people, seed=7)
        else:
            from benchmarks.independent_crm import generate
            generate(target, people=people, seed=16)
        (target / ".complete").touch()
    return target


def exponent(a: float, b: float, na: int, nb: int) -> float:
    if a <= 0 or b <= 0 or na == nb:
        return float("nan")
    return math.log(b / a) / math.log(nb / na)


def _exponents(values: list[float], sizes: list[int]) -> str:
    return " / ".join(f"{exponent(values[i], values[i + 1], sizes[i], sizes[i + 1]):.2f}" for i in range(len(sizes) - 1))


def table(reports: list[dict]) -> list[str]:
    """Per span and size: wall s, CPU s (this process: not normalise's worker processes), peak MB,
    +MB; growth exponents of CPU time and of +MB between consecutive sizes."""
    sizes = [r["records"] for r in reports]
    order = [name for name in reports[-1]["order"]]
    head = "| span | " + " | ".join(f"{n:,}: wall s | CPU s | peak MB | +MB" for n in sizes) + \
        " | exp. CPU | exp. +MB |"
    lines = [head, "|---|" + "---:|" * (4 * len(sizes) + 2)]
    for name in order:
        cells, cpu, added = [], [], []
        for r in reports:
            s = r["spans"].get(name)
            if s is None:
                cells.append("– | – | – | –")
                cpu.append(float("nan"))
                added.append(float("nan"))
                continue
            cells.append(f"{s['s']:.2f} | {s['cpu']:.2f} | {s['peak_mb']:,.0f} | {s['added_mb']:,.0f}")
            cpu.append(s["cpu"])
            added.append(s["added_mb"])
        label = name.rstrip().replace("  ", "\u00a0\u00a0")
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {_exponents(cpu, sizes)} | {_exponents(added, sizes)} |")
    totals = " | ".join(f"{r['total_s']:.1f} | {r.get('total_cpu', float('nan')):.1f} | {r['max_rss_mb']:,.0f} | "
                        for r in reports)
    lines.append(f"| **dedupe total; VmHWM** | {totals} | {_exponents([r['total_s'] for r in reports], sizes)} (wall) | "
                 f"{_exponents([r['max_rss_mb'] for r in reports], sizes)} (VmHWM) |")
    pairs = [r["pairs"] for r in reports]
    lines += ["", f"candidate pairs: {' / '.join(f'{p:,}' for p in pairs)} (exponent {_exponents(pairs, sizes)})"]
    for rule in reports[-1]["pairs_by_rule"]:
        counts = [r["pairs_by_rule"].get(rule, 0) for r in reports]
        lines.append(f"- {rule}: " + " / ".join(f"{c:,}" for c in counts) + f" (exponent {_exponents(counts, sizes)})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", default="50000,100000,200000", help="comma-separated people counts")
    parser.add_argument("--generator", choices=["dev", "indep"], default="dev")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent / ".cache" / "scaling")
    parser.add_argument("--snapshot", action="store_true", help="keep_snapshot=True: also build the snapshot")
    parser.add_argument("--json", type=Path, help="write the per-size reports here")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.snapshot, args.out)
        return
    reports = []
    for people in [int(p) for p in args.people.split(",")]:
        target = build(args.generator, people, args.data)
        out = args.data / f"report-{args.generator}_{people}{'-snap' if args.snapshot else ''}.json"
        cmd = [sys.executable, __file__, "--child", str(target), "--out", str(out)] + (["--snapshot"] if args.snapshot else [])
        subprocess.run(cmd, check=True)
        report = json.loads(out.read_text())
        print(f"{args.generator}_{people}: {report['records']:,} records, {report['pairs']:,} pairs, "
              f"{report['total_s']:.1f} s, VmHWM {report['max_rss_mb']:,.0f} MB", flush=True)
        reports.append(report)
    print("\n".join(table(reports)))
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1))


if __name__ == "__main__":
    main()
