"""List a run's false merges and missed pairs with the matcher's evidence, for *development*
data only (demo, FEBRL): never run it on the independent sets (issue 16: check on them, never
tune on them).

    .venv/bin/python benchmarks/errors.py benchmarks/.cache/runs/demo_10k/crm-steward \
        benchmarks/.cache/demo_10k/ground_truth.csv [--show 20]

Reads the run's crosswalk.csv and contacts.parquet (written by ``steward dedupe``), scores the
pairs it prints with the run's model.json, and prints, for a sample of wrongly merged and of
missed record pairs, the two records side by side and the strongest evidence.
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from steward.config.project import Project  # noqa: E402
from steward.config.settings import load_settings  # noqa: E402
from steward.match.model import MatchModel, explanation_text, predict_among  # noqa: E402

SHOW = ["first_name_key", "last_name_key", "email_match_key", "email_holders", "phone_match_key", "phone_holders",
        "dob", "city_key", "postcode_key", "address_match_key", "address_holders", "company_key"]


def _pairs_split(df: pd.DataFrame, together: str, apart: str) -> list[tuple[int, int]]:
    """Row pairs with the same ``together`` value and different ``apart`` values: with golden id /
    entity, the false merges; with entity / golden id, the missed pairs."""
    out = []
    for _, group in df.groupby(together):
        if group[apart].nunique() > 1:
            out += [(i, j) for i, j in combinations(group.index, 2) if group.at[i, apart] != group.at[j, apart]]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("run", type=Path)
    ap.add_argument("truth", type=Path)
    ap.add_argument("--show", type=int, default=15)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    if "indep" in str(a.run) or "indep" in str(a.truth):
        raise SystemExit("errors.py is for development data only: the independent sets are for checking")
    cw = pd.read_csv(a.run / "crosswalk.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(a.truth, dtype=str, keep_default_na=False)
    contacts = pd.read_parquet(a.run / "contacts.parquet")
    df = contacts.merge(cw, on=["source", "record_id"]).merge(truth, on=["source", "record_id"])
    df = df.reset_index(drop=True)
    model = MatchModel.from_config(load_settings(Project(ROOT)).matching)
    model = model.load_parameters(json.loads((a.run / "model.json").read_text()))
    rng = np.random.default_rng(a.seed)
    pairs = [(i, j, "FALSE MERGE") for i, j in _pairs_split(df, together="golden_id", apart="entity_id")]
    missed = [(i, j, "MISSED") for i, j in _pairs_split(df, together="entity_id", apart="golden_id")]
    print(f"false-merge pairs {len(pairs)}, missed pairs {len(missed)}")
    for label, group in (("FALSE MERGE", pairs), ("MISSED", missed)):
        if not group:
            continue
        pick = [group[i] for i in rng.choice(len(group), size=min(a.show, len(group)), replace=False)]
        p = pd.DataFrame({"left": [x[0] for x in pick], "right": [x[1] for x in pick]})
        scored = predict_among(df, p, model)
        for k, (i, j, _) in enumerate(pick):
            row = scored.iloc[k]
            print(f"\n== {label} p={row['match_probability']:.4f}")
            for side in (i, j):
                r = df.loc[side]
                print("   ", r["source"], "|", " | ".join(str(r.get(c, "")) for c in SHOW if c in df.columns))
            print("   ", explanation_text(row, model, top=6))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
