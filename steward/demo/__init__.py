"""Seeded, messy demo data: four CRM source exports that describe the same people.

Not a pipeline stage: it stands in for the source systems, so the pipeline has
something realistic to read and a ground truth to be scored against.

``generate_demo_data(out_dir, entities, seed)`` invents ``entities`` people and
writes the records four systems hold about them, each in that system's own
shape and with the usual dirt (nicknames, typos, formats, stale rows, shared
phones and inboxes, conflicting consent). ``ground_truth.csv`` says which
records belong to which person, so a matcher can be scored.
``write_canonical(out_dir)`` maps those exports onto the canonical columns.

Plain Python + numpy + pandas + openpyxl + sqlite3; no network, no Faker, no
Dagster. Same seed, same files (byte for byte).

The modules, in the order the data is made:

* ``exports`` - file names, columns and the reference date of the four exports
* ``names``, ``contacts`` - reference lists (countries, names, places, firms, phones)
* ``text``, ``phones`` - spelling helpers and valid phone numbers
* ``people`` - the invented people, clean
* ``plan`` - who is in which source, consent, children
* ``records`` - what is wrong with one record, and rendering it
* ``webshop``, ``events``, ``support``, ``legacy`` - one module per export shape
* ``generate`` - the entry point that runs the above in a fixed draw order
* ``canonical`` - the exports through the pipeline's own loader
"""

from steward.demo.canonical import demo_sources, write_canonical
from steward.demo.exports import (
    EVENTS_COLUMNS,
    LEGACY_COLUMNS,
    REFERENCE_DATE,
    SOURCE_FILES,
    SOURCES,
    SUPPORT_COLUMNS,
    WEBSHOP_COLUMNS,
)
from steward.demo.generate import generate_demo_data
from steward.demo.names import COUNTRY_LABELS, ENGLISH_NAME, ISO3

__all__ = [
    "COUNTRY_LABELS",
    "ENGLISH_NAME",
    "EVENTS_COLUMNS",
    "ISO3",
    "LEGACY_COLUMNS",
    "REFERENCE_DATE",
    "SOURCES",
    "SOURCE_FILES",
    "SUPPORT_COLUMNS",
    "WEBSHOP_COLUMNS",
    "demo_sources",
    "generate_demo_data",
    "write_canonical",
]
