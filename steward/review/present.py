"""The review queue as a person reads it: one line per question, the two records side by side as
one cell each (name · e-mail · phone · company · town), the strongest reasons, and a link per
decision. Plain text out (Markdown and CSV); where the links lead is the caller's business (the
Dagster layer points them at the review_merges Launchpad, filled in)."""

from __future__ import annotations

import re
from typing import Callable

import pandas as pd

from steward.schema import KEY_SEPARATOR

# What a reviewer needs to tell two people apart, in reading order.
RECORD_FIELDS = ("name", "email", "phone", "company", "city")
# The strongest reasons for and against: two keep a line of the queue short at 1280 px.
SHOWN_REASONS = 2
QUEUE_CSV_COLUMNS = ["pair_id", "match_probability", "record_a", "record_b", "a_golden_id", "a_records",
                     "b_golden_id", "b_records", "record_pairs", "reasons"]

# Characters that would make a value Markdown (a link, emphasis, a table cell break, HTML): data
# from a source is shown as text, never as markup.
_BLANKS = re.compile(r"[ \t\r\n\f\v]+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return _BLANKS.sub(" ", str(value)).strip()  # (no-break spaces stay: they are layout)


def _markdown_text(value) -> str:
    # "&" first (so no value spells an entity), then the characters that would make markup. Left:
    # Dagster's renderer turns a bare "https://…" or an e-mail address into a link by itself (GFM
    # autolinks; character references do not stop it), so such text in a name is clickable.
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _text(value).replace("&", "&amp;"))


def record_cells(suggestions: pd.DataFrame, side: str) -> list[list[str]]:
    """Per suggestion, the filled parts of record ``side`` ("a" or "b") in RECORD_FIELDS order."""
    def column(name: str) -> list[str]:
        return [_text(v) for v in suggestions.get(f"{side}_{name}", pd.Series([None] * len(suggestions)))]

    names = [" ".join(p for p in parts if p) for parts in zip(column("first_name"), column("last_name"))]
    parts = zip(names, *(column(f) for f in RECORD_FIELDS[1:]))
    return [[p for p in row if p] for row in parts]


# Explanations are sentences ("first names are identical (+8.6)"); a queue line has room for a few
# words per reason: "same first name +8.6".
_SHORTER = [
    (re.compile(r"^(.+?)s are identical$"), r"same \1"),
    (re.compile(r"^(.+?) is the same, but several different people hold it.*$"), r"shared \1"),
    (re.compile(r"^(.+?) is the same, but \d+ or more different people hold it.*$"), r"crowded \1"),
    (re.compile(r"^(.+?)s match once accents and umlauts are folded.*$"), r"same \1 (accents)"),
    (re.compile(r"^(.+?)s are nickname variants.*$"), r"\1 nickname"),
    (re.compile(r"^(.+?)s differ by a typo$"), r"\1 typo"),
    (re.compile(r"^(.+?)s are different$"), r"different \1"),
    (re.compile(r"^(.+?)s are similar but not the same$"), r"similar \1"),
    (re.compile(r"^different (.+?)s$"), r"different \1"),
    (re.compile(r"^(.+?) \(.*\)$"), r"\1"),
]
_REASON = re.compile(r"^([+−-])\s*(.*?)\s*\(([+−-]?[\d.]+)\)$")


def short_reason(reason: str) -> str:
    """One reason in a few words, with its weight: "+ first names are identical (+8.6)" ->
    "same first name +8.6"."""
    found = _REASON.match(reason.strip())
    if not found:
        return reason.strip()
    _, text, weight = found.groups()
    for pattern, replacement in _SHORTER:
        text = pattern.sub(replacement, text)
    return f"{text.replace('email address', 'email').replace('phone number', 'phone')} {weight}"


def strongest_reasons(explanation: str, top: int = SHOWN_REASONS) -> str:
    """The first ``top`` reasons of an explanation, each in a few words ("same phone +11.8; ...")."""
    return "; ".join(short_reason(r) for r in _text(explanation).split("; ")[:top] if r)


def golden_ids_of(crosswalk: pd.DataFrame | None, keys: pd.Series) -> dict[str, str]:
    """{contact key: golden id} for ``keys`` (source:record_id) found in ``crosswalk`` (source,
    record_id, golden_id; None before the first publication)."""
    if crosswalk is None or not len(crosswalk) or not len(keys):
        return {}
    crosswalk_keys = crosswalk["source"].astype(str) + KEY_SEPARATOR + crosswalk["record_id"].astype(str)
    found = crosswalk_keys.isin(set(keys))
    return dict(zip(crosswalk_keys[found], crosswalk.loc[found, "golden_id"]))


def queue_table(suggestions: pd.DataFrame, golden_of: dict[str, str] | None = None) -> pd.DataFrame:
    """The queue in QUEUE_CSV_COLUMNS: each record as one readable cell, each side's golden id
    (``golden_of``: contact key -> golden id of the last publication; "new" for records not yet in
    one) and how many records it holds."""
    golden_of = golden_of or {}
    n = len(suggestions)

    def side(name: str, default) -> list:
        return suggestions[name].tolist() if name in suggestions.columns else [default] * n

    return pd.DataFrame({
        "pair_id": side("pair_id", ""),
        "match_probability": side("match_probability", None),
        "record_a": [" · ".join(p) for p in record_cells(suggestions, "a")],
        "record_b": [" · ".join(p) for p in record_cells(suggestions, "b")],
        "a_golden_id": [golden_of.get(k, "new") for k in side("a_contact_key", "")],
        "a_records": side("a_records", 1),
        "b_golden_id": [golden_of.get(k, "new") for k in side("b_contact_key", "")],
        "b_records": side("b_records", 1),
        "record_pairs": side("record_pairs", 1),
        "reasons": [strongest_reasons(e) for e in side("explanation", "")],
    }, columns=QUEUE_CSV_COLUMNS)


def queue_markdown(suggestions: pd.DataFrame, link: Callable[[str, str], str], shown: int = 50,
                   golden_of: dict[str, str] | None = None, everything_at: str | None = None) -> str:
    """The first ``shown`` suggestions as a Markdown table of five columns: score, record A,
    record B, reasons, and Approve / Reject links (``link(action, pair_id)`` gives each URL).
    Above it: how many there are and where the rest is (``everything_at``)."""
    total = len(suggestions)
    if total == 0:
        return "Nothing awaits review."
    table = queue_table(suggestions.head(shown), golden_of)
    head = f"**{min(shown, total)} of {total} suggestions**, most likely first."
    if total > shown and everything_at:
        head += f" All {total}: `{everything_at}`."
    elif everything_at:
        head += f" Also in `{everything_at}`."
    lines = [head, "",
             "| Score | Record A | Record B | Why | Decide |",
             "|---:|---|---|---|---|"]
    for row in table.itertuples(index=False):
        cells = []
        for record, golden, held in ((row.record_a, row.a_golden_id, row.a_records),
                                     (row.record_b, row.b_golden_id, row.b_records)):
            where = f"{golden}, {int(held)} record{'s' if int(held) != 1 else ''}"
            cells.append(f"{_markdown_text(record)} ({_markdown_text(where)})")
        pairs = f"; {int(row.record_pairs)}\u00a0record\u00a0pairs" if int(row.record_pairs) > 1 else ""
        # Each reason on one line (no-break spaces): the browser then gives the column the width of
        # a reason and wraps the records, which have room, instead of a reason per word.
        reasons = "; ".join(r.replace(" ", "\u00a0") for r in row.reasons.split("; "))
        decide = f"[Approve]({link('approve', row.pair_id)}) · [Reject]({link('reject', row.pair_id)})"
        lines.append(f"| {float(row.match_probability):.3f} | {cells[0]} | {cells[1]} | "
                     f"{_markdown_text(reasons)}{pairs} | {decide} |")
    return "\n".join(lines)


def decision_outcomes(decisions: pd.DataFrame, contacts: pd.DataFrame, crosswalk: pd.DataFrame,
                      erased: set[str] | None = None) -> pd.DataFrame:
    """Per decision (newest first as given): action, what holds now, the two records in words
    (by key only for ``erased`` contact keys)
    ("one golden record G1" / "apart: G1 and G2" / "not published": a record erased or gone)."""
    named = set(decisions["left_key"]) | set(decisions["right_key"])
    # Only the records the decisions name (a few) are looked up, not every contact and golden id.
    contacts = contacts[contacts["contact_key"].isin(named)]
    golden = golden_ids_of(crosswalk, pd.Series(sorted(named), dtype=object))
    label = {}
    if len(contacts):
        names = (contacts["first_name"].fillna("").astype(str) + " " + contacts["last_name"].fillna("").astype(str))
        emails = contacts["email"].fillna("").astype(str)
        for key, name, email in zip(contacts["contact_key"], names, emails):
            # An erased person's name never reaches the UI: their records are shown by key.
            if erased and key in erased:
                continue
            label[key] = " · ".join(p for p in (" ".join(name.split()), email.strip()) if p) or key
    rows = []
    for d in decisions.itertuples(index=False):
        a, b = golden.get(d.left_key), golden.get(d.right_key)
        if a is None or b is None:
            now = "not published (a record was erased or left its source)"
        elif a == b:
            now = f"one golden record {a}"
        else:
            now = f"apart: {a} and {b}"
        rows.append({"action": d.action, "now": now, "record_a": label.get(d.left_key, d.left_key),
                     "record_b": label.get(d.right_key, d.right_key), "reviewer": d.reviewer,
                     "decided_at": d.decided_at, "pair_id": d.pair_id})
    # What was decided and what holds now first: at 1280 px the table shows its first columns.
    return pd.DataFrame(rows, columns=["action", "now", "record_a", "record_b", "reviewer", "decided_at", "pair_id"])
