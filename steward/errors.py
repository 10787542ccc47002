"""The errors the engine raises on purpose, for a person to read.

Every such error derives from ``StewardError``, so a caller (the CLI, a Dagster
asset) can tell "the rules, a source or a request is wrong: show the message"
apart from a bug. The subclasses live next to the code that raises them
(``SourceError`` in steward.sources.load, ``ReviewError`` in
steward.review.decisions, ``ErasureListError`` in steward.privacy.erasure_list);
``ConfigError`` lives here because steward.config, the lowest layer, raises it
and must import nothing above itself.

Each one is also a ValueError, as it was before this base existed, so existing
``except ValueError`` callers keep working.
"""

from __future__ import annotations

__all__ = ["ConfigError", "StewardError"]


class StewardError(Exception):
    """A problem a person can fix from the message alone (it names the file, key, row or id)."""


class ConfigError(StewardError, ValueError):
    """A rules file is wrong; the message names the file and the key."""
