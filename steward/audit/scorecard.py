"""The data-quality audit: how complete, valid, unique, consistent and fresh the
contact data is, source by source and field by field.

Input is the normalised contact list (``steward.normalise.stage.normalise_contacts``),
optionally the match clusters and the quarantine. Every figure is a count or a
share a steward can check by hand; the same definitions are written as comments
in ``rules/quality.yaml``.

Definitions
-----------
records
    rows of a source that reached the contact list. Quarantined rows (no id,
    repeated id, nothing identifying, malformed line) are counted in
    ``quarantined`` and not scored.
present ("filled")
    the source gave a non-blank value. A placeholder such as "n/a" is filled
    (and invalid). For ``email_opt_in``: consent is known ("yes"/"no"). For
    dates, a value the loader dropped as unparseable is filled (and invalid).
completeness
    present / records.
validity -- share of the present values that are usable (invalid values carry
an issue code shown in the top problems):
    email           ``email_norm`` exists (email-validator syntax check) and the
                    domain is not a known misspelling. Issue codes
                    ``invalid_syntax``, ``typo_domain``. ``role_account`` and
                    ``disposable_domain`` are listed as problems (dimension
                    "flag") but the address counts as valid.
    phone           ``phone_e164`` exists (phonenumbers: a valid number for the
                    record's country or its +prefix). Issue = the normaliser's
                    ``phone_issue`` (unparseable, invalid, possible_not_valid,
                    no_region).
    country         ``country_code`` resolved (``unresolved_country``).
    postcode        fits ``postcode_patterns[country]``; for other countries or
                    no country ``generic_postcode_pattern`` (``pattern_mismatch``;
                    ``leading_zero_lost`` when zero-padding would fix it, e.g. a
                    spreadsheet turned DE 01067 into 1067).
    date_of_birth   parsed with the source's format (``unparseable_date`` /
                    ``impossible_date``) and the age on the audit date is within
                    ``date_of_birth.min_age..max_age`` (``age_out_of_range``; age =
                    whole years of 365.2425 days).
    created_at, updated_at   parsed (``unparseable_date`` / ``impossible_date``).
    first_name, last_name    contains a letter (``no_letter``), no digits
                    (``contains_digits``), not a placeholder (``placeholder``),
                    no "?" or U+FFFD standing in for a letter (``encoding_damage``).
    city, company, address_line1, job_title, region   the same without the
                    digit rule (addresses have house numbers).
    email_opt_in    (no validity: the loader maps it to yes/no/unknown).
uniqueness
    record level (the ``record`` row and the source's uniqueness):
    1 - duplicates_within / records, where duplicates_within = records -
    distinct clusters among the source's records. Without clusters, records
    are grouped by exact normalised email (``email_key``) or phone
    (``phone_e164``), ignoring values the normaliser marked as shared
    (switchboards, household inboxes). email and phone fields: share of the
    present values (normalised where possible) that no other record of the same
    source holds (``duplicate_value``).
consistency
    phone: the number's region (phonenumbers, from the +prefix) equals
    ``country_code``, over records with both (``country_mismatch``).
    updated_at: created_at <= updated_at, over records with both parsed
    (``updated_before_created``). The postcode-versus-country check is the
    postcode's validity and is deliberately not counted a second time.
timeliness
    record level: the share of records whose updated_at (created_at when
    updated_at is missing or invalid) lies within ``timeliness.fresh_months``
    before the audit date (or after it, when auditing an earlier date);
    records with neither are stale (``stale``).
score
    field: weighted mean of its applicable dimensions (``dimension_weights``,
    re-normalised over those that apply) x 100. Source: ``field_weights``-
    weighted mean of its field scores. Overall (and the ``ALL`` row): mean of
    the source figures weighted by record counts. The source's completeness,
    validity and consistency are field-weighted means over the fields where
    they apply; its uniqueness and timeliness are the record-level figures.
not collected
    a field with no value at all in a source is not in that export. With
    ``ignore_uncollected_fields`` (default) it is shown with completeness 0,
    no score, and left out of the source's figures and the problem list.
duplicates
    duplicates_within (per source) = records - distinct clusters in the source;
    duplicates_across = records whose cluster also holds a record of another
    source; estimated_duplicates (overall) = records - clusters; golden_records
    = distinct clusters.
worst (overall["worst"], named in the report's summary)
    the (source, field, dimension) with the largest (1 - rate) x field weight x
    dimension weight: the cell that costs the most score.

All work is vectorised over records; per-value Python work runs once per
DISTINCT value (names, postcodes, dates) or once per phone number prefix.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

DIMENSIONS = ("completeness", "validity", "uniqueness", "consistency", "timeliness")
ALL = "ALL"
RECORD = "record"

DEFAULT_CONFIG: dict[str, Any] = {
    "dimension_weights": {"completeness": 0.25, "validity": 0.30, "uniqueness": 0.20, "consistency": 0.15,
                          "timeliness": 0.10},
    "field_weights": {
        "record": 3, "email": 3, "phone": 2, "first_name": 2, "last_name": 2, "country": 1, "postcode": 1,
        "city": 1, "address_line1": 1, "company": 1, "date_of_birth": 1, "email_opt_in": 1, "updated_at": 1,
        "created_at": 0.5, "job_title": 0.5, "region": 0.5,
    },
    "timeliness": {"fresh_months": 24},
    "date_of_birth": {"min_age": 0, "max_age": 120},
    "ignore_uncollected_fields": True,
    "top_problems": 20,
    "placeholders": ["test", "testing", "xxx", "xx", "x", "n/a", "na", "n.a.", "none", "null", "unknown",
                     "unbekannt", "inconnu", "asdf", "asdfg", "qwerty", "-", "--", ".", "?", "tbd", "tba", "dummy",
                     "sample", "foo", "bar", "abc", "no name", "noname"],
    "postcode_patterns": {
        "DE": r"\d{5}", "FR": r"\d{5}", "ES": r"\d{5}", "IT": r"\d{5}", "US": r"\d{5}(-\d{4})?",
        "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", "NL": r"\d{4} ?[A-Z]{2}", "PL": r"\d{2}-\d{3}",
        "BR": r"\d{5}-?\d{3}", "IN": r"\d{3} ?\d{3}", "ID": r"\d{5}",
    },
    "generic_postcode_pattern": r"[A-Z0-9]+([ -][A-Z0-9]+)*",
}

NAME_FIELDS = ("first_name", "last_name")
TEXT_FIELDS = ("city", "company", "address_line1", "job_title", "region")
DATE_FIELDS = ("date_of_birth", "created_at", "updated_at")
KNOWN_FIELDS = (RECORD, "email", "phone", "country", "postcode", "email_opt_in", *NAME_FIELDS, *TEXT_FIELDS,
                *DATE_FIELDS)

FIELD_COLUMNS = ["source", "field", "weight", "records", "collected", "present", "completeness", "valid", "validity",
                 "unique", "uniqueness", "consistency_checked", "consistent", "consistency", "fresh", "timeliness",
                 "score"]
SOURCE_COLUMNS = ["source", "records", "quarantined", "completeness", "validity", "uniqueness", "consistency",
                  "timeliness", "score", "duplicates_within", "duplicates_across"]
PROBLEM_COLUMNS = ["source", "field", "issue", "dimension", "count", "share", "weight", "example_record_ids"]
EXPECTATION_COLUMNS = ["source", "suite", "expectation", "column", "success", "unexpected_count",
                       "unexpected_percent"]
OVERALL_KEYS = ["score", "records", "quarantined", "sources", "golden_records", "estimated_duplicates",
                "duplicate_rate", "duplicates_across", *DIMENSIONS, "worst", "suppressed_records", "suppressed_people"]

_INT_FIELD_COLS = ["records", "present", "valid", "unique", "consistency_checked", "consistent", "fresh"]
_RATE_DIGITS = 4


# --------------------------------------------------------------------------
# configuration
# --------------------------------------------------------------------------


def _merge(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in (extra or {}).items():
        if key in ("field_weights", "postcode_patterns", "placeholders"):
            out[key] = copy.deepcopy(value)  # a list/table given in the file replaces the default
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def resolve_config(config: dict | None) -> dict:
    """The defaults overlaid with ``config`` (as read from rules/quality.yaml)."""
    cfg = _merge(DEFAULT_CONFIG, config or {})
    unknown = [f for f in cfg["field_weights"] if f not in KNOWN_FIELDS]
    if unknown:
        raise ValueError(f"quality config: field_weights has unknown field(s) {unknown}; known: {list(KNOWN_FIELDS)}")
    bad = [d for d in cfg["dimension_weights"] if d not in DIMENSIONS]
    if bad:
        raise ValueError(f"quality config: dimension_weights has unknown dimension(s) {bad}")
    return cfg


def load_quality_config(path) -> dict:
    """Read rules/quality.yaml (a missing file means the defaults)."""
    from steward.config import read_yaml

    p = Path(path)
    if p.is_dir():
        p = p / "quality.yaml" if (p / "quality.yaml").is_file() else p / "rules" / "quality.yaml"
    data = read_yaml(p) if p.is_file() else {}
    return resolve_config(data)


# --------------------------------------------------------------------------
# vectorised helpers (work once per distinct value)
# --------------------------------------------------------------------------


def _column(contacts: pd.DataFrame, name: str) -> pd.Series:
    if name in contacts.columns:
        col = contacts[name]
        return col if isinstance(col.index, pd.RangeIndex) and col.index.start == 0 and col.index.step == 1 else (
            col.reset_index(drop=True))
    return pd.Series([None] * len(contacts), dtype=object)


def _fill_missing_keys(keys: pd.Series, raw: pd.Series, present: np.ndarray, clean) -> pd.Series:
    """keys, with ``clean(raw)`` where the key is missing but a raw value is present."""
    need = keys.isna().to_numpy() & present
    if not need.any():
        return keys
    out = keys.astype(object).copy()
    sub = raw[need]
    codes, uniq = _distinct(sub)
    out[need] = _lift(codes, clean(_text(uniq)).to_numpy(dtype=object), None)
    return out


class _Cols:
    """Columns of the contact frame, each factorised once (codes, distinct values)."""

    def __init__(self, contacts: pd.DataFrame) -> None:
        self.contacts = contacts
        self._cache: dict[str, tuple[np.ndarray, pd.Series]] = {}

    def series(self, name: str) -> pd.Series:
        return _column(self.contacts, name)

    def distinct(self, name: str) -> tuple[np.ndarray, pd.Series]:
        if name not in self._cache:
            self._cache[name] = _distinct(self.series(name))
        return self._cache[name]

    def notna(self, name: str) -> np.ndarray:
        return self.distinct(name)[0] >= 0

    def present(self, name: str) -> np.ndarray:
        """Non-blank value given."""
        codes, uniq = self.distinct(name)
        return _lift(codes, (_text(uniq) != "").to_numpy(dtype=bool), False).astype(bool)


def _distinct(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype=object)


def _lift(codes: np.ndarray, values, fill) -> np.ndarray:
    """Per-distinct results -> per-record array (code -1, i.e. null, gets ``fill``)."""
    values = np.asarray(values)
    if values.dtype == object or isinstance(fill, str) or fill is None:
        ext = np.empty(len(values) + 1, dtype=object)
        ext[:-1] = values
    else:
        ext = np.empty(len(values) + 1, dtype=np.result_type(values.dtype, type(fill)))
        ext[:-1] = values
    ext[-1] = fill
    return ext[codes]


def _text(uniques: pd.Series) -> pd.Series:
    return uniques.map(lambda v: v if isinstance(v, str) else str(v)).astype(object).str.strip()


_LETTER = r"[^\W\d_]"
_DAMAGE = "[?\ufffd]"


def _text_issues(codes: np.ndarray, uniq: pd.Series, placeholders: frozenset, forbid_digits: bool) -> np.ndarray:
    """Issue code per record for a free-text value ('' = fine; None where blank)."""
    text = _text(uniq)
    issue = pd.Series("", index=text.index, dtype=object)
    issue[text.str.contains(_DAMAGE, regex=True)] = "encoding_damage"
    if forbid_digits:
        issue[text.str.contains(r"\d", regex=True)] = "contains_digits"
    issue[~text.str.contains(_LETTER, regex=True)] = "no_letter"
    issue[text.str.casefold().isin(placeholders)] = "placeholder"
    issue[text == ""] = None
    return _lift(codes, issue.to_numpy(dtype=object), None)


def _parse_timestamps(codes: np.ndarray, uniq: pd.Series) -> np.ndarray:
    """Canonical ISO dates/timestamps -> datetime64[ns] (NaT where missing/unparseable)."""
    if not len(uniq):
        return np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    parsed = pd.to_datetime(_text(uniq), format="ISO8601", errors="coerce", utc=True)
    values = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    return _lift(codes, values, np.datetime64("NaT")).astype("datetime64[ns]")


_DATE_ISSUE_RE = {f: re.compile(re.escape(f) + r":([a-z_]+)\(") for f in DATE_FIELDS}


def _date_issue_codes(codes: np.ndarray, uniq: pd.Series, column: str) -> np.ndarray:
    """The loader's issue code for ``column`` ('unparseable_date' ...), or None."""
    rx = _DATE_ISSUE_RE[column]
    found = [None if not isinstance(v, str) else (m.group(1) if (m := rx.search(v)) else None) for v in uniq]
    return _lift(codes, np.asarray(found, dtype=object), None)


def _calling_code_table() -> tuple[dict[str, str], set[str]]:
    import phonenumbers

    single: dict[str, str] = {}
    multi: set[str] = set()
    for cc, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
        regions = [r for r in regions if r != "001"]
        if len(regions) == 1:
            single[str(cc)] = regions[0]
        elif regions:
            multi.add(str(cc))
    return single, multi


def phone_regions(e164: pd.Series) -> np.ndarray:
    """Region (ISO-2) of each E.164 number, None where missing.

    Calling codes used by one region only (+49 -> DE) are resolved by prefix;
    for shared ones (+1, +44, +7 ...) phonenumbers.region_code_for_number runs
    once per calling code + leading national digits (the area code for +1,
    six digits elsewhere), which is where those regions are told apart.
    """
    return _phone_regions(*_distinct(e164))


def _phone_regions(codes: np.ndarray, uniq: pd.Series) -> np.ndarray:
    import phonenumbers

    if not len(uniq):
        return np.full(len(codes), None, dtype=object)
    text = _text(uniq)
    single, multi = _calling_code_table()
    cc = pd.Series(None, index=text.index, dtype=object)
    for length in (1, 2, 3):
        prefix = text.str[1 : 1 + length]
        hit = cc.isna() & text.str.startswith("+") & (prefix.isin(set(single)) | prefix.isin(multi))
        cc[hit] = prefix[hit]
    region = cc.map(single).astype(object)
    shared = cc.isin(multi).to_numpy()
    if shared.any():
        sub = text[shared]
        sub_cc = cc[shared]
        national = np.where(sub_cc == "1", 3, 6)
        keys = [t[: 1 + len(c) + n] for t, c, n in zip(sub.tolist(), sub_cc.tolist(), national.tolist())]
        key_series = pd.Series(keys, index=sub.index)
        reps = key_series.drop_duplicates()
        lookup = {}
        for idx, key in reps.items():
            try:
                lookup[key] = phonenumbers.region_code_for_number(phonenumbers.parse(text[idx], None))
            except Exception:
                lookup[key] = None
        region[shared] = key_series.map(lookup).to_numpy(dtype=object)
    region = region.where(region.notna(), None)
    return _lift(codes, region.to_numpy(dtype=object), None)


def _postcode_issues(postcodes: tuple[np.ndarray, pd.Series], countries: tuple[np.ndarray, pd.Series],
                     cfg: dict) -> np.ndarray:
    """Issue code per record: '' valid, 'pattern_mismatch' / 'leading_zero_lost', None where blank.

    Takes the factorised postcode and country columns; works once per distinct pair."""
    p_codes, p_uniq = postcodes
    c_codes, c_uniq = countries
    if not len(p_uniq):
        return np.full(len(p_codes), None, dtype=object)
    width = len(c_uniq) + 1  # country code + 1; 0 = no country
    filled = p_codes >= 0
    pair = p_codes[filled].astype(np.int64) * width + (c_codes[filled] + 1)
    sub_codes, pair_uniq = pd.factorize(pair)
    codes = np.full(len(p_codes), -1, dtype=np.int64)
    codes[filled] = sub_codes
    pair_uniq = np.asarray(pair_uniq, dtype=np.int64)
    c_ext = np.append(np.asarray(c_uniq, dtype=object), "")  # index -1 -> no country
    pairs = pd.DataFrame({
        "p": _text(p_uniq).to_numpy(dtype=object)[pair_uniq // width],
        "c": c_ext[(pair_uniq % width) - 1],
    })
    value = pairs["p"].astype(str).str.upper()
    ok = np.zeros(len(pairs), dtype=bool)
    lost_zero = np.zeros(len(pairs), dtype=bool)
    handled = np.zeros(len(pairs), dtype=bool)
    for country, pattern in cfg["postcode_patterns"].items():
        sel = (pairs["c"] == country).to_numpy()
        if sel.any():
            v = value[sel]
            ok[sel] = v.str.fullmatch(pattern).fillna(False).astype(bool).to_numpy()
            # numeric postcodes that lost their leading zeros in a spreadsheet (DE 1067 for 01067)
            digits = v.str.fullmatch(r"\d{1,9}").fillna(False).astype(bool)
            for pad in (4, 5, 6):
                padded = v.str.zfill(pad).str.fullmatch(pattern).fillna(False).astype(bool)
                lost_zero[sel] |= (digits & padded & (v.str.len() < pad)).to_numpy()
            handled |= sel
    other = ~handled
    if other.any():
        ok[other] = value[other].str.fullmatch(cfg["generic_postcode_pattern"]).fillna(False).astype(bool).to_numpy()
    issue = pd.Series("", index=pairs.index, dtype=object)
    issue[~ok] = "pattern_mismatch"
    issue[~ok & lost_zero] = "leading_zero_lost"
    issue[value == ""] = None
    return _lift(codes, issue.to_numpy(dtype=object), None)


def _exact_key_clusters(contacts: pd.DataFrame) -> np.ndarray:
    """Cluster labels from exact normalised email / phone (shared values ignored)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(contacts)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    rows, cols = [], []
    offset = n
    for key, shared in (("email_key", "email_shared"), ("phone_e164", "phone_shared")):
        values = _column(contacts, key)
        if shared in contacts.columns:
            values = values.where(~_column(contacts, shared).fillna(False).astype(bool))
        codes, uniq = pd.factorize(values, use_na_sentinel=True)
        has = codes >= 0
        rows.append(np.flatnonzero(has))
        cols.append(codes[has] + offset)
        offset += len(uniq)
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    graph = coo_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(offset, offset))
    _, labels = connected_components(graph, directed=False)
    return pd.factorize(labels[:n])[0].astype(np.int64)


# --------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------


def _scalar(v: Any) -> Any:
    """A JSON-safe Python scalar (NaN/NaT -> None)."""
    if v is None:
        return None
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(v, (pd.Timestamp, datetime, date)):
        return None if pd.isna(v) else v.isoformat()
    if isinstance(v, dict):
        return {str(k): _scalar(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_scalar(x) for x in v]
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v if isinstance(v, (str, int)) else str(v)


def _frame_records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    cols = [c for c in columns if c in frame.columns] + [c for c in frame.columns if c not in columns]
    return [{c: _scalar(v) for c, v in zip(cols, row)} for row in frame[cols].itertuples(index=False, name=None)]


def _records_frame(rows: list[dict], columns: list[str], ints=(), floats=(), bools=()) -> pd.DataFrame:
    extra = [c for r in rows for c in r if c not in columns]
    cols = columns + list(dict.fromkeys(extra))
    frame = pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    for c in floats:
        if c in frame:
            frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    for c in ints:
        if c in frame:
            frame[c] = frame[c].astype("int64") if frame[c].notna().all() else frame[c].astype("Int64")
    for c in bools:
        if c in frame and frame[c].notna().all():
            frame[c] = frame[c].astype(bool)
    return frame


_FIELD_FLOATS = ["weight", "completeness", "validity", "uniqueness", "consistency", "timeliness", "score"]
_SOURCE_FLOATS = ["completeness", "validity", "uniqueness", "consistency", "timeliness", "score"]
_SOURCE_INTS = ["records", "quarantined", "duplicates_within", "duplicates_across"]


@dataclass
class AuditResult:
    as_of: str
    fields: pd.DataFrame
    sources: pd.DataFrame
    overall: dict
    top_problems: pd.DataFrame
    expectations: pd.DataFrame
    generated_at: str = ""
    settings: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Every figure, JSON-serialisable (no NaN: None), stable key order."""
        overall = {k: _scalar(self.overall.get(k)) for k in OVERALL_KEYS if k in self.overall}
        overall.update({k: _scalar(v) for k, v in self.overall.items() if k not in overall})
        return {
            "version": 1,
            "as_of": self.as_of,
            "generated_at": self.generated_at,
            "overall": overall,
            "sources": _frame_records(self.sources, SOURCE_COLUMNS),
            "fields": _frame_records(self.fields, FIELD_COLUMNS),
            "top_problems": _frame_records(self.top_problems, PROBLEM_COLUMNS),
            "expectations": _frame_records(self.expectations, EXPECTATION_COLUMNS),
            "settings": _scalar(self.settings),
        }

    @classmethod
    def from_dict(cls, d: dict) -> AuditResult:
        return cls(
            as_of=d["as_of"],
            fields=_records_frame(d.get("fields", []), FIELD_COLUMNS, ints=_INT_FIELD_COLS, floats=_FIELD_FLOATS,
                                  bools=["collected"]),
            sources=_records_frame(d.get("sources", []), SOURCE_COLUMNS, ints=_SOURCE_INTS, floats=_SOURCE_FLOATS),
            overall=dict(d.get("overall", {})),
            top_problems=_records_frame(d.get("top_problems", []), PROBLEM_COLUMNS, ints=["count"],
                                        floats=["share", "weight"]),
            expectations=_records_frame(d.get("expectations", []), EXPECTATION_COLUMNS, ints=["unexpected_count"],
                                        floats=["unexpected_percent"], bools=["success"]),
            generated_at=d.get("generated_at", ""),
            settings=dict(d.get("settings") or {}),
        )


# --------------------------------------------------------------------------
# the audit
# --------------------------------------------------------------------------


def _as_of(value) -> date:
    if value is None:
        return date.today()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


@dataclass
class _FieldCheck:
    """Per-record arrays for one field (None = the dimension does not apply)."""

    present: np.ndarray | None = None
    valid: np.ndarray | None = None  # meaningful where present
    unique: np.ndarray | None = None  # meaningful where present
    checked: np.ndarray | None = None  # consistency applies
    consistent: np.ndarray | None = None
    fresh: np.ndarray | None = None  # record level
    duplicate: np.ndarray | None = None  # record level
    problems: list[tuple[str, str, np.ndarray]] = field(default_factory=list)  # (issue, dimension, mask)

    def issue_codes(self, codes: np.ndarray, dimension: str = "validity") -> None:
        """Add one problem per distinct non-empty code of a per-record code array."""
        labels, uniq = pd.factorize(pd.Series(codes, dtype=object), use_na_sentinel=True)
        for i in np.argsort(np.asarray(uniq, dtype=str), kind="stable"):
            code = uniq[i]
            if not isinstance(code, str) or code == "":
                continue
            mask = labels == i
            if self.present is not None:
                mask &= self.present
            if mask.any():
                self.problems.append((code, dimension, mask))


def _unique_within_source(keys: pd.Series, src_codes: np.ndarray, present: np.ndarray) -> np.ndarray:
    key_codes, _ = pd.factorize(keys.where(pd.Series(present)), use_na_sentinel=True)
    combined = pd.Series(src_codes.astype(np.int64) * (int(key_codes.max(initial=0)) + 2) + key_codes)
    dup = combined.duplicated(keep=False).to_numpy() & (key_codes >= 0)
    return present & ~dup


def _checks(contacts: pd.DataFrame, cfg: dict, as_of: date, src_codes: np.ndarray,
            cluster: np.ndarray) -> dict[str, _FieldCheck]:
    cols = _Cols(contacts)
    placeholders = frozenset(str(p).strip().casefold() for p in cfg["placeholders"])
    checks: dict[str, _FieldCheck] = {}
    wanted = set(cfg["field_weights"])
    has_country = cols.notna("country_code")

    if "email" in wanted:
        present = cols.present("email")
        codes_i, uniq_i = cols.distinct("email_issue")
        u = _text(uniq_i)
        typo, role, disp = (
            _lift(codes_i, u.str.contains(code, regex=False).to_numpy(dtype=bool), False).astype(bool)
            for code in ("typo_domain", "role_account", "disposable_domain")
        )
        syntax_ok = cols.notna("email_norm")
        c = _FieldCheck(present=present, valid=syntax_ok & ~typo)
        keys = _fill_missing_keys(cols.series("email_key"), cols.series("email"), present, lambda t: t.str.casefold())
        c.unique = _unique_within_source(keys, src_codes, present)
        c.problems += [("invalid_syntax", "validity", present & ~syntax_ok), ("typo_domain", "validity", present & typo),
                       ("role_account", "flag", present & role), ("disposable_domain", "flag", present & disp),
                       ("duplicate_value", "uniqueness", present & ~c.unique)]
        checks["email"] = c

    if "phone" in wanted:
        region = _phone_regions(*cols.distinct("phone_e164"))
        has_both = pd.notna(region) & has_country
        agrees = has_both & (region == cols.series("country_code").to_numpy(dtype=object))
        present = cols.present("phone")
        valid = cols.notna("phone_e164")
        c = _FieldCheck(present=present, valid=valid, checked=has_both, consistent=agrees)
        keys = _fill_missing_keys(cols.series("phone_e164"), cols.series("phone"), present,
                                  lambda t: t.str.replace(r"\D", "", regex=True))
        c.unique = _unique_within_source(keys, src_codes, present)
        codes_i, uniq_i = cols.distinct("phone_issue")
        issue = _lift(codes_i, uniq_i.to_numpy(dtype=object), "")
        issue = np.where(valid, "", np.where(np.isin(issue, ["", "missing"]), "unparseable", issue))
        c.issue_codes(issue)
        c.problems += [("country_mismatch", "consistency", has_both & ~agrees),
                       ("duplicate_value", "uniqueness", present & ~c.unique)]
        checks["phone"] = c

    if "country" in wanted:
        present = cols.present("country")
        c = _FieldCheck(present=present, valid=has_country)
        c.problems.append(("unresolved_country", "validity", present & ~has_country))
        checks["country"] = c

    if "postcode" in wanted:
        issues = _postcode_issues(cols.distinct("postcode"), cols.distinct("country_code"), cfg)
        present = pd.notna(issues)
        c = _FieldCheck(present=present, valid=present & (issues == ""))
        c.issue_codes(issues)
        checks["postcode"] = c

    if "email_opt_in" in wanted:
        codes_o, uniq_o = cols.distinct("email_opt_in")
        known = _text(uniq_o).str.casefold().isin(["yes", "no"]).to_numpy(dtype=bool)
        checks["email_opt_in"] = _FieldCheck(present=_lift(codes_o, known, False).astype(bool))

    for name in NAME_FIELDS + TEXT_FIELDS:
        if name not in wanted:
            continue
        issues = _text_issues(*cols.distinct(name), placeholders, forbid_digits=name in NAME_FIELDS)
        present = pd.notna(issues)
        c = _FieldCheck(present=present, valid=present & (issues == ""))
        c.issue_codes(issues)
        checks[name] = c

    parsed: dict[str, np.ndarray] = {}
    for name in DATE_FIELDS:
        loader = _date_issue_codes(*cols.distinct("date_issues"), name)
        flagged = pd.notna(loader)
        ts = _parse_timestamps(*cols.distinct(name))
        present = cols.present(name) | flagged
        ok = ~np.isnat(ts) & ~flagged
        codes = np.where(ok | ~present, "", np.where(flagged, loader, "unparseable_date"))
        parsed[name] = np.where(ok, ts, np.datetime64("NaT"))
        if name == "date_of_birth":
            ref = np.datetime64(as_of, "D")
            dob = parsed[name].astype("datetime64[D]")
            with np.errstate(invalid="ignore"):
                age_days = np.where(ok, (ref - dob).astype("int64"), 0).astype("float64")
            lo, hi = cfg["date_of_birth"]["min_age"], cfg["date_of_birth"]["max_age"]
            years = np.floor(age_days / 365.2425)  # completed years on the audit date
            in_range = ok & (years >= lo) & (years <= hi)
            codes = np.where(ok & ~in_range, "age_out_of_range", codes)
            ok = in_range
        c = _FieldCheck(present=present, valid=ok)
        c.issue_codes(codes)
        if name in wanted:
            checks[name] = c
    if "updated_at" in checks:
        both = ~np.isnat(parsed["created_at"]) & ~np.isnat(parsed["updated_at"])
        consistent = both & (parsed["created_at"] <= parsed["updated_at"])
        c = checks["updated_at"]
        c.checked, c.consistent = both, consistent
        c.problems.append(("updated_before_created", "consistency", both & ~consistent))

    if RECORD in wanted:
        last = np.where(np.isnat(parsed["updated_at"]), parsed["created_at"], parsed["updated_at"])
        cutoff = (pd.Timestamp(as_of) - pd.DateOffset(months=int(cfg["timeliness"]["fresh_months"]))).to_datetime64()
        fresh = ~np.isnat(last) & (last >= cutoff)
        combined = pd.Series(src_codes.astype(np.int64) * (int(cluster.max(initial=0)) + 1) + cluster)
        duplicate = combined.duplicated(keep="first").to_numpy()
        c = _FieldCheck(fresh=fresh, duplicate=duplicate)
        c.problems += [("duplicate_record", "uniqueness", duplicate), ("stale", "timeliness", ~fresh)]
        checks[RECORD] = c
    return {name: checks[name] for name in cfg["field_weights"] if name in checks}


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna() & (weights > 0)
    if not ok.any():
        return float("nan")
    return float((values[ok] * weights[ok]).sum() / weights[ok].sum())


def _rate(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.nan)


def run_audit(
    contacts: pd.DataFrame,
    clusters: pd.DataFrame | None,
    quarantine: pd.DataFrame | None,
    config: dict,
    as_of: date | datetime | str | None = None,
    expectations: pd.DataFrame | None = None,
    suppressed: pd.DataFrame | None = None,
) -> AuditResult:
    """Audit the normalised contacts; see the module docstring for every definition.

    ``suppressed``: records removed for erasure requests (steward.privacy.erasure; ids and
    reasons only). They are counted, never audited: their data is gone."""
    cfg = resolve_config(config)
    audit_date = _as_of(as_of)
    n = len(contacts)  # columns are read one by one with a fresh RangeIndex (no copy of the frame)
    quarantine = quarantine if quarantine is not None else pd.DataFrame({"source": pd.Series(dtype=object)})

    source_col = _column(contacts, "source").astype(str) if n else pd.Series([], dtype=object)
    q_counts = quarantine["source"].astype(str).value_counts() if len(quarantine) else pd.Series(dtype="int64")
    sources = sorted(set(source_col.unique()) | set(q_counts.index))
    src_codes = pd.Categorical(source_col, categories=sources).codes.astype(np.int64)
    n_src = len(sources)

    # clusters: from the matcher when given, else exact normalised email/phone
    if clusters is not None and len(clusters) == n and "cluster" in clusters.columns:
        if "contact_key" in clusters.columns and "contact_key" in contacts.columns and not np.array_equal(
            clusters["contact_key"].to_numpy(), contacts["contact_key"].to_numpy()
        ):
            mapping = clusters.set_index("contact_key")["cluster"]
            cluster_values = contacts["contact_key"].map(mapping)
        else:
            cluster_values = clusters["cluster"].reset_index(drop=True)
        if cluster_values.isna().any():
            raise ValueError("clusters do not cover every contact (contact_key mismatch)")
        cluster = pd.factorize(cluster_values)[0].astype(np.int64)
        cluster_method = "matcher"
    elif clusters is not None:
        raise ValueError(f"clusters has {len(clusters)} rows for {n} contacts (or no 'cluster' column)")
    else:
        cluster = _exact_key_clusters(contacts)
        cluster_method = "exact email/phone"

    checks = _checks(contacts, cfg, audit_date, src_codes, cluster)

    def per_source(mask: np.ndarray | None) -> np.ndarray:
        if mask is None:
            return np.zeros(n_src, dtype=np.int64)
        return np.bincount(src_codes[np.asarray(mask, dtype=bool)], minlength=n_src).astype(np.int64)

    records = np.bincount(src_codes, minlength=n_src).astype(np.int64) if n else np.zeros(n_src, dtype=np.int64)
    field_w = cfg["field_weights"]
    dim_w = cfg["dimension_weights"]
    ignore_uncollected = bool(cfg["ignore_uncollected_fields"])

    # ---- field table
    rows = []
    for name, c in checks.items():
        if name == RECORD:
            fresh = per_source(c.fresh)
            dups = per_source(c.duplicate)
            frame = pd.DataFrame({"present": records, "unique": records - dups, "fresh": fresh})
            frame["completeness"] = np.nan
            frame["validity"] = np.nan
            frame["uniqueness"] = _rate(records - dups, records)
            frame["timeliness"] = _rate(fresh, records)
            frame["consistency"] = np.nan
            frame["valid"] = pd.NA
            frame["consistency_checked"] = pd.NA
            frame["consistent"] = pd.NA
            frame["collected"] = records > 0
        else:
            present = per_source(c.present)
            frame = pd.DataFrame({"present": present})
            frame["completeness"] = _rate(present, records)
            frame["valid"] = per_source(c.present & c.valid) if c.valid is not None else pd.NA
            frame["validity"] = _rate(frame["valid"], present) if c.valid is not None else np.nan
            frame["unique"] = per_source(c.unique) if c.unique is not None else pd.NA
            frame["uniqueness"] = _rate(frame["unique"], present) if c.unique is not None else np.nan
            if c.checked is not None:
                frame["consistency_checked"] = per_source(c.checked)
                frame["consistent"] = per_source(c.consistent)
                frame["consistency"] = _rate(frame["consistent"], frame["consistency_checked"])
            else:
                frame["consistency_checked"] = pd.NA
                frame["consistent"] = pd.NA
                frame["consistency"] = np.nan
            frame["fresh"] = pd.NA
            frame["timeliness"] = np.nan
            frame["collected"] = present > 0
        frame.insert(0, "source", sources)
        frame.insert(1, "field", name)
        frame.insert(2, "weight", float(field_w[name]))
        frame.insert(3, "records", records)
        rows.append(frame)
    fields = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=FIELD_COLUMNS)
    if ignore_uncollected:
        for dim in DIMENSIONS:
            if dim != "completeness":
                fields.loc[~fields["collected"], dim] = np.nan
    dims = fields[list(DIMENSIONS)]
    wmat = pd.DataFrame({d: np.where(dims[d].notna(), float(dim_w.get(d, 0.0)), 0.0) for d in DIMENSIONS})
    wsum = wmat.sum(axis=1)
    score = (dims.fillna(0.0) * wmat).sum(axis=1) / wsum.where(wsum > 0)
    scored = fields["collected"] | (not ignore_uncollected)
    fields["score"] = (score * 100).where(scored & (fields["records"] > 0))
    for col in _INT_FIELD_COLS:
        fields[col] = fields[col].astype("Int64")

    # ---- source table
    src_rows = []
    clusters_per_source = pd.Series(cluster).groupby(src_codes).nunique().reindex(range(n_src), fill_value=0)
    sources_per_cluster = pd.Series(src_codes).groupby(cluster).nunique()
    across_mask = (sources_per_cluster.reindex(cluster).to_numpy() > 1) if n else np.zeros(0, dtype=bool)
    across = per_source(across_mask)
    for i, src in enumerate(sources):
        sub = fields[(fields["source"] == src) & (scored if ignore_uncollected else True)]
        rec = sub[sub["field"] == RECORD]
        other = sub[sub["field"] != RECORD]
        src_rows.append({
            "source": src,
            "records": int(records[i]),
            "quarantined": int(q_counts.get(src, 0)),
            "completeness": _weighted(other["completeness"], other["weight"]),
            "validity": _weighted(other["validity"], other["weight"]),
            "uniqueness": float(rec["uniqueness"].iloc[0]) if len(rec) else float("nan"),
            "consistency": _weighted(other["consistency"], other["weight"]),
            "timeliness": float(rec["timeliness"].iloc[0]) if len(rec) else float("nan"),
            "score": _weighted(sub["score"], sub["weight"]),
            "duplicates_within": int(records[i] - clusters_per_source.iloc[i]),
            "duplicates_across": int(across[i]),
        })
    src_frame = pd.DataFrame(src_rows, columns=SOURCE_COLUMNS)
    weights = src_frame["records"].astype(float)
    overall_rates = {d: _weighted(src_frame[d], weights) for d in (*DIMENSIONS, "score")}
    all_row = {
        "source": ALL,
        "records": int(records.sum()),
        "quarantined": int(len(quarantine)),
        **{d: overall_rates[d] for d in DIMENSIONS},
        "score": overall_rates["score"],
        "duplicates_within": int(src_frame["duplicates_within"].sum()),
        "duplicates_across": int(across.sum()),
    }
    src_frame = pd.concat([src_frame, pd.DataFrame([all_row], columns=SOURCE_COLUMNS)], ignore_index=True)

    # ---- rounding (what is stored is what is shown)
    for d in DIMENSIONS:
        fields[d] = fields[d].round(_RATE_DIGITS)
        src_frame[d] = src_frame[d].astype(float).round(_RATE_DIGITS)
    fields["score"] = fields["score"].round(1)
    src_frame["score"] = src_frame["score"].astype(float).round(1)
    fields = fields[FIELD_COLUMNS]

    golden = int(len(np.unique(cluster))) if n else 0
    estimated = int(n - golden)

    # ---- problems
    top = _top_problems(checks, contacts, sources, src_codes, records, cfg, fields)

    # ---- worst (source, field, dimension): the biggest weighted shortfall
    worst = None
    cells = fields[fields["collected"]].melt(id_vars=["source", "field", "weight"], value_vars=list(DIMENSIONS),
                                             var_name="dimension", value_name="rate").dropna(subset=["rate"])
    if len(cells):
        cells["gap"] = (1 - cells["rate"]) * cells["weight"] * cells["dimension"].map(dim_w).astype(float)
        cells = cells.sort_values(["gap", "source", "field", "dimension"], ascending=[False, True, True, True])
        w = cells.iloc[0]
        if w["gap"] > 0:
            worst = {"source": w["source"], "field": w["field"], "dimension": w["dimension"], "rate": float(w["rate"])}

    overall = {
        "score": _scalar(round(overall_rates["score"], 1)) if not math.isnan(overall_rates["score"]) else None,
        "records": int(n),
        "quarantined": int(len(quarantine)),
        "sources": int(n_src),
        "golden_records": golden,
        "estimated_duplicates": estimated,
        "duplicate_rate": round(estimated / n, _RATE_DIGITS) if n else None,
        "duplicates_across": int(across.sum()),
        **{d: _scalar(round(overall_rates[d], _RATE_DIGITS)) for d in DIMENSIONS},
        "worst": worst,
        "suppressed_records": int(len(suppressed)) if suppressed is not None else 0,
        "suppressed_people": int(suppressed["cluster"].nunique()) if suppressed is not None and len(suppressed) else 0,
    }
    settings = {
        "dimension_weights": dict(dim_w),
        "field_weights": dict(field_w),
        "fresh_months": int(cfg["timeliness"]["fresh_months"]),
        "ignore_uncollected_fields": ignore_uncollected,
        "clusters": cluster_method,
    }
    return AuditResult(
        as_of=audit_date.isoformat(),
        fields=fields,
        sources=src_frame,
        overall=overall,
        top_problems=top,
        expectations=_expectations_frame(expectations),
        generated_at=datetime.now().isoformat(timespec="seconds"),
        settings=settings,
    )


def _top_problems(checks, contacts, sources, src_codes, records, cfg, fields) -> pd.DataFrame:
    n_src = len(sources)
    collected = fields.set_index(["source", "field"])["collected"].to_dict()
    ignore_uncollected = bool(cfg["ignore_uncollected_fields"])
    rows = []
    masks = {}
    for name, c in checks.items():
        problems = list(c.problems)
        if c.present is not None:
            problems.insert(0, ("missing", "completeness", ~c.present))
        for issue, dim, mask in problems:
            counts = np.bincount(src_codes[mask], minlength=n_src) if len(mask) else np.zeros(n_src, dtype=int)
            for i in np.flatnonzero(counts):
                if ignore_uncollected and not collected.get((sources[i], name), True):
                    continue
                rows.append((sources[i], name, issue, dim, int(counts[i])))
                masks[(sources[i], name, issue)] = (i, mask)
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS})
    frame = pd.DataFrame(rows, columns=["source", "field", "issue", "dimension", "count"])
    frame["weight"] = frame["field"].map(cfg["field_weights"]).astype(float)
    recs = pd.Series(records, index=sources)
    frame["share"] = (frame["count"] / frame["source"].map(recs)).round(_RATE_DIGITS)
    frame["rank"] = frame["count"] * frame["weight"]
    frame = frame.sort_values(["rank", "source", "field", "issue"], ascending=[False, True, True, True])
    frame = frame.head(int(cfg["top_problems"])).reset_index(drop=True)
    ids = _column(contacts, "record_id").astype(str).to_numpy(dtype=object)
    examples = []
    for key in zip(frame["source"], frame["field"], frame["issue"]):
        i, mask = masks[key]
        hit = np.flatnonzero(mask & (src_codes == i))[:5]
        examples.append(",".join(ids[hit]))
    frame["example_record_ids"] = examples
    return frame[PROBLEM_COLUMNS]


def _expectations_frame(expectations: pd.DataFrame | None) -> pd.DataFrame:
    if expectations is None or len(expectations) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in EXPECTATION_COLUMNS})
    frame = expectations.reset_index(drop=True).copy()
    for c in EXPECTATION_COLUMNS:
        if c not in frame.columns:
            frame[c] = None
    return frame[EXPECTATION_COLUMNS + [c for c in frame.columns if c not in EXPECTATION_COLUMNS]]


__all__ = ["AuditResult", "run_audit", "load_quality_config", "resolve_config", "phone_regions", "DEFAULT_CONFIG"]
