"""Name noise parsed out of the first- and last-name fields before they are compared.

Sources put more than a name into these fields: honorifics (``Ms.``, ``Dr``, ``Bapak``,
``Hj.``), generational suffixes (``Jr``, ``, Jr.``, ``III``), degrees (``PhD``, ``S.Kom``),
patronymic connectors (``bin``, ``binti``, ``a/l``), the whole name in one field, ``Last, First``,
dotted initials (``J. R.``). Each is split off here: the name compares as a name, the title and
the suffix are kept in their own columns (a ``Jr`` against a ``Sr`` is a father and a son,
which the ``generation`` comparison weighs), and nothing is overwritten: these are new columns.

nameparser (``HumanName``) splits a full name held in one field and supplies the lists of
generational suffixes and name prefixes; the honorifics are a curated multi-locale list, since
nameparser's 800 titles include given names (Dean, Major, Earl) that a first-name field holds.
Work is done once per distinct (first, last) pair, and only for pairs that hold punctuation, a
space or a listed word: most names pass through untouched.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from nameparser import HumanName
from nameparser.config import CONSTANTS

from steward.normalise.values import apply_each, clean_unicode, factorize_pairs, is_missing, take_columns, to_text

HONORIFICS = frozenset({
    # English, French, German, Dutch, Spanish, Portuguese
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "madam", "madame", "mme", "mlle",
    "monsieur", "herr", "frau", "dhr", "mevr", "sr", "sra", "srta", "don", "dona", "rev", "fr", "mag", "ing",
    "dipl", "dipl-ing", "eng",
    # Indonesian and Malay
    "bapak", "bpk", "pak", "ibu", "bu", "sdr", "sdri", "saudara", "saudari", "tuan", "puan", "encik", "en", "cik",
    "haji", "hj", "hajah", "hjh", "datuk", "dato", "datin", "drs", "dra", "ir",
})
# Generational suffixes: kept as evidence (a father and his son share every other field).
GENERATIONS = {"jr": "jr", "jnr": "jr", "junior": "jr", "sr": "sr", "snr": "sr", "senior": "sr",
               "ii": "ii", "iii": "iii", "iv": "iv"}
# Degrees and post-nominals, dropped from the name (nameparser's list, plus the Indonesian
# and Malay degrees written with dots: S.Kom, M.Pd, S.E.).
_DEGREES = frozenset(s.replace(".", "") for s in CONSTANTS.suffix_acronyms) | {"phd", "md", "esq", "mba", "cpa"}
_PLAIN_DEGREES = frozenset({"phd", "esq", "mba", "cpa", "dds", "llm"})  # never a name, dots or not
_DOTTED_DEGREE = re.compile(r"^(?:[A-Za-z]{1,3}\.){1,3}[A-Za-z]{0,5}\.?$")
# Connectors between a given name and a father's name (Ahmad bin Abdullah, Raj a/l Kumar).
PATRONYMIC = frozenset({"bin", "binti", "bint", "binte", "bte", "bt", "a/l", "a/p", "s/o", "d/o"})
_TOKEN_SPLIT = re.compile(r"[\s]+")
_WORD = re.compile(r"[^\w/'-]+")


def _word(token: str) -> str:
    return _WORD.sub("", token).casefold()


def _tokens(text: str | None) -> list[str]:
    return [t for t in _TOKEN_SPLIT.split(text.replace(",", " , ")) if t] if text else []


def _strip_titles(tokens: list[str]) -> tuple[list[str], list[str]]:
    titles = []
    while len(tokens) > 1 and _word(tokens[0]) in HONORIFICS:
        titles.append(tokens.pop(0))
    return tokens, titles


def _strip_suffixes(tokens: list[str]) -> tuple[list[str], str | None]:
    """Trailing generational suffixes, degrees and commas off a token list: (tokens, generation)."""
    generation = None
    while tokens:
        last = tokens[-1]
        word = _word(last)
        if last == ",":
            tokens.pop()
        elif word in GENERATIONS and len(tokens) > 1:
            generation = generation or GENERATIONS[word]
            tokens.pop()
        elif len(tokens) > 1 and (word in _PLAIN_DEGREES or word in _DEGREES and (last.endswith(".") or "," in tokens) or
                                  ("." in last.rstrip(".") and _DOTTED_DEGREE.match(last))):
            tokens.pop()
        else:
            break
    return tokens, generation


def _initials(tokens: list[str]) -> list[str]:
    """``J. R.`` / ``J.R.`` / ``J.-P.``: a first name made of initials only keeps its first letter."""
    letters = [w for t in tokens for w in re.split(r"[.\-]", t) if w]
    if letters and all(len(w) == 1 and w.isalpha() for w in letters) and (len(letters) > 1 or "." in "".join(tokens)):
        return [letters[0]]
    return tokens


def parse_name(first: Any, last: Any) -> tuple[str | None, str | None, str | None, str | None]:
    """(first, last, title, generation) of one record's name fields."""
    first = None if is_missing(first) else clean_unicode(to_text(first)).strip() or None
    last = None if is_missing(last) else clean_unicode(to_text(last)).strip() or None
    f, lt = _tokens(first), _tokens(last)
    if f and all(_word(t) in HONORIFICS for t in f) and len(lt) > 1:
        # A name split at its first space ("Dr." | "Joseph Walsh"): the title was the first word.
        f, lt = f + lt, []
    f, titles = _strip_titles(f)
    lt, more_titles = _strip_titles(lt)
    titles += more_titles
    lt, generation = _strip_suffixes(lt)
    f, first_generation = _strip_suffixes(f)
    generation = generation or first_generation
    # "Walsh, Joseph" in one field, or the whole name in one field and nothing in the other.
    if "," in lt and not f:
        at = lt.index(",")
        lt, f = lt[:at], [t for t in lt[at + 1:] if t != ","]
    elif "," in f and not lt:
        at = f.index(",")
        lt, f = f[:at], [t for t in f[at + 1:] if t != ","]
    f, lt = [t for t in f if t != ","], [t for t in lt if t != ","]
    if len(f) > 1 and not lt:
        f, lt = _split_whole_name(f)
    elif len(lt) > 1 and not f and not any(_word(t) in CONSTANTS.prefixes for t in lt):
        f, lt = _split_whole_name(lt)
    # The surname repeated at the end of the first-name field (Joseph Walsh / Walsh).
    if len(f) > 1 and lt and _word(f[-1]) == _word(lt[-1]):
        f = f[:-1]
    lt = [t for t in lt if _word(t) not in PATRONYMIC]
    if len(f) > 1 and any(_word(t) in PATRONYMIC for t in f[1:]):  # Ahmad bin Abdullah, all in one field
        at = next(i for i, t in enumerate(f) if i and _word(t) in PATRONYMIC)
        f, lt = f[:at], lt or [t for t in f[at + 1:] if _word(t) not in PATRONYMIC]
    f = _initials(f)
    title = " ".join(t.strip(".") for t in titles) or None
    return (" ".join(f) or None, " ".join(lt) or None, title, generation)


def _split_whole_name(tokens: list[str]) -> tuple[list[str], list[str]]:
    patronymic = [i for i, t in enumerate(tokens) if i and _word(t) in PATRONYMIC]
    if patronymic:
        return tokens[:patronymic[0]], tokens[patronymic[0] + 1:]
    h = HumanName(" ".join(tokens))
    first = " ".join(x for x in (h.first, h.middle) if x).split()
    last = h.last.split()
    if not first or not last:
        return tokens[:1], tokens[1:]
    return first, last


def _needs_parsing(first: pd.Series, last: pd.Series) -> np.ndarray:
    """Rows whose name fields hold anything but one plain word each (most rows do not)."""
    def noisy(values: pd.Series) -> np.ndarray:
        text = values.astype("string")
        plain = text.str.fullmatch(r"[^\W\d_][^\s.,/]*", na=True).to_numpy(dtype=bool)
        words = text.str.casefold().isin(list(HONORIFICS | set(GENERATIONS) | PATRONYMIC)).to_numpy(dtype=bool)
        return ~plain | words
    return noisy(first) | noisy(last) | (first.isna() | last.isna()).to_numpy()


def parse_names(first: pd.Series, last: pd.Series) -> pd.DataFrame:
    """``parse_name`` per record: first_name_parsed, last_name_parsed, name_title, name_generation."""
    first, last = first.reset_index(drop=True), last.reset_index(drop=True)
    nothing = np.full(len(first), None, dtype=object)
    out = pd.DataFrame({"first_name_parsed": np.where(first.notna(), first.to_numpy(dtype=object), None),
                        "last_name_parsed": np.where(last.notna(), last.to_numpy(dtype=object), None),
                        "name_title": nothing, "name_generation": nothing.copy()})
    rows = np.flatnonzero(_needs_parsing(first, last))
    if len(rows):
        pairs, codes = factorize_pairs(first.iloc[rows].to_numpy(dtype=object), last.iloc[rows].to_numpy(dtype=object))
        columns = take_columns(apply_each(lambda p: parse_name(*p), pairs, (None, None, None, None)), codes, 4)
        for name, values in zip(out.columns, columns):
            target = out[name].to_numpy(dtype=object, copy=True)
            target[rows] = values
            out[name] = target
    return out
