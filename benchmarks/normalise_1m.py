"""Benchmark: normalise ~1,000,000 demo records end to end.

    .venv/bin/python benchmarks/normalise_1m.py                 # 515k entities ~ 1M records
    .venv/bin/python benchmarks/normalise_1m.py --entities 20000 --seed 7
    .venv/bin/python benchmarks/normalise_1m.py --workers 1     # no worker processes
    .venv/bin/python benchmarks/normalise_1m.py --profile       # + cProfile of normalise_contacts (in-process)

The demo exports for (entities, seed) are generated once and the loaded
canonical records are pickled next to them, so later runs start in seconds.
The cache lives in ``--cache-dir`` (default ``benchmarks/.cache/normalise_1m``,
git-ignored); delete it to regenerate. ``steward.demo`` cannot generate more
than ~160k entities in one go (see SHARD_ENTITIES), so large data sets are
built from shards of at most 100k entities with seeds ``seed*100 + i``, generated two
at a time (~80 s for 515k entities on 2 cores).

Printed: record count, wall time of ``steward.normalise.stage.normalise_contacts``,
records/s, distinct values per input field, and a per-normaliser breakdown
(each normaliser called alone, the way normalise_contacts calls it; the rest
of normalise_contacts -- shared/household identifiers, key assembly -- is
the difference between the end-to-end figure and the sum of the parts).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pickle
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from steward.config import find_project_dir  # noqa: E402
from steward.demo import demo_sources, generate_demo_data  # noqa: E402
from steward.normalise.company import company_key  # noqa: E402
from steward.normalise.country import country_from_text, normalise_countries  # noqa: E402
from steward.normalise.email import email_syntax_validator, normalise_emails  # noqa: E402
from steward.normalise.email_domains import domain_facts, typo_suggestion  # noqa: E402
from steward.normalise.names import german_folded, name_key  # noqa: E402
from steward.normalise.nicknames import NICKNAMES_FILE, nickname_key  # noqa: E402
from steward.normalise.phone import clear_number_facts, normalise_phones  # noqa: E402
from steward.normalise.postcode import postcode_key  # noqa: E402
from steward.normalise.stage import normalise_contacts  # noqa: E402
from steward.normalise.workers import worker_count  # noqa: E402
from steward.run import load_all  # noqa: E402

BUDGET_SECONDS = 60.0
INPUT_FIELDS = ["email", "phone", "country", "first_name", "last_name", "company", "postcode", "city"]


# steward.demo.generate_demo_data never returns for large single runs (its
# unique-address loop runs out of suffixes somewhere above ~160k entities), so
# big data sets are built from shards of at most SHARD_ENTITIES people, each
# with its own seed; record ids get a shard prefix to stay unique.
SHARD_ENTITIES = 100_000
SHARD_TIMEOUT_SECONDS = 900


def _shard_plan(entities: int, seed: int) -> list[tuple[int, int]]:
    shards = max(1, -(-entities // SHARD_ENTITIES))
    base, extra = divmod(entities, shards)
    sizes = [base + (1 if i < extra else 0) for i in range(shards)]
    return [(size, seed * 100 + i) for i, size in enumerate(sizes)] if shards > 1 else [(entities, seed)]


def _build_shard(entities: int, seed: int, shard_dir: str) -> pd.DataFrame:
    """Generate (once) and load one shard of demo exports."""
    out = Path(shard_dir)
    marker = out / ".complete"
    if not marker.is_file():
        t = time.perf_counter()
        generate_demo_data(out, entities=entities, seed=seed)
        marker.touch()
        print(f"  generated {entities} entities (seed {seed}) in {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    records, quarantine = load_all(demo_sources(out))
    print(f"  loaded {len(records)} records ({len(quarantine)} quarantined) from {out.name} "
          f"in {time.perf_counter() - t:.1f} s", flush=True)
    return records


def cached_records(entities: int, seed: int, cache_dir: Path, workers: int = 2) -> pd.DataFrame:
    """Canonical records of the demo exports for (entities, seed), generated and loaded once."""
    from concurrent.futures import ProcessPoolExecutor

    data_dir = cache_dir / f"demo_e{entities}_s{seed}"
    pickled = data_dir / "records.pkl"
    if pickled.is_file():
        with open(pickled, "rb") as fh:
            return pickle.load(fh)
    plan = _shard_plan(entities, seed)
    print(f"building demo data: {entities} entities in {len(plan)} shard(s), seed {seed} -> {data_dir}", flush=True)
    t = time.perf_counter()
    dirs = [str(data_dir / f"shard{i}") for i in range(len(plan))]
    if len(plan) == 1:
        parts = [_build_shard(plan[0][0], plan[0][1], dirs[0])]
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(plan))) as pool:
            futures = [pool.submit(_build_shard, n, s, d) for (n, s), d in zip(plan, dirs)]
            parts = [f.result(timeout=SHARD_TIMEOUT_SECONDS) for f in futures]
        for i, part in enumerate(parts):
            part["record_id"] = f"s{i}-" + part["record_id"].astype(str)
    records = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    print(f"  {len(records)} records ready in {time.perf_counter() - t:.1f} s", flush=True)
    tmp = pickled.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(records, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, pickled)
    return records


def _timed(label: str, fn, results: list) -> object:
    t = time.perf_counter()
    out = fn()
    results.append((label, time.perf_counter() - t))
    return out


def clear_value_caches() -> None:
    """Forget the per-value caches the field normalisers keep between calls (so a
    normaliser timed alone is not helped by the end-to-end run before it).
    Loaded reference tables (pycountry, phone metadata, nicknames) stay."""
    for cached in (typo_suggestion, domain_facts, country_from_text):
        cached.cache_clear()
    clear_number_facts()
    domains = getattr(email_syntax_validator(), "domains", None)  # the fast validator's per-domain cache
    if isinstance(domains, dict):
        domains.clear()


def breakdown(records: pd.DataFrame, nickname_file: Path) -> list[tuple[str, float]]:
    """Each normaliser called alone on the columns normalise_contacts gives it,
    with the per-value caches emptied first."""
    clear_value_caches()
    out = records.reset_index(drop=True)
    res: list[tuple[str, float]] = []
    country = _timed("normalise_countries(country)", lambda: normalise_countries(out["country"]), res)
    region = country.where(country.notna(), out.get("source_default_country"))
    _timed("normalise_emails(email)", lambda: normalise_emails(out["email"]), res)
    _timed("normalise_phones(phone, region)", lambda: normalise_phones(out["phone"], region, None), res)
    first_key = _timed("name_key(first_name)", lambda: name_key(out["first_name"]), res)
    _timed("name_key(last_name)", lambda: name_key(out["last_name"]), res)
    _timed("german_folded(last_name)", lambda: german_folded(out["last_name"]), res)
    _timed("german_folded(first_name)", lambda: german_folded(out["first_name"]), res)
    _timed("nickname_key(first_name_key)", lambda: nickname_key(first_key, nickname_file), res)
    _timed("company_key(company)", lambda: company_key(out["company"]), res)
    _timed("postcode_key(postcode, country_code)", lambda: postcode_key(out["postcode"], country), res)
    _timed("name_key(city)", lambda: name_key(out["city"]), res)
    return res


def contacts_breakdown(contacts: pd.DataFrame) -> list[tuple[str, float]]:
    """The cross-record step of normalise_contacts (how many people hold each e-mail, phone and
    street address: steward.normalise.holders), timed on its own output."""
    from steward.normalise.holders import people_holding

    c = contacts
    res: list[tuple[str, float]] = []
    names = (c["first_name_folded"], c["given_name_canonical"], c["last_name_folded"], c["dob"])
    for column in ("phone_e164", "email_key", "address_key"):
        _timed(f"people_holding({column})", lambda column=column: people_holding(c[column], *names), res)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entities", type=int, default=515_000, help="people in the demo data (515000 ~ 1M records)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--cache-dir", type=Path, default=Path(__file__).resolve().parent / ".cache" / "normalise_1m")
    ap.add_argument("--workers", type=int, default=None,
                    help="worker processes for emails/phones (sets STEWARD_NORMALISE_WORKERS; 1 = in-process)")
    ap.add_argument("--profile", action="store_true", help="also cProfile normalise_contacts, in-process (slower)")
    ap.add_argument("--no-breakdown", action="store_true", help="skip the per-normaliser breakdown")
    args = ap.parse_args(argv)

    if args.workers is not None:
        os.environ["STEWARD_NORMALISE_WORKERS"] = str(args.workers)
    workers = worker_count()
    # the project's nickname groups, as a run of the project would use them
    nickname_file = find_project_dir() / NICKNAMES_FILE

    records = cached_records(args.entities, args.seed, args.cache_dir)
    n = len(records)
    print(f"\nrecords: {n}")
    print("distinct values per field:")
    for col in INPUT_FIELDS:
        if col in records.columns:
            print(f"  {col:<12} {records[col].nunique(dropna=True):>9}")

    t = time.perf_counter()
    contacts = normalise_contacts(records, nickname_file=nickname_file)
    secs = time.perf_counter() - t
    assert len(contacts) == n
    verdict = "OK" if secs <= BUDGET_SECONDS else "OVER BUDGET"
    print(f"\nnormalise_contacts: {secs:.1f} s  ({n / secs:,.0f} records/s)  "
          f"budget {BUDGET_SECONDS:.0f} s for 1M: {verdict}  [{os.cpu_count()} CPUs, {workers} workers]")

    if not args.no_breakdown:
        parts = breakdown(records, nickname_file)
        total = sum(s for _, s in parts)
        print("\nper-normaliser breakdown (each called alone):")
        for label, s in parts:
            print(f"  {label:<40} {s:7.2f} s  {100 * s / secs:5.1f} %")
        print(f"  {'sum of normalisers':<40} {total:7.2f} s  {100 * total / secs:5.1f} %")
        rest = max(secs - total, 0.0)
        print(f"  {'rest of normalise_contacts (approx.)':<40} {rest:7.2f} s  {100 * rest / secs:5.1f} %")
        shared = contacts_breakdown(contacts)
        if shared:
            print("  of which, in steward/normalise/stage.py:")
            for label, s in shared:
                print(f"    {label:<38} {s:7.2f} s  {100 * s / secs:5.1f} %")

    if args.profile:
        # in-process: a profile of the parent would only show it waiting for workers
        os.environ["STEWARD_NORMALISE_WORKERS"] = "1"
        prof = cProfile.Profile()
        prof.enable()
        normalise_contacts(records, nickname_file=nickname_file)
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(40)
        print("\ncProfile of normalise_contacts (cumulative, top 40):")
        print(buf.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
