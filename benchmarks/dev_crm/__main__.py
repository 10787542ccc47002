"""python -m benchmarks.dev_crm OUT_DIR --people N --seed S"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from . import generate


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dev_crm",
                                     description="Write the development CRM data set (tune on it; check on "
                                                 "benchmarks/independent_crm).")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate(args.out_dir, people=args.people, seed=args.seed)
    summary = json.loads((args.out_dir / "meta" / "summary.json").read_text())
    print(f"{summary['records']:,} records for {args.people:,} people in {time.perf_counter() - started:.1f}s "
          f"-> {args.out_dir}")
    print("  " + ", ".join(f"{k}: {v:,}" for k, v in summary["records_per_source"].items()))


if __name__ == "__main__":
    main()
