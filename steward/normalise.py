"""Field normalisers: emails, phones, countries, names, companies, postcodes,
dates and consent flags.

Every public function takes a whole pandas Series and returns a new Series or
DataFrame with the *same index* and length; the input is never modified.
Per-value work is done once per DISTINCT value (real CRM data repeats values
a lot) and is wrapped defensively: no normaliser raises on any input -- None,
NaN, numbers, odd Unicode, very long strings all come out as a value or None
plus an issue code.

Issue codes are short snake_case strings; ``""`` means fine and several issues
are joined with ``";"``.
"""

from __future__ import annotations

import datetime as _dt
import gettext
import math
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------
# generic helpers
# --------------------------------------------------------------------------

_NULL_TOKENS = frozenset({"", "nan", "none", "null", "n/a", "#n/a", "nat", "<na>", "<nan>"})


def _as_series(values: Any) -> pd.Series:
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, pd.DataFrame):
        return values.iloc[:, 0] if values.shape[1] else pd.Series([], dtype=object)
    if values is None:
        return pd.Series([], dtype=object)
    try:
        return pd.Series(list(values) if not isinstance(values, (str, bytes)) else [values], dtype=object)
    except Exception:
        return pd.Series([values], dtype=object)


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, str):
        return v.strip().casefold() in _NULL_TOKENS
    try:
        r = pd.isna(v)
    except Exception:
        return False
    return bool(r) if isinstance(r, (bool, np.bool_)) else False


def _to_text(v: Any) -> str:
    """Best-effort string form of a scalar; integral floats lose their '.0'."""
    if isinstance(v, str):
        return v
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if math.isfinite(f) and f.is_integer() and abs(f) < 1e18:
            return str(int(f))
        return repr(f)
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    return str(v)


def _clean_unicode(s: str) -> str:
    """NFKC, drop lone surrogates and control/format characters."""
    if s.isascii() and s.isprintable():
        return s  # fast path: printable ASCII is already NFKC and clean
    s = unicodedata.normalize("NFKC", s.encode("utf-8", "replace").decode("utf-8"))
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in s)


def _cache_key(v: Any) -> Hashable:
    if v is None:
        return ("none",)
    try:
        if isinstance(v, float) and v != v:
            return ("nan",)
        hash(v)
        return (type(v), v)
    except Exception:
        try:
            return ("repr", type(v).__name__, repr(v))
        except Exception:
            return ("id", id(v))


def _map_cached(series: pd.Series, func: Callable[[Any], Any], default: Any) -> list:
    """Apply func once per distinct value of series; exceptions -> default."""
    cache: dict = {}
    out = []
    for v in series.tolist():
        k = _cache_key(v)
        try:
            r = cache[k]
        except KeyError:
            try:
                r = func(v)
            except Exception:
                r = default
            cache[k] = r
        except Exception:  # pathological __eq__/__hash__
            try:
                r = func(v)
            except Exception:
                r = default
        out.append(r)
    return out


def _aligned_list(other: Any, s: pd.Series) -> list:
    """Values of ``other`` per row of ``s``: by label when both indexes are
    unique and differ, else by position (padded with None)."""
    try:
        o = _as_series(other)
        if not o.index.equals(s.index) and o.index.is_unique and s.index.is_unique:
            return o.reindex(s.index).astype(object).where(lambda x: x.notna(), None).tolist()
        vals = o.tolist()
    except Exception:
        try:
            vals = list(other)
        except Exception:
            vals = []
    if len(vals) != len(s):
        vals = (vals + [None] * len(s))[: len(s)]
    return vals


def _join(issues: Iterable[str]) -> str:
    return ";".join(i for i in issues if i)


# --------------------------------------------------------------------------
# emails
# --------------------------------------------------------------------------

_ROLE_LOCALS = frozenset(
    x.replace("-", "").replace("_", "").replace(".", "")
    for x in """
    info information sales support admin administrator administration office contact contacts
    contactus contact-us hello hi team noreply no-reply donotreply do-not-reply dontreply
    webmaster postmaster hostmaster abuse billing accounts accounting finance hr jobs careers
    career marketing press media enquiries enquiry inquiries inquiry help helpdesk service
    services customerservice customer-service customercare care mail newsletter news orders
    order reception security privacy legal it root mailer-daemon feedback invoice invoices
    bookings booking reservations events partners partnership recruiting recruitment
    kontakt buero buro verwaltung vertrieb rechnung rechnungen bestellung anfrage anfragen
    sekretariat zentrale compta comptabilite contacto ventas soporte informacion
    all staff general enquiries hallo bonjour welcome purchasing procurement shop store
    """.split()
)

_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
_PLUS_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "icloud.com", "me.com", "mac.com",
        "fastmail.com", "fastmail.fm", "fastmail.net", "fastmail.org", "messagingengine.com",
        "protonmail.com", "protonmail.ch", "proton.me", "pm.me", "msn.com",
    }
)
_PLUS_DOMAIN_RE = re.compile(r"^(?:hotmail|outlook|live|windowslive)\.[a-z.]{2,10}$")

_TLD_VARIANTS_BIG = [
    "com", "co.uk", "de", "fr", "it", "es", "nl", "be", "ca", "com.au", "com.br", "ch", "at",
    "se", "dk", "no", "fi", "ie", "co.in", "in", "co.id", "co.jp", "jp", "com.mx", "com.ar",
    "gr", "pl", "pt", "com.sg", "com.my", "com.tr", "co.nz", "co.za", "cz", "ru", "com.ph",
]
_KNOWN_PROVIDERS = frozenset(
    {f"{p}.{t}" for p in ("hotmail", "outlook", "live", "yahoo", "gmx", "aol", "msn") for t in _TLD_VARIANTS_BIG}
    | {
        "gmail.com", "googlemail.com", "ymail.com", "rocketmail.com", "icloud.com", "me.com",
        "mac.com", "mail.com", "email.com", "gmx.net", "gmx.com", "gmx.de", "web.de",
        "t-online.de", "freenet.de", "arcor.de", "posteo.de", "mailbox.org", "online.de",
        "protonmail.com", "protonmail.ch", "proton.me", "pm.me", "tutanota.com", "tuta.io",
        "fastmail.com", "fastmail.fm", "zoho.com", "yandex.ru", "yandex.com", "mail.ru",
        "rambler.ru", "qq.com", "163.com", "126.com", "sina.com", "naver.com", "orange.fr",
        "free.fr", "wanadoo.fr", "laposte.net", "sfr.fr", "libero.it", "virgilio.it",
        "tiscali.it", "alice.it", "comcast.net", "verizon.net", "att.net", "sbcglobal.net",
        "btinternet.com", "sky.com", "virginmedia.com", "bigpond.com", "shaw.ca", "rogers.com",
        "seznam.cz", "wp.pl", "o2.pl", "onet.pl", "interia.pl", "bluewin.ch", "telenet.be",
        "ziggo.nl", "kpnmail.nl", "hetnet.nl", "home.nl", "planet.nl", "uol.com.br",
        "bol.com.br", "terra.com.br", "rediffmail.com",
    }
)

# common misspellings -> intended provider domain
_TYPO_DOMAINS: dict[str, str] = {
    **{t: "gmail.com" for t in (
        "gmial.com", "gmai.com", "gamil.com", "gmail.co", "gmail.cm", "gmail.con", "gmail.om",
        "gmal.com", "gmil.com", "gmaill.com", "gnail.com", "gmali.com", "gmaik.com", "gmsil.com",
        "gmail.comm", "gmail.cpm", "gmail.vom", "gmail.xom", "gmail.cmo", "gmail.ocm", "gmeil.com",
        "gemail.com", "gmaul.com", "gimail.com", "gmail.c", "gmail.coom", "g-mail.com",
    )},
    **{t: "googlemail.com" for t in ("googlemial.com", "googlmail.com", "googlemail.co", "googelmail.com")},
    **{t: "hotmail.com" for t in (
        "hotmial.com", "hotmal.com", "hotmil.com", "hotmai.com", "hotmaill.com", "hotamil.com",
        "hotmail.co", "hotmail.con", "homail.com", "hotnail.com", "hotmsil.com", "hotmail.cm",
        "hitmail.com", "hotmali.com", "hotmeil.com",
    )},
    **{t: "yahoo.com" for t in (
        "yaho.com", "yahooo.com", "yahho.com", "yhoo.com", "yahoo.co", "yahoo.con", "yaoo.com",
        "yahoo.cm", "yahou.com", "yhaoo.com", "yaboo.com",
    )},
    **{t: "outlook.com" for t in (
        "outlok.com", "outloo.com", "outllok.com", "otlook.com", "outlook.co", "outlook.con",
        "outlool.com", "outlokk.com", "oulook.com", "outook.com",
    )},
    **{t: "icloud.com" for t in ("iclod.com", "icoud.com", "icloud.co", "iclould.com", "icluod.com", "icloud.con")},
    **{t: "aol.com" for t in ("aol.co", "aoll.com", "aol.con", "aol.cm", "ao.com")},
    **{t: "gmx.de" for t in ("gmx.dee", "gmx.ed", "gmx.d", "gmx.dd", "gmxx.de", "gmx.ded")},
    **{t: "gmx.net" for t in ("gmx.met", "gmx.nte", "gmx.ne", "gmx.nett")},
    **{t: "web.de" for t in ("web.dee", "wep.de", "webb.de", "web.ed", "wb.de")},
    **{t: "t-online.de" for t in ("t-onlin.de", "tonline.de", "t-onine.de", "t-online.dee", "t-onlne.de")},
    "live.con": "live.com",
    "live.co": "live.com",
    "msn.con": "msn.com",
    "comcast.ent": "comcast.net",
    "protonmial.com": "protonmail.com",
    "protonmail.co": "protonmail.com",
}

# longer provider domains that are safe to match by edit distance
_FUZZY_PROVIDERS = (
    "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com",
    "protonmail.com", "t-online.de", "comcast.net", "hotmail.co.uk", "yahoo.co.uk",
    "wanadoo.fr", "laposte.net", "libero.it", "yandex.ru", "rambler.ru", "freenet.de",
    "btinternet.com", "rocketmail.com", "virginmedia.com", "sbcglobal.net", "verizon.net",
)
_TLD_TYPOS = {
    **{t: "com" for t in (
        "con", "cpm", "cmo", "ocm", "vom", "xom", "comm", "coom", "conm", "cim", "ckm", "cok", "comn",
    )},
    **{t: "net" for t in ("nte", "nett", "ner")},
    **{t: "org" for t in ("ogr", "orgg", "prg")},
}

_EMAIL_ANGLE_RE = re.compile(r"<([^<>\s]+@[^<>\s]+)>")


def _disposable_set() -> frozenset:
    try:
        from disposable_email_domains import blocklist

        return frozenset(blocklist)
    except Exception:  # pragma: no cover - the package is a dependency
        return frozenset()


_DISPOSABLE = _disposable_set()


def _is_disposable(domain: str) -> bool:
    parts = domain.split(".")
    for i in range(len(parts) - 1):
        if ".".join(parts[i:]) in _DISPOSABLE:
            return True
    return False


@lru_cache(maxsize=65536)
def _typo_suggestion(domain: str) -> str | None:
    if domain in _KNOWN_PROVIDERS:
        return None
    if domain in _TYPO_DOMAINS:
        return _TYPO_DOMAINS[domain]
    try:
        from rapidfuzz import process
        from rapidfuzz.distance import DamerauLevenshtein

        if len(domain) >= 7:
            hit = process.extractOne(
                domain, _FUZZY_PROVIDERS, scorer=DamerauLevenshtein.distance, score_cutoff=2
            )
            if hit is not None:
                target, dist = hit[0], hit[1]
                if dist <= 1 or (dist == 2 and len(target) >= 13):
                    return target
    except Exception:
        pass
    head, _, tld = domain.rpartition(".")
    if head and tld in _TLD_TYPOS:
        return f"{head}.{_TLD_TYPOS[tld]}"
    return None


def _email_key(local: str, domain: str) -> str:
    local = local.lower()
    domain = domain.lower()
    if domain in _GMAIL_DOMAINS:
        domain = "gmail.com"
        local = local.split("+", 1)[0].replace(".", "")
    elif domain in _PLUS_DOMAINS or _PLUS_DOMAIN_RE.match(domain):
        local = local.split("+", 1)[0]
    return f"{local}@{domain}"


_EMAIL_DEFAULT = (None, None, "invalid_syntax", False)


def _email_one(v: Any) -> tuple:
    from email_validator import EmailNotValidError, validate_email

    if _is_missing(v):
        return (None, None, "missing", False)
    if not isinstance(v, str):
        return (None, None, "invalid_syntax", False)
    s = _clean_unicode(v).strip()
    m = _EMAIL_ANGLE_RE.search(s)
    if m:
        s = m.group(1)
    if s[:7].lower() == "mailto:":
        s = s[7:]
    s = s.strip().strip("<>\"'").strip().rstrip(".,;:").strip()
    if not s:
        return (None, None, "missing", False)
    if "@" not in s or len(s) > 320:
        return (None, None, "invalid_syntax", False)
    try:
        res = validate_email(s, check_deliverability=False)
    except EmailNotValidError:
        return (None, None, "invalid_syntax", False)
    norm = res.normalized
    local = res.local_part
    domain = (res.domain or "").lower()
    issues = []
    suggestion = _typo_suggestion(domain)
    if suggestion:
        issues.append(f"typo_domain:{suggestion}")
    key = _email_key(local, suggestion or domain)
    base = local.lower().split("+", 1)[0]
    role = base.replace("-", "").replace("_", "").replace(".", "") in _ROLE_LOCALS
    if role:
        issues.append("role_account")
    # the blocklist also lists some typo domains (gmial.com): a typo is
    # reported as a typo and judged by the domain it was meant to be
    disposable = _is_disposable(suggestion or domain)
    if disposable:
        issues.append("disposable_domain")
    return (norm, key, _join(issues), not (role or disposable))


def normalise_emails(emails: pd.Series) -> pd.DataFrame:
    """Normalise e-mail addresses.

    Columns: ``email_norm`` (validated address, domain lower-cased, or None),
    ``email_key`` (lower-case match key; gmail dots/+tags removed, googlemail
    unified to gmail.com, +tags removed for providers that ignore them, typo
    domains replaced by the suggested fix), ``email_issue`` ('' / 'missing' /
    'invalid_syntax' / 'typo_domain:<fix>' / 'role_account' /
    'disposable_domain', several joined by ';') and ``email_is_personal``.
    """
    s = _as_series(emails)
    rows = _map_cached(s, _email_one, _EMAIL_DEFAULT)
    df = pd.DataFrame(rows, index=s.index, columns=["email_norm", "email_key", "email_issue", "email_is_personal"])
    if not len(df):
        df = df.astype({"email_norm": object, "email_key": object, "email_issue": object})
    df["email_is_personal"] = df["email_is_personal"].astype(bool)
    return df


# --------------------------------------------------------------------------
# phones
# --------------------------------------------------------------------------

_EXT_RE = re.compile(
    r"\s*[,;]?\s*(?:ext\.?|extn\.?|extension|x|#|durchwahl|dw\.?|poste|app\.?)\s*[:.]?\s*(\d{1,7})\s*$",
    re.IGNORECASE,
)
_TRUNK_IN_INTL_RE = re.compile(r"\(\s*0\s*\)")
_NON_DIGIT_RE = re.compile(r"\D")

_PHONE_DEFAULT = (None, None, "unknown", "unparseable")


@lru_cache(maxsize=1)
def _phone_regions() -> frozenset:
    import phonenumbers

    return frozenset(phonenumbers.SUPPORTED_REGIONS)


def _region_or_none(v: Any) -> str | None:
    if v is None or _is_missing(v) or not isinstance(v, str):
        return None
    r = v.strip().upper()
    if r == "UK":
        r = "GB"
    return r if r in _phone_regions() else None


def _phone_type(n) -> str:
    import phonenumbers
    from phonenumbers import PhoneNumberType as T

    t = phonenumbers.number_type(n)
    if t == T.MOBILE:
        return "mobile"
    if t == T.FIXED_LINE:
        return "fixed"
    if t == T.FIXED_LINE_OR_MOBILE:
        return "fixed_or_mobile"
    if t == T.UNKNOWN:
        return "unknown"
    return "other"


def _phone_one(raw: Any, region: str | None) -> tuple:
    import phonenumbers
    from phonenumbers import NumberParseException

    if _is_missing(raw):
        return (None, None, "unknown", "missing")
    if isinstance(raw, (bool, np.bool_)):
        return (None, None, "unknown", "unparseable")
    s = _clean_unicode(_to_text(raw)).strip()
    if not s:
        return (None, None, "unknown", "missing")
    if len(s) > 100:
        return (None, None, "unknown", "unparseable")
    ext = None
    m = _EXT_RE.search(s)
    if m and _NON_DIGIT_RE.sub("", s[: m.start()]):
        ext = m.group(1)
        s = s[: m.start()].strip()
    s = s.replace("\u2011", "-").replace("\u2013", "-").replace("\u2212", "-")
    digits = _NON_DIGIT_RE.sub("", s)
    if not digits:
        return (None, ext, "unknown", "unparseable")
    intl = s.lstrip().startswith("+") or digits.startswith("00")
    if intl:
        s = _TRUNK_IN_INTL_RE.sub(" ", s)
        digits = _NON_DIGIT_RE.sub("", s)

    attempts: list[tuple[str, str | None]] = []
    if s.startswith("+"):
        attempts.append((s, None))
    else:
        if region and len(digits) >= 10 and not digits.startswith("0"):
            cc = str(phonenumbers.country_code_for_region(region))
            if cc != "0" and digits.startswith(cc):
                # '4917...' with region DE: an international number whose '+'
                # was lost (numeric Excel cell) -- try that reading first
                attempts.append(("+" + digits, None))
        if region:
            attempts.append((s, region))
        if digits.startswith("00") and not digits.startswith("000"):
            attempts.append(("+" + digits[2:], None))
        if len(digits) >= 10 and not digits.startswith("0"):
            attempts.append(("+" + digits, None))  # e.g. Excel dropped the '+'
    if not attempts:
        return (None, ext, "unknown", "no_region")

    possible = None
    parsed_any = False
    for text, reg in attempts:
        try:
            n = phonenumbers.parse(text, reg)
        except NumberParseException:
            continue
        except Exception:
            continue
        parsed_any = True
        if phonenumbers.is_valid_number(n):
            e164 = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
            return (e164, ext or (n.extension or None), _phone_type(n), "")
        if possible is None and phonenumbers.is_possible_number(n):
            possible = n
    if possible is not None:
        return (None, ext or (possible.extension or None), "unknown", "possible_not_valid")
    if parsed_any:
        return (None, ext, "unknown", "invalid")
    return (None, ext, "unknown", "unparseable")


def normalise_phones(
    phones: pd.Series,
    countries: pd.Series | None = None,
    default_region: str | None = None,
) -> pd.DataFrame:
    """Parse phone numbers to E.164.

    ``countries`` (ISO-2 per record, may be None) wins over ``default_region``.
    Columns: ``phone_e164`` (only for numbers phonenumbers considers valid),
    ``phone_ext``, ``phone_type`` ('mobile'/'fixed'/'fixed_or_mobile'/'other'/
    'unknown') and ``phone_issue`` ('' / 'missing' / 'unparseable' / 'invalid' /
    'possible_not_valid' / 'no_region').
    """
    s = _as_series(phones)
    default = _region_or_none(default_region)
    regions: list
    if countries is not None:
        c_list = _aligned_list(countries, s)
        rcache: dict = {}
        regions = []
        for cv in c_list:
            k = _cache_key(cv)
            try:
                r = rcache[k]
            except KeyError:
                try:
                    r = _region_or_none(cv)
                except Exception:
                    r = None
                rcache[k] = r
            except Exception:
                r = None
            regions.append(r or default)
    else:
        regions = [default] * len(s)

    cache: dict = {}
    rows = []
    for raw, reg in zip(s.tolist(), regions):
        k = (_cache_key(raw), reg)
        try:
            r = cache[k]
        except KeyError:
            try:
                r = _phone_one(raw, reg)
            except Exception:
                r = _PHONE_DEFAULT
            cache[k] = r
        except Exception:
            r = _PHONE_DEFAULT
        rows.append(r)
    df = pd.DataFrame(rows, index=s.index, columns=["phone_e164", "phone_ext", "phone_type", "phone_issue"])
    return df.astype(object) if not len(df) else df


# --------------------------------------------------------------------------
# countries
# --------------------------------------------------------------------------

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
}
_UNKNOWN_COUNTRY = frozenset(
    {"unknown", "n a", "none", "null", "other", "various", "unbekannt", "inconnu", "sonstige", "divers"}
)
_COUNTRY_PUNCT_RE = re.compile(r"[^0-9a-z]+")


def _country_text_key(s: str) -> str:
    from anyascii import anyascii

    s = anyascii(_clean_unicode(s)).casefold()
    s = s.replace("&", " and ").replace("'", " ")
    s = _COUNTRY_PUNCT_RE.sub(" ", s).strip()
    if s.startswith("the "):
        s = s[4:]
    return s


@lru_cache(maxsize=1)
def _country_tables() -> tuple[dict, dict, dict, dict]:
    import pycountry

    a2: dict[str, str] = {}
    a3: dict[str, str] = {}
    num: dict[str, str] = {}
    names: dict[str, str] = {}
    translators = []
    for lang in ("de", "fr", "es", "it", "nl", "pt", "pl", "id"):
        try:
            translators.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]))
        except Exception:
            pass
    for c in pycountry.countries:
        code = c.alpha_2
        a2[code] = code
        a3[c.alpha_3] = code
        try:
            num[str(int(c.numeric))] = code
        except Exception:
            pass
        variants = [getattr(c, attr, None) for attr in ("name", "official_name", "common_name")]
        for t in translators:
            for v in list(variants):
                if v:
                    try:
                        variants.append(t.gettext(v))
                    except Exception:
                        pass
        for v in variants:
            if v:
                k = _country_text_key(v)
                if k:
                    names.setdefault(k, code)
                # "Korea, Republic of" -> also "republic of korea"
                if "," in v:
                    a, _, b = v.partition(",")
                    k2 = _country_text_key(f"{b} {a}")
                    if k2:
                        names.setdefault(k2, code)
    for k, code in _COUNTRY_ALIASES.items():
        names[k] = code
    a2.setdefault("XK", "XK")
    a2["UK"] = "GB"
    return a2, a3, num, names


@lru_cache(maxsize=65536)
def _country_from_text(raw: str) -> str | None:
    a2, a3, num, names = _country_tables()
    s = _clean_unicode(raw).strip()
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
    if not key or key in _UNKNOWN_COUNTRY:
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
    try:
        from rapidfuzz import process
        from rapidfuzz.distance import DamerauLevenshtein

        hit = process.extractOne(key, list(names), scorer=DamerauLevenshtein.distance, score_cutoff=2)
        if hit is not None:
            target, dist = hit[0], hit[1]
            if dist <= 1 and len(key) >= 5 or dist <= 2 and len(key) >= 8:
                return names[target]
    except Exception:
        pass
    try:
        import pycountry

        found = pycountry.countries.search_fuzzy(s)
        codes = {c.alpha_2 for c in found}
        if len(codes) == 1:
            return codes.pop()
    except Exception:
        pass
    return None


def _country_one(v: Any) -> str | None:
    if _is_missing(v) or isinstance(v, (bool, np.bool_)):
        return None
    if isinstance(v, (int, np.integer, float, np.floating)):
        s = _to_text(v)
        return _country_from_text(s) if s.isdigit() else None
    if not isinstance(v, str):
        return None
    return _country_from_text(v)


def normalise_countries(values: pd.Series) -> pd.Series:
    """Country values -> ISO 3166 alpha-2 upper-case, or None when unknown."""
    s = _as_series(values)
    return pd.Series(_map_cached(s, _country_one, None), index=s.index, name=s.name, dtype=object)


# --------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------

_HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "herr", "frau", "mme", "mlle", "m", "sir", "madam", "dame"}
)
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "jun", "sen"})
_APOSTROPHES_RE = re.compile(r"['\u2019\u2018`\u00b4\u02bc]")
_NAME_JUNK_RE = re.compile(r"[^0-9a-z\- ]+")
_SPACES_RE = re.compile(r"\s+")
_HYPHEN_RE = re.compile(r"\s*-[\s\-]*")


def _translit_fold(s: str) -> str:
    from anyascii import anyascii

    s = _clean_unicode(s).strip().casefold()
    s = anyascii(s).casefold()
    return s


def _name_key_one(v: Any) -> str | None:
    if _is_missing(v):
        return None
    s = _translit_fold(_to_text(v))
    s = _APOSTROPHES_RE.sub("", s)
    s = _NAME_JUNK_RE.sub(" ", s)
    s = _HYPHEN_RE.sub("-", s)
    s = _SPACES_RE.sub(" ", s).strip(" -")
    if not s:
        return None
    tokens = s.split(" ")
    while len(tokens) > 1 and tokens[0] in _HONORIFICS:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1] in _NAME_SUFFIXES:
        tokens.pop()
    s = " ".join(tokens).strip(" -")
    return s or None


def name_key(values: pd.Series) -> pd.Series:
    """Matching key for a name: NFKC, casefold, transliterated, punctuation
    removed (inner spaces/hyphens kept), leading honorifics and trailing
    suffixes dropped (never the only token); empty -> None."""
    s = _as_series(values)
    return pd.Series(_map_cached(s, _name_key_one, None), index=s.index, name=s.name, dtype=object)


_GERMAN_FOLDS = (("ue", "u"), ("oe", "o"), ("ae", "a"), ("ss", "s"))


def _german_fold_one(v: Any) -> str | None:
    k = _name_key_one(v)
    if k is None:
        return None
    for a, b in _GERMAN_FOLDS:
        k = k.replace(a, b)
    return k or None


def german_folded(values: pd.Series) -> pd.Series:
    """name_key plus ue->u, oe->o, ae->a, ss->s (Mueller/Müller/Muller -> muller)."""
    s = _as_series(values)
    return pd.Series(_map_cached(s, _german_fold_one, None), index=s.index, name=s.name, dtype=object)


# curated groups win over the nicknames package (its data has odd links,
# e.g. bill -> robert, and no kate <-> katie path through one canonical)
_NICK_GROUPS: dict[str, tuple[str, ...]] = {
    "robert": ("bob", "bobby", "bobbie", "rob", "robby", "robbie", "robert"),
    "william": ("bill", "billy", "billie", "will", "willy", "willie", "wil", "william"),
    "katherine": ("kate", "katie", "katy", "kathy", "kath", "kat", "kathryn", "catherine", "katharine",
                  "kathrine", "cathy", "cate", "kitty", "katherine", "catharine", "kathi"),
    "elizabeth": ("liz", "lizzie", "lizzy", "beth", "betty", "betsy", "bette", "eliza", "elisabeth",
                  "liza", "libby", "elizabeth"),
    "michael": ("mike", "mikey", "mick", "mickey", "micky", "micheal", "michael"),
    "james": ("jim", "jimmy", "jimmie", "jamie", "james"),
    "thomas": ("tom", "tommy", "thom", "tomas", "thomas"),
    "richard": ("rick", "ricky", "rich", "richie", "dick", "richard"),
    "john": ("johnny", "jack", "john"),
    "jonathan": ("jon", "jonny", "jonathon", "johnathan", "johnathon", "jonathan"),
    "margaret": ("maggie", "meg", "peggy", "marge", "margie", "margaret"),
    "edward": ("ed", "eddie", "eddy", "ted", "teddy", "ned", "edward"),
    "alexander": ("alex", "alec", "xander", "alexander"),
    "christopher": ("chris", "kris", "topher", "christopher"),
    "daniel": ("dan", "danny", "daniel"),
    "david": ("dave", "davey", "davy", "david"),
    "joseph": ("joe", "joey", "joseph"),
    "matthew": ("matt", "matty", "matthew"),
    "nicholas": ("nick", "nicky", "nico", "nicolas", "nikolas", "nicholas"),
    "anthony": ("tony", "anthony", "antony"),
    "andrew": ("andy", "drew", "andrew"),
    "stephen": ("steve", "stevie", "steven", "stephen"),
    "patricia": ("patty", "patsy", "trish", "tricia", "patricia"),
    "jennifer": ("jen", "jenny", "jenn", "jennifer"),
    "susan": ("sue", "susie", "suzy", "susan"),
    "deborah": ("deb", "debbie", "debra", "deborah"),
    "rebecca": ("becky", "becca", "rebecca"),
    "samuel": ("sam", "sammy", "samuel"),
    "benjamin": ("ben", "benny", "benji", "benjamin"),
    "charles": ("charlie", "chuck", "chas", "charles"),
    "frederick": ("fred", "freddie", "freddy", "frederic", "frederick"),
    "gregory": ("greg", "gregory"),
    "jeffrey": ("jeff", "geoff", "geoffrey", "jeffery", "jeffrey"),
    "kenneth": ("ken", "kenny", "kenneth"),
    "lawrence": ("larry", "laurence", "lawrence"),
    "peter": ("pete", "peter"),
    "ronald": ("ron", "ronnie", "ronald"),
    "timothy": ("tim", "timmy", "timothy"),
    "victoria": ("vicky", "vicki", "tori", "victoria"),
    "jacqueline": ("jackie", "jacqueline"),
    "joshua": ("josh", "joshua"),
    "zachary": ("zach", "zack", "zachary"),
    "theodore": ("theo", "theodore"),
    "abigail": ("abby", "abbie", "abigail"),
    "alfred": ("alf", "alfie", "alfred"),
    "barbara": ("barb", "babs", "barbara"),
    "dorothy": ("dot", "dottie", "dorothy"),
    "gerald": ("gerry", "jerry", "gerald"),
    "jessica": ("jess", "jessie", "jessica"),
    "philip": ("phil", "phillip", "philip"),
    "raymond": ("ray", "raymond"),
    "walter": ("walt", "wally", "walter"),
    "donald": ("don", "donnie", "donald"),
    "douglas": ("doug", "douglas"),
    "leonard": ("leo", "len", "lenny", "leonard"),
    "nathaniel": ("nate", "nathaniel", "nathan"),
    "vincent": ("vince", "vinny", "vincent"),
}
_NICK_OVERRIDE: dict[str, str] = {m: canon for canon, members in _NICK_GROUPS.items() for m in members}


@lru_cache(maxsize=1)
def _nicknamer():
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=200000)
def _canonical_token(tok: str) -> str:
    if tok in _NICK_OVERRIDE:
        return _NICK_OVERRIDE[tok]
    if len(tok) < 2 or not tok.isalpha():
        return tok
    try:
        nn = _nicknamer()
        cands = {_NICK_OVERRIDE.get(c.lower(), c.lower()) for c in nn.canonicals_of(tok)}
        cands.discard(tok)
        if len(cands) != 1:
            return tok  # not a nickname, or ambiguous (al: albert/alan/alfred ...)
        (canon,) = cands
        # the package also lists formal names as "nicknames" of their short
        # forms (daniel -> danny); only move towards the more formal name
        if len(nn.nicknames_of(canon)) >= len(nn.nicknames_of(tok)):
            return canon
        return tok
    except Exception:
        return tok


def _nickname_one(v: Any) -> str | None:
    if _is_missing(v):
        return None
    k = _name_key_one(v)
    if not k:
        return None
    if k in _NICK_OVERRIDE:
        return _NICK_OVERRIDE[k]
    return " ".join(_canonical_token(t) for t in k.split(" "))


def nickname_key(first_name_keys: pd.Series) -> pd.Series:
    """Canonical given name (bob/rob/bobby/robert -> robert, bill -> william,
    kate/katie -> katherine ...). A curated table of common English groups
    wins; otherwise the nicknames package maps a name only when it has exactly
    one canonical form (ambiguous nicknames such as 'al' stay as they are).
    Multi-word keys are mapped word by word."""
    s = _as_series(first_name_keys)
    return pd.Series(_map_cached(s, _nickname_one, None), index=s.index, name=s.name, dtype=object)


def _split_name_one(v: Any) -> tuple:
    from nameparser import HumanName

    if _is_missing(v):
        return (None, None)
    s = _SPACES_RE.sub(" ", _clean_unicode(_to_text(v))).strip()
    if not s or len(s) > 500:
        return (None, None) if not s else (s[:500], None)
    h = HumanName(s)
    first = (h.first or "").strip() or None
    last = (h.last or "").strip() or None
    if first is None and last is None:
        # nameparser put everything into title/suffix ("Dr"), keep the text
        return (s, None)
    return (first, last)


def split_full_names(full_names: pd.Series) -> pd.DataFrame:
    """Split a single full-name column into first_name / last_name with
    nameparser ('Last, First', titles and suffixes handled; middle names are
    dropped)."""
    s = _as_series(full_names)
    rows = _map_cached(s, _split_name_one, (None, None))
    df = pd.DataFrame(rows, index=s.index, columns=["first_name", "last_name"])
    return df.astype(object) if not len(df) else df


# --------------------------------------------------------------------------
# companies
# --------------------------------------------------------------------------

_LEGAL_FORMS_LIST = [
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "plc", "gmbh", "mbh", "ag", "sa",
    "sas", "sarl", "sa rl", "bv", "nv", "pt", "tbk", "co", "corp", "corporation", "company", "kg",
    "kgaa", "ohg", "gbr", "ug", "ev", "spa", "srl", "sl", "sp z oo", "sp zoo", "spzoo", "sdn bhd",
    "bhd", "pty ltd", "pty", "pte ltd", "pte", "pvt ltd", "pvt", "private limited", "oy", "oyj", "ab",
    "aps", "as", "asa", "kft", "sro", "se", "kk", "sa de cv", "ek", "cv", "persero",
    "gmbh co kg", "gmbh co", "ag co kg", "co ltd", "corp ltd", "s a", "s l", "l l c", "b v", "n v",
    "s p a", "s r l", "s a s",
]
_LEGAL_FORMS: tuple[tuple[str, ...], ...] = tuple(
    sorted({tuple(f.split()) for f in _LEGAL_FORMS_LIST}, key=len, reverse=True)
)
_LEADING_FORMS = frozenset({"pt", "cv", "the"})
_COMPANY_DROP_TOKENS = frozenset({"and", "und"})
_COMPANY_DELETE_RE = re.compile(r"['\u2019\u2018`\u00b4.]")
_COMPANY_JUNK_RE = re.compile(r"[^0-9a-z]+")


def _company_one(v: Any) -> str | None:
    from anyascii import anyascii

    if _is_missing(v):
        return None
    raw = anyascii(_clean_unicode(_to_text(v))).strip()
    if not raw:
        return None
    base = raw
    if len(raw) <= 300:
        try:
            import cleanco

            b = cleanco.basename(raw)
            if isinstance(b, str) and b.strip():
                base = b
        except Exception:
            base = raw

    def tokens_of(text: str) -> list[str]:
        t = text.casefold().replace("&", " ")
        t = _COMPANY_DELETE_RE.sub("", t)
        t = _COMPANY_JUNK_RE.sub(" ", t)
        return [w for w in t.split() if w not in _COMPANY_DROP_TOKENS]

    toks = tokens_of(base) or tokens_of(raw)
    if not toks:
        return None
    changed = True
    while changed and len(toks) > 1:
        changed = False
        if toks[0] in _LEADING_FORMS and len(toks) > 1:
            toks = toks[1:]
            changed = True
            continue
        for form in _LEGAL_FORMS:
            n = len(form)
            if len(toks) > n and tuple(toks[-n:]) == form:
                toks = toks[:-n]
                changed = True
                break
    return " ".join(toks) or None


def company_key(values: pd.Series) -> pd.Series:
    """Company match key: transliterated, lower-case, punctuation removed,
    legal forms stripped ('PT Maju Jaya Tbk' -> 'maju jaya',
    'Acme GmbH & Co. KG' -> 'acme')."""
    s = _as_series(values)
    return pd.Series(_map_cached(s, _company_one, None), index=s.index, name=s.name, dtype=object)


# --------------------------------------------------------------------------
# postcodes
# --------------------------------------------------------------------------

_POSTCODE_JUNK_RE = re.compile(r"[^0-9A-Z]+")
# countries whose postcodes are all digits of a fixed length: numeric sources
# (Excel) drop leading zeros, which are restored here
_NUMERIC_POSTCODE_LEN = {
    "DE": 5, "FR": 5, "ES": 5, "IT": 5, "US": 5, "FI": 5, "MY": 5, "ID": 5, "MX": 5, "TR": 5,
    "HR": 5, "EE": 5, "UA": 5, "TH": 5, "KR": 5, "SA": 5,
    "AT": 4, "CH": 4, "BE": 4, "DK": 4, "NO": 4, "AU": 4, "ZA": 4, "PH": 4, "HU": 4, "BG": 4,
    "LU": 4, "SI": 4, "CY": 4, "NZ": 4,
}


def _postcode_one(v: Any, country: str | None) -> str | None:
    if _is_missing(v) or isinstance(v, (bool, np.bool_)):
        return None
    text = _to_text(v)
    if len(text) > 100:
        text = text[:100]
    s = _POSTCODE_JUNK_RE.sub("", _translit_fold(text).upper())
    if not s:
        return None
    if country:
        want = _NUMERIC_POSTCODE_LEN.get(country)
        if country == "US" and s.isdigit() and len(s) == 9:
            s = s[:5]  # ZIP+4 -> ZIP
        if want and s.isdigit() and len(s) < want:
            s = s.zfill(want)
    return s


def postcode_key(postcodes: pd.Series, countries: pd.Series | None = None) -> pd.Series:
    """Upper-case, spaces/dashes/punctuation removed ('sw1a 1aa' ->
    'SW1A1AA', '00-950' -> '00950'); None for empty. With ``countries``
    (ISO-2), all-digit postcodes that lost leading zeros are zero-padded
    (DE 1067 -> 01067) and US ZIP+4 is cut to the 5-digit ZIP."""
    s = _as_series(postcodes)
    if countries is None:
        out = _map_cached(s, lambda v: _postcode_one(v, None), None)
        return pd.Series(out, index=s.index, name=s.name, dtype=object)
    c = _aligned_list(countries, s)
    cache: dict = {}
    out = []
    for v, cv in zip(s.tolist(), c):
        try:
            country = cv.strip().upper() if isinstance(cv, str) else None
        except Exception:
            country = None
        k = (_cache_key(v), country)
        try:
            r = cache[k]
        except KeyError:
            try:
                r = _postcode_one(v, country)
            except Exception:
                r = None
            cache[k] = r
        except Exception:
            r = None
        out.append(r)
    return pd.Series(out, index=s.index, name=s.name, dtype=object)


# --------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------

_MIN_YEAR = 1900
_FMT_DIRECTIVES = {
    "d": r"\d{1,2}", "m": r"\d{1,2}", "H": r"\d{1,2}", "I": r"\d{1,2}", "M": r"\d{1,2}",
    "S": r"\d{1,2}", "Y": r"\d{1,4}", "y": r"\d{2}", "f": r"\d{1,9}", "j": r"\d{1,3}",
    "b": r"[^\W\d_]+\.?", "B": r"[^\W\d_]+", "a": r"[^\W\d_]+\.?", "A": r"[^\W\d_]+",
    "p": r"[APap]\.?[Mm]\.?", "z": r"(?:Z|[+-]\d{2}:?\d{2})", "Z": r"[A-Za-z]{1,5}",
    "%": "%", "U": r"\d{1,2}", "W": r"\d{1,2}", "w": r"\d", "u": r"\d", "V": r"\d{1,2}", "G": r"\d{4}",
}
_ISO_SHAPE_RE = re.compile(r"\d{1,4}-?\d{1,2}-?\d{1,2}(?:[T ].*)?")


@lru_cache(maxsize=64)
def _fmt_shape(fmt: str | None) -> re.Pattern:
    if fmt is None:
        return _ISO_SHAPE_RE
    out = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%" and i + 1 < len(fmt):
            d = fmt[i + 1]
            if d == "-" and i + 2 < len(fmt):  # %-d (glibc)
                d = fmt[i + 2]
                i += 1
            out.append(_FMT_DIRECTIVES.get(d, r".+?"))
            i += 2
        elif ch.isspace():
            out.append(r"\s+")
            i += 1
        else:
            out.append(re.escape(ch))
            i += 1
    try:
        return re.compile("".join(out))
    except re.error:
        return re.compile(r"(?!)")


def _to_naive_ts(v: Any) -> pd.Timestamp:
    ts = pd.Timestamp(v)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts


_TZ_SUFFIX_RE = re.compile(r"\d(?:\s*(?:Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))$")


def _parse_group(strs: list[str], fmt: str | None) -> list:
    """Vectorised parse of one homogeneous group -> naive (UTC) Timestamps/NaT."""
    f = fmt if fmt else "ISO8601"
    try:
        p = pd.to_datetime(pd.Series(strs, dtype=object), format=f, errors="coerce", utc=True, cache=True)
        return list(p.dt.tz_localize(None))
    except Exception:
        out = []
        for t in strs:
            try:
                ts = pd.to_datetime(t, format=f, errors="coerce", utc=True)
                out.append(pd.NaT if pd.isna(ts) else ts.tz_localize(None))
            except Exception:
                out.append(pd.NaT)
        return out


def _parse_strings(strs: list[str], fmt: str | None) -> list:
    # strings with and without a UTC offset are parsed separately: pandas
    # would otherwise apply one string's offset to its naive neighbours
    aware = [bool(_TZ_SUFFIX_RE.search(t)) for t in strs]
    result: list = [pd.NaT] * len(strs)
    for flag in (False, True):
        idx = [i for i, a in enumerate(aware) if a is flag]
        if idx:
            for i, ts in zip(idx, _parse_group([strs[i] for i in idx], fmt)):
                result[i] = ts
    return result


def parse_dates(values: pd.Series, fmt: str | None) -> pd.DataFrame:
    """Parse dates with an explicit strptime ``fmt`` (ISO 8601 only when None;
    never guesses day/month order).

    Columns: ``value`` (naive Timestamp, tz-aware input converted to UTC; NaT
    whenever ``issue`` is not '') and ``issue`` ('' / 'missing' /
    'unparseable_date' / 'impossible_date' -- a value that has the shape of
    the format but is not a real date (31/02, month 13), lies in the future or
    before 1900). datetime/date/Timestamp objects are taken as-is.
    """
    s = _as_series(values)
    n = len(s)
    vals: list = [pd.NaT] * n
    issues: list = [""] * n
    str_pos: list[int] = []
    str_vals: list[str] = []
    for i, v in enumerate(s.tolist()):
        try:
            if _is_missing(v):
                issues[i] = "missing"
            elif isinstance(v, (pd.Timestamp, _dt.datetime, _dt.date, np.datetime64)):
                try:
                    vals[i] = _to_naive_ts(v)
                    if vals[i] is pd.NaT:
                        issues[i] = "missing"
                except Exception:
                    issues[i] = "impossible_date"
            elif isinstance(v, (bool, np.bool_)):
                issues[i] = "unparseable_date"
            else:
                t = _clean_unicode(_to_text(v)).strip()
                if not t:
                    issues[i] = "missing"
                elif len(t) > 100:
                    issues[i] = "unparseable_date"
                else:
                    str_pos.append(i)
                    str_vals.append(t)
        except Exception:
            issues[i] = "unparseable_date"

    if str_vals:
        parsed = _parse_strings(str_vals, fmt)
        shape = _fmt_shape(fmt)
        for i, t, ts in zip(str_pos, str_vals, parsed):
            if ts is pd.NaT or pd.isna(ts):
                try:
                    ok_shape = shape.fullmatch(t) is not None
                except Exception:
                    ok_shape = False
                issues[i] = "impossible_date" if ok_shape else "unparseable_date"
            else:
                vals[i] = ts

    now = pd.Timestamp.now(tz="UTC").tz_localize(None) + pd.Timedelta(days=1)
    for i in range(n):
        ts = vals[i]
        if issues[i] == "" and ts is not pd.NaT:
            try:
                if ts.year < _MIN_YEAR or ts > now:
                    issues[i] = "impossible_date"
            except Exception:
                issues[i] = "impossible_date"
        if issues[i]:
            vals[i] = pd.NaT
    try:
        col = pd.Series(pd.to_datetime(pd.Series(vals, dtype=object), errors="coerce").values, index=s.index)
    except Exception:
        col = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if col.dtype == object:
        col = col.astype("datetime64[ns]")
    return pd.DataFrame({"value": col, "issue": pd.Series(issues, index=s.index, dtype=object)})


# --------------------------------------------------------------------------
# consent
# --------------------------------------------------------------------------

_OPT_YES = frozenset({
    "yes", "y", "true", "t", "1", "subscribed", "opted in", "opt in", "optin", "ja", "j", "oui", "si",
    "consent", "consented", "granted", "on", "x",
})
_OPT_NO = frozenset({
    "no", "n", "false", "f", "0", "unsubscribed", "opted out", "opt out", "optout", "nein", "non",
    "declined", "denied", "refused", "off", "not subscribed",
})
_OPT_SEP_RE = re.compile(r"[\s_\-]+")


def _opt_text(v: Any) -> str:
    return _clean_unicode(_to_text(v)).strip().casefold()


def _opt_default_one(v: Any) -> str:
    if v is None or (not isinstance(v, str) and _is_missing(v)):
        return "unknown"
    t = _OPT_SEP_RE.sub(" ", _opt_text(v)).strip()
    if t in _OPT_YES:
        return "yes"
    if t in _OPT_NO:
        return "no"
    return "unknown"


def normalise_opt_in(values: pd.Series, value_map: dict[str, str] | None = None) -> pd.Series:
    """Consent -> 'yes'/'no'/'unknown'. With ``value_map`` (keys compared
    stripped+casefolded; targets 'yes'/'no'/'unknown' or anything the default
    vocabulary understands) unmapped values -> 'unknown'."""
    s = _as_series(values)
    if value_map is None:
        out = _map_cached(s, _opt_default_one, "unknown")
        return pd.Series(out, index=s.index, name=s.name, dtype=object)
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    try:
        items = list(value_map.items())
    except Exception:
        items = []
    for k, target in items:
        try:
            t = _opt_text(target)
            t = t if t in ("yes", "no", "unknown") else _opt_default_one(target)
            kt = _opt_text(k) if not _is_missing(k) or isinstance(k, str) else ""
            exact[kt] = t
            loose.setdefault(_OPT_SEP_RE.sub(" ", kt).strip(), t)
        except Exception:
            continue

    def one(v: Any) -> str:
        if v is None or (not isinstance(v, str) and _is_missing(v)):
            return exact.get("", "unknown")
        t = _opt_text(v)
        if t in exact:
            return exact[t]
        return loose.get(_OPT_SEP_RE.sub(" ", t).strip(), "unknown")

    out = _map_cached(s, one, "unknown")
    return pd.Series(out, index=s.index, name=s.name, dtype=object)


__all__ = [
    "normalise_emails",
    "normalise_phones",
    "normalise_countries",
    "name_key",
    "german_folded",
    "nickname_key",
    "split_full_names",
    "company_key",
    "postcode_key",
    "parse_dates",
    "normalise_opt_in",
]
