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
_PHONE_LIKE = re.compile(r"(?<![\w.])\+?\(?\d[\d \t().\-/]{4,}\d(?![\w])")
_MIN_PHONE_DIGITS = 6  # shorter national numbers would match house numbers and dates


def _phone_forms(e164: str) -> set[str]:
    """The digit strings a number is written as: international (with or without 00) and national
    (with or without the trunk 0), e.g. 4915112345678, 004915112345678, 015112345678, 15112345678."""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return set()
    national, code = str(number.national_number), str(number.country_code)
    if len(national) < _MIN_PHONE_DIGITS:
        return set()
    return {national, "0" + national, code + national, "00" + code + national}


# An e-mail address as a whole token: not part of a longer address ("ann@x.de" in "joann@x.de").
_EMAIL_EDGE = r"(?<![\w.%+-]){}(?![\w-]|\.\w)"


@dataclass
class Needles:
    """What marks an erased person in text, each matched as a whole: ``emails`` (lower case, a
    whole address), ``phones`` (the digit strings of each number in its international and
    national forms; a phone-like token whose digits are exactly one of them matches, whatever its
    layout) and ``names`` ((first, last), lower case; the name written out, "First Last" or
    "Last, First", as whole words)."""

    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    names: set[tuple[str, str]] = field(default_factory=set)
    # E-mails and written-out names as one pattern, made from the sets above.
    _words: re.Pattern | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        parts = [_EMAIL_EDGE.format(re.escape(e)) for e in sorted(self.emails)]
        for first, last in sorted(self.names):
            f, n = re.escape(first), re.escape(last)
            parts.append(rf"(?<!\w){f}\s+{n}(?!\w)|(?<!\w){n},?\s+{f}(?!\w)")
        self._words = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def __bool__(self) -> bool:
        return bool(self.emails or self.phones or self.names)

    @classmethod
    def of_records(cls, records: pd.DataFrame) -> "Needles":
        """From normalised records (or raw canonical ones: then phones are read in E.164 only
        where written so): each record's e-mail as exported and normalised, its phone number, its
        first and last name."""
        def values(*columns: str) -> Iterable[str]:
            for column in columns:
                if column in records.columns:
                    yield from (str(v).strip() for v in records[column].dropna() if str(v).strip())

        emails = {v.lower() for v in values("email", "email_norm", "email_clean") if "@" in v}
        phones: set[str] = set()
        for phone in values("phone_e164", "phone"):
            if phone.startswith("+"):
                phones |= _phone_forms(phone)
        names: set[tuple[str, str]] = set()
        for first_col, last_col in (("first_name", "last_name"), ("first_name_clean", "last_name_clean")):
            if first_col in records.columns and last_col in records.columns:
                pairs = records[[first_col, last_col]].dropna()
                names |= {(str(f).strip().lower(), str(n).strip().lower()) for f, n in pairs.itertuples(index=False)
                          if len(str(f).strip()) >= 2 and len(str(n).strip()) >= 2}
        return cls(emails, phones, names)

    def _is_phone(self, token: str) -> bool:
        return re.sub(r"\D", "", token) in self.phones

    def found_in(self, text: str) -> bool:
        if not isinstance(text, str) or not text:
            return False
        if self._words is not None and self._words.search(text):
            return True
        return bool(self.phones) and any(self._is_phone(m.group()) for m in _PHONE_LIKE.finditer(text))

    def row_found(self, values: Iterable) -> bool:
        """A table row (cells side by side) is the person's when a cell holds their e-mail, phone
        or written-out name, or one cell is their first name and another their last name."""
        cells = [str(v) for v in values if v is not None and str(v).strip()]
        if any(self.found_in(c) for c in cells):
            return True
        folded = {c.strip().lower() for c in cells}
        return any(first in folded and last in folded for first, last in self.names)

    def replaced(self, line: str) -> str:
        """``line`` with each e-mail, phone and written-out name of the person replaced."""
        if self._words is not None:
            line = self._words.sub(ERASED, line)
        if self.phones:
            line = _PHONE_LIKE.sub(lambda m: ERASED if self._is_phone(m.group()) else m.group(), line)
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


# Where Dagster's serialised events hold values a person wrote or a run computed from them:
# metadata (text, Markdown, JSON, table rows), log and event messages, check descriptions. Class
# names, enum values, keys, paths and tags are structure and never touched.
_VALUE_KEYS = frozenset({"text", "md_str", "data", "user_message", "message", "description", "value"})


def redact_json(value: Any, needles: Needles, inside_value: bool = False) -> tuple[Any, int]:
    """A parsed JSON document (Dagster's serialised events) with the erased person's table rows
    and lines redacted: (document, how many rows and lines). Only strings under value-bearing
    keys are read, so the document still deserialises and says what it said of everyone else."""
    if isinstance(value, str):
        return redact_text(value, needles) if inside_value else (value, 0)
    if isinstance(value, list):
        total, out = 0, []
        for item in value:
            item, n = redact_json(item, needles, inside_value)
            out.append(item)
            total += n
        return out, total
    if isinstance(value, dict):
        if value.get("__class__") == "TableRecord" and isinstance(value.get("data"), dict):
            if needles.row_found(value["data"].values()):
                return {**value, "data": {k: (ERASED if isinstance(v, str) else None) for k, v in value["data"].items()}}, 1
            return value, 0
        total, out_dict = 0, {}
        for key, item in value.items():
            if key == "__class__":
                out_dict[key] = item
                continue
            item, n = redact_json(item, needles, inside_value or key in _VALUE_KEYS)
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
