"""A Splink 5 (DuckDB) deduplication model over canonical contact CSVs: the
reference crm-steward is benchmarked against.

    .venv/bin/python benchmarks/splink_model.py --input a.csv --input b.csv --out DIR
        [--threshold 0.99] [--sweep 0.9 0.95 0.99]

Writes DIR/crosswalk.csv (source, record_id, golden_id = Splink cluster id) and
DIR/splink_model.json (the trained model). Needs the optional ``bench``
dependencies (``uv pip install -e '.[bench]'``).

The aim is a fair, competently tuned model, built the way Splink's own docs and
examples (febrl3 / febrl4 / deduplicate_50k_synthetic) build one, on exactly the
fields crm-steward matches on:

* Prep (Splink's usual feature cleaning, nothing of steward's normaliser):
  names, city and company lower-cased, accents folded to ASCII, whitespace
  collapsed; email trimmed and lower-cased; phone digits only, compared on its
  last 9 digits so "+44 7902 063635" and "07902 063635" agree (the usual
  trick for mixed national/international formats); postcode upper-cased without
  spaces; date of birth ISO YYYY-MM-DD. Empty strings are NULL.
* Blocking (OR-ed, like steward's rules): email; phone; first+last name;
  last name+dob; first name+dob; last name+postcode; plus, as Splink's FEBRL
  examples do, dob alone and postcode+first initial (cheap; they stand in for
  the typo-tolerant keys steward blocks on: the six rules alone let at most
  73% of FEBRL 3's true pairs be compared, with the two added 96%).
* Comparisons: NameComparison (Jaro-Winkler 0.92/0.88/0.7) with term-frequency
  adjustment for first and last name; email exact match with TF (see below);
  DateOfBirthComparison
  (exact, Levenshtein 1, within 1 month / 1 year / 10 years); ExactMatch
  postcode with TF; Jaro-Winkler 0.9 city with TF; ExactMatch phone;
  Jaro-Winkler 0.9/0.7 company. A comparison (and its blocking rules) is left
  out when its column is empty in every input (FEBRL has no email/phone/company).
  Address lines are not compared: steward does not compare them either.
* Email: Splink's EmailComparison adds exact-username and Jaro-Winkler
  levels. In contact data the username is built from the person's name
  (jean.dubois@... vs dubois.jean90@...), so those levels count the name
  evidence a second time (a conditional-independence violation): with them,
  demo_10k clustered at 0.99 had pairwise P 0.69 / F1 0.81 as same-name
  strangers chained together; exact-only gives P 0.97 / F1 0.97. The
  "username" variant (exact + exact username) scored in between (F1 0.94).
  This is the one choice that was made looking at a ground truth (demo_10k);
  FEBRL has no email and is unaffected. ``EMAIL_MODE`` switches it back.
* Training: prior from deterministic rules (first+last+dob, email+first,
  phone+first; assumed recall 0.6); u by random sampling (5e6 pairs, seed 42);
  m by EM over first+last, dob, and email (postcode when there is no email),
  each run without TF as the docs' examples do.
* Predict (scores >= the lowest clustering threshold), then connected
  components at ``--threshold``. The default, 0.99, was picked once from
  {0.9, 0.95, 0.99} as the best mean pairwise F1 over FEBRL 1-4 + demo_10k and
  is fixed for every data set (see benchmarks/accuracy.py's output notes).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import unicodedata
from pathlib import Path

import pandas as pd

DEFAULT_THRESHOLD = 0.99
U_MAX_PAIRS = 5e6
SEED = 42
PRIOR_RECALL = 0.6
PHONE_DIGITS = 9
COLUMNS = ["first_name", "last_name", "email", "phone", "date_of_birth", "postcode", "city", "company"]


# --------------------------------------------------------------------------------------
# Prep
# --------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _clean_text(s: pd.Series, fold: bool = True) -> pd.Series:
    s = s.fillna("").astype(str).str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    if fold:
        s = s.map(_fold)
    return s


def prepare(frames: list[pd.DataFrame]) -> pd.DataFrame:
    raw = pd.concat(frames, ignore_index=True)
    for col in COLUMNS + ["record_id", "source"]:
        if col not in raw.columns:
            raw[col] = ""
    out = pd.DataFrame({"unique_id": raw["source"].astype(str) + ":" + raw["record_id"].astype(str)})
    out["source"] = raw["source"].astype(str)
    out["record_id"] = raw["record_id"].astype(str)
    for col in ("first_name", "last_name", "city", "company"):
        out[col] = _clean_text(raw[col])
    out["email"] = _clean_text(raw["email"], fold=False)
    digits = raw["phone"].fillna("").astype(str).str.replace(r"\D", "", regex=True)
    out["phone"] = digits.where(digits.str.len() >= 7, "").str[-PHONE_DIGITS:]
    out["postcode"] = raw["postcode"].fillna("").astype(str).str.upper().str.replace(r"\s+", "", regex=True)
    dob = pd.to_datetime(raw["date_of_birth"].fillna("").astype(str).str.strip().str[:10], format="%Y-%m-%d",
                         errors="coerce")
    out["date_of_birth"] = dob.dt.strftime("%Y-%m-%d").fillna("")
    out = out.replace("", None)
    # Splink needs a unique id: rows without a record_id cannot be linked back and are
    # dropped; of a repeated (source, record_id) the first row is kept.
    unusable = out["record_id"].isna() | out["unique_id"].duplicated()
    if unusable.any():
        print(f"dropped {int(unusable.sum())} row(s) without a record_id or with a repeated one", flush=True)
    return out[~unusable].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------


# "exact": null / exact address (with TF) / else. "username" adds an exact-username
# level; "default" is cl.EmailComparison (adds Jaro-Winkler levels on address and
# username). See the module docstring for why "exact" is the one used.
EMAIL_MODE = "exact"


def _email_comparison():
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import ColumnExpression

    if EMAIL_MODE == "default":
        return cl.EmailComparison("email")
    levels = [cll.NullLevel("email"), cll.ExactMatchLevel("email", term_frequency_adjustments=True)]
    if EMAIL_MODE == "username":
        user = ColumnExpression("email").regex_extract("^[^@]+")
        levels.append(cll.ExactMatchLevel(user).configure(label_for_charts="Exact match on username"))
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(levels, output_column_name="email")


def build_settings(df: pd.DataFrame):
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    has = {c: bool(df[c].notna().any()) for c in COLUMNS}

    comparisons = []
    if has["first_name"]:
        comparisons.append(cl.NameComparison("first_name").configure(term_frequency_adjustments=True))
    if has["last_name"]:
        comparisons.append(cl.NameComparison("last_name").configure(term_frequency_adjustments=True))
    if has["email"]:
        comparisons.append(_email_comparison())
    if has["date_of_birth"]:
        comparisons.append(cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y-%m-%d"))
    if has["postcode"]:
        comparisons.append(cl.ExactMatch("postcode").configure(term_frequency_adjustments=True))
    if has["city"]:
        comparisons.append(cl.JaroWinklerAtThresholds("city", [0.9]).configure(term_frequency_adjustments=True))
    if has["phone"]:
        comparisons.append(cl.ExactMatch("phone"))
    if has["company"]:
        comparisons.append(cl.JaroWinklerAtThresholds("company", [0.9, 0.7]))

    def rules(*specs):
        return [block_on(*cols) for cols in specs if all(has[c] for c in cols)]

    blocking = rules(("email",), ("phone",), ("first_name", "last_name"), ("last_name", "date_of_birth"),
                     ("first_name", "date_of_birth"), ("last_name", "postcode"))
    # Splink's own FEBRL examples also block on date of birth and postcode; both are
    # cheap here (dob alone, postcode + first initial) and make up for exact-match keys.
    blocking += rules(("date_of_birth",))
    if has["postcode"] and has["first_name"]:
        blocking.append(block_on("postcode", "substr(first_name, 1, 1)"))
    deterministic = rules(("first_name", "last_name", "date_of_birth"), ("email", "first_name"),
                          ("phone", "first_name"))
    em = rules(("first_name", "last_name"), ("date_of_birth",))
    em += rules(("email",)) if has["email"] else rules(("postcode",))

    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    return settings, deterministic, em


def run(df: pd.DataFrame, thresholds: list[float], log=print):
    """Train, predict and cluster: ({threshold: crosswalk}, trained linker)."""
    from splink import DuckDBAPI, Linker

    settings, deterministic, em_rules = build_settings(df)
    db_api = DuckDBAPI()
    sdf = db_api.register(df, dataset_display_name="contacts")
    linker = Linker(sdf, settings, log_level=logging.WARNING)

    t = time.perf_counter()
    if deterministic:
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=PRIOR_RECALL)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)
    log(f"trained in {time.perf_counter() - t:.1f}s")

    t = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=min(thresholds), warning_mode="never")
    log(f"predicted in {time.perf_counter() - t:.1f}s")

    out = {}
    lookup = df.set_index("unique_id")[["source", "record_id"]]
    for threshold in thresholds:
        t = time.perf_counter()
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        ).as_pandas_dataframe()
        cw = lookup.join(clusters.set_index("unique_id")["cluster_id"], how="left")
        # every record is a node, but keep singletons explicit in case one is missing
        cw["cluster_id"] = cw["cluster_id"].fillna(pd.Series(cw.index, index=cw.index))
        out[threshold] = cw.reset_index(drop=True).rename(columns={"cluster_id": "golden_id"})
        log(f"clustered at {threshold} in {time.perf_counter() - t:.1f}s: "
            f"{out[threshold]['golden_id'].nunique():,} clusters from {len(cw):,} records")
    return out, linker


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", "-i", action="append", required=True, type=Path,
                        help="canonical CSV (repeat for several); the 'source' column names the source")
    parser.add_argument("--out", "-o", required=True, type=Path)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                        help=f"match probability at which records are clustered (default {DEFAULT_THRESHOLD})")
    parser.add_argument("--sweep", type=float, nargs="*", default=[],
                        help="also write crosswalk-<t>.csv for each of these thresholds (tuning only)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    frames = []
    for path in args.input:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        # as steward dedupe does: a 'source' column wins, else the file name
        default = "".join(ch if ch.isalnum() else "_" for ch in path.stem)
        if "source" not in frame.columns:
            frame["source"] = default
        frame["source"] = frame["source"].where(frame["source"] != "", default)
        frames.append(frame)
    df = prepare(frames)
    print(f"{len(df):,} records prepared in {time.perf_counter() - started:.1f}s", flush=True)

    thresholds = sorted({args.threshold, *args.sweep})
    results, linker = run(df, thresholds, log=lambda m: print(m, flush=True))
    args.out.mkdir(parents=True, exist_ok=True)
    results[args.threshold].to_csv(args.out / "crosswalk.csv", index=False)
    for t in args.sweep:
        results[t].to_csv(args.out / f"crosswalk-{t}.csv", index=False)
    linker.misc.save_model_to_json(str(args.out / "splink_model.json"), overwrite=True)
    print(f"wrote {args.out}/crosswalk.csv in {time.perf_counter() - started:.1f}s total", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
