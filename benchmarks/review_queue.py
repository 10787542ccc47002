"""How much work a run's review queue is, and how much of it is worth a person's time.

``queue_figures(run_dir, truth)``: the number of suggestions in ``merge_suggestions.csv`` (one per
pair of golden records), that number as a share of the records, and the share of suggestions
whose two records are one person in the ground truth. Issue 16's target: at most 2 % of records,
at least 50 % true. Used by benchmarks/accuracy.py; also a script:

    .venv/bin/python benchmarks/review_queue.py RUN_DIR GROUND_TRUTH_CSV
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass
class QueueFigures:
    suggestions: int
    records: int
    true: int

    @property
    def share_of_records(self) -> float:
        return self.suggestions / max(self.records, 1)

    @property
    def share_true(self) -> float:
        return self.true / max(self.suggestions, 1)

    def line(self) -> str:
        return (f"{self.suggestions:,} suggestions = {100 * self.share_of_records:.2f} % of {self.records:,} records; "
                f"{100 * self.share_true:.1f} % true")


def queue_figures(run_dir: Path, truth: pd.DataFrame) -> QueueFigures | None:
    path = Path(run_dir) / "merge_suggestions.csv"
    if not path.is_file():
        return None
    queue = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=["a_contact_key", "b_contact_key"])
    entity = dict(zip(truth["source"] + ":" + truth["record_id"], truth["entity_id"]))
    true = sum(entity.get(a) is not None and entity.get(a) == entity.get(b)
               for a, b in zip(queue["a_contact_key"], queue["b_contact_key"]))
    return QueueFigures(len(queue), len(truth), int(true))


if __name__ == "__main__":
    figures = queue_figures(Path(sys.argv[1]), pd.read_csv(sys.argv[2], dtype=str, keep_default_na=False))
    print(figures.line() if figures else "no merge_suggestions.csv")
