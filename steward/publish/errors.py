"""The publish's own errors, and a database failure turned into one a person can read: one
line that names the CRM with its password hidden (the driver's error is chained only when
nothing in it shows the password)."""

from __future__ import annotations

import traceback

from sqlalchemy.engine import make_url

from steward.config.urls import shown_url, without_passwords
from steward.errors import StewardError


class PublishError(StewardError, ValueError):
    """What is to be published cannot be: the message names the table, column and golden id."""


class CrmError(StewardError, ValueError, RuntimeError):
    """The CRM database could not be reached or refused a publish; the message names it (no password).
    A ValueError like every StewardError (callers catching those show the message), and a
    RuntimeError as the publish lock's timeout was before."""


def _password(url: str) -> str | None:
    try:
        return make_url(url).password
    except Exception:  # not a URL SQLAlchemy reads: without_passwords still finds user:password@
        return None


def shows_password(text: str, url: str) -> bool:
    password = _password(url)
    return without_passwords(text, url) != text or bool(password and str(password) in text)


def crm_failure(url: str, what: str, exc: BaseException) -> CrmError:
    """``exc`` as a one-line CrmError naming the CRM at ``url`` without its password. The caller
    raises it ``from`` the returned error's ``cause`` (None when the driver's error shows the password)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    detail = without_passwords(lines[0] if lines else type(exc).__name__, url)
    if len(detail) > 300:
        detail = detail[:300] + "…"
    error = CrmError(f"CRM {shown_url(url)}: {what}: {type(exc).__name__}: {detail}")
    error.cause = None if shows_password("".join(traceback.format_exception(exc)), url) else exc
    return error
