"""The merge stage: one golden record per cluster, each field chosen by the
survivorship rules in ``rules/survivorship.yaml``, plus the crosswalk from every
source record to its golden record, the field-level lineage (which record and
which rule supplied each golden value) and the golden-id bookkeeping
(``steward/merge/identity.py``) that keeps ids stable across runs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from steward.config.survivorship import RULES, Survivorship
from steward.merge.consent import ConsentPolicy, golden_consent, protect_minors
from steward.merge.identity import assign_golden_ids, golden_id_for
from steward.normalise.email import published_emails
from steward.normalise.phone import phone_texts
from steward.normalise.stage import CLEAN_TEXT_FIELDS
from steward.normalise.values import accent_count, accent_fold, clean_text

log = logging.getLogger("steward.merge")

# Golden fields take the normalised value where one exists (E.164 phone, ISO country, the
# address in lower case: steward/normalise/email.py says why) ...
VALUE_COLUMN = {
    "email": "email_clean",
    "phone": "phone_e164",
    "country": "country_code",
    "date_of_birth": "dob",
}
# ... and otherwise the field as a person writes it: normalisation's published form (Excel's
# ' marker off, accents and spelling kept; None for what must never be published, such as a
# phone in scientific notation), never a match key.
TEXT_COLUMN = {**{f: f"{f}_clean" for f in CLEAN_TEXT_FIELDS}, "phone": "phone_clean"}
# Contacts normalised before these columns existed (kept from an older run's snapshot) lack
# them, or hold None in them: their published form is made here from the column it comes from.
_PUBLISHED_FROM = {"email_clean": ("email_norm", published_emails), "phone_clean": ("phone", phone_texts),
                   **{f"{f}_clean": (f, clean_text) for f in CLEAN_TEXT_FIELDS}}
# Units whose values are plain text: spellings that differ only by case and accents are one
# value to most_frequent, and the accented spelling is the one published.
TEXT_FIELDS = frozenset(CLEAN_TEXT_FIELDS) | {"country"}

# Every other distinct value of the members, so a merge never throws a contact point away.
SECONDARY = {"secondary_emails": ("email", "email_clean"), "secondary_phones": ("phone", "phone_e164")}
SECONDARY_SEP = "; "

LINEAGE_COLUMNS = ["golden_id", "field", "fields", "value", "source", "record_id", "rule", "candidates"]
# Lineage rule labels besides the survivorship rule names.
ONLY_VALUE = "only value"  # a single member record had the field
ALL_AGREE = "all agree"  # several records had it, all with the same value
RECORD_KEY_TIE = "tie: record key"  # every rule tied; the smallest contact_key decided
# The rules chose a spelling without accents; another record of the person writes the same
# value with them (Renee / Renée), and that record supplied it.
ACCENTED = "accented spelling"
RULE_LABELS = [*RULES, ONLY_VALUE, ALL_AGREE, RECORD_KEY_TIE, ACCENTED]

__all__ = ["GoldenResult", "Survivorship", "build_golden_records", "golden_id_for"]


@dataclass
class GoldenResult:
    golden: pd.DataFrame  # one row per golden record
    crosswalk: pd.DataFrame  # source, record_id, golden_id for every record
    lineage: pd.DataFrame  # LINEAGE_COLUMNS: one row per golden record and field (address group: one row)
    id_events: pd.DataFrame  # steward.merge.identity.EVENT_COLUMNS: merged_into / split_from / retired in this run
    id_registry: pd.DataFrame  # steward.merge.identity.REGISTRY_COLUMNS: every golden id ever minted, for the next run


def _tidy_name(value):
    # Sources that shout (LEGACY UPPER CASE) or whisper (all lower) get title case;
    # mixed case such as "McDonald" or "van der Berg" is left as the person wrote it.
    if not isinstance(value, str):
        return value
    if value.isupper() or value.islower():
        return value.title()
    return value


def _column(members: pd.DataFrame, name: str | None) -> pd.Series | None:
    """members[name]; a published form (``_PUBLISHED_FROM``) is completed where it is missing."""
    if name is None:
        return None
    source = _PUBLISHED_FROM.get(name)
    if source is None or source[0] not in members.columns:
        return members[name] if name in members.columns else None
    origin, make = source
    if name not in members.columns:
        return make(members[origin])
    values = members[name]
    gap = (values.isna() & members[origin].notna()).to_numpy()
    if not gap.any():  # (normally only placeholders such as "n/a", made None again)
        return values
    values = values.copy()
    values[gap] = make(members.loc[gap, origin]).to_numpy(dtype=object)
    return values


def _written(members: pd.DataFrame, field: str) -> pd.Series:
    """A field as a person writes it (its published text; extra_ fields as the source wrote them)."""
    text = _column(members, TEXT_COLUMN.get(field))
    return members[field] if text is None else text


def _field_values(members: pd.DataFrame, field: str) -> pd.Series:
    """The value a golden field takes from a record: normalised where possible, else the
    text as a person writes it (an invalid value has no normalised form but may still
    survive; None where there is nothing to publish)."""
    text = _written(members, field)
    values = _column(members, VALUE_COLUMN.get(field))
    return text if values is None else values.where(values.notna(), text)


def _distinct_map(values: pd.Series, func) -> np.ndarray:
    """``func`` of each value, computed once per distinct value."""
    codes, uniq = pd.factorize(values)
    return np.asarray([func(u) for u in uniq], dtype=object)[codes] if len(uniq) else np.empty(len(values), object)


def _joined(values: pd.DataFrame) -> pd.Series:
    """A unit's values of each record as one string (a group's parts joined)."""
    parts = values.fillna("").astype(str)
    return parts.iloc[:, 0].str.cat([parts[c] for c in parts.columns[1:]], sep="\x1f") if parts.shape[1] > 1 \
        else parts.iloc[:, 0]


def _accented_first(ranked: pd.DataFrame, values: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """(``ranked`` with each cluster's winner replaced by the member writing the same value with
    the most accents, the clusters (in order) where that changed the winner).

    Folding accents is for matching: Renée, Renee and RENEE are one name there, but the golden
    record publishes what the person wrote, and of spellings that differ only by case and
    accents the one with accents holds the most of it. The winner keeps its place unless another
    member's values (all parts of a group, so a group still comes from one record) fold to the
    same and carry strictly more accents."""
    n = len(ranked)
    labels = ranked["cluster"].to_numpy()
    first = np.ones(n, dtype=bool)
    first[1:] = labels[1:] != labels[:-1]
    group = np.cumsum(first) - 1
    winner_pos = np.flatnonzero(first)
    text = _joined(values.loc[ranked.index])
    folded = pd.factorize(_distinct_map(text, accent_fold))[0]
    accents = _distinct_map(text, accent_count).astype(np.int64)
    score = np.where(folded == folded[winner_pos[group]], accents, -1)
    order = np.lexsort((np.arange(n), -score, group))  # per cluster: most accents, then rank
    best_pos = order[np.flatnonzero(np.r_[True, group[order][1:] != group[order][:-1]])]
    changed = np.flatnonzero(best_pos != winner_pos)
    if not len(changed):
        return ranked, changed
    front = np.zeros(n, dtype=bool)
    front[best_pos] = True
    return ranked.iloc[np.lexsort((~front, group))], changed


def _pick(members: pd.DataFrame, published: pd.DataFrame, fields: list[str], rules: list[str],
          survivorship: Survivorship) -> pd.DataFrame:
    """For each cluster, the member row that supplies ``fields`` (``_row``), the rule that
    decided it (``_rule``, for lineage) and how many members had a value (``_candidates``).
    ``published``: each member's ``_field_values`` per field."""
    values = published[fields]
    text_unit = set(fields) <= TEXT_FIELDS
    # A record is a candidate if it has something to publish for the field, valid or not.
    filled = pd.Series(values.notna().to_numpy().sum(axis=1), index=members.index)
    candidates = members.loc[filled > 0, ["cluster", "_key_rank", "source", "_recency"]].copy()
    sort_cols, ascending = ["cluster"], [True]
    for rule in rules:
        col = f"_{rule}"
        if rule == "valid_first":
            # A value that failed validation only survives when nothing valid exists.
            # A flagged value (typo domain, role account, number only "possible") also ranks
            # after a clean one, when the normaliser recorded issues for the field.
            invalid = pd.Series(0, index=members.index)
            for f in fields:
                if f in VALUE_COLUMN:
                    invalid += (members[f].notna() & _column(members, VALUE_COLUMN[f]).isna()).astype(int)
                issue_col = f"{f}_issue"
                if issue_col in members.columns:
                    invalid += (~members[issue_col].fillna("").isin(["", "missing"])).astype(int)
            candidates[col] = invalid.loc[candidates.index]
        elif rule == "source_priority":
            rank = {s: i for i, s in enumerate(survivorship.source_priority)}
            candidates[col] = candidates["source"].map(rank).fillna(len(rank)).astype(int)
        elif rule == "most_recent":
            candidates[col] = candidates["_recency"]
        elif rule == "most_complete":
            # Filled fields first, then length: a group's street, city and postcode in their own
            # fields beat one long line holding all three ("12 High St, London, SW1A 1AA, GB").
            # Lengths of the text as written ("United States", not its code "US").
            rows = candidates.index
            parts = pd.DataFrame({f: _written(members, f).loc[rows] for f in fields}).where(values.loc[rows].notna())
            lengths = parts.fillna("").astype(str).apply(lambda s: s.str.len()).sum(axis=1).astype(np.int64)
            longest = int(lengths.max()) if len(lengths) else 0
            candidates[col] = filled.loc[candidates.index].astype(np.int64) * (longest + 1) + lengths
        elif rule == "most_frequent":
            key = _joined(values.loc[candidates.index])
            # Text compares without case and accents (Renée = Renee: one name, counted together).
            key = pd.Series(_distinct_map(key, accent_fold), index=key.index) if text_unit else key.str.casefold()
            candidates[col] = key.groupby([candidates["cluster"], key]).transform("size")
        sort_cols.append(col)
        ascending.append(rule in ("valid_first", "source_priority"))
    sort_cols.append("_key_rank")  # = contact_key order
    ascending.append(True)
    ranked = candidates.sort_values(sort_cols, ascending=ascending, kind="mergesort")
    accented = np.zeros(0, dtype=np.int64)
    if text_unit and len(ranked):
        ranked, accented = _accented_first(ranked, values)

    # Lineage. Clusters are contiguous in ``ranked``, winner first. The rule that decided is
    # the first rule whose key differs between the winner and the runner-up, the best-ranked
    # record with a *different* value (another record with the same value did not compete).
    labels = ranked["cluster"].to_numpy()
    first = np.ones(len(ranked), dtype=bool)
    first[1:] = labels[1:] != labels[:-1]
    group = np.cumsum(first) - 1
    winner_pos = np.flatnonzero(first)
    winner_of_row = winner_pos[group]
    differs = np.zeros(len(ranked), dtype=bool)
    for f in fields:
        v = published[f].to_numpy(dtype=object)[ranked.index.to_numpy()]  # members: RangeIndex
        w = v[winner_of_row]
        missing_v, missing_w = pd.isna(v), pd.isna(w)
        differs |= (missing_v != missing_w) | (~missing_v & ~missing_w & (v != w))
    counts = np.bincount(group, minlength=len(winner_pos)) if len(ranked) else np.zeros(0, dtype=int)
    decided = np.where(counts == 1, ONLY_VALUE, ALL_AGREE).astype(object)
    rows_differing = np.flatnonzero(differs)
    if len(rows_differing):
        groups_with_rival, at = np.unique(group[rows_differing], return_index=True)
        rival_pos = rows_differing[at]
        rule_cols = [f"_{r}" for r in rules]
        keys = ranked[rule_cols]  # all integers
        unequal = keys.iloc[winner_pos[groups_with_rival]].to_numpy() != keys.iloc[rival_pos].to_numpy()
        unequal = unequal.reshape(len(rival_pos), len(rule_cols)).astype(bool)
        names = np.array(list(rules) + [RECORD_KEY_TIE], dtype=object)
        # argmax finds the first differing rule; rows where none differs fall to the record key.
        which = np.where(unequal.any(axis=1), unequal.argmax(axis=1) if len(rule_cols) else 0, len(rule_cols))
        decided[groups_with_rival] = names[which]
    decided[accented] = ACCENTED
    winners = ranked.iloc[winner_pos]
    return pd.DataFrame({"cluster": winners["cluster"].to_numpy(), "_row": winners.index.to_numpy(),
                         "_rule": decided, "_candidates": counts})


def _join_groups(labels: np.ndarray, values: np.ndarray, sep: str) -> pd.Series:
    """``sep``-joined values per label; rows already sorted so each label is contiguous.
    ``np.add.reduceat`` concatenates inside numpy's loop instead of a Python call per group."""
    if len(values) == 0:
        return pd.Series(dtype=object)
    first = np.ones(len(labels), dtype=bool)
    first[1:] = labels[1:] != labels[:-1]
    pieces = np.where(first, values, sep + values).astype(object)
    starts = np.flatnonzero(first)
    return pd.Series(np.add.reduceat(pieces, starts), index=labels[starts], dtype=object)


def _secondary_values(members: pd.DataFrame, value_col: str, primary: pd.Series) -> pd.Series:
    """Per cluster, the members' other distinct normalised values, sorted and joined.
    Emails compare case-insensitively (``A@x.com`` and ``a@x.com`` are one address; the
    smallest spelling is shown). Values without a normalised form (invalid) are not
    carried: they remain reachable through the crosswalk."""
    values = _column(members, value_col)
    present = values.notna().to_numpy()
    frame = pd.DataFrame({"cluster": members["cluster"].to_numpy()[present],
                          "value": values.to_numpy(dtype=object)[present]})
    frame["value"] = frame["value"].astype(str)
    frame["key"] = frame["value"].str.casefold()
    primary_key = frame["cluster"].map(primary).astype(object)
    primary_key = primary_key.where(primary_key.isna(), primary_key.astype(str).str.casefold())
    frame = frame[(frame["key"] != primary_key).to_numpy()]
    # Sorted codes of the distinct strings stand in for the strings: integer sorts only.
    key_code = pd.factorize(frame["key"], sort=True)[0]
    value_code = pd.factorize(frame["value"], sort=True)[0]
    order = np.lexsort((value_code, key_code, frame["cluster"].to_numpy()))
    frame = frame.iloc[order]
    frame = frame[~pd.DataFrame({"c": frame["cluster"].to_numpy(), "k": key_code[order]}).duplicated().to_numpy()]
    return _join_groups(frame["cluster"].to_numpy(), frame["value"].to_numpy(dtype=object), SECONDARY_SEP)


def _lineage(golden: pd.DataFrame, members: pd.DataFrame, picks: list[tuple[str, list[str], pd.DataFrame]],
             id_rank: pd.Series) -> pd.DataFrame:
    """One row per golden record and survivorship unit that has a value: the value, the
    record that supplied it and the rule that decided. A group (address) is one row; its
    value is the present parts joined with ", ", ``fields`` names the golden columns."""
    # Categoricals built from codes: millions of golden records x a dozen fields repeat a
    # handful of labels, and factorising the strings afterwards would cost more than the rest.
    source_codes, source_names = pd.factorize(members["source"])
    record_ids = members["record_id"].to_numpy(dtype=object)
    units = [unit for unit, _, _ in picks]
    field_lists = list(dict.fromkeys(",".join(fields) for _, fields, _ in picks))
    parts = []
    for unit_code, (unit, fields, chosen) in enumerate(picks):
        if chosen.empty:
            continue
        clusters = chosen["cluster"].to_numpy()
        if len(fields) == 1:
            value = golden.loc[clusters, fields[0]].to_numpy(dtype=object)
        else:
            # Row-major flattening keeps each record's parts together and in group order.
            grid = golden.loc[clusters, fields].to_numpy(dtype=object)
            present = ~pd.isna(grid).ravel()
            labels = np.repeat(clusters, len(fields))[present]
            parts_text = pd.Series(grid.ravel()[present], dtype=object).astype(str).to_numpy(dtype=object)
            joined = _join_groups(labels, parts_text, ", ")
            value = joined.reindex(clusters).to_numpy(dtype=object)
        rows = chosen["_row"].to_numpy()
        parts.append(pd.DataFrame({
            "golden_id": golden.loc[clusters, "golden_id"].to_numpy(dtype=object),
            "field": np.full(len(rows), unit_code), "fields": np.full(len(rows), field_lists.index(",".join(fields))),
            "value": value, "source": source_codes[rows], "record_id": record_ids[rows],
            "rule": pd.Categorical(chosen["_rule"].to_numpy(dtype=object), categories=RULE_LABELS).codes,
            "candidates": chosen["_candidates"].to_numpy(), "_rank": id_rank.loc[clusters].to_numpy(),
        }))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LINEAGE_COLUMNS})
    lineage = pd.concat(parts, ignore_index=True)
    # Golden id order (as the golden table), then the order fields are chosen in.
    lineage = lineage.iloc[np.lexsort((lineage["field"].to_numpy(), lineage["_rank"].to_numpy()))]
    lineage = lineage.reset_index(drop=True)
    lineage["field"] = pd.Categorical.from_codes(lineage["field"], categories=units)
    lineage["fields"] = pd.Categorical.from_codes(lineage["fields"], categories=field_lists)
    lineage["source"] = pd.Categorical.from_codes(lineage["source"], categories=source_names)
    lineage["rule"] = pd.Categorical.from_codes(lineage["rule"], categories=RULE_LABELS)
    return lineage[LINEAGE_COLUMNS]




def build_golden_records(contacts: pd.DataFrame, clusters: pd.DataFrame, survivorship: Survivorship,
                         previous: pd.DataFrame | None = None, registry: pd.DataFrame | None = None,
                         run_at: str | None = None, consent: ConsentPolicy | None = None,
                         reserved_ids: pd.Index | None = None) -> GoldenResult:
    """Golden records, crosswalk, lineage and golden-id bookkeeping.

    ``contacts`` are normalised records, ``clusters`` aligned to them row by row.
    ``previous`` is the previous run's crosswalk (``source, record_id, golden_id``) and
    ``registry`` the previous ``id_registry``; with neither (first run) every id is
    ``golden_id_for`` the cluster's smallest contact_key. ``run_at`` (ISO 8601 UTC, default
    now) stamps minted ids and id events, and is the date ages are computed on.

    Consent is not a survivorship choice (steward/merge/consent.py): per channel the most
    restrictive member status, opt-in only when confirmed (double opt-in, or a source in
    ``consent.confirmed_sources``), with the deciding record as evidence. Minors (under
    ``consent.rules.minimum_age`` on the run date) keep only an age range: their date of
    birth is blanked in the golden record and in the lineage."""
    consent = consent or ConsentPolicy()
    consent_rules, confirmed_sources = consent.rules, consent.confirmed_sources
    run_at = run_at or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    members = contacts.reset_index(drop=True)
    members = members.assign(cluster=clusters["cluster"].to_numpy())
    # Ranks stand in for strings in _pick's sorts (contact_key, ISO updated_at; missing =
    # oldest): each unit sorts integers instead of factorising the strings again.
    key_order = np.argsort(members["contact_key"].to_numpy(dtype=object), kind="stable")
    key_rank = np.empty(len(members), dtype=np.int64)
    key_rank[key_order] = np.arange(len(members))
    members["_key_rank"] = key_rank
    members["_recency"] = pd.factorize(members["updated_at"].fillna(""), sort=True)[0]
    extra_fields = [c for c in contacts.columns if c.startswith("extra_")]
    assignment = assign_golden_ids(members[["contact_key", "cluster"]], previous, registry, run_at, reserved_ids)
    ids = assignment.ids
    golden = pd.DataFrame({"golden_id": ids})
    golden.index.name = "cluster"
    # Output order is golden id order; ranked once so later sorts are on integers.
    id_rank = pd.Series(np.argsort(np.argsort(ids.to_numpy(dtype=object), kind="stable")), index=ids.index)

    picks = []
    units = survivorship.units(extra_fields)
    published = pd.DataFrame({f: _field_values(members, f) for _, fields in units for f in fields},
                             index=members.index)
    for unit, fields in units:
        rules = survivorship.rules_for(unit)
        chosen = _pick(members, published, fields, rules, survivorship)
        rows = chosen.set_index("cluster")["_row"]
        for field in fields:
            golden[field] = rows.map(published[field])
        picks.append((unit, fields, chosen))

    for part in ("first_name", "last_name"):
        golden[part] = golden[part].map(_tidy_name)
    for column, (field, value_col) in SECONDARY.items():
        golden[column] = _secondary_values(members, value_col, golden[field])
    lineage = _lineage(golden, members, picks, id_rank)
    grouped = members.groupby("cluster")
    # ISO timestamps: parsed for a vectorised min/max, written back in the same form.
    for column, how in (("created_at", "min"), ("updated_at", "max")):
        stamps = pd.to_datetime(members[column], format="ISO8601", errors="coerce")
        golden[column] = stamps.groupby(members["cluster"]).agg(how).dt.strftime("%Y-%m-%dT%H:%M:%S")
    consent_columns = golden_consent(members, confirmed_sources=confirmed_sources, channels=consent_rules.channels)
    golden[consent_columns.columns] = consent_columns
    golden["member_count"] = grouped.size()
    # The cluster's distinct sources, sorted, comma-joined (a crosstab + per-row join was
    # most of this function's time on 300k records).
    source_codes, source_names = pd.factorize(members["source"].astype(str), sort=True)
    pairs = pd.DataFrame({"cluster": members["cluster"].to_numpy(), "code": source_codes}).drop_duplicates()
    pairs = pairs.iloc[np.lexsort((pairs["code"].to_numpy(), pairs["cluster"].to_numpy()))]
    golden["sources"] = _join_groups(pairs["cluster"].to_numpy(),
                                     source_names.to_numpy(dtype=object)[pairs["code"].to_numpy()], ",")
    golden = golden.iloc[np.argsort(id_rank.loc[golden.index].to_numpy())].reset_index(drop=True)

    crosswalk = pd.DataFrame(
        {
            "source": members["source"].to_numpy(),
            "record_id": members["record_id"].to_numpy(),
            "golden_id": members["cluster"].map(ids).to_numpy(),
        }
    ).sort_values(["golden_id", "source", "record_id"], ignore_index=True)
    golden = protect_minors(golden, run_at[:10], consent_rules)
    minors = set(golden.loc[golden["age_range"].notna(), "golden_id"])
    if minors:
        hidden = lineage["golden_id"].isin(minors).to_numpy() & (lineage["field"].astype(str) == "date_of_birth").to_numpy()
        lineage.loc[hidden, "value"] = None
    events = assignment.events
    log.info("built %d golden records from %d source records; golden ids: %s", len(golden), len(members),
             events["event"].value_counts().to_dict() or "no merges, splits or retirements")
    return GoldenResult(golden, crosswalk, lineage, events, assignment.registry)
