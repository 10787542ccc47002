"""The canonical contact schema every source is mapped onto.

Kept in one place so the source mapper, the demo generator, the CLI and the
validation suites agree on column names.
"""

from __future__ import annotations

import pandas as pd

CANONICAL_COLUMNS: list[str] = [
    "record_id",
    "source",
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "job_title",
    "address_line1",
    "city",
    "postcode",
    "region",
    "country",
    "date_of_birth",
    "created_at",
    "updated_at",
    "email_opt_in",
]

# The fields a golden record takes from its members by survivorship (ids, timestamps and consent
# are decided otherwise).
GOLDEN_FIELDS: list[str] = [c for c in CANONICAL_COLUMNS
                            if c not in ("record_id", "source", "created_at", "updated_at", "email_opt_in")]

# Consent per channel (steward/merge/consent.py decides the golden status from them):
#   phone_opt_in         yes/no/unknown, mapped like email_opt_in
#   email_double_opt_in  yes/no/unknown: the opt-in was confirmed (double opt-in:
#   phone_double_opt_in  the person clicked the confirmation link / answered the SMS)
#   consent_updated_at   when the consent was stated (the evidence date; when a
#                        source has none, updated_at stands in)
# Every loaded record carries them ("unknown"/empty when a source does not map
# them). They are kept out of CANONICAL_COLUMNS on purpose: golden survivorship
# draws every CANONICAL_COLUMNS field it does not exclude from one member record,
# and consent must never be picked that way (an opt-in could win over an opt-out).
CONSENT_COLUMNS: list[str] = ["phone_opt_in", "email_double_opt_in", "phone_double_opt_in", "consent_updated_at"]

# Every column a loaded source record has, before extras and pipeline columns.
RECORD_COLUMNS: list[str] = CANONICAL_COLUMNS + CONSENT_COLUMNS

# Channels with their own consent, and the record columns that state it.
CONSENT_CHANNELS: tuple[str, ...] = ("email", "phone")
OPT_IN_COLUMNS: dict[str, str] = {"email": "email_opt_in", "phone": "phone_opt_in"}
DOUBLE_OPT_IN_COLUMNS: dict[str, str] = {"email": "email_double_opt_in", "phone": "phone_double_opt_in"}
# Every consent flag a source maps through a value map onto yes/no/unknown.
CONSENT_FLAG_COLUMNS: tuple[str, ...] = (*OPT_IN_COLUMNS.values(), *DOUBLE_OPT_IN_COLUMNS.values())

# Columns holding dates (date_of_birth) or timestamps (created_at/updated_at/
# consent_updated_at); they are parsed with the format a source declares, never guessed.
DATE_COLUMNS: list[str] = ["date_of_birth"]
TIMESTAMP_COLUMNS: list[str] = ["created_at", "updated_at", "consent_updated_at"]

# Consent values after normalisation (opt-ins and double-opt-in flags alike).
# "unknown" is not consent.
OPT_IN_VALUES: tuple[str, str, str] = ("yes", "no", "unknown")

# Fields that make a record worth keeping: a row with none of them cannot be
# matched or contacted and goes to quarantine instead.
IDENTIFYING_COLUMNS: list[str] = ["first_name", "last_name", "email", "phone"]

# A record's key across sources: "source:record_id". Record ids are unique within a source
# only; the key is what pairs, clusters, the crosswalk and reviewer decisions refer to.
KEY_SEPARATOR = ":"


def contact_key(records) -> pd.Series:
    """The contact key of every row of ``records`` (any frame with ``source`` and ``record_id``)."""
    return records["source"].astype(str) + KEY_SEPARATOR + records["record_id"].astype(str)
