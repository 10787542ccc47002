"""What reviewers' decisions do to the matcher (issue 18): the queue and the accuracy before and
after 50 and 200 decisions, on the independent generator.

A reviewer is simulated with the ground truth: the first N suggestions of the queue (most likely
first, as the UI lists them) are approved when the two records are one person and rejected
otherwise, and the run is repeated as a full rebuild with those decisions. The decisions act
twice: as links (the decided pairs are merged or kept apart whatever their score) and as labels
for the model (approved pairs estimate m beside EM: ``training.label_strength``). Printed per N:
pairwise P / R / F1, the queue (size, share of records, share true) and, to tell the two effects
apart, the pairs merged or split beyond the decided ones.

    .venv/bin/python benchmarks/review_labels.py                     # indep_fresh_10k, N = 0 50 200
    .venv/bin/python benchmarks/review_labels.py --dataset indep_10k --labels 0 100
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from datasets import DATASETS, prepare  # noqa: E402
from steward.config import load_project  # noqa: E402
from steward.config.settings import load_settings  # noqa: E402
from steward.match.engines import LocalEngine  # noqa: E402
from steward.match.evaluate import evaluate  # noqa: E402
from steward.review.decisions import DECISION_COLUMNS, pair_key  # noqa: E402
from steward.run import RunContext, Stewardship, dedupe, load_all  # noqa: E402
from steward.sources.load import canonical_csv_sources  # noqa: E402


def simulated_decisions(queue: pd.DataFrame, entity_of: dict[str, str], n: int) -> pd.DataFrame:
    """The first ``n`` suggestions decided as the ground truth says."""
    rows = []
    for i, s in enumerate(queue.head(n).itertuples(index=False), start=1):
        same = entity_of.get(s.a_contact_key) == entity_of.get(s.b_contact_key)
        left, right = pair_key(s.a_contact_key, s.b_contact_key)
        rows.append({"decision_id": i, "decided_at": "2026-12-04T00:00:00Z", "reviewer": "simulated",
                     "note": "", "action": "approve" if same else "reject", "pair_id": s.pair_id,
                     "left_key": left, "right_key": right, "golden_id": None,
                     "match_probability": float(s.match_probability), "explanation": ""})
    return pd.DataFrame(rows, columns=DECISION_COLUMNS)


def run(records, quarantine, settings, decisions: pd.DataFrame | None):
    ctx = RunContext(settings=settings, stewardship=Stewardship(decisions=decisions), engine=LocalEngine(),
                     keep_snapshot=False)
    return dedupe(ctx, records, quarantine)


def same_pairs(crosswalk: pd.DataFrame) -> set[tuple[str, str]]:
    keys = crosswalk["source"].astype(str) + ":" + crosswalk["record_id"].astype(str)
    out = set()
    for members in keys.groupby(crosswalk["golden_id"].to_numpy()).apply(sorted):
        out.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="indep_fresh_10k", choices=DATASETS)
    parser.add_argument("--labels", type=int, nargs="+", default=[0, 50, 200])
    args = parser.parse_args()
    data = prepare(args.dataset)
    records, quarantine = load_all({c.name: c for c in canonical_csv_sources(data.inputs)})
    settings = load_settings(load_project(HERE.parent))
    truth = pd.read_csv(data.truth, dtype=str)
    entity_of = dict(zip(truth["source"] + ":" + truth["record_id"], truth["entity_id"]))
    first = None
    print(f"{args.dataset}: {len(records):,} records; a reviewer decides the first N suggestions as the truth says")
    print("| N decided | approved | pairwise P | R | F1 | queue | % of records | % true | merges beyond the decided |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.labels:
        started = time.perf_counter()
        decisions = simulated_decisions(first.suggestions, entity_of, n) if n and first is not None else None
        result = run(records, quarantine, settings, decisions)
        if first is None:
            first = result
        crosswalk = result.crosswalk
        score = evaluate(crosswalk, truth)
        queue = result.suggestions
        true = sum(entity_of.get(a) == entity_of.get(b) for a, b in zip(queue["a_contact_key"], queue["b_contact_key"]))
        decided = set() if decisions is None else set(zip(decisions["left_key"], decisions["right_key"]))
        changed = len((same_pairs(crosswalk) ^ same_pairs(first.crosswalk)) - decided) if n else 0
        approved = int((decisions["action"] == "approve").sum()) if decisions is not None else 0
        print(f"| {n} | {approved} | {score.precision:.4f} | {score.recall:.4f} | {score.f1:.4f} | {len(queue):,} | "
              f"{100 * len(queue) / max(len(records), 1):.2f} | {100 * true / max(len(queue), 1):.1f} | {changed:,} |"
              f"  ({time.perf_counter() - started:.0f} s)")
    print("merges beyond the decided: record pairs joined or parted, compared with N = 0, other than the decided "
          "pairs themselves (what the labels taught the model, and what the links pulled along).")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
