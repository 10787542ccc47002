"""E-mail domains: which are free-mail providers, which ignore +tags or dots,
which are disposable, and which are typos of a well-known provider.

Separate from the address parsing in ``email.py`` because this is reference data
plus lookups keyed by domain alone: each distinct domain is judged once
(``domain_facts`` is cached), however many addresses share it.
"""

from __future__ import annotations

from functools import lru_cache

from disposable_email_domains import blocklist
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
# Sub-addressing (RFC 5233, "jane+shop@"): the +tag is ignored on every domain. Gmail, Outlook,
# iCloud, Fastmail and Proton document it, and so do the servers companies run (Postfix and Exim
# with recipient_delimiter "+", Exchange Online): a "+shop" a person typed into one web shop is
# the same inbox. Only providers known to give "+" another meaning keep it; none is known, so the
# set is empty but kept, named, for the day one is. (Yahoo's aliases use "-", which stays.)
_PLUS_IS_LITERAL_DOMAINS: frozenset[str] = frozenset()

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


_DISPOSABLE = frozenset(blocklist)


def _is_disposable(domain: str) -> bool:
    parts = domain.split(".")
    for i in range(len(parts) - 1):
        if ".".join(parts[i:]) in _DISPOSABLE:
            return True
    return False


@lru_cache(maxsize=65536)
def typo_suggestion(domain: str) -> str | None:
    """The provider domain a lower-cased ``domain`` is a typo of (gmial.com ->
    gmail.com, acme.con -> acme.com), or None."""
    if domain in _KNOWN_PROVIDERS:
        return None
    if domain in _TYPO_DOMAINS:
        return _TYPO_DOMAINS[domain]
    if len(domain) >= 7:
        hit = process.extractOne(domain, _FUZZY_PROVIDERS, scorer=DamerauLevenshtein.distance, score_cutoff=2)
        if hit is not None:
            target, dist = hit[0], hit[1]
            if dist <= 1 or (dist == 2 and len(target) >= 13):
                return target
    head, _, tld = domain.rpartition(".")
    if head and tld in _TLD_TYPOS:
        return f"{head}.{_TLD_TYPOS[tld]}"
    return None


@lru_cache(maxsize=262144)
def domain_facts(domain: str) -> tuple[str | None, bool, str, int]:
    """Per lower-cased domain: (typo suggestion, disposable, match-key domain,
    key mode: 2 gmail rules, 1 +tags ignored, 0 as typed)."""
    suggestion = typo_suggestion(domain)
    target = suggestion or domain
    # the blocklist also lists some typo domains (gmial.com): a typo is
    # reported as a typo and judged by the domain it was meant to be
    disposable = _is_disposable(target)
    kd = target.lower()
    if kd in _GMAIL_DOMAINS:
        return suggestion, disposable, "gmail.com", 2
    if kd in _PLUS_IS_LITERAL_DOMAINS:
        return suggestion, disposable, kd, 0
    return suggestion, disposable, kd, 1
