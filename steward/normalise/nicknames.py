"""Given-name nicknames: Bob/Rob/Bobby -> robert, Kasia -> katarzyna.

A room of its own because it is the one normaliser driven by a file a steward
edits: curated groups in a project's rules/nicknames.csv win over the nicknames
package (whose data has odd links, e.g. bill -> robert, and no kate <-> katie
path through one canonical). The file is an explicit input, passed down from
the project's settings (``Project.normalise_options()``); this module never
looks for a project itself. Without a file the nicknames package decides alone.
"""

from __future__ import annotations

import csv
import io
import logging
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from nicknames import NickNamer

from steward.normalise.names import name_key_of
from steward.normalise.values import as_series, is_missing, map_values, object_series

log = logging.getLogger(__name__)

# Where a project keeps its groups, relative to the project directory.
NICKNAMES_FILE = Path("rules") / "nicknames.csv"


@dataclass(eq=False)
class _NickTable:
    """Folded variant -> folded canonical, plus a per-table token cache."""

    source: str
    override: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)


def _read_nickname_rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:  # saved by a spreadsheet in a legacy code page
        text = path.read_text(encoding="cp1252", errors="replace")
    # spreadsheets in many European locales save CSV with ';'
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    delimiter = ";" if ";" in first and "," not in first else ","
    rows = []
    for lineno, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        rows.append((lineno, cells))
    return rows


def _parse_nickname_rows(rows: list[tuple[int, list[str]]], where: str) -> dict[str, str]:
    """Rows of ``canonical,variants`` (variants '|'-separated; more cells are
    read as more variants) -> {folded name: folded canonical}. A header row
    ``canonical,...`` is skipped; a name in two rows keeps its first row."""
    override: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for lineno, cells in rows:
        if cells[0].casefold() == "canonical":
            continue  # header
        canon = name_key_of(cells[0])
        if not canon:
            log.warning("%s:%d: no canonical name, row ignored", where, lineno)
            continue
        if canon in override and override[canon] != canon:
            # the canonical name is already a variant of an earlier row: this
            # row joins that group (kathi -> katharina -> katherine: one key)
            log.info("%s:%d: %r is listed under %r; its variants join that group", where, lineno, canon,
                     override[canon])
            canon = override[canon]
        names = [canon] + [name_key_of(v) for cell in cells[1:] for v in cell.split("|")]
        for name in dict.fromkeys(n for n in names if n):
            if name in override and override[name] != canon:
                log.warning(
                    "%s:%d: %r is already in the row for %r (line %d); keeping that one",
                    where, lineno, name, override[name], first_line[name],
                )
                continue
            override[name] = canon
            first_line.setdefault(name, lineno)
    return override


@lru_cache(maxsize=8)
def _nick_table_cached(path: str, mtime_ns: int, size: int) -> _NickTable:
    try:
        override = _parse_nickname_rows(_read_nickname_rows(Path(path)), path)
    except (OSError, csv.Error) as exc:  # unreadable file: say so, use the package alone
        log.warning("%s: cannot read nickname groups (%s); using the nicknames package alone", path, exc)
        override = {}
    return _NickTable(path, override)


_EMPTY_NICK_TABLE = _NickTable("(none)", {})

# Paths already reported missing: a run normalises in several calls, and one
# warning per file is enough.
_WARNED_MISSING: set[str] = set()


def _nick_table(nickname_file: str | os.PathLike | None) -> _NickTable:
    """The nickname table of ``nickname_file``, cached until the file changes;
    an empty table (the nicknames package alone) when there is no file (None)
    or it does not exist."""
    if nickname_file is None:
        return _EMPTY_NICK_TABLE
    path: Path | str | os.PathLike = nickname_file
    try:
        path = Path(nickname_file)
        st = path.stat()
    except (OSError, TypeError, ValueError):  # missing, unreadable, or not a path at all
        key = str(path)
        if key not in _WARNED_MISSING:
            _WARNED_MISSING.add(key)
            log.warning("%s: nickname file not found; using the nicknames package alone", key)
        return _EMPTY_NICK_TABLE
    return _nick_table_cached(str(path.resolve()), st.st_mtime_ns, st.st_size)


def load_nicknames(nickname_file: str | os.PathLike | None = None) -> dict[str, str]:
    """{folded name: folded canonical} as read from ``nickname_file`` (a copy;
    empty without a file)."""
    return dict(_nick_table(nickname_file).override)


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


def _package_canonical(tok: str, override: dict[str, str]) -> str:
    if len(tok) < 2 or not tok.isalpha():
        return tok
    nn = _nicknamer()
    cands = {override.get(c.lower(), c.lower()) for c in nn.canonicals_of(tok)}
    cands.discard(tok)
    if len(cands) != 1:
        return tok  # not a nickname, or ambiguous (al: albert/alan/alfred ...)
    (canon,) = cands
    # the package also lists formal names as "nicknames" of their short
    # forms (daniel -> danny); only move towards the more formal name
    if len(nn.nicknames_of(canon)) >= len(nn.nicknames_of(tok)):
        return canon
    return tok


def _canonical_token(tok: str, table: _NickTable) -> str:
    if tok in table.override:
        return table.override[tok]
    try:
        return table.tokens[tok]
    except KeyError:
        r = table.tokens[tok] = _package_canonical(tok, table.override)
        return r


def _nickname_one(v: Any, table: _NickTable) -> str | None:
    if is_missing(v):
        return None
    k = name_key_of(v)
    if not k:
        return None
    if k in table.override:
        return table.override[k]
    return " ".join(_canonical_token(t, table) for t in k.split(" "))


def nickname_key(first_name_keys: pd.Series, nickname_file: str | os.PathLike | None = None) -> pd.Series:
    """Canonical given name (bob/rob/bobby/robert -> robert, bill -> william,
    kate/katie -> katherine, kasia -> katarzyna ...). The groups in
    ``nickname_file`` (a project's rules/nicknames.csv; None: no file) win;
    otherwise the nicknames package maps a name only when it has exactly one
    canonical form (ambiguous nicknames such as 'al' stay as they are).
    Multi-word keys are mapped word by word."""
    s = as_series(first_name_keys)
    table = _nick_table(nickname_file)
    return object_series(map_values(s, lambda v: _nickname_one(v, table), None), s)
