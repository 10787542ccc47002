"""The canonical contact schema every source is mapped onto.

Kept in one place so the source mapper, the demo generator, the CLI and the
validation suites agree on column names.
"""

from __future__ import annotations

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

# Columns holding dates (date_of_birth) or timestamps (created_at/updated_at);
# they are parsed with the format a source declares, never guessed.
DATE_COLUMNS: list[str] = ["date_of_birth"]
TIMESTAMP_COLUMNS: list[str] = ["created_at", "updated_at"]

# Consent values after normalisation. "unknown" is not consent.
OPT_IN_VALUES: tuple[str, str, str] = ("yes", "no", "unknown")

# Fields that make a record worth keeping: a row with none of them cannot be
# matched or contacted and goes to quarantine instead.
IDENTIFYING_COLUMNS: list[str] = ["first_name", "last_name", "email", "phone"]
