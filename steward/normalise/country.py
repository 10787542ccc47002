"""Countries: any way a source writes a country -> ISO 3166 alpha-2.

A room of its own because it carries the biggest reference table of the stage:
pycountry's codes and names, the names of every country in the languages CRM
sources are written in (pycountry's translations and babel's CLDR names), and
hand-made aliases (UK, USA, BRD, Holland ...), built once on first use. Typos
are matched by edit distance against all names.
"""

from __future__ import annotations

import gettext
import logging
import re
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pycountry
from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from steward.normalise.values import (
    as_series,
    clean_unicode,
    is_missing,
    map_values,
    object_series,
    strip_spreadsheet_marker,
    to_text,
)

log = logging.getLogger(__name__)

_COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "united kingdom": "GB",
    "gb": "GB", "gbr": "GB", "grossbritannien": "GB", "angleterre": "GB", "inglaterra": "GB",
    "vereinigtes konigreich": "GB", "royaume uni": "GB", "england uk": "GB",
    "usa": "US", "us": "US", "u s": "US", "u s a": "US", "america": "US",
    "united states": "US", "united states of america": "US", "the united states": "US",
    "vereinigte staaten": "US", "vereinigte staaten von amerika": "US", "etats unis": "US",
    "etats unis d amerique": "US", "estados unidos": "US", "amerika": "US", "us of a": "US",
    "deutschland": "DE", "germany": "DE", "allemagne": "DE", "brd": "DE", "alemania": "DE",
    "bundesrepublik deutschland": "DE", "federal republic of germany": "DE",
    "frankreich": "FR", "espagne": "ES", "spanien": "ES", "niederlande": "NL", "holland": "NL",
    "the netherlands": "NL", "pays bas": "NL", "nederland": "NL", "polen": "PL", "pologne": "PL",
    "polska": "PL", "indonesien": "ID", "indonesie": "ID", "indien": "IN", "inde": "IN",
    "brasilien": "BR", "bresil": "BR", "brasil": "BR", "italien": "IT", "italie": "IT",
    "italia": "IT", "osterreich": "AT", "oesterreich": "AT", "autriche": "AT", "schweiz": "CH",
    "suisse": "CH", "svizzera": "CH", "switzerland": "CH", "espana": "ES",
    "korea": "KR", "south korea": "KR", "republic of korea": "KR", "north korea": "KP",
    "russia": "RU", "vietnam": "VN", "viet nam": "VN", "iran": "IR", "syria": "SY", "laos": "LA",
    "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "czech republic": "CZ",
    "czechia": "CZ", "taiwan": "TW", "turkey": "TR", "turkiye": "TR", "macedonia": "MK",
    "ivory coast": "CI", "cote d ivoire": "CI", "uae": "AE", "u a e": "AE", "emirates": "AE",
    "ksa": "SA", "kosovo": "XK", "palestine": "PS", "vatican": "VA", "hong kong": "HK",
    "macau": "MO", "macao": "MO", "burma": "MM", "swaziland": "SZ", "cape verde": "CV",
    "east timor": "TL", "micronesia": "FM", "brunei": "BN", "dr congo": "CD", "drc": "CD",
    "congo kinshasa": "CD", "congo brazzaville": "CG", "the gambia": "GM", "bahamas": "BS",
    "the bahamas": "BS", "luxemburg": "LU", "belgien": "BE", "belgique": "BE", "danemark": "DK",
    "schweden": "SE", "suede": "SE", "norwegen": "NO", "norvege": "NO", "finnland": "FI",
    "irland": "IE", "irlande": "IE", "griechenland": "GR", "grece": "GR", "tschechien": "CZ",
    "ungarn": "HU", "portugal": "PT", "kanada": "CA", "mexiko": "MX", "mexique": "MX",
    "australien": "AU", "australie": "AU", "japon": "JP", "chine": "CN", "china": "CN",
    "russland": "RU", "russie": "RU", "turkei": "TR", "turquie": "TR",
    "forenta staterna": "US", "inggris": "GB",
}

# The languages CRM sources write country names in: English, German, French, Spanish, Italian,
# Dutch, Portuguese (Brazil, Portugal), Polish, Indonesian, Swedish, Danish, Norwegian (Bokmål,
# Nynorsk), Finnish and Malay. Two references name the countries in each:
#   pycountry's gettext catalogues (iso3166-1): the ISO names, official ones too
#     ("Konungariket Sverige", "Federacja Rosyjska"), translated where a catalogue has them;
#   babel's CLDR territory names: what people write in everyday use ("Sverige", "Rosja",
#     "Iso-Britannia", "Tiongkok", "Inggris Raya"), complete for every language.
# Names compare case- and accent-insensitively (``_country_text_key``). A name that means two
# countries in two languages (Norwegian "Kongo" is the DR Congo, Polish "Kongo" the Republic of
# the Congo) resolves to neither. A catalogue or locale missing from the installed packages is
# skipped; without babel only pycountry's names are known (logged once).
_GETTEXT_LANGUAGES = ("de", "fr", "es", "it", "nl", "pt", "pt_BR", "pl", "id", "sv", "da", "nb_NO", "nn", "fi", "ms")
_CLDR_LOCALES = ("en", "de", "fr", "es", "it", "nl", "pt", "pt_PT", "pl", "id", "sv", "da", "nb", "nn", "fi", "ms")
_PARENTHESES_RE = re.compile(r"\s*\([^)]*\)")
_UNKNOWN_COUNTRY = frozenset(
    {"unknown", "n a", "none", "null", "other", "various", "unbekannt", "inconnu", "sonstige", "divers"}
)
_COUNTRY_PUNCT_RE = re.compile(r"[^0-9a-z]+")


def _country_text_key(s: str) -> str:
    s = anyascii(clean_unicode(s)).casefold()
    s = s.replace("&", " and ").replace("'", " ")
    s = _COUNTRY_PUNCT_RE.sub(" ", s).strip()
    if s.startswith("the "):
        s = s[4:]
    return s


def _cldr_names(codes: set[str]) -> list[tuple[str, str]]:
    """(name, alpha-2) of every country in every locale of ``_CLDR_LOCALES`` (babel's CLDR data)."""
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:  # pragma: no cover - babel is a dependency; an install without it knows fewer names
        log.warning("babel is not installed: countries are known by pycountry's names only")
        return []
    out = []
    for locale in _CLDR_LOCALES:
        try:
            territories = Locale.parse(locale).territories
        except (UnknownLocaleError, ValueError):  # pragma: no cover - a locale this babel does not ship
            continue
        out += [(name, code) for code, name in territories.items() if code in codes]
    return out


def _name_variants(name: str) -> tuple[list[str], str | None]:
    """(a country name and its inverted form: "Korea, Republic of" -> "Republic of Korea"; the
    name without what it says in parentheses: "Myanmar (Burma)" -> "Myanmar", or None)."""
    variants = [name]
    if "," in name:
        a, _, b = name.partition(",")
        variants.append(f"{b} {a}")
    bare = _PARENTHESES_RE.sub("", name).strip()
    return variants, (bare if bare and bare != name else None)


@lru_cache(maxsize=1)
def _country_tables() -> tuple[dict, dict, dict, dict, frozenset]:
    """(alpha-2, alpha-3, numeric, name key -> alpha-2, ambiguous name keys)."""
    a2: dict[str, str] = {}
    a3: dict[str, str] = {}
    num: dict[str, str] = {}
    translators = []
    for lang in _GETTEXT_LANGUAGES:
        try:
            translators.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]))
        except OSError:  # no catalogue for this language in this pycountry
            pass
    named: list[tuple[str, str]] = []
    for c in pycountry.countries:
        code = c.alpha_2
        a2[code] = code
        a3[c.alpha_3] = code
        try:
            num[str(int(c.numeric))] = code
        except (AttributeError, TypeError, ValueError):  # no usable numeric code
            pass
        english = [v for v in (getattr(c, attr, None) for attr in ("name", "official_name", "common_name")) if v]
        named += [(v, code) for v in english]
        # (translating translations again only piled up copies: 115k keys at start-up)
        named += [(t.gettext(v), code) for t in translators for v in english]
    a2.setdefault("XK", "XK")
    named += _cldr_names(set(a2))
    codes_of: dict[str, set[str]] = {}
    bare_codes_of: dict[str, set[str]] = {}
    for name, code in named:
        variants, bare = _name_variants(name)
        for v in variants:
            k = _country_text_key(v)
            if k:
                codes_of.setdefault(k, set()).add(code)
        if bare and _country_text_key(bare):
            bare_codes_of.setdefault(_country_text_key(bare), set()).add(code)
    names = {k: next(iter(c)) for k, c in codes_of.items() if len(c) == 1}
    ambiguous = {k for k, c in codes_of.items() if len(c) > 1}
    # A name without its parentheses only where it is no other name and means one country
    # ("Saint-Martin (partie française)" and "(partie néerlandaise)" are two).
    names.update((k, next(iter(c))) for k, c in bare_codes_of.items() if len(c) == 1 and k not in codes_of)
    for k, code in _COUNTRY_ALIASES.items():  # the hand-made aliases decide
        names[k] = code
        ambiguous.discard(k)
    a2["UK"] = "GB"
    return a2, a3, num, names, frozenset(ambiguous)


@lru_cache(maxsize=65536)
def country_named(raw: str) -> str | None:
    """ISO alpha-2 when ``raw`` is exactly a country's code or name (in any of the languages
    known here), else None: no typo matching and no search of towns and regions, so "London" or
    "Leipzig" in an address is not taken for a country."""
    a2, a3, _num, names, ambiguous = _country_tables()
    s = strip_spreadsheet_marker(clean_unicode(raw)).strip()
    up = s.upper()
    if len(up) == 2 and up.isalpha():
        return a2.get(up)
    if len(up) == 3 and up.isalpha() and up in a3:
        return a3[up]
    key = _country_text_key(s)
    return None if not key or key in ambiguous else names.get(key)


def country_from_text(raw: str) -> str | None:
    """ISO alpha-2 of one country text (code, number, name in several languages,
    alias or typo), or None. Cached per text."""
    a2, a3, num, names, ambiguous = _country_tables()
    s = strip_spreadsheet_marker(clean_unicode(raw)).strip()
    if not s or len(s) > 200:
        return None
    up = s.upper()
    if len(up) == 2 and up.isalpha():
        return a2.get(up)
    if len(up) == 3 and up.isalpha() and up in a3:
        return a3[up]
    if s.isdigit():
        return num.get(str(int(s)))
    key = _country_text_key(s)
    if not key or key in _UNKNOWN_COUNTRY or key in ambiguous:
        return None
    if key in names:
        return names[key]
    compact = key.replace(" ", "")
    if compact.upper() in a2 and len(compact) == 2:
        return a2[compact.upper()]
    if compact.upper() in a3 and len(compact) == 3:
        return a3[compact.upper()]
    if compact in names:
        return names[compact]
    if len(key) < 4:
        return None
    # typo-tolerant match against all known names
    hit = process.extractOne(key, list(names), scorer=DamerauLevenshtein.distance, score_cutoff=2)
    if hit is not None:
        target, dist = hit[0], hit[1]
        if dist <= 1 and len(key) >= 5 or dist <= 2 and len(key) >= 8:
            return names[target]
    try:
        found = pycountry.countries.search_fuzzy(s)
    except LookupError:  # pycountry found nothing
        return None
    codes = {c.alpha_2 for c in found}
    if len(codes) == 1:
        return codes.pop()
    return None


def _country_one(v: Any) -> str | None:
    if is_missing(v) or isinstance(v, (bool, np.bool_)):
        return None
    if isinstance(v, (int, np.integer, float, np.floating)):
        s = to_text(v)
        return country_from_text(s) if s.isdigit() else None
    if not isinstance(v, str):
        return None
    return country_from_text(v)


def normalise_countries(values: pd.Series) -> pd.Series:
    """Country values -> ISO 3166 alpha-2 upper-case, or None when unknown."""
    s = as_series(values)
    return object_series(map_values(s, _country_one, None), s)
