"""Matching and suppression: which records carry an identifier on the erasure list,
and the removal of every cluster that holds one.

A matched record goes together with the whole cluster it belongs to (the person's
other records, including those that match only through clustering). Removed
records are reported by id and reason only, without any of their values. Because
matching is on identifiers, not record ids, a source that exports the person again
under new ids is caught again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from steward.config.erasure import KINDS
from steward.frames import pairs_within
from steward.privacy.hashing import HASH_COLUMNS, hash_values, identifier_hashes, pre_plus_tag_keys
from steward.schema import contact_key

__all__ = ["SUPPRESSED_COLUMNS", "ErasureList", "apply_erasure", "drop_erased", "empty_suppressed",
           "erased_records", "erasure_matches", "erasure_summary", "join_sorted", "suppress", "without_suppressed"]

# Every erasure module logs under the name the single module had, so log filters keep working.
log = logging.getLogger("steward.privacy.erasure")


def join_sorted(values: pd.DataFrame, by: str, column: str, sep: str) -> pd.Series:
    """Distinct non-empty values of ``column`` per ``by``, sorted and joined."""
    distinct = values.loc[values[column] != "", [by, column]].drop_duplicates().sort_values([by, column])
    return distinct.groupby(by)[column].agg(sep.join)


def erasure_matches(contacts: pd.DataFrame, erasure_list: pd.DataFrame, *, salt: str) -> pd.DataFrame:
    """Per normalised record (same index): ``erased`` (an identifier is on the list),
    ``matched_by`` ('email;phone', '' if none) and ``reference`` (tickets, ', '-joined)."""
    n = len(contacts)
    out = pd.DataFrame({"erased": np.zeros(n, dtype=bool), "matched_by": "", "reference": ""}, index=contacts.index)
    if n == 0 or erasure_list is None or erasure_list.empty:
        return out
    listed = erasure_list[["hash", "kind", "reference"]].astype(str)
    # Only the kinds the list holds are hashed; isin per kind, then only hits are joined.
    hashes = identifier_hashes(contacts, salt=salt, kinds=tuple(k for k in KINDS if (listed["kind"] == k).any()))
    parts = []
    for kind, column in HASH_COLUMNS.items():
        if column not in hashes.columns:
            continue
        on_list = set(listed.loc[listed["kind"] == kind, "hash"])
        values = hashes[column].to_numpy(dtype=object)
        hit = hashes[column].isin(on_list).to_numpy()
        if kind == "email" and "email_norm" in contacts.columns:
            # Requests recorded before +tags left the key on every domain hashed "jane+crm@acme.de";
            # the list holds hashes only, so the record's key of those days is hashed too.
            legacy = hash_values(pre_plus_tag_keys(contacts["email_norm"], contacts["email_key"]), "email", salt=salt)
            old_hit = legacy.isin(on_list).to_numpy() & ~hit
            values = np.where(old_hit, legacy.to_numpy(dtype=object), values)
            hit |= old_hit
        if hit.any():
            parts.append(pd.DataFrame({"pos": np.flatnonzero(hit), "kind": kind, "hash": values[hit]}))
    if not parts:
        return out
    hits = pd.concat(parts, ignore_index=True).merge(listed, on=["hash", "kind"])
    if hits.empty:
        return out
    matched_by = join_sorted(hits, "pos", "kind", ";")
    references = join_sorted(hits, "pos", "reference", ", ")
    positions = np.sort(hits["pos"].unique())
    out.iloc[positions, out.columns.get_loc("erased")] = True
    out.iloc[positions, out.columns.get_loc("matched_by")] = matched_by.reindex(positions).to_numpy()
    out.iloc[positions, out.columns.get_loc("reference")] = references.reindex(positions).fillna("").to_numpy()
    # Shared identifiers (household inbox, switchboard) erase every holder: say so.
    for kind, flag in (("email", "email_shared"), ("phone", "phone_shared")):
        if flag in contacts.columns:
            via = hits.loc[hits["kind"] == kind, "pos"].unique()
            shared = int(np.asarray(contacts[flag].fillna(False), dtype=bool)[via].sum()) if len(via) else 0
            if shared:
                log.warning("erasure list: %d record(s) matched through a %s several people share; "
                            "they are erased too", shared, kind)
    return out


def erased_records(contacts: pd.DataFrame, erasure_list: pd.DataFrame, *, salt: str) -> pd.Series:
    """Boolean per normalised record: one of its identifiers is on the erasure list."""
    return erasure_matches(contacts, erasure_list, salt=salt)["erased"]


SUPPRESSED_COLUMNS = ["source", "record_id", "contact_key", "row", "cluster", "matched_by", "reference", "reason"]


def suppress(contacts: pd.DataFrame, clusters: pd.DataFrame | None,
             erased: pd.Series | pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """(kept_mask, suppressed): every cluster holding an erased record goes entirely.

    ``clusters`` is aligned to ``contacts`` (its ``cluster`` column; None = every record
    alone). ``erased`` is a boolean mask or the frame from ``erasure_matches`` (which
    also carries the ticket references). ``kept_mask`` has the contacts' index.
    ``suppressed`` (SUPPRESSED_COLUMNS) holds ids and reasons only, no personal data:
    ``matched_by`` is 'email', 'phone;name_dob', ... or 'cluster' for records that are
    the erased person's only through clustering."""
    n = len(contacts)
    if isinstance(erased, pd.DataFrame):
        flags = np.asarray(erased["erased"], dtype=bool)
        matched_by = erased["matched_by"].fillna("").astype(str).to_numpy()
        references = erased["reference"].fillna("").astype(str).to_numpy()
    else:
        flags = np.asarray(erased, dtype=bool)
        matched_by = np.where(flags, "identifier", "")
        references = np.full(n, "", dtype=object)
    labels = np.arange(n, dtype=np.int64) if clusters is None else np.asarray(clusters["cluster"], dtype=np.int64)
    if len(flags) != n or len(labels) != n:
        raise ValueError(f"suppress: contacts ({n}), clusters ({len(labels)}) and erased ({len(flags)}) "
                         "must be aligned row for row")
    gone = np.isin(labels, np.unique(labels[flags]))
    kept = pd.Series(~gone, index=contacts.index, name="kept")
    if not gone.any():
        return kept, pd.DataFrame({c: pd.Series(dtype="object") for c in SUPPRESSED_COLUMNS})

    frame = pd.DataFrame({
        "source": contacts["source"].to_numpy()[gone],
        "record_id": contacts["record_id"].to_numpy()[gone],
        "contact_key": (contacts["contact_key"].to_numpy()[gone] if "contact_key" in contacts.columns else
                        contact_key(contacts).to_numpy()[gone]),
        "row": (contacts["source_row"].to_numpy()[gone] if "source_row" in contacts.columns
                else np.full(int(gone.sum()), None, dtype=object)),
        "cluster": labels[gone],
        "matched_by": np.where(flags[gone], matched_by[gone], "cluster"),
        "direct_reference": references[gone],
    })
    # A record erased through its cluster carries the references of the matched records in it.
    cluster_refs = join_sorted(frame.assign(direct_reference=frame["direct_reference"].str.split(", "))
                                .explode("direct_reference").fillna({"direct_reference": ""}),
                                "cluster", "direct_reference", ", ")
    frame["reference"] = frame["cluster"].map(cluster_refs).fillna("")
    how = frame["matched_by"].str.replace(";", ", ", regex=False).where(
        frame["matched_by"] != "cluster", "same person as an erased record")
    ticket = frame["reference"].where(frame["reference"] == "", " " + frame["reference"])
    frame["reason"] = "erasure request" + ticket + " (" + how + ")"
    frame = frame[SUPPRESSED_COLUMNS].sort_values(["source", "record_id"], kind="stable").reset_index(drop=True)
    log.info("erasure: %d records of %d people suppressed (%d matched directly)",
             len(frame), frame["cluster"].nunique(), int(flags.sum()))
    return kept, frame


def apply_erasure(contacts: pd.DataFrame, clusters: pd.DataFrame | None, erasure_list: pd.DataFrame, *,
                  salt: str) -> tuple[pd.Series, pd.DataFrame]:
    """erasure_matches + suppress in one call: (kept_mask, suppressed)."""
    return suppress(contacts, clusters, erasure_matches(contacts, erasure_list, salt=salt))


def erasure_summary(suppressed: pd.DataFrame, erasure_list: pd.DataFrame | None = None) -> dict[str, Any]:
    """Counts for the audit and UI metadata (no personal data)."""
    direct = int((suppressed["matched_by"] != "cluster").sum())
    return {
        "list_entries": len(erasure_list) if erasure_list is not None else None,
        "suppressed_records": len(suppressed),
        "suppressed_people": int(suppressed["cluster"].nunique()),
        "matched_directly": direct,
        "matched_through_cluster": len(suppressed) - direct,
        "by_source": {str(k): int(v) for k, v in suppressed["source"].value_counts().sort_index().items()},
    }


# -- a run's erasure stage ---------------------------------------------------------------------------------

def empty_suppressed() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SUPPRESSED_COLUMNS})


def without_suppressed(contacts: pd.DataFrame, clusters: pd.DataFrame,
                       suppressed: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contacts and their aligned clusters without the records ``drop_erased`` suppressed."""
    keep = ~contacts["contact_key"].isin(suppressed["contact_key"]).to_numpy()
    return contacts[keep].reset_index(drop=True), clusters[keep].reset_index(drop=True)


@dataclass(frozen=True)
class ErasureList:
    """The erasure list as a run holds it: the hashed identifiers and the salt they were made with."""

    entries: pd.DataFrame | None
    salt: str = ""


def drop_erased(contacts: pd.DataFrame, clusters: pd.DataFrame, erasure: ErasureList,
                scored: pd.DataFrame | None = None, scope: np.ndarray | None = None):
    """Remove erased people (every record clustered with an erased identifier).

    Returns (contacts, clusters, scored, suppressed); ``scored`` pair positions are
    renumbered to the kept contacts. ``suppressed`` holds ids and reasons only.
    ``scope`` (bool per record, whole clusters): look only there (an incremental run
    whose erasure list did not change: the other clusters were checked before)."""
    erasure_list = erasure.entries
    if erasure_list is None or erasure_list.empty:
        return contacts, clusters, scored, empty_suppressed()
    if scope is None:
        kept, suppressed = apply_erasure(contacts, clusters, erasure_list, salt=erasure.salt)
        keep = kept.to_numpy()
    else:
        rows = np.flatnonzero(scope)
        kept, suppressed = apply_erasure(contacts.iloc[rows].reset_index(drop=True),
                                         clusters.iloc[rows].reset_index(drop=True), erasure_list,
                                         salt=erasure.salt)
        keep = np.ones(len(contacts), dtype=bool)
        keep[rows] = kept.to_numpy()
    if keep.all():
        return contacts, clusters, scored, suppressed
    if scored is not None:
        scored = pairs_within(scored, keep)
    log.info("erasure requests: %d record(s) of %d people suppressed", len(suppressed), suppressed["cluster"].nunique())
    return (contacts[keep].reset_index(drop=True), clusters[keep].reset_index(drop=True), scored, suppressed)
