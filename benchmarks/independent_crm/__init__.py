"""Independent CRM test data: the same people as several systems hold them, with a ground truth.

    from benchmarks.independent_crm import generate
    summary = generate("/tmp/indep", people=10_000, seed=16)

    .venv/bin/python -m benchmarks.independent_crm --out /tmp/indep --people 10000 --seed 16

Written for issue 16 by someone who has not read the project's matcher, normaliser or demo
generator, so that it measures how the matcher generalises. Never tune thresholds or rules on it;
use it only to check.

Output in ``out_dir``:

* ``crm.csv``, ``webshop.csv``, ``events.csv``, ``support.csv``, ``billing.csv``: one file per
  source in the canonical columns (steward/schema.py ``CANONICAL_COLUMNS``; empty string where a
  source lacks a value). The file stem is the source name.
* ``ground_truth.csv``: ``source, record_id, entity_id`` for every record.
* ``meta/errors.csv``: ``source, record_id, error_class``, one row per error a record carries
  (classes: ``sources.ERROR_CLASSES``), and ``meta/summary.json`` (counts and rates). They are in
  ``meta/`` so that ``*.csv`` in ``out_dir`` are the sources and the truth only.

Same (people, seed) -> byte-identical files.
"""

from __future__ import annotations

import csv
import json
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np

from .population import build_world
from .sources import ERROR_CLASSES, SOURCES, render_person

__all__ = ["generate", "SOURCES", "ERROR_CLASSES", "CANONICAL_COLUMNS"]

# Canonical columns (steward/schema.py), repeated so that the generator has no import of the project.
CANONICAL_COLUMNS = ["record_id", "source", "first_name", "last_name", "email", "phone", "company", "job_title",
                     "address_line1", "city", "postcode", "region", "country", "date_of_birth", "created_at",
                     "updated_at", "email_opt_in"]

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _b62(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, k = divmod(n, 62)
        out.append(_B62[k])
    return "".join(reversed(out))


def _record_id(src: str, i: int, row: list[str]) -> str:
    if src == "crm":  # Salesforce-like 15-character contact ids; 7919 is coprime with 62**6
        return "0035g0000" + _b62((i * 7919 + 12345) % 62**6, 6)
    if src == "webshop":
        return str(100001 + i)
    if src == "events":
        return f"EV{row[14][2:4]}-{i + 1:07d}"
    if src == "support":
        return f"ZD-{4100000 + i}"
    return f"CUST-{i + 1:07d}"


def generate(out_dir, people: int = 10_000, seed: int = 16, echo=None) -> dict:
    """Write the data set for ``people`` people to ``out_dir``; return the summary."""
    started = time.perf_counter()
    out = Path(out_dir)
    (out / "meta").mkdir(parents=True, exist_ok=True)
    world = build_world(people, seed)
    t_world = time.perf_counter() - started
    r = random.Random(seed * 7_777_777 + 3)
    rng = np.random.default_rng([seed, 61])
    entity = rng.permutation(people)
    per_source: dict[str, list] = {s: [] for s in SOURCES}
    for p in world.people:
        ent = f"P{entity[p.pid]:07d}"
        for src, row, tags in render_person(p, world, r):
            per_source[src].append((row, ent, tags))

    counts: Counter = Counter()
    n_records = 0
    with open(out / "ground_truth.csv", "w", encoding="utf-8", newline="") as gt_fh, \
            open(out / "meta" / "errors.csv", "w", encoding="utf-8", newline="") as err_fh:
        gt = csv.writer(gt_fh, lineterminator="\n")
        err = csv.writer(err_fh, lineterminator="\n")
        gt.writerow(["source", "record_id", "entity_id"])
        err.writerow(["source", "record_id", "error_class"])
        for src in SOURCES:
            rows = per_source[src]
            order = rng.permutation(len(rows))
            with open(out / f"{src}.csv", "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(CANONICAL_COLUMNS)
                for i, k in enumerate(order.tolist()):
                    row, ent, tags = rows[k]
                    rid = _record_id(src, i, row)
                    row[0] = rid
                    w.writerow(row)
                    gt.writerow([src, rid, ent])
                    for tag in tags:
                        err.writerow([src, rid, tag])
                        counts[tag] += 1
            n_records += len(rows)

    sizes = Counter(len(p.plan) for p in world.people)
    summary = {
        "generator": "benchmarks/independent_crm",
        "people": people,
        "seed": seed,
        "records": n_records,
        "records_per_source": {s: len(per_source[s]) for s in SOURCES},
        "records_per_person": {str(k): sizes[k] for k in sorted(sizes)},
        "singleton_share": round(sizes[1] / people, 4),
        "error_counts": {c: counts[c] for c in ERROR_CLASSES},
        "error_rates_per_record": {c: round(counts[c] / n_records, 5) for c in ERROR_CLASSES},
        "companies": len(world.companies),
        "seconds": {"world": round(t_world, 1), "total": round(time.perf_counter() - started, 1)},
    }
    written = {k: v for k, v in summary.items() if k != "seconds"}  # the files depend on (people, seed) only
    (out / "meta" / "summary.json").write_text(json.dumps(written, indent=1, ensure_ascii=False) + "\n",
                                               encoding="utf-8")
    if echo:
        echo(f"{people:,} people -> {n_records:,} records in {summary['seconds']['total']} s ({out})")
    return summary
