"""``steward sources detect FILE``: which preset fits a file's header, and the source block to paste.

A preset fits by the share of its columns the header has (case-insensitively, as the loader
matches a preset's columns); the proposal names the preset, the path, and lists the columns no
mapping reads, which a run keeps as ``extra_`` columns unless the block renames or drops them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from steward.config.sources import file_kind, preset_mappings, preset_names, read_preset
from steward.sources.csv_file import detect_encoding

__all__ = ["PresetFit", "fit_presets", "proposed_block", "read_header"]


@dataclass(frozen=True)
class PresetFit:
    preset: str
    found: tuple[str, ...]  # preset columns the file has
    missing: tuple[str, ...]  # fields none of whose columns the file has
    has_id: bool
    # The file has the columns that tell this export apart (+), or lacks them / has another
    # export's (-): Mailchimp's subscribed, unsubscribed and cleaned exports share one layout.
    told_apart: int = 0

    @property
    def score(self) -> float:
        total = len(self.found) + len(self.missing)
        return (len(self.found) / total if total else 0.0) + (1.0 if self.has_id else 0.0) + self.told_apart


def read_header(path: Path) -> list[str]:
    """The header of a CSV (delimiter sniffed) or the first sheet of an Excel file."""
    if file_kind(path) == "excel":
        import pandas as pd

        return [str(c) for c in pd.read_excel(path, nrows=0).columns]
    # The encoding as `steward run` finds it: a UTF-16 or latin-1 export's header is read right.
    with open(path, encoding=detect_encoding(path), errors="replace", newline="") as fh:
        first = fh.readline().rstrip("\r\n")
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return next(csv.reader(io.StringIO(first), delimiter=delimiter), [])


def fit_presets(header: list[str], rules_dir: Path) -> list[PresetFit]:
    """Every preset of ``rules_dir``/presets scored against ``header``, best first."""
    folded = {c.casefold() for c in header}
    fits = []
    for name in preset_names(rules_dir):
        spec, problems = read_preset(name, rules_dir)
        if spec is None:
            continue
        found, missing = [], []
        mappings = preset_mappings(spec)
        for canonical, mapping in mappings.items():
            if mapping.constant is not None or mapping.generate_from == ("*",):
                continue  # reads no column of its own
            present = [c for c in mapping.columns if c.casefold() in folded]
            (found.extend(present) if present else missing.append(canonical))
        id_mapping = mappings.get("record_id")
        has_id = id_mapping is not None and (bool(id_mapping.generate_from)
                                             or any(c.casefold() in folded for c in id_mapping.columns))
        signature = [c.casefold() for c in spec.signature or []]
        told_apart = ((1 if all(c in folded for c in signature) else -2) if signature else 0) \
            - (2 if any(c.casefold() in folded for c in (spec.excludes or {})) else 0)
        fits.append(PresetFit(name, tuple(found), tuple(missing), has_id and bool(found), told_apart))
    return sorted(fits, key=lambda f: (-f.score, f.preset))


_GUESSES = (("email", ("e-mail", "email", "mail")), ("phone", ("phone", "mobile", "telefon", "tel")),
            ("first_name", ("first name", "vorname", "prénom", "given")), ("last_name", ("last name", "surname",
            "nachname", "family name")), ("full_name", ("full name", "your name", "name")),
            ("company", ("company", "organisation", "organization", "firma")), ("city", ("city", "town", "stadt")),
            ("country", ("country", "land", "pays")), ("email_opt_in", ("newsletter", "marketing", "consent", "email you")))


def _guess(column: str) -> str:
    """The canonical field a form question most likely asks for ("field" when none fits)."""
    text = column.casefold()
    return next((canonical for canonical, words in _GUESSES if any(w in text for w in words)), "field")


def _quoted(column: str) -> str:
    return '"' + column.replace("\\", "\\\\").replace('"', '\\"') + '"'


def proposed_block(path: Path, header: list[str], fit: PresetFit | None, name: str) -> str:
    """The rules/sources.yaml block for ``path``, as text to paste under ``sources:``."""
    lines = [f"  {name}:"]
    read = {c.casefold() for c in (fit.found if fit else ())}
    if fit is not None:
        lines.append(f"    preset: {fit.preset}")
    lines.append(f"    kind: {file_kind(path)}")
    lines.append(f"    path: {path}")
    if fit is None:
        lines.append("    columns:                 # canonical field: your column")
        lines.append("      record_id: ...           # or {generate_from: all} when the file has no id")
    elif fit.preset in ("typeform", "google_forms"):
        lines.append("    columns:                 # a form: map its questions (uncomment and keep the quotes)")
        for column in (c for c in header if c.casefold() not in read):
            field = _guess(column)
            lines.append(f"      # {field}: {{column: {_quoted(column)}, present: \"yes\", absent: \"unknown\"}}"
                         "   # a ticked box writes its label" if field == "email_opt_in"
                         else f"      # {field}: {_quoted(column)}")
    if fit is not None and fit.missing:
        lines.append(f"    # the preset maps {', '.join(fit.missing)}, which this file does not have")
    unread = [c for c in header if c.casefold() not in read]
    if unread:
        lines.append("    # columns no mapping reads: kept as extra_<column>; map one under columns:, or")
        lines.append("    # rename/drop it under extra_columns: {\"Column\": new_name | drop}")
        lines += [f"    #   {c}" for c in unread]
    return "\n".join(lines)
