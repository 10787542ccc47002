"""The help-desk export: cp1252, semicolon-separated, with messy phones and US dates.

Builds the rows and writes the file with two rows broken by unquoted ";"; one
module per export shape so each system's quirks read in one place.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from steward.demo.contacts import IDD_00
from steward.demo.exports import SOURCE_FILES, SUPPORT_COLUMNS
from steward.demo.phones import format_phone
from steward.demo.records import decide, draw_timestamps, phone_for, render_email, render_name
from steward.demo.text import cp1252_safe, fold


def build_support(plan, P, rng, R, C):
    """The requester rows and their ground truth; the streams as in ``build_webshop``."""
    entries = plan["support"]
    created, updated = draw_timestamps(rng, len(entries), "2018-01-01", "2025-09-30")
    created_s = created.strftime("%m/%d/%Y").tolist()
    updated_s = updated.strftime("%m/%d/%Y").tolist()
    sat = rng.choice(["1", "2", "3", "4", "5", ""], size=len(entries), p=[.06, .08, .18, .30, .23, .15]).tolist()
    rows, truth = [], []
    for n, (i, dup) in enumerate(entries):
        k = decide("support", i, dup, P, R)
        first, last = render_name(i, k["name"], P, R)
        c = P.country[i]
        u = R.random()
        code = "" if u < 0.15 else (c.lower() if u < 0.45 else c)
        number = phone_for(i, k["phone"], P)
        tel = None
        if number:
            styles = ["e164", "intl", "dots"]
            if code:
                styles += ["natl", "digits"]
                if c in IDD_00:
                    styles += ["00dash", "00dash"]
            tel = format_phone(number, R.choice(styles), R)
        comp = P.company[i]
        company = None
        if comp is not None and R.random() < 0.8:
            official, short = P.companies[comp][:2]
            company = R.choice((official, short, short.lower(), official.upper()))
        city = None if k["loc"] == "missing" else P.city[i]
        if city and not cp1252_safe(city):
            city = fold(city)
        rid = f"SR-{100001 + n}"
        rows.append([rid, first, last, render_email(i, k["email"], P, R, "support"), tel, company, city, code,
                     created_s[n], updated_s[n], sat[n]])
        truth.append(("support", rid, P.entity_id[i]))
    return rows, truth


_SUPPORT_BROKEN = [  # (insert after data line, raw line, problem) - an unquoted ";" adds a field
    (5, ("SR-900001;Jana;Meyer;jana.meyer@example.com;+49 40 1234567;Meyer; Partner GmbH;Hamburg;de;"
         "03/14/2023;03/14/2023;4"), "unquoted ';' inside the company name: 12 fields instead of 11"),
    (12, "SR-900002;Paul;Roth;paul.roth@example.com;0049;89;7654321;;München;DE;11/02/2022;11/03/2022;",
     "phone typed with ';' as separator: 13 fields instead of 11"),
]


def write_support(rows: list[list], path: Path) -> list[tuple]:
    """Write the cp1252 file with the broken lines inserted; return their broken_rows entries."""
    frame = pd.DataFrame(rows, columns=SUPPORT_COLUMNS)
    text = frame.to_csv(index=False, sep=";", lineterminator="\n")
    lines = text.split("\n")[:-1]
    header, data = lines[0], lines[1:]
    out, broken, pos = [header], [], 0
    for at, raw, problem in _SUPPORT_BROKEN:
        at = min(at, len(data))
        out.extend(data[pos:at])
        pos = at
        out.append(raw)
        broken.append(("support", SOURCE_FILES["support"], len(out), raw.split(";")[0], problem))
    out.extend(data[pos:])
    path.write_bytes(("\n".join(out) + "\n").encode("cp1252", errors="replace"))
    return broken
