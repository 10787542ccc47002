"""Finding an erased person's values in text and structures that are not ours to re-derive
(run logs, UI metadata of earlier runs, stored step outputs), and redacting them.

A run knows an erased person's records in full while it suppresses them; these functions let it
wipe every earlier copy of their values with only those records in hand: e-mail addresses,
phone numbers in any layout (the national number's digits) and the pair of first and last name.
The unit redacted is the smallest that holds a value and everything beside it: a table row, a
line of text (a Markdown table row keeps its cell count), never a whole document.

Previews shown in the UI are masked from the start (``mask_preview``): they show the shape of
the data (initials, e-mail domains, the last two digits of a phone), never a whole value."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["ERASED", "Needles", "PERSONAL_COLUMNS", "mask_preview", "mask_value", "redact_json", "redact_text"]

ERASED = "[erased]"
# Columns of the canonical contact schema (and of the engine's derived frames) that hold a
# person's own values; previews mask them.
PERSONAL_COLUMNS = frozenset({
    "first_name", "last_name", "full_name", "email", "phone", "address_line1", "postcode", "date_of_birth",
    "raw", "email_norm", "email_key", "phone_e164", "dob", "name", "a_name", "b_name",
})
_PHONE_LIKE = re.compile(r"\+?\(?\d[\d \t().\-/]{4,}\d")
_MIN_PHONE_DIGITS = 6  # shorter national numbers would match house numbers and dates


def _national_digits(e164: str) -> str | None:
    import phonenumbers

    try:
        return str(phonenumbers.parse(e164, None).national_number)
    except phonenumbers.NumberParseException:
        digits = re.sub(r"\D", "", e164)
        return digits or None


@dataclass
class Needles:
    """What marks an erased person in text: ``emails`` (lower case), ``phones`` (national numbers'
    digits; a phone-like run of digits ending in one matches, whatever its layout or prefix) and
    ``names`` ((first, last), lower case; a unit holding both matches)."""

    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    names: set[tuple[str, str]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.emails or self.phones or self.names)

    @classmethod
    def of_records(cls, records: pd.DataFrame) -> "Needles":
        """From normalised (or raw canonical) records: each record's e-mail as exported and
        normalised, its phone as exported and in E.164, its first and last name."""
        needles = cls()

        def values(*columns: str) -> Iterable[str]:
            for column in columns:
                if column in records.columns:
                    yield from (str(v).strip() for v in records[column].dropna() if str(v).strip())

        needles.emails = {v.lower() for v in values("email", "email_norm", "email_clean") if "@" in v}
        for phone in values("phone_e164"):
            if (digits := _national_digits(phone)) and len(digits) >= _MIN_PHONE_DIGITS:
                needles.phones.add(digits)
        for phone in values("phone", "phone_clean"):
            digits = re.sub(r"\D", "", phone).lstrip("0")
            if len(digits) >= _MIN_PHONE_DIGITS:
                needles.phones.add(digits[-9:] if len(digits) > 9 else digits)
        for first_col, last_col in (("first_name", "last_name"), ("first_name_clean", "last_name_clean")):
            if first_col in records.columns and last_col in records.columns:
                pairs = records[[first_col, last_col]].dropna()
                needles.names |= {(str(f).strip().lower(), str(n).strip().lower()) for f, n in pairs.itertuples(index=False)
                                  if len(str(f).strip()) >= 2 and len(str(n).strip()) >= 2}
        return needles

    def found_in(self, text: str) -> bool:
        low = text.lower()
        if any(e in low for e in self.emails):
            return True
        if any(f in low and n in low for f, n in self.names):
            return True
        if self.phones:
            for match in _PHONE_LIKE.finditer(text):
                digits = re.sub(r"\D", "", match.group())
                if any(digits.endswith(p) for p in self.phones):
                    return True
        return False


    def replaced(self, line: str) -> str:
        """``line`` with each e-mail, phone and 'first last' of the person replaced."""
        for email in self.emails:
            line = re.sub(re.escape(email), ERASED, line, flags=re.IGNORECASE)
        for first, last in self.names:
            line = re.sub(rf"{re.escape(first)}\s+{re.escape(last)}|{re.escape(last)},?\s+{re.escape(first)}",
                          ERASED, line, flags=re.IGNORECASE)
        if self.phones:
            line = _PHONE_LIKE.sub(
                lambda m: ERASED if any(re.sub(r"\D", "", m.group()).endswith(p) for p in self.phones) else m.group(),
                line)
        return line


def _redacted_line(line: str, needles: Needles) -> str:
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 2:
        # A Markdown table row (the review queue) is about the person as a whole: it goes, and
        # keeps its shape.
        cells = stripped.count("|") - 1
        return "| " + " | ".join([ERASED] + [""] * (cells - 1)) + " |"
    # A line listing values (a check's examples, a log line): only the person's values go,
    # unless what stays still points at them.
    replaced = needles.replaced(line)
    return ERASED if needles.found_in(replaced) else replaced


def redact_text(text: str, needles: Needles) -> tuple[str, int]:
    """(text with every line holding a needle replaced, how many lines)."""
    if not needles or not text or not needles.found_in(text):
        return text, 0
    lines = text.split("\n")
    hit = 0
    for i, line in enumerate(lines):
        if needles.found_in(line):
            lines[i], hit = _redacted_line(line, needles), hit + 1
    return "\n".join(lines), hit


def redact_json(value: Any, needles: Needles) -> tuple[Any, int]:
    """A parsed JSON document (Dagster's serialised events) with the erased person's table rows
    and lines redacted: (document, how many rows and lines). Keys and structure stay, so the
    document still deserialises."""
    if isinstance(value, str):
        return redact_text(value, needles)
    if isinstance(value, list):
        total = 0
        out = []
        for item in value:
            item, n = redact_json(item, needles)
            out.append(item)
            total += n
        return out, total
    if isinstance(value, dict):
        if value.get("__class__") == "TableRecord" and isinstance(value.get("data"), dict):
            row = " | ".join(str(v) for v in value["data"].values())
            if needles.found_in(row):
                return {**value, "data": {k: (ERASED if isinstance(v, str) else None) for k, v in value["data"].items()}}, 1
            return value, 0
        total = 0
        out_dict = {}
        for key, item in value.items():
            item, n = redact_json(item, needles)
            out_dict[key] = item
            total += n
        return out_dict, total
    return value, 0


def mask_value(column: str, value: Any) -> Any:
    """A personal value as a preview shows it: 'j•••@gmail.com', '+49 •••• ••96', 'M•••'."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return value
    text = str(value)
    if not text:
        return text
    if "@" in text and column in {"email", "email_norm", "email_key", "raw"}:
        local, _, domain = text.rpartition("@")
        return f"{local[:1]}•••@{domain}"
    if column in {"phone", "phone_e164"}:
        digits = re.sub(r"\D", "", text)
        return f"{'+' if text.startswith('+') else ''}•••• ••{digits[-2:]}" if len(digits) > 2 else "••"
    if column in {"raw", "address_line1"}:
        return f"••• ({len(text)} characters)"
    if column in {"date_of_birth", "dob"}:
        return "••••-••-••"
    return f"{text[:1]}•••"


def mask_preview(frame: pd.DataFrame) -> pd.DataFrame:
    """A preview's rows with every personal column masked (``PERSONAL_COLUMNS``; extra source
    columns are the source's own and masked too)."""
    out = frame.copy()
    for column in out.columns:
        name = str(column)
        if name in PERSONAL_COLUMNS or name.startswith("extra_"):
            out[column] = [mask_value(name, v) for v in out[column].tolist()]
    return out
