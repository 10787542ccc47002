"""Database URLs as they may be shown: with the password hidden. A URL reaches messages, logs and
Dagster metadata (where a source comes from, where golden records were published); the password
in it must not."""

from __future__ import annotations

import re

_USERINFO = re.compile(r"(?P<head>[A-Za-z][\w+.-]*://[^:/@\s]*):[^@/\s]*@")


def shown_url(url: str | None) -> str:
    """``url`` with its password replaced by ``***`` (SQLAlchemy's own rendering where it parses,
    a pattern otherwise); other text unchanged."""
    if not url:
        return url or ""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: hide any user:password@ all the same
        return _USERINFO.sub(r"\g<head>:***@", str(url))


def without_passwords(text: str, *urls: str | None) -> str:
    """``text`` with each of ``urls`` (as written, e.g. inside a driver's error) shown without its
    password, and any other ``scheme://user:password@`` hidden too."""
    for url in urls:
        if url:
            text = text.replace(url, shown_url(url))
    return _USERINFO.sub(r"\g<head>:***@", text)
