"""What the four demo exports look like: their file names, columns and "today".

Kept apart from the code that fills them because the tests, the audit tests and
every export writer read these shapes without needing the people behind them.
"""

from __future__ import annotations

from datetime import datetime

# "Today" for the generator: ages, staleness and timestamps are relative to it, so
# the output does not change with the calendar.
REFERENCE_DATE = datetime(2025, 10, 1, 12, 0, 0)

SOURCES = ("webshop", "events", "support", "legacy_crm")
SOURCE_FILES = {
    "webshop": "webshop_customers.csv",
    "events": "event_signups.xlsx",
    "support": "support_requesters.csv",
    "legacy_crm": "legacy_crm.sqlite",
}
WEBSHOP_COLUMNS = ["customer_id", "First Name", "Last Name", "E-mail", "Phone", "Street", "City", "ZIP", "Country",
                   "Birthday", "Registered", "Last Update", "Newsletter", "Newsletter DOI", "SMS", "SMS DOI",
                   "Consent changed", "loyalty_tier"]
EVENTS_COLUMNS = ["signup_id", "Name", "Email Address", "Mobile", "Organisation", "Title", "Country", "Signed up",
                  "Marketing consent", "SMS consent"]
SUPPORT_COLUMNS = ["requester_id", "first", "last", "mail", "tel", "company", "city", "country_code", "created",
                   "modified", "satisfaction"]
LEGACY_COLUMNS = ["CONTACT_ID", "FNAME", "LNAME", "EMAIL_ADDR", "PHONE_NO", "ACCOUNT_NAME", "JOB_TITLE", "ADDR1", "CITY",
                  "POSTAL_CODE", "STATE", "COUNTRY", "DOB", "CREATED_DATE", "UPDATED_DATE", "OPT_OUT",
                  "PHONE_OPT_OUT"]
