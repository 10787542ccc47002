"""python -m benchmarks.independent_crm --out DIR [--people N] [--seed S]"""

from __future__ import annotations

import argparse
import json

from . import generate

parser = argparse.ArgumentParser(description="Independent CRM test data (issue 16): several sources + ground truth.")
parser.add_argument("--out", required=True, help="output directory")
parser.add_argument("--people", type=int, default=10_000)
parser.add_argument("--seed", type=int, default=16)
args = parser.parse_args()
summary = generate(args.out, people=args.people, seed=args.seed, echo=print)
print(json.dumps({k: summary[k] for k in ("records", "records_per_source", "singleton_share", "seconds")}, indent=1))
