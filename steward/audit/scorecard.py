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

This module is the scorecard itself (``run_audit``): counting the checks per source
and field and weighing them into scores. The rules and defaults are in
``quality_rules``, the per-field checks in ``checks`` (value checks in ``issues``),
the result and its JSON form in ``result``, the top problems in ``problems``.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from steward.audit.checks import FieldCheck, field_checks
from steward.audit.problems import top_problems, worst_cell
from steward.config.quality import ALL, DIMENSIONS, RECORD, resolve_config
from steward.audit.result import (EXPECTATION_COLUMNS, FIELD_COLUMNS, INT_FIELD_COLUMNS, RATE_DIGITS, SOURCE_COLUMNS,
                                  AuditResult, json_scalar)
from steward.audit.values import SourceIndex, column


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

    source_col = column(contacts, "source").astype(str) if n else pd.Series([], dtype=object)
    q_counts = quarantine["source"].astype(str).value_counts() if len(quarantine) else pd.Series(dtype="int64")
    sources = sorted(set(source_col.unique()) | set(q_counts.index))
    src_codes = pd.Categorical(source_col, categories=sources).codes.astype(np.int64)
    n_src = len(sources)
    cluster, cluster_method = _cluster_labels(contacts, clusters)
    checks = field_checks(contacts, cfg, audit_date, src_codes, cluster)
    records = np.bincount(src_codes, minlength=n_src).astype(np.int64) if n else np.zeros(n_src, dtype=np.int64)
    index = SourceIndex(sources, src_codes, records)

    fields, scored = _field_table(checks, index, cfg)
    src_frame, overall_rates, across = _source_table(fields, scored, index, cluster, q_counts, len(quarantine), cfg)

    # What is stored is what is shown.
    for d in DIMENSIONS:
        fields[d] = fields[d].round(RATE_DIGITS)
        src_frame[d] = src_frame[d].astype(float).round(RATE_DIGITS)
    fields["score"] = fields["score"].round(1)
    src_frame["score"] = src_frame["score"].astype(float).round(1)
    fields = fields[FIELD_COLUMNS]

    golden = int(len(np.unique(cluster))) if n else 0
    estimated = int(n - golden)
    top = top_problems(checks, contacts, index, cfg, fields)
    dim_w = cfg["dimension_weights"]
    overall = {
        "score": json_scalar(round(overall_rates["score"], 1)) if not math.isnan(overall_rates["score"]) else None,
        "records": int(n),
        "quarantined": int(len(quarantine)),
        "sources": int(n_src),
        "golden_records": golden,
        "estimated_duplicates": estimated,
        "duplicate_rate": round(estimated / n, RATE_DIGITS) if n else None,
        "duplicates_across": across,
        **{d: json_scalar(round(overall_rates[d], RATE_DIGITS)) for d in DIMENSIONS},
        "worst": worst_cell(fields, dim_w),
        "suppressed_records": int(len(suppressed)) if suppressed is not None else 0,
        "suppressed_people": int(suppressed["cluster"].nunique()) if suppressed is not None and len(suppressed) else 0,
    }
    settings = {
        "dimension_weights": dict(dim_w),
        "field_weights": dict(cfg["field_weights"]),
        "fresh_months": int(cfg["timeliness"]["fresh_months"]),
        "ignore_uncollected_fields": bool(cfg["ignore_uncollected_fields"]),
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


def _as_of(value) -> date:
    if value is None:
        return date.today()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def _cluster_labels(contacts: pd.DataFrame, clusters: pd.DataFrame | None) -> tuple[np.ndarray, str]:
    """Each contact's cluster (0..k-1) and where it came from: the matcher's clusters when
    given, else exact normalised email/phone."""
    n = len(contacts)
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
        return pd.factorize(cluster_values)[0].astype(np.int64), "matcher"
    if clusters is not None:
        raise ValueError(f"clusters has {len(clusters)} rows for {n} contacts (or no 'cluster' column)")
    return _exact_key_clusters(contacts), "exact email/phone"


def _exact_key_clusters(contacts: pd.DataFrame) -> np.ndarray:
    """Cluster labels from exact normalised email / phone (shared values ignored)."""
    n = len(contacts)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    rows, cols = [], []
    offset = n
    for key, shared in (("email_key", "email_shared"), ("phone_e164", "phone_shared")):
        values = column(contacts, key)
        if shared in contacts.columns:
            values = values.where(~column(contacts, shared).fillna(False).astype(bool))
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


def _field_table(checks: dict[str, FieldCheck], index: SourceIndex, cfg: dict) -> tuple[pd.DataFrame, pd.Series]:
    """One row per (field, source) with its counts, rates and score (unrounded); and which
    rows are scored."""
    records, per_source = index.records, index.count
    field_w = cfg["field_weights"]
    dim_w = cfg["dimension_weights"]
    ignore_uncollected = bool(cfg["ignore_uncollected_fields"])
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
        frame.insert(0, "source", index.names)
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
    for col in INT_FIELD_COLUMNS:
        fields[col] = fields[col].astype("Int64")
    return fields, scored


def _source_table(fields: pd.DataFrame, scored: pd.Series, index: SourceIndex, cluster: np.ndarray,
                  q_counts: pd.Series, quarantined: int, cfg: dict) -> tuple[pd.DataFrame, dict, int]:
    """One row per source plus the ``ALL`` row (unrounded); the overall rates and score
    (record-weighted means of the sources'); and the records whose cluster spans sources."""
    sources, src_codes, records = index.names, index.codes, index.records
    n_src = len(sources)
    ignore_uncollected = bool(cfg["ignore_uncollected_fields"])
    src_rows = []
    clusters_per_source = pd.Series(cluster).groupby(src_codes).nunique().reindex(range(n_src), fill_value=0)
    sources_per_cluster = pd.Series(src_codes).groupby(cluster).nunique()
    across_mask = (sources_per_cluster.reindex(cluster).to_numpy() > 1) if len(src_codes) else np.zeros(0, dtype=bool)
    across = index.count(across_mask)
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
        "quarantined": int(quarantined),
        **{d: overall_rates[d] for d in DIMENSIONS},
        "score": overall_rates["score"],
        "duplicates_within": int(src_frame["duplicates_within"].sum()),
        "duplicates_across": int(across.sum()),
    }
    src_frame = pd.concat([src_frame, pd.DataFrame([all_row], columns=SOURCE_COLUMNS)], ignore_index=True)
    return src_frame, overall_rates, int(across.sum())


def _expectations_frame(expectations: pd.DataFrame | None) -> pd.DataFrame:
    if expectations is None or len(expectations) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in EXPECTATION_COLUMNS})
    frame = expectations.reset_index(drop=True).copy()
    for c in EXPECTATION_COLUMNS:
        if c not in frame.columns:
            frame[c] = None
    return frame[EXPECTATION_COLUMNS + [c for c in frame.columns if c not in EXPECTATION_COLUMNS]]


__all__ = ["run_audit"]
