"""The old CRM export: an SQLite table with upper-case names, ISO-3 countries, stale rows.

Builds the rows and writes the database; one module per export shape so each
system's quirks read in one place.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from steward.demo.contacts import IDD_00, JOB_TITLES
from steward.demo.exports import LEGACY_COLUMNS
from steward.demo.names import ENGLISH_NAME, ISO3
from steward.demo.phones import format_phone
from steward.demo.records import decide, draw_timestamps, phone_for, render_email, render_name


def build_legacy(plan, P, rng, R, C):
    """The contact rows and their ground truth; the streams as in ``build_webshop``."""
    entries = plan["legacy_crm"]
    cu = C.random(len(entries))
    created, updated = draw_timestamps(rng, len(entries), "2008-01-01", "2016-06-30", updated_back=(5.0, 9.0))
    created_s = created.strftime("%Y-%m-%d %H:%M:%S").tolist()
    updated_s = updated.strftime("%Y-%m-%d %H:%M:%S").tolist()
    rows, truth = [], []
    for n, (i, dup) in enumerate(entries):
        k = decide("legacy_crm", i, dup, P, R)
        if P.show_dob[i]:
            k["dob"] = "ok"
        first, last = render_name(i, k["name"], P, R)
        if last and R.random() < 0.6:
            last = last.upper()
        if first and R.random() < 0.3:
            first = first.upper()
        c = P.country[i]
        u = R.random()
        if c == "DE" and u < 0.15:
            country = None  # domestic contacts were entered without a country
        elif u < 0.75:
            country = ISO3[c]
        else:
            country = ENGLISH_NAME[c].upper() if R.random() < 0.3 else ENGLISH_NAME[c]
        number = phone_for(i, k["phone"], P)
        phone = None
        if number:
            styles = ["intl", "intl", "e164", "natl", "natl"]
            if c in IDD_00:
                styles.append("00dash")
            phone = format_phone(number, R.choice(styles), R)
        stale_company = P.old_company[i] is not None
        comp = P.old_company[i] if stale_company else P.company[i]
        account = P.companies[comp][0] if comp is not None else None
        job = P.job[i] if not stale_company else JOB_TITLES[(len(P.job[i]) + i) % len(JOB_TITLES)]
        street, city, postcode, region = P.street[i], P.city[i], P.postcode[i], P.region[i]
        if k["loc"] == "stale":
            street, city, postcode, region = P.old_address[i]
        elif k["loc"] == "missing":
            street = city = postcode = region = None
        if street and R.random() < 0.2:
            street = street.upper()
        if postcode and postcode[0] == "0" and postcode.isdigit() and R.random() < 0.5:
            postcode = postcode.lstrip("0")  # the column was numeric once
        if R.random() < 0.2:
            region = None
        y, m, d = P.dob[i]
        dob = {"ok": f"{d:02d}.{m:02d}.{y:04d}", "swapped": f"{m:02d}.{d:02d}.{y:04d}"}.get(k["dob"])
        if P.consent_conflict[i]:
            opt_out = 1
        else:
            opt_out = 1 if (not P.consent[i] and R.random() < 0.6) else 0
        # PHONE_OPT_OUT like OPT_OUT: 1 = opted out of calls/SMS, 0 = nothing recorded.
        phone_opt_out = 1 if P.phone_conflict[i] or (not P.sms_consent[i] and cu[n] < 0.3) else 0
        cid = 500001 + n
        rows.append([cid, first, last, render_email(i, k["email"], P, R, "legacy_crm"), phone, account, job,
                     street, city, postcode, region, country, dob, created_s[n], updated_s[n], opt_out,
                     phone_opt_out])
        truth.append(("legacy_crm", str(cid), P.entity_id[i]))
    return rows, truth


def write_legacy(rows: list[list], path: Path) -> None:
    """A fresh database with one ``contacts`` table."""
    if path.exists():
        path.unlink()
    types = {"CONTACT_ID": "INTEGER PRIMARY KEY", "OPT_OUT": "INTEGER", "PHONE_OPT_OUT": "INTEGER"}
    ddl = ", ".join(f'"{c}" {types.get(c, "TEXT")}' for c in LEGACY_COLUMNS)
    con = sqlite3.connect(path)
    try:
        con.execute(f"CREATE TABLE contacts ({ddl})")
        con.executemany(f"INSERT INTO contacts VALUES ({', '.join('?' * len(LEGACY_COLUMNS))})", rows)
        con.commit()
    finally:
        con.close()
