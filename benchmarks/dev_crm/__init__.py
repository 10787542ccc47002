"""Synthetic CRM exports for developing and tuning the matcher (see README.md in this folder).

    from benchmarks.dev_crm import generate, SOURCES
    generate(Path("out"), people=10_000, seed=7)

writes ``out/<source>.csv`` (canonical columns of ``steward.schema``), ``out/ground_truth.csv``
(source, record_id, entity_id), ``out/meta/errors.csv`` (source, record_id, error_class),
``out/meta/relations.csv`` (relation, entity_a, entity_b: the look-alike people who are *not* the same
person) and ``out/meta/summary.json``.

Development data: tune on it; check on benchmarks/independent_crm (never tune on that).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from steward.schema import CANONICAL_COLUMNS

from .people import build_people
from .population import LOCS, LocalePools
from .records import SOURCES, life_changes, skeleton
from .sources import build_source

__all__ = ["SOURCES", "generate"]

RELATION_CLASSES = ("twin", "father_son", "namesake", "household", "colleague_same_surname")
# fields two different people must never agree on all of (ids, timestamps and consent aside)
COMPARED = [c for c in CANONICAL_COLUMNS if c not in ("record_id", "source", "created_at", "updated_at",
                                                       "email_opt_in")]


def generate(target: Path, people: int, seed: int) -> None:
    """Write the development CRM data set for ``people`` persons into ``target``."""
    if people < 50:
        raise ValueError("people must be at least 50")
    target = Path(target)
    (target / "meta").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    pools = [LocalePools(code, seed * 31 + i) for i, code in enumerate(LOCS)]
    p = build_people(rng, pools, people)
    n = p.n
    p.nick_user = (p.nick != "") & (rng.random(n) < 0.35)
    r = skeleton(rng, p)
    life_changes(rng, pools, p, r)
    counts = pd.Series(p.landline[p.landline != ""]).value_counts()
    p.shared_landline = pd.Series(p.landline).isin(counts.index[counts > 1]).to_numpy() & (p.landline != "")
    p.rel_class = {cls: np.zeros(n, dtype=bool) for cls in RELATION_CLASSES}
    for cls, a, b in p.relations.itertuples(index=False):
        p.rel_class[cls][a] = p.rel_class[cls][b] = True
    entity = np.array([f"E{i:07d}" for i in rng.permutation(n) + 1], dtype=object)

    frames, labels = [], []
    for source in SOURCES:
        frame, pid, lab = build_source(rng, p, r, source)
        frame["_entity"] = entity[pid]
        frame["_row"] = np.arange(len(frame))
        frames.append(frame)
        for idx, cls in lab.items:
            labels.append(pd.DataFrame({"source": source, "_row": idx, "error_class": cls}))
    allrec = pd.concat(frames, ignore_index=True)

    # two different people must never be indistinguishable: drop the later look-alike record(s)
    key = allrec[COMPARED[0]]
    for col in COMPARED[1:]:
        key = key + "\x1f" + allrec[col]
    first_entity = allrec["_entity"].groupby(key).transform("first")
    allrec = allrec[allrec["_entity"] == first_entity].copy()

    # shuffle each source and give it its own kind of record id
    out_frames = []
    for source in SOURCES:
        part = allrec[allrec["source"] == source]
        part = part.iloc[rng.permutation(len(part))].reset_index(drop=True)
        part["record_id"] = _record_ids(rng, source, len(part), part["country"].to_numpy())
        out_frames.append(part)
    allrec = pd.concat(out_frames, ignore_index=True)
    for source, part in allrec.groupby("source", sort=False):
        part[CANONICAL_COLUMNS].to_csv(target / f"{source}.csv", index=False, lineterminator="\n")
    truth = allrec[["source", "record_id", "_entity"]].rename(columns={"_entity": "entity_id"})
    truth.to_csv(target / "ground_truth.csv", index=False, lineterminator="\n")
    lab = pd.concat(labels, ignore_index=True).merge(allrec[["source", "_row", "record_id"]], on=["source", "_row"])
    lab = lab[["source", "record_id", "error_class"]].drop_duplicates()
    lab.to_csv(target / "meta" / "errors.csv", index=False, lineterminator="\n")
    rel = pd.DataFrame({"relation": p.relations["relation"], "entity_a": entity[p.relations["a"].to_numpy()],
                        "entity_b": entity[p.relations["b"].to_numpy()]})
    rel.to_csv(target / "meta" / "relations.csv", index=False, lineterminator="\n")
    per_entity = truth.groupby("entity_id")["source"].nunique()
    summary = {
        "people": n, "seed": seed, "records": len(allrec),
        "records_per_source": {s: int((allrec["source"] == s).sum()) for s in SOURCES},
        "entities_with_records": len(per_entity),
        "share_in_one_source": round(float((per_entity == 1).mean()), 4),
        "records_per_error_class": {k: int(v) for k, v in lab["error_class"].value_counts().sort_index().items()},
        "people_per_error_class": {k: int(v) for k, v in lab.merge(truth, on=["source", "record_id"])
                                   .groupby("error_class")["entity_id"].nunique().sort_index().items()},
        "dropped_indistinguishable_records": int(len(key) - len(allrec)),
    }
    (target / "meta" / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")


def _record_ids(rng: np.random.Generator, source: str, n: int, country: np.ndarray) -> np.ndarray:
    if source == "sales_crm":  # HubSpot-like contact ids
        return (10_000_000 + np.cumsum(rng.integers(1, 60, n))).astype(str).astype(object)
    if source == "webshop":  # Shopify-like customer ids
        return (6_500_000_000_000 + np.cumsum(rng.integers(1, 5000, n))).astype(str).astype(object)
    if source == "helpdesk":
        return (360_000_000_000 + np.cumsum(rng.integers(1, 1000, n))).astype(str).astype(object)
    if source == "newsletter":  # Mailchimp-like unique ids
        ids = pd.Series([f"{x:010x}" for x in rng.integers(0, 16 ** 10, n)])
        while ids.duplicated().any():
            d = ids.duplicated().to_numpy()
            ids[d] = [f"{x:010x}" for x in rng.integers(0, 16 ** 10, d.sum())]
        return ids.to_numpy(dtype=object)
    if source == "billing":  # Stripe-like customer ids
        alphabet = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
        ids = pd.Series(["cus_" + "".join(row) for row in alphabet[rng.integers(0, 62, (n, 14))]])
        assert not ids.duplicated().any()
        return ids.to_numpy(dtype=object)
    # events: event code (by attendee country) + badge number
    from .data import EVENT_CODES, LOCALES
    iso3 = {v[1]: v[0] for v in LOCALES.values()}
    lists = [EVENT_CODES.get(iso3.get(c, "US"), EVENT_CODES["US"]) for c in country]
    codes = np.array([opts[k % len(opts)] for opts, k in zip(lists, rng.integers(0, 6, n))], dtype=object)
    nth = pd.Series(codes).groupby(codes).cumcount().to_numpy() + 1
    return np.array([f"{c}-{k:06d}" for c, k in zip(codes, nth)], dtype=object)
