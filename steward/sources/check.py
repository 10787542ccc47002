"""What the settings of a source cannot know without its data: checked against the file.

A mapped column the file lacks, a consent value nobody mapped, a value map whose keys never occur,
a date format most values do not fit, extra columns two sources would publish under one name:
each is a ``Problem`` naming the rules file, the key and the values. Errors stop the load (and
``steward run``) with all of them listed; warnings are reported beside the data. Nothing here
decides a value: steward.sources.load reads the data the same way whether or not it was checked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Literal

import pandas as pd

from steward.config import SourceConfig
from steward.normalise.dates import parse_dates
from steward.normalise.opt_in import normalise_opt_in
from steward.schema import CONSENT_FLAG_COLUMNS

__all__ = ["Problem", "consent_value_problems", "date_problems", "extra_column_collisions", "matched_to_header",
           "missing_column_problems", "raise_errors", "wrong_preset_problems"]

EXAMPLES = 5
# A declared format that fails on more than this share of a column's values is wrong for the file,
# not a few bad cells: the run is refused instead of quarantining most dates.
WRONG_FORMAT_SHARE = 0.5


@dataclass(frozen=True)
class Problem:
    severity: Literal["error", "warning"]
    where: str  # "rules/sources.yaml: sources.hubspot.columns.email_opt_in"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def _examples(counts: Counter) -> str:
    shown = ", ".join(f"{value!r} ({n} row{'s' if n > 1 else ''})" for value, n in counts.most_common(EXAMPLES))
    more = len(counts) - EXAMPLES
    return shown + (f" and {more} more" if more > 0 else "")


def missing_column_problems(header: list[str], cfg: SourceConfig) -> list[Problem]:
    """Mapped columns the data does not have: an error for the source's own mapping, a warning for a
    preset's when none of its columns is there (an export lists the properties someone chose, and
    a preset names the columns of a vendor's older and newer layouts; the field is then empty)."""
    problems = []
    present = set(header)
    folded = {c.casefold(): c for c in header}
    for canonical, mapping in cfg.columns.items():
        absent = [c for c in mapping.columns if c not in present]
        if not absent:
            continue
        where = f"{cfg.where}.columns.{canonical}"
        if mapping.optional and canonical != "record_id":
            if len(absent) == len(mapping.columns):
                problems.append(Problem("warning", where, f"preset {cfg.preset!r}: {' / '.join(map(repr, absent))} "
                                        f"not in {cfg.location}; {canonical} stays empty for this source"))
            continue
        if mapping.optional and len(absent) < len(mapping.columns):
            continue  # a preset's record id under one of its layouts' names
        hint = "; ".join(f"{c!r} is there as {folded[c.casefold()]!r}" for c in absent if c.casefold() in folded)
        problems.append(Problem("error", where, f"column(s) {absent} not in {cfg.location}"
                                + (f" ({hint})" if hint else f"; it has {header}")))
    return problems


def wrong_preset_problems(header: list[str], cfg: SourceConfig) -> list[Problem]:
    """A file with a column only another export of the vendor has is read with the wrong preset."""
    folded = {c.casefold() for c in header}
    return [Problem("error", f"{cfg.where}.preset", f"{cfg.location} has the column {column!r}, which only the "
                    f"export of preset {other!r} has; read as {cfg.preset!r} its consent would be wrong: use "
                    f"preset: {other}")
            for column, other in cfg.preset_excludes.items() if column.casefold() in folded]


def matched_to_header(header: list[str], cfg: SourceConfig) -> SourceConfig:
    """A preset's columns as this file spells them: Salesforce Data Loader writes API names in upper
    case (FIRSTNAME), exports of one vendor differ in case between versions. Only a preset's
    mappings are matched so; a steward's own mapping names the column exactly."""
    present = set(header)
    folded: dict[str, list[str]] = {}
    for column in header:
        folded.setdefault(column.casefold(), []).append(column)

    def spelled(column: str) -> str:
        same = folded.get(column.casefold(), [])
        return same[0] if column not in present and len(same) == 1 else column

    columns = {}
    for canonical, mapping in cfg.columns.items():
        if mapping.optional and any(c not in present for c in mapping.columns):
            mapping = replace(mapping, column=spelled(mapping.column) if mapping.column else None,
                              also=tuple(spelled(c) for c in mapping.also),
                              generate_from=tuple(c if c == "*" else spelled(c) for c in mapping.generate_from))
        columns[canonical] = mapping
    return replace(cfg, columns=columns)


def consent_value_problems(text: pd.DataFrame, cfg: SourceConfig) -> list[Problem]:
    """Consent values found in the data that the source's value map (or, without one, the common
    vocabulary yes/no/true/false/subscribed ...) does not read: an error, because "unknown" would
    silently drop an opt-out. Value-map keys that never occur: a warning (for a preset: nothing)."""
    problems = []
    for canonical in CONSENT_FLAG_COLUMNS:
        mapping = cfg.columns.get(canonical)
        columns = [c for c in (mapping.columns if mapping else ()) if c in text]
        if not columns:
            continue
        # Each distinct value once, with how many rows hold it (in order of first appearance, as the
        # examples list them): a consent column of a million rows holds a handful of values.
        counts = pd.concat([text[c] for c in columns]).dropna().value_counts(sort=False)
        if counts.empty:
            continue
        values = pd.Series(counts.index, dtype=object)
        where = f"{cfg.where}.columns.{canonical}"
        if mapping.present is not None:
            # "filled means yes" must not read a filled "No" as yes.
            says_no = (normalise_opt_in(values) == "no").to_numpy()
            if says_no.any():
                problems.append(Problem("error", where, f"{cfg.location} column(s) {columns} hold answers that say "
                                        f"no: {_examples(Counter(dict(counts[says_no])))}; with present: every "
                                        f"filled cell counts as {mapping.present!r}: map it with values: instead"))
            continue
        read = normalise_opt_in(values, mapping.values)
        # "unknown" is a legitimate reading only when a value map says so explicitly.
        # (and the word "unknown" itself, which canonical files write).
        explicit_unknown = {k for k, v in (mapping.values or {}).items() if v == "unknown"} | {"unknown"}
        unread = ((read == "unknown") & ~values.str.strip().str.casefold().isin(explicit_unknown)).to_numpy()
        if unread.any():
            how = (f"values: {mapping.values}" if mapping.values else "the common vocabulary (yes/no/true/false/1/0, "
                   "subscribed/unsubscribed ...)")
            problems.append(Problem("error", where, f"{cfg.location} column(s) {columns} hold values that "
                                    f"{how} does not map: {_examples(Counter(dict(counts[unread])))}; add them to "
                                    "values: (\"yes\", \"no\" or \"unknown\") so no opt-out is read as unknown"))
        if mapping.values and not mapping.optional:
            seen = set(values.str.strip().str.casefold())
            unused = sorted(k for k in mapping.values if k and k not in seen)
            if unused and len(unused) == len([k for k in mapping.values if k]):
                problems.append(Problem("error", where, f"none of the values: keys {unused} occurs in column(s) "
                                        f"{columns} of {cfg.location} (they hold {_examples(Counter(dict(counts)))})"))
            elif unused:
                problems.append(Problem("warning", where, f"values: keys {unused} do not occur in {cfg.location}"))
    return problems


def date_problems(column: str, fmt: str | None, original: pd.Series, issue: pd.Series, cfg: SourceConfig) -> list[Problem]:
    """A declared format most values do not fit is an error (the format is wrong); a few values
    that do not fit are a warning (they are kept in the record's date_issues and the audit)."""
    filled = issue != "missing"
    failed = filled & (issue != "")
    if not failed.any():
        return []
    share = failed.sum() / max(int(filled.sum()), 1)
    mapping = cfg.columns.get(column)
    where = f"{cfg.where}.{'date_format' if column == 'date_of_birth' else 'timestamp_format'}"
    said = f"{fmt!r}" if fmt else "ISO 8601 (no format declared)"
    examples = _examples(Counter(original[failed].astype(str)))
    message = (f"{int(failed.sum())} of {int(filled.sum())} {column} values in column "
               f"{mapping.column if mapping else column!r} of {cfg.location} do not fit {said}: {examples}")
    fits = _format_that_fits(original[filled], fmt) if fmt else None
    if fits is not None:
        # Another reading fits every value: the declared one misreads the rest (9/3 as 9 March),
        # so this is the wrong format, however few values it fails on.
        return [Problem("error", where, message + f"; every value fits {fits!r}: did you mean that?")]
    if fmt and share > WRONG_FORMAT_SHARE:
        return [Problem("error", where, message + "; the format does not match this file")]
    return [Problem("warning", where, message + "; they are kept in date_issues, not used")]


_COMMON_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S",
                   "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y")


def _format_that_fits(values: pd.Series, fmt: str) -> str | None:
    """A format that reads every value: the declared one with day and month swapped first, then
    ISO 8601 and the common layouts; None when none does."""
    swapped = fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
    for candidate in dict.fromkeys((swapped, *_COMMON_FORMATS)):
        if candidate != fmt and (parse_dates(values, candidate)["issue"] == "").all():
            return candidate
    return None


def extra_column_collisions(extras: dict[str, list[str]]) -> list[Problem]:
    """``extras``: source -> the extra columns it publishes. Columns whose names differ only in case
    cannot sit side by side in a SQL table: name each pair and the way out."""
    by_folded: dict[str, list[tuple[str, str]]] = {}
    for source, columns in extras.items():
        for column in columns:
            by_folded.setdefault(column.casefold(), []).append((source, column))
    problems = []
    for holders in by_folded.values():
        names = {column for _, column in holders}
        if len(names) > 1:
            listed = ", ".join(f"{column!r} from {source}" for source, column in holders)
            source, column = holders[-1]
            original = column.removeprefix("extra_")
            problems.append(Problem("error", f"sources.{source}.extra_columns", f"extra columns {listed} differ only in "
                                    f"case and cannot both be published; rename one, e.g. extra_columns: "
                                    f"{{{original!r}: {source}_{original.lower()}}}, or drop it ({original!r}: drop)"))
    return problems


def raise_errors(problems: list[Problem], error: type[Exception]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        lines = [str(p) for p in errors]
        raise error(lines[0] if len(lines) == 1 else f"{len(lines)} problems:\n" + "\n".join(f"- {x}" for x in lines))
