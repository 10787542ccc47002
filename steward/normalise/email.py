"""E-mail addresses: syntax check, normalised form, match key and issue codes.

One room for what is read from the address itself (email-validator's syntax
rules, role mailboxes, the provider rules for the match key); the domain tables
live in ``email_domains`` and the network check in ``deliverability``.

Speed (benchmarks/normalise_1m.py): email-validator's domain checks, most of its
cost, are cached per domain (``FastEmailValidator``, checked against the library
before it is trusted), and many distinct addresses are validated in worker
processes (``workers``). Nothing here touches the network unless
``normalise_emails(..., check_deliverability=True)``.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

import email_validator
import pandas as pd
from email_validator import EmailNotValidError, validate_email

from steward.normalise.deliverability import check_domains_deliverable
from steward.normalise.email_domains import domain_facts
from steward.normalise.values import (
    as_series,
    clean_unicode,
    factorize,
    is_missing,
    join_issues,
    map_values,
    object_series,
    take_columns,
)
from steward.normalise.workers import apply_distinct

log = logging.getLogger(__name__)

EMAIL_COLUMNS = ["email_norm", "email_key", "email_issue", "email_is_personal", "email_deliverable"]

# local parts of shared mailboxes (info@, sales@ ...), compared without - _ .
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


class FastEmailValidator:
    """email_validator.validate_email (no DNS, the library's default options)
    with the domain checks -- most of its cost -- cached per domain.

    Only plain ASCII addresses without quotes or angle brackets take this path;
    it runs the library's own checks in the library's order, so the outcome is
    the same (tests compare the two). Anything else, or an email_validator
    whose internals differ, uses validate_email itself."""

    def __init__(self) -> None:
        # email-validator's own syntax steps: internals, not its public API, so
        # a version that moved them fails here and email_syntax_validator falls
        # back to validate_email itself
        from email_validator import syntax
        from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES
        from email_validator.types import ValidatedEmail

        self.ev = email_validator
        self.local = syntax.validate_email_local_part
        self.domain_name = syntax.validate_email_domain_name
        self.length = syntax.validate_email_length
        self.case_insensitive = CASE_INSENSITIVE_MAILBOX_NAMES
        self.Validated = ValidatedEmail
        self.SyntaxError = email_validator.EmailSyntaxError
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
def email_syntax_validator():
    """The fast validator, or plain validate_email if the library's internals differ.
    Either is called with an address and returns (normalized, local_part, domain)
    or raises EmailNotValidError."""

    def plain(s: str) -> tuple[str, str, str]:
        res = validate_email(s, check_deliverability=False)
        return res.normalized, res.local_part, res.domain

    try:
        fast = FastEmailValidator()
        # a quick self-check against the library before trusting it
        for probe in ("Jane.Roe+x@Example.COM", "Postmaster@example.com", "a@b.c", "x@[1.2.3.4]"):
            try:
                want = plain(probe)
            except EmailNotValidError as exc:
                want = type(exc)
            try:
                got = fast(probe)
            except EmailNotValidError as exc:
                got = type(exc)
            if got != want:
                raise RuntimeError(f"{probe}: {got!r} != {want!r}")
        return fast
    except Exception as exc:  # pragma: no cover - depends on the installed version
        # FastEmailValidator uses email-validator's internals: in a version where
        # they differ, anything may fail here (ImportError, AttributeError,
        # KeyError, TypeError, the self-check); the library itself is always right.
        log.info("email-validator fast path disabled: %s", exc)
        return plain


_EMAIL_DEFAULT = (None, None, "invalid_syntax", False)
_EMAIL_ANGLE_RE = re.compile(r"<([^<>\s]+@[^<>\s]+)>")


def _email_one(v: Any) -> tuple:
    """(normalized, match key, issues, personal) of one value; runs in workers."""
    if is_missing(v):
        return (None, None, "missing", False)
    if not isinstance(v, str):
        return (None, None, "invalid_syntax", False)
    s = clean_unicode(v).strip()
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
        norm, local, domain = email_syntax_validator()(s)
    except EmailNotValidError:
        return (None, None, "invalid_syntax", False)
    suggestion, disposable, key_domain, mode = domain_facts((domain or "").lower())
    lower_local = local.lower()
    # The +tag goes from the key, but never the whole local part ("+44123@…" is a mailbox).
    base = lower_local.split("+", 1)[0] or lower_local
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
    return (norm, key, join_issues(issues), not (role or disposable))


# How a golden record writes an address: all in lower case.
#
# RFC 5321 lets a mail server treat the local part (before the @) case-sensitively. None of the
# mainstream providers does (Gmail, Outlook/Hotmail/Live, Yahoo, iCloud, GMX, web.de, Orange ...),
# nor do the mail servers of almost every company: people type their address in any case and
# expect it to arrive, so nobody relies on the difference. The match key (``email_key``) compares
# every local part case-insensitively, whatever the domain, so ISLA.KHAN52@hotmail.co.uk and
# isla.khan52@hotmail.co.uk are one mailbox to matching; the golden record says the same and
# publishes isla.khan52@hotmail.co.uk. One rule for every domain: a list of case-sensitive
# servers would have to be kept in step with the match key, and nobody knows of one to list.
# Only the case changes: dots, +tags and typo domains stay as written (the key, not the
# published address, ignores those where a provider does).


def _lower_one(v: Any) -> str | None:
    return v.lower() if isinstance(v, str) else None


def published_emails(email_norm: pd.Series) -> pd.Series:
    """The address a golden record publishes for each validated one (``email_norm``): lower
    case throughout (see above); None where ``email_norm`` is None."""
    s = as_series(email_norm)
    return object_series(map_values(s, _lower_one, None), s)


def normalise_emails(emails: pd.Series, check_deliverability: bool = False) -> pd.DataFrame:
    """Normalise e-mail addresses.

    Columns: ``email_norm`` (validated address, domain lower-cased, or None),
    ``email_key`` (lower-case match key; gmail dots/+tags removed, googlemail
    unified to gmail.com, +tags removed on every domain (sub-addressing), typo
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
    s = as_series(emails)
    uniq, codes = factorize(s)
    cols = take_columns(apply_distinct("email", _email_one, uniq, _EMAIL_DEFAULT), codes, 4)
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
                join_issues((i, "undeliverable_domain")) for i in df.loc[bad, "email_issue"].tolist()
            ]
    df["email_deliverable"] = deliverable
    return df
