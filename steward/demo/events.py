"""The event sign-up export: an Excel workbook with full names and free-text countries.

Builds the rows and writes a byte-reproducible .xlsx; one module per export
shape so each system's quirks read in one place.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from steward.demo.exports import EVENTS_COLUMNS, REFERENCE_DATE
from steward.demo.names import COUNTRY_LABELS, NAME_PREFIXES
from steward.demo.phones import format_phone
from steward.demo.records import decide, draw_timestamps, phone_for, render_email, render_name
from steward.demo.text import weighted_choice


def build_events(plan, P, rng, R, C):
    """The sign-up rows and their ground truth; the streams as in ``build_webshop``."""
    entries = plan["events"]
    signed, _ = draw_timestamps(rng, len(entries), "2019-01-01", "2025-09-30")
    signed_s = signed.strftime("%d/%m/%Y %H:%M").tolist()
    cu = C.random(len(entries))
    rows, truth = [], []
    for n, (i, dup) in enumerate(entries):
        k = decide("events", i, dup, P, R)
        first, last = render_name(i, k["name"], P, R)
        u = R.random()
        if k["name"] == "swap":
            name = f"{first} {last}"  # "Müller Thomas"
        elif u < 0.15:
            name = f"{last}, {first}"
        elif u < 0.25:
            prefix = R.choice(NAME_PREFIXES + (("Ms.", "Mrs.") if P.female[i] else ("Mr.",)) * 2)
            name = f"{prefix} {first} {last}"
        else:
            name = f"{first} {last}"
        c = P.country[i]
        country = None if R.random() < 0.03 else weighted_choice(R, COUNTRY_LABELS[c])
        number = phone_for(i, k["phone"], P)
        mobile = format_phone(number, "natl" if country else "intl", R) if number else None
        comp = P.company[i]
        org = None
        if comp is not None and R.random() < 0.9:
            official, short = P.companies[comp][:2]
            org = official if R.random() < 0.4 else short
        consent = "Y" if P.consent[i] else "N"
        if R.random() < 0.15:
            consent = None
        # The sign-up tool only writes Y after the confirmation click (the source is
        # declared consent_confirmed); SMS consent is asked where a mobile was given.
        sms = None
        if mobile and (P.phone_conflict[i] or cu[n] < 0.75):
            sms = "Y" if P.sms_consent[i] else "N"
        rid = 10001 + n
        rows.append([rid, name, render_email(i, k["email"], P, R, "events"), mobile, org, P.job[i], country,
                     signed_s[n], consent, sms])
        truth.append(("events", str(rid), P.entity_id[i]))
    return rows, truth


def write_events(rows: list[list], path: Path) -> None:
    """One "Signups" sheet; the bytes depend only on the rows."""
    # Imported here: openpyxl is slow to import and only this writer needs it.
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.properties.creator = "crm-steward demo generator"
    wb.properties.created = wb.properties.modified = REFERENCE_DATE
    ws = wb.create_sheet("Signups")
    ws.append(EVENTS_COLUMNS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    _pin_xlsx_timestamps(path)


def _pin_xlsx_timestamps(path: Path) -> None:
    """openpyxl stamps the save time into docProps/core.xml and the zip entries;
    pin both to REFERENCE_DATE so the workbook is byte-for-byte reproducible."""
    stamp = REFERENCE_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            info = zipfile.ZipInfo(name, date_time=REFERENCE_DATE.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)
