"""Consent per channel and minors' ages: pure, vectorised functions.

Consent (``rules/consent.yaml`` explains the rules to a data steward):

* Each record states, per channel (email, phone), ``{channel}_opt_in`` in
  yes/no/unknown and ``{channel}_double_opt_in`` (was the opt-in confirmed?) in
  yes/no/unknown; ``consent_updated_at`` says when (``updated_at`` stands in).
* A record's status per channel: ``opted_out`` (it said no), ``opted_in`` (it said
  yes and the yes is confirmed: its double-opt-in flag is yes, or the flag is not
  stated and its source is declared ``consent_confirmed``), ``unconfirmed`` (a yes
  nobody confirmed) or ``unknown``. An explicit double-opt-in "no" (confirmation
  pending or failed) is never overridden by the source declaration.
* The golden record takes the most restrictive statement of its members: any
  opt-out wins; otherwise a confirmed opt-in; otherwise an unconfirmed one;
  otherwise unknown. The record that decided it is kept as evidence (source,
  record_id, date): the latest one, ties broken by source then record_id, so the
  result does not depend on row order.

Minors: where the date of birth shows an age under ``minimum_age`` (16), only an
age range ("0-5", "6-12", "13-15") may be published. The reference date is always
an argument (tests pass a fixed date, the pipeline the run date): nothing here
reads the clock.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from steward.config import DEFAULT_AGE_BANDS, AgeBand, ConsentRules
from steward.schema import CONSENT_CHANNELS, DOUBLE_OPT_IN_COLUMNS, OPT_IN_COLUMNS, OPT_IN_VALUES, contact_key

__all__ = [
    "ConsentPolicy",
    "STATUSES",
    "PERMISSION",
    "member_consent",
    "apply_source_confirmation",
    "evidence_dates",
    "golden_consent",
    "consent_never_looser",
    "consent_violations",
    "age_in_years",
    "minor_mask",
    "age_ranges",
    "protect_minors",
]

# Golden / member consent statuses per channel.
STATUSES: tuple[str, ...] = ("opted_out", "unknown", "unconfirmed", "opted_in")
# How much a status allows: only a confirmed opt-in permits contact; unknown and
# unconfirmed permit nothing, but neither forbids anything the way an opt-out does.
PERMISSION: dict[str, int] = {"opted_out": 0, "unknown": 1, "unconfirmed": 1, "opted_in": 2}
# Which member decides the golden status: an opt-out beats a confirmed opt-in, which
# beats an unconfirmed one; "unknown" decides only when nobody said anything.
_DECISION_ORDER: dict[str, int] = {"opted_out": 0, "opted_in": 1, "unconfirmed": 2, "unknown": 3}


@dataclass(frozen=True)
class ConsentPolicy:
    """What decides a golden record's consent besides its members: the consent rules
    (rules/consent.yaml) and the sources whose opt-ins count as confirmed."""

    rules: ConsentRules = field(default_factory=ConsentRules)
    confirmed_sources: frozenset[str] = frozenset()


# --------------------------------------------------------------------------------------
# Consent
# --------------------------------------------------------------------------------------


def _record_labels(members: pd.DataFrame, mask, limit: int = 5) -> list[str]:
    """The first few "source:record_id" of the masked rows, for error messages."""
    rows = members[np.asarray(mask, dtype=bool)]
    if "source" in rows.columns and "record_id" in rows.columns:
        return contact_key(rows).head(limit).tolist()
    return [f"row {i}" for i in rows.index[:limit]]


def _consent_values(members: pd.DataFrame, column: str) -> np.ndarray:
    """yes/no/unknown as an object array; a missing column or empty cell is "unknown"."""
    if column not in members.columns:
        return np.full(len(members), "unknown", dtype=object)
    values = members[column].to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = "unknown"
    bad = ~np.isin(values, OPT_IN_VALUES)
    if bad.any():
        # Refused rather than read as "unknown": an unmapped "N" might be an opt-out.
        examples = sorted({str(v) for v in values[bad]})[:5]
        raise ValueError(
            f"{column}: {int(bad.sum())} record(s) hold {examples}, expected one of {list(OPT_IN_VALUES)} "
            f"(map source values with `values:` in the sources file); e.g. "
            f"{_record_labels(members, bad)}"
        )
    return values


def _member_status(members: pd.DataFrame, channel: str, confirmed_sources: Iterable[str]) -> np.ndarray:
    if channel not in OPT_IN_COLUMNS:
        raise ValueError(f"unknown consent channel {channel!r}; channels are {list(OPT_IN_COLUMNS)}")
    said = _consent_values(members, OPT_IN_COLUMNS[channel])
    flag = _consent_values(members, DOUBLE_OPT_IN_COLUMNS[channel])
    confirmed_by_source = (
        members["source"].isin(set(confirmed_sources)).to_numpy() if "source" in members.columns
        else np.zeros(len(members), dtype=bool)
    )
    # An explicit "not confirmed" on the record outranks the source's general promise.
    confirmed = (flag == "yes") | ((flag == "unknown") & confirmed_by_source)
    return np.select(
        [said == "no", (said == "yes") & confirmed, said == "yes"],
        ["opted_out", "opted_in", "unconfirmed"],
        "unknown",
    ).astype(object)


def member_consent(members: pd.DataFrame, channel: str = "email",
                   confirmed_sources: Iterable[str] = frozenset()) -> pd.Series:
    """Each record's own status for ``channel``: opted_out / opted_in / unconfirmed / unknown."""
    return pd.Series(_member_status(members, channel, confirmed_sources), index=members.index, dtype=object)


def apply_source_confirmation(records: pd.DataFrame, confirmed_sources: Iterable[str],
                              channels: Iterable[str] = CONSENT_CHANNELS) -> pd.DataFrame:
    """A copy in which each ``consent_confirmed`` source's declaration is written into its rows:
    an opt-in "yes" whose double-opt-in flag is not stated gets the flag "yes".

    For exports that travel without their source config (the canonical CSVs
    ``steward dedupe`` reads); ``golden_consent`` gives the same result either way."""
    out = records.copy()
    from_confirmed = out["source"].isin(set(confirmed_sources)).to_numpy()
    for channel in channels:
        said = _consent_values(out, OPT_IN_COLUMNS[channel])
        flag = _consent_values(out, DOUBLE_OPT_IN_COLUMNS[channel])
        flag[from_confirmed & (said == "yes") & (flag == "unknown")] = "yes"
        out[DOUBLE_OPT_IN_COLUMNS[channel]] = pd.Series(flag, index=out.index, dtype=object)
    return out


def evidence_dates(members: pd.DataFrame) -> pd.Series:
    """When each record's consent was stated: consent_updated_at, else updated_at (NaT if neither)."""

    def parsed(column: str) -> pd.Series:
        if column not in members.columns:
            return pd.Series(pd.NaT, index=members.index, dtype="datetime64[ns]")
        return pd.to_datetime(members[column], format="ISO8601", errors="coerce")

    stated = parsed("consent_updated_at")
    return stated.where(stated.notna(), parsed("updated_at"))


def golden_consent(members: pd.DataFrame, cluster_col: str = "cluster",
                   confirmed_sources: Iterable[str] = frozenset(),
                   channels: Iterable[str] = CONSENT_CHANNELS) -> pd.DataFrame:
    """Golden consent per cluster, indexed by the sorted cluster values.

    ``members``: one row per source record with ``cluster_col``, ``source``,
    ``record_id`` and the consent columns (missing ones count as unknown).
    Columns per channel c: ``{c}_consent`` (opted_out / opted_in / unconfirmed /
    unknown) and the deciding record ``{c}_consent_source``, ``{c}_consent_record_id``,
    ``{c}_consent_date`` (ISO timestamp; None when unknown or undated); plus the
    legacy ``email_opt_in`` (yes only when opted_in, no when opted_out, else unknown).
    Independent of row order.
    """
    channels = tuple(channels)
    missing = [c for c in (cluster_col, "source", "record_id") if c not in members.columns]
    if missing:
        raise ValueError(f"golden_consent: members lack column(s) {missing}; they have {list(members.columns)}")
    if members[cluster_col].isna().any():
        raise ValueError(
            f"golden_consent: {int(members[cluster_col].isna().sum())} record(s) have no {cluster_col!r}, e.g. "
            f"{_record_labels(members, members[cluster_col].isna())}"
        )
    confirmed = frozenset(confirmed_sources)
    # Everything below works on integer codes and one lexsort per channel: cost
    # follows the number of records, with no per-cluster Python.
    cluster_codes, clusters = pd.factorize(members[cluster_col], sort=True)
    clusters = pd.Index(clusters, name=cluster_col)
    # Tie-breaks compare text so that ids of any type sort the same way every run.
    source_rank = pd.factorize(members["source"].astype(str), sort=True)[0]
    record_rank = pd.factorize(members["record_id"].astype(str), sort=True)[0]
    dates = evidence_dates(members)
    undated = dates.isna().to_numpy()
    # Latest first, undated last: sort ascending on the negated time, NaT as +inf.
    newest_first = np.where(undated, np.iinfo(np.int64).max, -dates.to_numpy("datetime64[ns]").view("int64"))
    # Rows ordered once by (newest first, source, record_id); each channel then only
    # needs a stable sort by (cluster, decision), which keeps that order inside ties.
    by_evidence = np.lexsort((record_rank, source_rank, newest_first))
    cluster_sorted = cluster_codes[by_evidence].astype(np.int64) * len(_DECISION_ORDER)
    sources = members["source"].to_numpy(dtype=object)
    record_ids = members["record_id"].to_numpy(dtype=object)
    stamps = dates.to_numpy("datetime64[s]")

    out: dict[str, np.ndarray] = {}
    for channel in channels:
        status = _member_status(members, channel, confirmed)
        decide = np.select([status == s for s in _DECISION_ORDER], list(_DECISION_ORDER.values()))
        order = by_evidence[np.argsort(cluster_sorted + decide[by_evidence], kind="stable")]
        ordered = cluster_codes[order]
        # The first row of each cluster in that order decides; clusters come out sorted.
        rows = order[np.r_[True, ordered[1:] != ordered[:-1]]] if len(order) else order
        chosen = status[rows]
        known = chosen != "unknown"
        dated = known & ~undated[rows]
        out[f"{channel}_consent"] = chosen
        out[f"{channel}_consent_source"] = np.where(known, sources[rows], None)
        out[f"{channel}_consent_record_id"] = np.where(known, record_ids[rows], None)
        # numpy writes ISO 8601 like updated_at ("2024-02-01T10:00:00"), far faster than strftime.
        out[f"{channel}_consent_date"] = np.where(
            dated, np.datetime_as_string(stamps[rows], unit="s").astype(object), None)
    if "email" in channels:
        email = out["email_consent"]
        out["email_opt_in"] = np.where(email == "opted_in", "yes", np.where(email == "opted_out", "no", "unknown"))
    return pd.DataFrame({k: pd.Series(v, index=clusters, dtype=object) for k, v in out.items()}, index=clusters)


def consent_never_looser(golden_status: str, member_statuses: Iterable[str]) -> bool:
    """True when ``golden_status`` grants no more than its members' statements allow.

    Looser means: not opted out although a member opted out, or more permission
    (opted_out < unknown = unconfirmed < opted_in) than the most permissive
    member has, e.g. opted in when no member's opt-in was confirmed."""
    statuses = list(member_statuses)
    for status in [golden_status, *statuses]:
        if status not in PERMISSION:
            raise ValueError(f"unknown consent status {status!r}; statuses are {list(STATUSES)}")
    if "opted_out" in statuses:
        return golden_status == "opted_out"
    ceiling = max((PERMISSION[s] for s in statuses), default=PERMISSION["unknown"])
    return PERMISSION[golden_status] <= ceiling


def consent_violations(golden: pd.DataFrame, members: pd.DataFrame, cluster_col: str = "cluster",
                       confirmed_sources: Iterable[str] = frozenset(),
                       channels: Iterable[str] = CONSENT_CHANNELS) -> pd.DataFrame:
    """Clusters whose golden consent is looser than a member's (should be empty).

    ``golden`` is indexed by cluster with ``{c}_consent`` columns (``golden_consent``'s
    output, or golden records re-indexed by cluster). Columns: cluster, channel,
    golden_consent, problem. Vectorised, for checks on whole runs."""
    confirmed = frozenset(confirmed_sources)
    found = []
    for channel in channels:
        status = member_consent(members, channel, confirmed)
        per_cluster = pd.DataFrame({
            "any_out": (status == "opted_out").to_numpy(),
            "permission": status.map(PERMISSION).to_numpy(),
        }).groupby(members[cluster_col].to_numpy()).agg(any_out=("any_out", "any"), ceiling=("permission", "max"))
        given = golden[f"{channel}_consent"].reindex(per_cluster.index)
        given_permission = given.map(PERMISSION)
        ignores_opt_out = per_cluster["any_out"] & (given != "opted_out")
        exceeds = given_permission.isna() | (given_permission > per_cluster["ceiling"])
        problem = np.where(ignores_opt_out, "a member opted out",
                           np.where(exceeds, "more permission than any member gave", ""))
        bad = problem != ""
        found.append(pd.DataFrame({
            "cluster": per_cluster.index[bad],
            "channel": channel,
            "golden_consent": given[bad].to_numpy(),
            "problem": problem[bad],
        }))
    columns = ["cluster", "channel", "golden_consent", "problem"]
    return pd.concat(found, ignore_index=True)[columns] if found else pd.DataFrame(columns=columns)


# --------------------------------------------------------------------------------------
# Minors
# --------------------------------------------------------------------------------------


def _reference(reference_date: Any) -> pd.Timestamp:
    if reference_date is None:
        raise ValueError("reference_date is required (the run date); it is never taken from the clock here")
    if isinstance(reference_date, (_dt.date, pd.Timestamp, np.datetime64, str)):
        ts = pd.Timestamp(reference_date)
        if not pd.isna(ts):
            return ts
    raise ValueError(f"reference_date: expected a date, got {reference_date!r}")


def age_in_years(dob: pd.Series, reference_date: Any) -> pd.Series:
    """Completed years on ``reference_date`` (nullable Int64).

    ``dob``: ISO dates ("2012-05-31") or datetimes. Missing, unparseable or later
    than the reference date: <NA>. Born on 29 February: a year older on 1 March."""
    ref = _reference(reference_date)
    born = pd.to_datetime(pd.Series(dob), format="ISO8601", errors="coerce")
    if getattr(born.dt, "tz", None) is not None:
        born = born.dt.tz_localize(None)
    years = ref.year - born.dt.year
    not_yet = (born.dt.month > ref.month) | ((born.dt.month == ref.month) & (born.dt.day > ref.day))
    age = (years - not_yet.astype(int)).astype("Int64")
    return age.mask(born.isna() | (age < 0).fillna(False))


def minor_mask(dob: pd.Series, reference_date: Any, minimum_age: int = 16) -> pd.Series:
    """True where the date of birth shows an age under ``minimum_age`` on the reference date."""
    return (age_in_years(dob, reference_date) < minimum_age).fillna(False).astype(bool)


def age_ranges(dob: pd.Series, reference_date: Any,
               bands: Iterable[AgeBand] = DEFAULT_AGE_BANDS) -> pd.Series:
    """The band label ("6-12") for ages inside a band, None otherwise (adults, unknown age).

    The bands of rules/consent.yaml cover 0 to minimum_age - 1, so every minor gets one."""
    bands = tuple(bands)
    age = age_in_years(dob, reference_date)
    lows = np.array([b.low for b in bands])
    highs = np.array([b.high for b in bands])
    labels = np.array([b.label for b in bands] + [None], dtype=object)
    known = age.notna().to_numpy()
    years = age.fillna(-1).to_numpy(dtype=np.int64)
    which = np.searchsorted(lows, years, side="right") - 1
    inside = known & (which >= 0) & (years <= highs[np.clip(which, 0, len(bands) - 1)])
    return pd.Series(labels[np.where(inside, which, len(bands))], index=age.index, dtype=object)


def protect_minors(frame: pd.DataFrame, reference_date: Any, rules: ConsentRules = ConsentRules(),
                   dob_col: str = "date_of_birth", range_col: str = "age_range") -> pd.DataFrame:
    """A copy of ``frame`` fit to publish: minors' date of birth blanked, their age band
    in ``range_col`` (None for everyone else)."""
    out = frame.copy()
    minor = minor_mask(out[dob_col], reference_date, rules.minimum_age)
    out[range_col] = age_ranges(out[dob_col], reference_date, rules.age_bands).where(minor, None)
    out[dob_col] = out[dob_col].astype(object).where(~minor, None)
    return out
