"""Per-field checks: for every scored field, per-record arrays saying whether a value
was given, is valid, unique within its source and consistent, and the issue behind
each failure (the masks the scorecard counts and the top problems rank)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from steward.audit.issues import date_issue_codes, parse_timestamps, phone_regions_of, postcode_issues, text_issues
from steward.config.quality import DATE_FIELDS, NAME_FIELDS, RECORD, TEXT_FIELDS
from steward.audit.values import Columns, fill_missing_keys, lift, stripped_text


@dataclass
class FieldCheck:
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


def field_checks(contacts: pd.DataFrame, cfg: dict, as_of: date, src_codes: np.ndarray,
                 cluster: np.ndarray) -> dict[str, FieldCheck]:
    """The checks of every field in ``cfg["field_weights"]``, in that order; ``cluster`` is
    each record's cluster label (the record level's duplicates)."""
    cols = Columns(contacts)
    placeholders = frozenset(str(p).strip().casefold() for p in cfg["placeholders"])
    checks: dict[str, FieldCheck] = {}
    wanted = set(cfg["field_weights"])
    has_country = cols.notna("country_code")

    if "email" in wanted:
        present = cols.present("email")
        codes_i, uniq_i = cols.distinct("email_issue")
        u = stripped_text(uniq_i)
        typo, role, disp = (
            lift(codes_i, u.str.contains(code, regex=False).to_numpy(dtype=bool), False).astype(bool)
            for code in ("typo_domain", "role_account", "disposable_domain")
        )
        syntax_ok = cols.notna("email_norm")
        c = FieldCheck(present=present, valid=syntax_ok & ~typo)
        keys = fill_missing_keys(cols.series("email_key"), cols.series("email"), present, lambda t: t.str.casefold())
        c.unique = _unique_within_source(keys, src_codes, present)
        c.problems += [("invalid_syntax", "validity", present & ~syntax_ok), ("typo_domain", "validity", present & typo),
                       ("role_account", "flag", present & role), ("disposable_domain", "flag", present & disp),
                       ("duplicate_value", "uniqueness", present & ~c.unique)]
        checks["email"] = c

    if "phone" in wanted:
        region = phone_regions_of(*cols.distinct("phone_e164"))
        has_both = pd.notna(region) & has_country
        agrees = has_both & (region == cols.series("country_code").to_numpy(dtype=object))
        present = cols.present("phone")
        valid = cols.notna("phone_e164")
        c = FieldCheck(present=present, valid=valid, checked=has_both, consistent=agrees)
        keys = fill_missing_keys(cols.series("phone_e164"), cols.series("phone"), present,
                                  lambda t: t.str.replace(r"\D", "", regex=True))
        c.unique = _unique_within_source(keys, src_codes, present)
        codes_i, uniq_i = cols.distinct("phone_issue")
        issue = lift(codes_i, uniq_i.to_numpy(dtype=object), "")
        issue = np.where(valid, "", np.where(np.isin(issue, ["", "missing"]), "unparseable", issue))
        c.issue_codes(issue)
        c.problems += [("country_mismatch", "consistency", has_both & ~agrees),
                       ("duplicate_value", "uniqueness", present & ~c.unique)]
        checks["phone"] = c

    if "country" in wanted:
        present = cols.present("country")
        c = FieldCheck(present=present, valid=has_country)
        c.problems.append(("unresolved_country", "validity", present & ~has_country))
        checks["country"] = c

    if "postcode" in wanted:
        issues = postcode_issues(cols.distinct("postcode"), cols.distinct("country_code"), cfg)
        present = pd.notna(issues)
        c = FieldCheck(present=present, valid=present & (issues == ""))
        c.issue_codes(issues)
        checks["postcode"] = c

    if "email_opt_in" in wanted:
        codes_o, uniq_o = cols.distinct("email_opt_in")
        known = stripped_text(uniq_o).str.casefold().isin(["yes", "no"]).to_numpy(dtype=bool)
        checks["email_opt_in"] = FieldCheck(present=lift(codes_o, known, False).astype(bool))

    for name in NAME_FIELDS + TEXT_FIELDS:
        if name not in wanted:
            continue
        issues = text_issues(*cols.distinct(name), placeholders, forbid_digits=name in NAME_FIELDS)
        present = pd.notna(issues)
        c = FieldCheck(present=present, valid=present & (issues == ""))
        c.issue_codes(issues)
        checks[name] = c

    parsed: dict[str, np.ndarray] = {}
    for name in DATE_FIELDS:
        loader = date_issue_codes(*cols.distinct("date_issues"), name)
        flagged = pd.notna(loader)
        ts = parse_timestamps(*cols.distinct(name))
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
        c = FieldCheck(present=present, valid=ok)
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
        c = FieldCheck(fresh=fresh, duplicate=duplicate)
        c.problems += [("duplicate_record", "uniqueness", duplicate), ("stale", "timeliness", ~fresh)]
        checks[RECORD] = c
    return {name: checks[name] for name in cfg["field_weights"] if name in checks}
