"""Recall and false merges per error class on a data set whose generator labels its errors
(``meta/errors.csv``: source, record_id, error_class — benchmarks/independent_crm writes it).

    .venv/bin/python benchmarks/error_classes.py benchmarks/.cache/indep_10k \
        benchmarks/.cache/runs/indep_10k/crm-steward/crosswalk.csv

A *check*, not a tuning aid: it prints aggregate figures per class (which kinds of error the
matcher misses), never the records themselves. Issue 16: the independent sets are for checking.

For each class: the true pairs with at least one record carrying it and the share found
(recall), and the wrongly merged pairs with at least one record carrying it.
"""

from __future__ import annotations

import argparse
from itertools import combinations
from pathlib import Path

import pandas as pd


def pairs_of(groups: pd.Series) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for members in groups:
        if len(members) > 1:
            out.update(combinations(sorted(members), 2))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("crosswalk", type=Path)
    a = ap.parse_args(argv)
    truth = pd.read_csv(a.data / "ground_truth.csv", dtype=str, keep_default_na=False)
    errors = pd.read_csv(a.data / "meta" / "errors.csv", dtype=str, keep_default_na=False)
    cw = pd.read_csv(a.crosswalk, dtype=str, keep_default_na=False)
    key = lambda f: f["source"] + ":" + f["record_id"]  # noqa: E731
    truth["key"], errors["key"], cw["key"] = key(truth), key(errors), key(cw)
    true_pairs = pairs_of(truth.groupby("entity_id")["key"].agg(list))
    found = pairs_of(cw.groupby("golden_id")["key"].agg(list))
    hit, false = true_pairs & found, found - true_pairs
    classes = errors.groupby("key")["error_class"].agg(set).to_dict()
    rows = {}
    for label, pairs in (("true", true_pairs), ("hit", hit), ("false", false)):
        for x, y in pairs:
            for c in classes.get(x, set()) | classes.get(y, set()) or {"(none)"}:
                rows.setdefault(c, {"true": 0, "hit": 0, "false": 0})[label] += 1
    table = pd.DataFrame.from_dict(rows, orient="index").fillna(0).astype(int)
    table["recall"] = (table["hit"] / table["true"].clip(lower=1)).round(3)
    table["missed"] = table["true"] - table["hit"]
    table = table.sort_values("missed", ascending=False)
    print(f"true pairs {len(true_pairs):,}, found {len(found):,}, correct {len(hit):,}, false {len(false):,}")
    print(table[["true", "missed", "recall", "false"]].to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
