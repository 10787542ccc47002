"""The online shop export: UTF-8 CSV, one row per customer account.

Builds the rows (consent with double opt-in, loyalty tier) and the deliberately
broken rows a loader must quarantine; one module per export shape so each
system's quirks read in one place.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from steward.demo.exports import SOURCE_FILES, WEBSHOP_COLUMNS
from steward.demo.phones import format_phone
from steward.demo.records import decide, draw_timestamps, phone_for, render_email, render_name
from steward.demo.text import abbreviate_street


def build_webshop(plan, P, rng, R, C):
    """The shop's rows as a frame (broken rows inserted), their ground truth, the broken rows.

    ``rng`` and ``R`` are the numpy and stdlib streams every step shares, ``C`` the consent
    stream; the order of the draws in them is what keeps a seed's files byte-identical.
    """
    entries = plan["webshop"]
    created, updated = draw_timestamps(rng, len(entries), "2016-01-01", "2025-09-15")
    created_s = created.strftime("%Y-%m-%dT%H:%M:%S").tolist()
    updated_s = updated.strftime("%Y-%m-%dT%H:%M:%S").tolist()
    # Consent columns come from their own stream C (see steward.demo.plan.plan_consent).
    cu = C.random((len(entries), 4))
    changed = created + (updated - created) * cu[:, 3]
    changed_s = changed.strftime("%Y-%m-%dT%H:%M:%S").tolist()
    tiers = rng.choice(["Gold", "Silver", ""], size=len(entries), p=[0.08, 0.17, 0.75]).tolist()
    rows, truth = [], []
    for n, (i, dup) in enumerate(entries):
        k = decide("webshop", i, dup, P, R)
        if P.show_dob[i]:
            k["dob"] = "ok"
        first, last = render_name(i, k["name"], P, R)
        number = phone_for(i, k["phone"], P)
        phone = format_phone(number, "e164" if R.random() < 0.6 else "intl", R) if number else None
        c = P.country[i]
        country = "" if c == "DE" and R.random() < 0.10 else c  # the shop's default is DE
        street, city, zip_ = P.street[i], P.city[i], P.postcode[i]
        if k["loc"] == "missing":
            street = city = zip_ = None
        elif k["loc"] == "zip_only":
            city = None
        elif k["loc"] == "city_only":
            zip_ = None
        if street and R.random() < 0.06:
            street = abbreviate_street(street)
        if zip_ and c == "GB" and R.random() < 0.2:
            zip_ = zip_.replace(" ", "").lower()
        y, m, d = P.dob[i]
        birthday = f"{y:04d}-{m:02d}-{d:02d}" if k["dob"] == "ok" else None
        if P.consent_conflict[i]:
            newsletter = "yes"
        else:
            newsletter = "" if R.random() < 0.15 else ("yes" if P.consent[i] else "no")
        # Double opt-in: "confirmed" (link clicked), "pending" (mail sent, never
        # clicked) or empty (signed up before the shop asked for confirmation).
        doi = ""
        if newsletter == "yes":
            doi = "confirmed" if P.email_confirmed[i] or P.consent_conflict[i] else (
                "pending" if cu[n, 0] < 0.6 else "")
        sms = sms_doi = ""
        if phone and (P.phone_conflict[i] or cu[n, 1] < 0.7):
            sms = "yes" if P.sms_consent[i] else "no"
            if sms == "yes":
                sms_doi = "confirmed" if P.sms_confirmed[i] or P.phone_conflict[i] else (
                    "pending" if cu[n, 2] < 0.6 else "")
        # The shop logs when consent changed; older rows (and undecided ones) do not.
        consent_changed = changed_s[n] if (newsletter or sms) and cu[n, 2] < 0.8 else ""
        rid = f"WS-{n + 1:06d}"
        rows.append([rid, first, last, render_email(i, k["email"], P, R, "webshop"), phone, street, city, zip_,
                     country, birthday, created_s[n], updated_s[n], newsletter, doi, sms, sms_doi, consent_changed,
                     tiers[n]])
        truth.append(("webshop", rid, P.entity_id[i]))
    frame = pd.DataFrame(rows, columns=WEBSHOP_COLUMNS)
    # Broken rows for the loader to quarantine (not in the ground truth).
    broken_specs = [
        (3, ["", "Max", "Mustermann", "max.mustermann@example.com", "+49 30 1234567", "Musterweg 1", "Berlin", "10115",
             "DE", "", "2020-01-01T00:00:00", "2020-01-01T00:00:00", "no", "", "", "", "2020-01-01T00:00:00", ""],
         "empty customer_id"),
        (11, ["", "Erika", "Musterfrau", "", "", "", "Köln", "50667", "DE", "1964-08-12", "2019-05-05T09:30:00",
              "2019-05-05T09:30:00", "", "", "", "", "", ""], "empty customer_id"),
        (20, ["WS-000001", "Test", "Kunde", "test@example.com", "", "", "", "", "DE", "", "2024-02-29T23:59:59",
              "2024-02-29T23:59:59", "", "", "", "", "", "Gold"],
         "duplicate customer_id WS-000001 (the first row with it is real)"),
    ]
    broken, pos = [], 0
    lines = frame.values.tolist()
    out_rows: list[list] = []
    for at, row, problem in broken_specs:
        at = min(at, len(lines))
        out_rows.extend(lines[pos:at])
        pos = at
        out_rows.append(row)
        broken.append(("webshop", SOURCE_FILES["webshop"], len(out_rows) + 1, row[0], problem))
    out_rows.extend(lines[pos:])
    return pd.DataFrame(out_rows, columns=WEBSHOP_COLUMNS), truth, broken


def write_webshop(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8, comma-separated, Unix line ends."""
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
