"""The merge stage: one golden record per cluster, each field chosen by the
survivorship rules in ``rules/survivorship.yaml``, plus the crosswalk from every
source record to its golden record."""

from __future__ import annotations

import hashlib
import logging

import numpy as np
import pandas as pd

from steward.schema import CANONICAL_COLUMNS

log = logging.getLogger("steward.merge")

RULES = ("valid_first", "source_priority", "most_recent", "most_complete", "most_frequent")

# Golden fields take the normalised value where one exists (E.164 phone, ISO country ...).
VALUE_COLUMN = {
    "email": "email_norm",
    "phone": "phone_e164",
    "country": "country_code",
    "date_of_birth": "dob",
}

GOLDEN_FIELDS = [c for c in CANONICAL_COLUMNS if c not in ("record_id", "source", "created_at", "updated_at", "email_opt_in")]


def golden_id_for(smallest_contact_key: str) -> str:
    """Deterministic id from the cluster's smallest member key: same input, same id."""
    return "G" + hashlib.sha1(smallest_contact_key.encode("utf-8")).hexdigest()[:15].upper()


def _tidy_name(value):
    # Sources that shout (LEGACY UPPER CASE) or whisper (all lower) get title case;
    # mixed case such as "McDonald" or "van der Berg" is left as the person wrote it.
    if not isinstance(value, str):
        return value
    if value.isupper() or value.islower():
        return value.title()
    return value


class Survivorship:
    def __init__(self, config: dict):
        self.source_priority: list[str] = list(config.get("source_priority") or [])
        self.default: list[str] = list(config.get("default") or ["valid_first", "most_recent", "source_priority"])
        self.groups: dict[str, list[str]] = {k: list(v) for k, v in (config.get("groups") or {}).items()}
        self.fields: dict[str, list[str]] = {k: list(v) for k, v in (config.get("fields") or {}).items()}
        for name, rules in [("default", self.default), *self.fields.items()]:
            unknown = [r for r in rules if r not in RULES]
            if unknown:
                raise ValueError(f"rules/survivorship.yaml: {name}: unknown rule(s) {unknown}; use {list(RULES)}")
        grouped = {f for members in self.groups.values() for f in members}
        unknown_fields = [f for f in grouped | set(self.fields) if f not in GOLDEN_FIELDS and f not in self.groups]
        if unknown_fields:
            raise ValueError(f"rules/survivorship.yaml: unknown field(s) {unknown_fields}; fields are {GOLDEN_FIELDS}")

    def rules_for(self, field: str) -> list[str]:
        return self.fields.get(field, self.default)

    def units(self, extra_fields: list[str]) -> list[tuple[str, list[str]]]:
        """(unit name, fields) chosen together: address parts come from one record."""
        grouped = {f for members in self.groups.values() for f in members}
        units = [(name, members) for name, members in self.groups.items()]
        units += [(f, [f]) for f in GOLDEN_FIELDS + extra_fields if f not in grouped]
        return units


def _pick(members: pd.DataFrame, fields: list[str], rules: list[str], survivorship: Survivorship) -> pd.DataFrame:
    """For each cluster, the member row that supplies ``fields``."""
    values = members[[VALUE_COLUMN.get(f, f) for f in fields]]
    originals = members[fields]
    # A record is a candidate if it has the field at all, valid or not.
    filled = pd.Series((values.notna().to_numpy() | originals.notna().to_numpy()).sum(axis=1), index=members.index)
    candidates = members.loc[filled > 0, ["cluster", "contact_key", "source", "updated_at"]].copy()
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
                    invalid += (members[f].notna() & members[VALUE_COLUMN[f]].isna()).astype(int)
                issue_col = f"{f}_issue"
                if issue_col in members.columns:
                    invalid += (~members[issue_col].fillna("").isin(["", "missing"])).astype(int)
            candidates[col] = invalid.loc[candidates.index]
        elif rule == "source_priority":
            rank = {s: i for i, s in enumerate(survivorship.source_priority)}
            candidates[col] = candidates["source"].map(rank).fillna(len(rank)).astype(int)
        elif rule == "most_recent":
            candidates[col] = candidates["updated_at"].fillna("")
        elif rule == "most_complete":
            lengths = originals.fillna("").astype(str).apply(lambda s: s.str.len()).sum(axis=1)
            candidates[col] = (filled * 1000 + lengths).loc[candidates.index]
        elif rule == "most_frequent":
            parts = values.loc[candidates.index].fillna("").astype(str)
            key = parts.iloc[:, 0].str.cat([parts[c] for c in parts.columns[1:]], sep="|") if parts.shape[1] > 1 \
                else parts.iloc[:, 0]
            key = key.str.casefold()
            candidates[col] = key.groupby([candidates["cluster"], key]).transform("size")
        sort_cols.append(col)
        ascending.append(rule in ("valid_first", "source_priority"))
    sort_cols.append("contact_key")
    ascending.append(True)
    chosen = candidates.sort_values(sort_cols, ascending=ascending, kind="mergesort").drop_duplicates("cluster")
    return chosen[["cluster"]].assign(_row=chosen.index)


def build_golden_records(contacts: pd.DataFrame, clusters: pd.DataFrame, survivorship: Survivorship) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(golden_records, crosswalk). ``contacts`` are normalised records, ``clusters`` aligned to them."""
    members = contacts.copy()
    members["cluster"] = clusters["cluster"].to_numpy()
    extra_fields = [c for c in contacts.columns if c.startswith("extra_")]
    # Smallest member key per cluster, found by sorting (no per-group Python).
    smallest = members[["cluster", "contact_key"]].sort_values(["cluster", "contact_key"]).drop_duplicates("cluster")
    ids = pd.Series([golden_id_for(key) for key in smallest["contact_key"]], index=smallest["cluster"].to_numpy())
    golden = pd.DataFrame({"golden_id": ids})
    golden.index.name = "cluster"

    for unit, fields in survivorship.units(extra_fields):
        rules = survivorship.rules_for(unit)
        chosen = _pick(members, fields, rules, survivorship).set_index("cluster")["_row"]
        for field in fields:
            value_col = VALUE_COLUMN.get(field, field)
            source_values = members[value_col]
            if value_col != field:
                # Fall back to the original text when the normalised value is missing (invalid).
                source_values = source_values.where(source_values.notna(), members[field])
            golden[field] = chosen.map(source_values)

    for part in ("first_name", "last_name"):
        golden[part] = golden[part].map(_tidy_name)
    grouped = members.groupby("cluster")
    # ISO timestamps: parsed for a vectorised min/max, written back in the same form.
    for column, how in (("created_at", "min"), ("updated_at", "max")):
        stamps = pd.to_datetime(members[column], format="ISO8601", errors="coerce")
        golden[column] = stamps.groupby(members["cluster"]).agg(how).dt.strftime("%Y-%m-%dT%H:%M:%S")
    opt = members["email_opt_in"].fillna("unknown")
    has_no = (opt == "no").groupby(members["cluster"]).any()
    has_yes = (opt == "yes").groupby(members["cluster"]).any()
    # An opt-out anywhere wins over any opt-in: consent never loosens in a merge.
    golden["email_opt_in"] = np.where(has_no, "no", np.where(has_yes, "yes", "unknown"))
    golden["member_count"] = grouped.size()
    present = pd.crosstab(members["cluster"], members["source"]) > 0
    names = present.columns.astype(str)
    golden["sources"] = present.apply(lambda flags: ",".join(names[flags.to_numpy()]), axis=1)
    golden = golden.reset_index(drop=True).sort_values("golden_id", ignore_index=True)

    crosswalk = pd.DataFrame(
        {
            "source": members["source"].to_numpy(),
            "record_id": members["record_id"].to_numpy(),
            "golden_id": members["cluster"].map(ids).to_numpy(),
        }
    ).sort_values(["golden_id", "source", "record_id"], ignore_index=True)
    log.info("built %d golden records from %d source records", len(golden), len(members))
    return golden, crosswalk
