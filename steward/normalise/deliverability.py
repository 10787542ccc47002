"""Whether e-mail domains accept mail: one DNS lookup per distinct domain.

The only code in the normalise stage that touches the network, kept in its own
room so that it is easy to see it runs only when asked
(``normalise_emails(..., check_deliverability=True)``, rules/normalise.yaml).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import idna
from email_validator import EmailUndeliverableError

log = logging.getLogger(__name__)

DNS_TIMEOUT_SECONDS = 5.0
_DNS_THREADS = 16


def dns_resolver(timeout: float = DNS_TIMEOUT_SECONDS):
    """A fresh caching dnspython resolver (tests replace this function)."""
    # Imported here: dnspython takes ~0.4 s to import and is needed only when
    # deliverability is checked, which is off by default.
    from email_validator import caching_resolver

    return caching_resolver(timeout=timeout)


def _ascii_domain(domain: str) -> str:
    if domain.isascii():
        return domain
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except UnicodeError:  # idna.IDNAError is one: not a valid IDN, look it up as typed
        return domain


def _domain_deliverable(domain: str, resolver) -> bool | None:
    """True: the domain accepts mail (MX, or A/AAAA fallback); False: it does
    not exist or refuses mail; None: could not tell (timeout, no name server)."""
    # Imported here for the same reason as in dns_resolver.
    from email_validator.deliverability import validate_email_deliverability

    try:
        # email-validator answers "could not tell" (timeout, no name servers)
        # itself and turns any other DNS failure into EmailUndeliverableError
        info = validate_email_deliverability(_ascii_domain(domain), domain, dns_resolver=resolver)
    except EmailUndeliverableError:
        return False
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
        resolver = dns_resolver(timeout)
    except Exception as exc:
        # No usable resolver configuration (no /etc/resolv.conf: dnspython's
        # NoResolverConfiguration; other failures are platform-specific): the
        # addresses are kept, their deliverability is unknown.
        log.warning("email deliverability not checked: no DNS resolver (%s)", exc)
        return dict.fromkeys(distinct)
    if len(distinct) == 1:
        return {distinct[0]: _domain_deliverable(distinct[0], resolver)}
    with ThreadPoolExecutor(max_workers=min(_DNS_THREADS, len(distinct))) as pool:
        results = list(pool.map(lambda d: _domain_deliverable(d, resolver), distinct))
    return dict(zip(distinct, results))
