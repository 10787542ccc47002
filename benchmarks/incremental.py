"""Benchmark: a nightly incremental run against a large existing golden table.

    .venv/bin/python benchmarks/incremental.py                      # 515k people ~ 1M records
    .venv/bin/python benchmarks/incremental.py --entities 20000 --changes 2000

1. Demo records (``normalise_1m.cached_records``: generated once, cached) minus a
   held-out part are the sources of the *existing* CRM. A full run over them
   builds the golden records and the snapshot (``steward.incremental.snapshot``); it is
   timed ("full rebuild, existing data").
2. The nightly export: the same records with ``--changes`` of them new or changed
   (60 % held-out records arriving: new people and new duplicates of known ones;
   40 % existing records edited — e-mail, phone, surname or street, ``updated_at``
   moved) and 0.5 % of the changes' count removed.
3. The incremental run on it, from the snapshot on disk: timed end to end
   (loading the snapshot, matching, merging, writing the next snapshot).
4. A full rebuild on the same nightly export (``--no-full`` skips it and sets the
   incremental run against step 1's full run instead): timed, and its clusters and
   golden records compared with the incremental run's.

Printed: records, golden records, changes, the incremental and full times per
stage, the ratio, peak RSS, and whether both runs agree.
"""

from __future__ import annotations

import argparse
import cProfile
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from normalise_1m import cached_records  # noqa: E402
from steward.config import load_project  # noqa: E402
from steward.incremental.snapshot import SNAPSHOT_FORMAT, MatchSnapshot  # noqa: E402
from steward.config.settings import Settings  # noqa: E402
from steward.run import RunContext, Stewardship, dedupe  # noqa: E402
from steward.sources.load import empty_quarantine  # noqa: E402


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def nightly_export(records: pd.DataFrame, changes: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(existing sources, tonight's export with ``changes`` new or changed records)."""
    rng = np.random.default_rng(seed)
    arriving = int(changes * 0.6)
    order = rng.permutation(len(records))
    held = records.iloc[np.sort(order[:arriving])]
    existing = records.iloc[np.sort(order[arriving:])].reset_index(drop=True)
    tonight = existing.copy()
    edited = rng.choice(len(tonight), changes - arriving, replace=False)
    quarter = np.array_split(edited, 4)
    donors = rng.choice(len(tonight), len(quarter[0]), replace=False)
    tonight.loc[quarter[0], "email"] = tonight.loc[donors, "email"].to_numpy()  # an address that is someone else's
    tonight.loc[quarter[1], "phone"] = "+44 20 7946 " + pd.Series(rng.integers(1000, 9999, len(quarter[1]))).astype(str).to_numpy()
    tonight.loc[quarter[2], "last_name"] = tonight.loc[quarter[2], "last_name"].fillna("").astype(str) + "e"
    tonight.loc[quarter[3], "address_line1"] = "1 New Street"
    tonight.loc[edited, "updated_at"] = "2026-11-25T01:00:00"
    removed = rng.choice(np.setdiff1d(np.arange(len(tonight)), edited), max(1, changes // 200), replace=False)
    tonight = pd.concat([tonight.drop(index=removed), held], ignore_index=True)
    return existing, tonight


def as_text(golden: pd.DataFrame) -> pd.DataFrame:
    """Golden records in id order with every value as text (None and NaN both "")."""
    frame = golden.sort_values("golden_id").reset_index(drop=True).astype(object)
    return frame.where(frame.notna(), "").astype(str)


def partition(crosswalk: pd.DataFrame) -> set[tuple[str, ...]]:
    keys = crosswalk["source"].astype(str) + ":" + crosswalk["record_id"].astype(str)
    return {tuple(sorted(group)) for group in keys.groupby(crosswalk["golden_id"]).agg(list)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=515_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--changes", type=int, default=10_000)
    ap.add_argument("--profile", type=Path, help="write a cProfile of the incremental run here")
    ap.add_argument("--cache-dir", type=Path, default=ROOT / "benchmarks" / ".cache" / "normalise_1m")
    ap.add_argument("--no-full", action="store_true", help="skip the full rebuild on tonight's export")
    ap.add_argument("--keep-existing", action="store_true",
                    help="keep step 1's snapshot and state in the cache dir and start from them when they are there "
                         "(the full run on the existing data is then not timed again)")
    args = ap.parse_args(argv)

    project = load_project(ROOT)
    matching, survivorship = project.matching(), project.survivorship()
    options = project.normalise_options()
    records = cached_records(args.entities, args.seed, args.cache_dir)
    existing, tonight = nightly_export(records, args.changes, args.seed)
    del records
    work = Path(tempfile.mkdtemp(prefix="steward-incremental-"))
    snapshot_dir = work / "snapshot"

    settings = Settings.of(matching, survivorship, options, consent=project.consent())

    def run(records, snapshot, previous=None, registry=None, day="2026-11-24"):
        """(result, next snapshot) of a run starting from ``snapshot`` (None: a full run)."""
        stewardship = Stewardship(previous_crosswalk=previous, id_registry=registry, run_at=f"{day}T02:00:00Z")
        result = dedupe(RunContext(settings=settings, stewardship=stewardship, snapshot=snapshot, keep_snapshot=True),
                        records, empty_quarantine())
        return result, result.next_snapshot

    print(f"existing sources: {len(existing):,} records; tonight: {len(tonight):,} records")
    kept = args.cache_dir / f"existing_e{args.entities}_s{args.seed}_c{args.changes}_f{SNAPSHOT_FORMAT}"
    full_existing_s = None
    if args.keep_existing and (kept / "state.pkl").is_file():
        shutil.copytree(kept / "snapshot", snapshot_dir)
        previous, registry, full_existing_s = pd.read_pickle(kept / "state.pkl")
        print(f"existing state from {kept} (full run then: {full_existing_s:,.1f} s)")
        del existing  # (a nightly process does not hold yesterday's export)
    else:
        started = time.perf_counter()
        first, snapshot = run(existing, None)
        full_existing_s = time.perf_counter() - started
        snapshot.save(snapshot_dir)
        print(f"full run, existing data: {full_existing_s:,.1f} s -> {len(first.golden):,} golden records "
              f"({first.timings}); snapshot {sum(f.stat().st_size for f in snapshot_dir.iterdir()) / 1e6:,.0f} MB")
        previous, registry = first.crosswalk, first.id_registry
        del first, snapshot
        if args.keep_existing:
            shutil.rmtree(kept, ignore_errors=True)
            shutil.copytree(snapshot_dir, kept / "snapshot")
            pd.to_pickle((previous, registry, full_existing_s), kept / "state.pkl")

    started = time.perf_counter()
    stage = {}
    t = time.perf_counter()
    snapshot = MatchSnapshot.load(snapshot_dir)
    stage["load snapshot"] = time.perf_counter() - t
    t = time.perf_counter()
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    night, next_snapshot = run(tonight, snapshot, previous, registry, "2026-11-25")
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    stage["match + merge"] = time.perf_counter() - t
    t = time.perf_counter()
    next_snapshot.save(snapshot_dir)
    stage["save snapshot"] = time.perf_counter() - t
    incremental_s = time.perf_counter() - started
    del snapshot, next_snapshot
    # The run hands golden records, crosswalk and lineage on as Arrow (the next snapshot writes them
    # as they are); a consumer reading them as pandas converts them then. Timed apart, not hidden.
    t = time.perf_counter()
    frames = {name: len(getattr(night, name)) for name in ("golden", "crosswalk", "lineage", "suggestions")}
    convert_s = time.perf_counter() - t
    print(f"\nincremental run ({night.mode}): {incremental_s:,.1f} s")
    for name, seconds in {**stage, **{f"  {k}": v for k, v in night.timings.items()}}.items():
        print(f"  {name:<22} {seconds:8.1f} s")
    print(f"  changes: {night.change_counts}")
    print(f"  golden ids written: {len(night.touched_ids):,} of {len(night.golden):,}")
    print(f"  (then, outside the run: golden records, crosswalk, lineage and review queue read as pandas "
          f"({', '.join(f'{n:,}' for n in frames.values())} rows) in {convert_s:,.1f} s)")

    if not args.no_full:
        started = time.perf_counter()
        full = run(tonight, None, previous, registry, "2026-11-25")[0]
        full_s = time.perf_counter() - started
        same_clusters = partition(night.crosswalk) == partition(full.crosswalk)
        same_golden = as_text(night.golden).equals(as_text(full.golden))
        print(f"\nfull rebuild, tonight's data: {full_s:,.1f} s ({full.timings})")
        print(f"incremental / full: {incremental_s / full_s:.3f} ({full_s / incremental_s:.1f}x faster)")
        print(f"same clusters: {same_clusters}; same golden records: {same_golden}"
              f"{'' if full.model.fitted.get('guard', {}).get('accepted') is not True else ' (the full run re-estimated the model)'}")
    else:
        print(f"\nfull run on the existing data (the nightly's full rebuild would be this size): {full_existing_s:,.1f} s")
        print(f"incremental / full: {incremental_s / full_existing_s:.3f} ({full_existing_s / incremental_s:.1f}x faster)")
    print(f"peak RSS: {peak_rss_gb():.1f} GB")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
