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

Speed (benchmarks/normalise_1m.py): distinct values are found with
``pandas.factorize`` and results are spread back with numpy ``take``; e-mail
syntax checks cache email-validator's domain checks per domain; a phone number
is looked up in phonenumbers' metadata once (``number_type`` doubles as the
validity check). With >= PARALLEL_MIN_DISTINCT distinct values, e-mails and
phones are normalised in worker processes ($STEWARD_NORMALISE_WORKERS, default
the CPU count up to 4; 0/1 = in-process). Nothing here touches the network
unless ``normalise_emails(..., check_deliverability=True)``.

Given-name nicknames come from the steward-editable ``rules/nicknames.csv``.
"""

from __future__ import annotations

import datetime as _dt
import gettext
import io
import logging
import math
import os
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from steward.progress import report

log = logging.getLogger("steward.normalise.fields")

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


def _object_array(values: Any) -> np.ndarray:
    if isinstance(values, (pd.Series, pd.Index)):
        return values.to_numpy(dtype=object)
    if isinstance(values, np.ndarray) and values.ndim == 1:
        return values.astype(object, copy=False)
    values = list(values)
    return np.fromiter(values, dtype=object, count=len(values))


def _factorize(values: Any) -> tuple[list, np.ndarray]:
    """Distinct values (in order of first appearance) and, per row, the index
    of its distinct value -- with the semantics of ``_cache_key``: 1, 1.0 and
    True are different values, unhashable values are told apart by repr.

    Columns of plain strings (the usual case) are factorised by pandas in C;
    anything else goes through a dict of cache keys."""
    arr = _object_array(values)
    n = len(arr)
    if n == 0:
        return [], np.empty(0, dtype=np.intp)
    try:
        fast = pd.api.types.infer_dtype(arr, skipna=True) == "string"
    except Exception:
        fast = False
    if fast:
        try:
            codes, uniques = pd.factorize(arr, use_na_sentinel=True)
        except Exception:
            fast = False
    if fast:
        uniq = list(uniques)
        codes = np.asarray(codes, dtype=np.intp)
        missing = np.flatnonzero(codes < 0)
        if len(missing):
            # None / NaN / pd.NA / NaT: distinct kinds of missing stay distinct
            seen: dict = {}
            for i in missing.tolist():
                v = arr[i]
                k = _cache_key(v)
                j = seen.get(k)
                if j is None:
                    j = seen[k] = len(uniq)
                    uniq.append(v)
                codes[i] = j
        return uniq, codes
    seen = {}
    uniq = []
    codes = np.empty(n, dtype=np.intp)
    for i, v in enumerate(arr.tolist()):
        k = _cache_key(v)
        try:
            j = seen[k]
        except KeyError:
            j = seen[k] = len(uniq)
            uniq.append(v)
        except Exception:  # pathological __eq__/__hash__: its own slot
            j = len(uniq)
            uniq.append(v)
        codes[i] = j
    return uniq, codes


def _factorize_pairs(a: Any, b: Any) -> tuple[list[tuple], np.ndarray]:
    """Like _factorize, for the row-wise pairs (a[i], b[i])."""
    ua, ca = _factorize(a)
    ub, cb = _factorize(b)
    if not len(ca):
        return [], ca
    combined = ca.astype(np.int64) * max(len(ub), 1) + cb
    codes, keys = pd.factorize(combined)
    width = max(len(ub), 1)
    pairs = [(ua[k // width], ub[k % width]) for k in keys.tolist()]
    return pairs, np.asarray(codes, dtype=np.intp)


def _apply_each(func: Callable[[Any], Any], values: list, default: Any) -> list:
    out = []
    append = out.append
    for v in values:
        try:
            append(func(v))
        except Exception:
            append(default)
    return out


def _take(results: list, codes: np.ndarray) -> np.ndarray:
    """Per-row object array of results[codes] (results may be tuples)."""
    arr = np.empty(len(results), dtype=object)
    for j, r in enumerate(results):
        arr[j] = r
    return arr[codes]


def _take_columns(results: list, codes: np.ndarray, ncols: int) -> list[np.ndarray]:
    """Per-row object arrays, one per field of the result tuples."""
    if not results:
        return [np.empty(len(codes), dtype=object) for _ in range(ncols)]
    return [np.fromiter(col, dtype=object, count=len(results))[codes] for col in zip(*results)]


def _map_values(values: Any, func: Callable[[Any], Any], default: Any) -> np.ndarray:
    """func applied once per distinct value (exceptions -> default), per row."""
    uniq, codes = _factorize(values)
    return _take(_apply_each(func, uniq, default), codes)


def _object_series(values: np.ndarray, s: pd.Series) -> pd.Series:
    return pd.Series(values, index=s.index, name=s.name, dtype=object)


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
# parallel map for the two slow normalisers (email-validator, phonenumbers)
# --------------------------------------------------------------------------

# Below this many distinct values a column is normalised in-process: starting
# worker processes costs about a second.
PARALLEL_MIN_DISTINCT = 50_000
_PARALLEL_CHUNK = 10_000
WORKERS_ENV_VAR = "STEWARD_NORMALISE_WORKERS"


def _worker_count() -> int:
    """Worker processes for the slow normalisers: $STEWARD_NORMALISE_WORKERS,
    else the CPU count (at most 4); 0 or 1 means in-process."""
    raw = os.environ.get(WORKERS_ENV_VAR, "").strip()
    if raw:
        try:
            return max(0, int(raw))
        except ValueError:
            pass
    try:
        cpus = len(os.sched_getaffinity(0))
    except Exception:
        cpus = os.cpu_count() or 1
    return min(cpus, 4)


def _run_chunk(kind: str, items: list) -> list:
    """One chunk of distinct values of one normaliser (in a worker or here)."""
    if kind == "email":
        return _apply_each(_email_one, items, _EMAIL_DEFAULT)
    if kind == "phone":
        return _apply_each(_phone_pair, items, _PHONE_DEFAULT)
    raise ValueError(kind)


# the items of the current parallel map, inherited by forked workers (which
# then only receive index ranges instead of pickled values)
_FORK_ITEMS: list = []


def _reported(kind: str, parts, bounds: list[tuple[int, int]]) -> list:
    """The workers' results in order, reporting progress as each chunk comes back."""
    out = []
    for part, (_, stop) in zip(parts, bounds):
        out.append(part)
        report(f"normalise {kind}s", stop, bounds[-1][1], "distinct values")
    return out


def _run_range(kind: str, start: int, stop: int) -> list:
    return _run_chunk(kind, _FORK_ITEMS[start:stop])


def _mp_context():
    import multiprocessing as mp
    import threading

    methods = mp.get_all_start_methods()
    # fork is cheapest (no re-import, values inherited) but only safe while
    # this process has a single thread; otherwise forkserver (workers forked
    # from a clean server with this module preloaded) or spawn
    if "fork" in methods and threading.active_count() == 1:
        return mp.get_context("fork")
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        try:
            ctx.set_forkserver_preload(["steward.normalise.fields"])
        except Exception:
            pass
        return ctx
    return mp.get_context("spawn")


def _apply_distinct(kind: str, items: list, default: Any) -> list:
    """_run_chunk over all items: in worker processes when there are many
    (>= PARALLEL_MIN_DISTINCT) and more than one CPU, else -- or if worker
    processes cannot be started -- in this process."""
    global _FORK_ITEMS

    workers = _worker_count()
    if len(items) >= PARALLEL_MIN_DISTINCT and workers > 1:
        try:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            if mp.current_process().daemon:
                raise RuntimeError("daemonic processes cannot start workers")
            ctx = _mp_context()
            bounds = [(i, min(i + _PARALLEL_CHUNK, len(items))) for i in range(0, len(items), _PARALLEL_CHUNK)]
            n = min(workers, len(bounds))
            if ctx.get_start_method() == "fork":
                _FORK_ITEMS = items
                try:
                    with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
                        parts = _reported(kind, pool.map(_run_range, [kind] * len(bounds), *zip(*bounds)), bounds)
                finally:
                    _FORK_ITEMS = []
            else:
                with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
                    chunks = [items[a:b] for a, b in bounds]
                    parts = _reported(kind, pool.map(_run_chunk, [kind] * len(chunks), chunks), bounds)
            return [r for part in parts for r in part]
        except Exception as exc:
            log.warning("normalising %d %s values in one process: worker processes failed (%s)", len(items), kind, exc)
    bounds = [(i, min(i + _PARALLEL_CHUNK, len(items))) for i in range(0, len(items), _PARALLEL_CHUNK)]
    return [r for part in _reported(kind, (_run_chunk(kind, items[a:b]) for a, b in bounds), bounds) for r in part]


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


_EMAIL_DEFAULT = (None, None, "invalid_syntax", False)


@lru_cache(maxsize=262144)
def _domain_facts(domain: str) -> tuple[str | None, bool, str, int]:
    """Per lower-cased domain: (typo suggestion, disposable, match-key domain,
    key mode: 2 gmail rules, 1 +tags ignored, 0 as typed)."""
    suggestion = _typo_suggestion(domain)
    target = suggestion or domain
    # the blocklist also lists some typo domains (gmial.com): a typo is
    # reported as a typo and judged by the domain it was meant to be
    disposable = _is_disposable(target)
    kd = target.lower()
    if kd in _GMAIL_DOMAINS:
        return suggestion, disposable, "gmail.com", 2
    if kd in _PLUS_DOMAINS or _PLUS_DOMAIN_RE.match(kd):
        return suggestion, disposable, kd, 1
    return suggestion, disposable, kd, 0


class _EmailFast:
    """email_validator.validate_email (no DNS, the library's default options)
    with the domain checks -- most of its cost -- cached per domain.

    Only plain ASCII addresses without quotes or angle brackets take this path;
    it runs the library's own checks in the library's order, so the outcome is
    the same (tests compare the two). Anything else, or an email_validator
    whose internals differ, uses validate_email itself."""

    def __init__(self) -> None:
        import email_validator as ev
        from email_validator import syntax
        from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES
        from email_validator.types import ValidatedEmail

        self.ev = ev
        self.local = syntax.validate_email_local_part
        self.domain_name = syntax.validate_email_domain_name
        self.length = syntax.validate_email_length
        self.case_insensitive = CASE_INSENSITIVE_MAILBOX_NAMES
        self.Validated = ValidatedEmail
        self.SyntaxError = ev.EmailSyntaxError
        self.domains: dict = {}

    def _domain(self, domain_part: str, test_environment: bool, globally_deliverable: bool) -> tuple[str, str]:
        key = (domain_part, test_environment, globally_deliverable)
        try:
            hit = self.domains[key]
        except KeyError:
            try:
                info = self.domain_name(
                    domain_part, test_environment=test_environment, globally_deliverable=globally_deliverable
                )
                hit = (info["domain"], info["ascii_domain"])
            except self.SyntaxError as exc:
                hit = str(exc)
            if len(self.domains) > 262144:
                self.domains.clear()
            self.domains[key] = hit
        if isinstance(hit, str):
            raise self.SyntaxError(hit)
        return hit

    def __call__(self, s: str) -> tuple[str, str, str]:
        """(normalized, local_part, domain); raises EmailNotValidError."""
        ev = self.ev
        if not s.isascii() or '"' in s or "<" in s:  # display names, quoting, IDN: the library itself
            res = ev.validate_email(s, check_deliverability=False)
            return res.normalized, res.local_part, res.domain
        local_part, at, domain_part = s.partition("@")
        if not at:
            raise self.SyntaxError("An email address must have an @-sign.")
        info = self.local(
            local_part, allow_smtputf8=ev.ALLOW_SMTPUTF8, allow_empty_local=ev.ALLOW_EMPTY_LOCAL,
            quoted_local_part=False, strict=ev.STRICT,
        )
        local = info["local_part"]
        ascii_local = info["ascii_local_part"]
        if ascii_local is not None and ascii_local.lower() in self.case_insensitive and local is not None:
            ascii_local = ascii_local.lower()
            local = local.lower()
        if not domain_part:
            raise self.SyntaxError("There must be something after the @-sign.")
        if domain_part.startswith("["):
            res = ev.validate_email(s, check_deliverability=False)
            return res.normalized, res.local_part, res.domain
        domain, ascii_domain = self._domain(domain_part, ev.TEST_ENVIRONMENT, ev.GLOBALLY_DELIVERABLE)
        ret = self.Validated()
        ret.original = local_part + "@" + domain_part
        ret.display_name = None
        ret.smtputf8 = info["smtputf8"]
        ret.local_part = local
        ret.ascii_local_part = ascii_local
        ret.domain = domain
        ret.ascii_domain = ascii_domain
        ret.normalized = local + "@" + domain
        ret.ascii_email = (ascii_local + "@" + ascii_domain) if ascii_local and ascii_domain else None
        self.length(ret)
        return ret.normalized, local, domain


@lru_cache(maxsize=1)
def _email_validator():
    """The fast validator, or plain validate_email if the library's internals differ."""
    from email_validator import validate_email

    def plain(s: str) -> tuple[str, str, str]:
        res = validate_email(s, check_deliverability=False)
        return res.normalized, res.local_part, res.domain

    try:
        fast = _EmailFast()
        # a quick self-check against the library before trusting it
        for probe in ("Jane.Roe+x@Example.COM", "Postmaster@example.com", "a@b.c", "x@[1.2.3.4]"):
            try:
                want = plain(probe)
            except Exception as exc:
                want = type(exc)
            try:
                got = fast(probe)
            except Exception as exc:
                got = type(exc)
            if got != want:
                raise RuntimeError(f"{probe}: {got!r} != {want!r}")
        return fast
    except Exception as exc:  # pragma: no cover - depends on the installed version
        log.info("email-validator fast path disabled: %s", exc)
        return plain


def _email_one(v: Any) -> tuple:
    from email_validator import EmailNotValidError

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
        norm, local, domain = _email_validator()(s)
    except EmailNotValidError:
        return (None, None, "invalid_syntax", False)
    suggestion, disposable, key_domain, mode = _domain_facts((domain or "").lower())
    lower_local = local.lower()
    base = lower_local.split("+", 1)[0]
    if mode == 2:
        key = base.replace(".", "") + "@" + key_domain
    elif mode == 1:
        key = base + "@" + key_domain
    else:
        key = lower_local + "@" + key_domain
    role = base.replace("-", "").replace("_", "").replace(".", "") in _ROLE_LOCALS
    if not (suggestion or role or disposable):
        return (norm, key, "", True)
    issues = []
    if suggestion:
        issues.append(f"typo_domain:{suggestion}")
    if role:
        issues.append("role_account")
    if disposable:
        issues.append("disposable_domain")
    return (norm, key, _join(issues), not (role or disposable))


EMAIL_COLUMNS = ["email_norm", "email_key", "email_issue", "email_is_personal", "email_deliverable"]
DNS_TIMEOUT_SECONDS = 5.0
_DNS_THREADS = 16


def _dns_resolver(timeout: float = DNS_TIMEOUT_SECONDS):
    """A fresh caching dnspython resolver (tests replace this function)."""
    from email_validator import caching_resolver

    return caching_resolver(timeout=timeout)


def _ascii_domain(domain: str) -> str:
    if domain.isascii():
        return domain
    try:
        import idna

        return idna.encode(domain, uts46=True).decode("ascii")
    except Exception:
        return domain


def _domain_deliverable(domain: str, resolver) -> bool | None:
    """True: the domain accepts mail (MX, or A/AAAA fallback); False: it does
    not exist or refuses mail; None: could not tell (timeout, no name server)."""
    from email_validator import EmailUndeliverableError
    from email_validator.deliverability import validate_email_deliverability

    try:
        info = validate_email_deliverability(_ascii_domain(domain), domain, dns_resolver=resolver)
    except EmailUndeliverableError:
        return False
    except Exception:
        return None
    if not isinstance(info, dict) or info.get("unknown-deliverability") or not info.get("mx"):
        return None
    return True


def check_domains_deliverable(domains: Iterable[str], timeout: float = DNS_TIMEOUT_SECONDS) -> dict[str, bool | None]:
    """{domain: True/False/None} for distinct domains, one DNS check each
    (a few in parallel threads). This is the only function that uses the network."""
    distinct = list(dict.fromkeys(d for d in domains if isinstance(d, str) and d))
    if not distinct:
        return {}
    try:
        resolver = _dns_resolver(timeout)
    except Exception as exc:  # no resolver configuration at all
        log.warning("email deliverability not checked: no DNS resolver (%s)", exc)
        return dict.fromkeys(distinct)
    if len(distinct) == 1:
        return {distinct[0]: _domain_deliverable(distinct[0], resolver)}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(_DNS_THREADS, len(distinct))) as pool:
        results = list(pool.map(lambda d: _domain_deliverable(d, resolver), distinct))
    return dict(zip(distinct, results))


def normalise_emails(emails: pd.Series, check_deliverability: bool = False) -> pd.DataFrame:
    """Normalise e-mail addresses.

    Columns: ``email_norm`` (validated address, domain lower-cased, or None),
    ``email_key`` (lower-case match key; gmail dots/+tags removed, googlemail
    unified to gmail.com, +tags removed for providers that ignore them, typo
    domains replaced by the suggested fix), ``email_issue`` ('' / 'missing' /
    'invalid_syntax' / 'typo_domain:<fix>' / 'role_account' /
    'disposable_domain' / 'undeliverable_domain', several joined by ';'),
    ``email_is_personal`` and ``email_deliverable``.

    ``email_deliverable`` is None unless ``check_deliverability`` is True:
    then each distinct domain (as typed) is looked up once in DNS --
    True: it accepts mail, False: it does not exist or accepts no mail
    (issue 'undeliverable_domain'), None: the lookup could not tell. With the
    default (False) nothing touches the network.
    """
    s = _as_series(emails)
    uniq, codes = _factorize(s)
    cols = _take_columns(_apply_distinct("email", uniq, _EMAIL_DEFAULT), codes, 4)
    df = pd.DataFrame(dict(zip(EMAIL_COLUMNS[:4], cols)), index=s.index)
    df["email_is_personal"] = df["email_is_personal"].astype(bool)
    deliverable = pd.Series([None] * len(s), index=s.index, dtype=object)
    if check_deliverability and len(df):
        domains = df["email_norm"].where(df["email_norm"].notna(), None)
        domains = domains.map(lambda e: e.rpartition("@")[2] if isinstance(e, str) else None)
        verdict = check_domains_deliverable(domains.dropna().unique())
        deliverable = domains.map(lambda d: verdict.get(d) if d is not None else None).astype(object)
        deliverable = deliverable.where(deliverable.notna(), None)
        bad = (deliverable == False).to_numpy()  # noqa: E712 - object column of True/False/None
        if bad.any():
            df.loc[bad, "email_issue"] = [
                _join((i, "undeliverable_domain")) for i in df.loc[bad, "email_issue"].tolist()
            ]
    df["email_deliverable"] = deliverable
    return df


# --------------------------------------------------------------------------
# phones
# --------------------------------------------------------------------------

_EXT_RE = re.compile(
    r"\s*[,;]?\s*(?:ext\.?|extn\.?|extension|x|#|durchwahl|dw\.?|poste|app\.?)\s*[:.]?\s*(\d{1,7})\s*$",
    re.IGNORECASE,
)
_EXT_HINT_RE = re.compile(r"[A-Za-z#]")
_TRUNK_IN_INTL_RE = re.compile(r"\(\s*0\s*\)")
_NON_DIGIT_RE = re.compile(r"\D")

_PHONE_DEFAULT = (None, None, "unknown", "unparseable")
PHONE_COLUMNS = ["phone_e164", "phone_ext", "phone_type", "phone_issue"]


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


@lru_cache(maxsize=1)
def _phone_type_names() -> dict:
    from phonenumbers import PhoneNumberType as T

    return {T.MOBILE: "mobile", T.FIXED_LINE: "fixed", T.FIXED_LINE_OR_MOBILE: "fixed_or_mobile", T.UNKNOWN: "unknown"}


_NUMBER_FACTS: dict = {}


def _number_facts(n) -> tuple:
    """(number_type, E.164) of a parsed number, cached per number: the same
    number written in different ways is looked up once.

    number_type() is UNKNOWN exactly when is_valid_number() is False (both
    check the number against its own region's metadata), so one call does
    the work of two. Both depend only on the country code and the national
    significant number, which make the cache key."""
    import phonenumbers

    key = (n.country_code, n.national_number, n.italian_leading_zero, n.number_of_leading_zeros)
    try:
        return _NUMBER_FACTS[key]
    except KeyError:
        pass
    ntype = phonenumbers.number_type(n)
    e164 = None
    if ntype != phonenumbers.PhoneNumberType.UNKNOWN:
        e164 = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
    if len(_NUMBER_FACTS) >= 1_000_000:
        _NUMBER_FACTS.clear()
    _NUMBER_FACTS[key] = (ntype, e164)
    return ntype, e164


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
    # every extension marker has a letter or '#': skip the (slow, unanchored)
    # search for plain numbers; non-ASCII text always gets the full search
    m = _EXT_RE.search(s) if (not s.isascii() or _EXT_HINT_RE.search(s)) else None
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
    type_names = _phone_type_names()
    unknown = phonenumbers.PhoneNumberType.UNKNOWN
    for text, reg in attempts:
        try:
            n = phonenumbers.parse(text, reg)
        except NumberParseException:
            continue
        except Exception:
            continue
        parsed_any = True
        ntype, e164 = _number_facts(n)
        if ntype != unknown:
            return (e164, ext or (n.extension or None), type_names.get(ntype, "other"), "")
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
    if countries is not None:
        regions = _map_values(_aligned_list(countries, s), _region_or_none, None)
        if default is not None:
            regions[pd.isna(regions)] = default
    else:
        regions = np.full(len(s), default, dtype=object)
    pairs, codes = _factorize_pairs(s, regions)
    cols = _take_columns(_apply_distinct("phone", pairs, _PHONE_DEFAULT), codes, 4)
    return pd.DataFrame(dict(zip(PHONE_COLUMNS, cols)), index=s.index)


def _phone_pair(item: tuple) -> tuple:
    return _phone_one(item[0], item[1])


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
        english = [getattr(c, attr, None) for attr in ("name", "official_name", "common_name")]
        variants = list(english)
        for t in translators:
            for v in english:  # (translating translations again only piled up copies: 115k keys at start-up)
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
    return _object_series(_map_values(s, _country_one, None), s)


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
    return _object_series(_map_values(s, _name_key_one, None), s)


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
    return _object_series(_map_values(s, _german_fold_one, None), s)


# Curated nickname groups live in rules/nicknames.csv (steward-editable) and win
# over the nicknames package (its data has odd links, e.g. bill -> robert, and no
# kate <-> katie path through one canonical).
NICKNAMES_FILE = Path("rules") / "nicknames.csv"


@dataclass(eq=False)
class _NickTable:
    """Folded variant -> folded canonical, plus a per-table token cache."""

    source: str
    override: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)


def default_nickname_file() -> Path:
    """rules/nicknames.csv of the project (see steward.config.find_project_dir)."""
    from steward.config import find_project_dir

    return find_project_dir() / NICKNAMES_FILE


def _read_nickname_rows(path: Path) -> list[tuple[int, list[str]]]:
    import csv

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
        canon = _name_key_one(cells[0])
        if not canon:
            log.warning("%s:%d: no canonical name, row ignored", where, lineno)
            continue
        if canon in override and override[canon] != canon:
            # the canonical name is already a variant of an earlier row: this
            # row joins that group (kathi -> katharina -> katherine: one key)
            log.info("%s:%d: %r is listed under %r; its variants join that group", where, lineno, canon,
                     override[canon])
            canon = override[canon]
        names = [canon] + [_name_key_one(v) for cell in cells[1:] for v in cell.split("|")]
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
    except Exception as exc:  # unreadable file: say so, use the package alone
        log.warning("%s: cannot read nickname groups (%s); using the nicknames package alone", path, exc)
        override = {}
    return _NickTable(path, override)


_WARNED_MISSING: set[str] = set()


def _nick_table(nickname_file: str | os.PathLike | None = None) -> _NickTable:
    """The nickname table of ``nickname_file`` (default: the project's
    rules/nicknames.csv), cached until the file changes; an empty table (the
    nicknames package alone) when it does not exist."""
    path: Path | str = nickname_file if nickname_file is not None else NICKNAMES_FILE
    try:
        path = Path(nickname_file) if nickname_file is not None else default_nickname_file()
        st = path.stat()
    except Exception:
        key = str(path)
        if key not in _WARNED_MISSING:
            _WARNED_MISSING.add(key)
            log.warning("%s: nickname file not found; using the nicknames package alone", key)
        return _EMPTY_NICK_TABLE
    return _nick_table_cached(str(path.resolve()), st.st_mtime_ns, st.st_size)


_EMPTY_NICK_TABLE = _NickTable("(none)", {})


def load_nicknames(nickname_file: str | os.PathLike | None = None) -> dict[str, str]:
    """{folded name: folded canonical} as read from the nickname file (a copy)."""
    return dict(_nick_table(nickname_file).override)


@lru_cache(maxsize=1)
def _nicknamer():
    from nicknames import NickNamer

    return NickNamer()


def _package_canonical(tok: str, override: dict[str, str]) -> str:
    if len(tok) < 2 or not tok.isalpha():
        return tok
    try:
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
    except Exception:
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
    if _is_missing(v):
        return None
    k = _name_key_one(v)
    if not k:
        return None
    if k in table.override:
        return table.override[k]
    return " ".join(_canonical_token(t, table) for t in k.split(" "))


def nickname_key(first_name_keys: pd.Series, nickname_file: str | os.PathLike | None = None) -> pd.Series:
    """Canonical given name (bob/rob/bobby/robert -> robert, bill -> william,
    kate/katie -> katherine, kasia -> katarzyna ...). The groups in
    ``nickname_file`` (default: the project's rules/nicknames.csv) win;
    otherwise the nicknames package maps a name only when it has exactly one
    canonical form (ambiguous nicknames such as 'al' stay as they are).
    Multi-word keys are mapped word by word."""
    s = _as_series(first_name_keys)
    table = _nick_table(nickname_file)
    return _object_series(_map_values(s, lambda v: _nickname_one(v, table), None), s)


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
    uniq, codes = _factorize(s)
    cols = _take_columns(_apply_each(_split_name_one, uniq, (None, None)), codes, 2)
    return pd.DataFrame({"first_name": cols[0], "last_name": cols[1]}, index=s.index)


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
    return _object_series(_map_values(s, _company_one, None), s)


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
        return _object_series(_map_values(s, lambda v: _postcode_one(v, None), None), s)
    country = _map_values(_aligned_list(countries, s), _postcode_country, None)
    pairs, codes = _factorize_pairs(s, country)
    return _object_series(_take(_apply_each(_postcode_pair, pairs, None), codes), s)


def _postcode_country(cv: Any) -> str | None:
    return cv.strip().upper() if isinstance(cv, str) else None


def _postcode_pair(item: tuple) -> str | None:
    return _postcode_one(item[0], item[1])


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
        return _object_series(_map_values(s, _opt_default_one, "unknown"), s)
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

    return _object_series(_map_values(s, one, "unknown"), s)


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
