"""One combined address field split into address_line1, city, region, postcode and country.

Some exports keep a whole address in one cell: Mailchimp's ADDRESS field separates its parts by
two spaces ("12 High St  Apt 4  London    SW1A 1AA  GB": addr1, addr2, city, state, zip, country,
as its import guide documents), spreadsheets and forms mostly by commas ("12 High St, London,
SW1A 1AA, UK"). usaddress and libpostal parse US or need a 2 GB model; this heuristic covers the
two layouts and never loses text: what it cannot place stays in address_line1.
"""

from __future__ import annotations

import re

import pandas as pd

from steward.normalise.country import country_named

__all__ = ["ADDRESS_PARTS", "split_full_addresses"]

ADDRESS_PARTS = ("address_line1", "city", "region", "postcode", "country")

_POSTCODE = re.compile(
    r"^(?:\d{3,6}(?:-\d{3,4})?"                       # 10115, 02806, 30318-1234, 123-4567
    r"|\d{3}\s\d{2}"                                  # Swedish 114 55
    r"|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"             # UK SW1A 1AA
    r"|[A-Z]\d[A-Z]\s?\d[A-Z]\d"                      # Canada K1A 0B1
    r"|\d{4}\s?[A-Z]{2})$",                           # Netherlands 1012 AB
    re.IGNORECASE,
)
# "10115 Berlin" / "Berlin 10115" / "London SW1A 1AA": a postcode and a city in one part.
_POSTCODE_FIRST = re.compile(r"^(\d{4,5}|\d{3}\s\d{2})\s+(\D.+)$")
_POSTCODE_LAST = re.compile(r"^(\D.*?)\s+(\d{4,6}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})$", re.IGNORECASE)
_REGION_POSTCODE = re.compile(r"^([A-Z]{2})\s+(\d{5}(?:-\d{4})?|[A-Z]\d[A-Z]\s?\d[A-Z]\d)$")


def _split_one(text: str) -> dict[str, str | None]:
    out: dict[str, str | None] = dict.fromkeys(ADDRESS_PARTS)
    text = text.strip()
    if re.search(r"\S\s{2,}\S", text):
        # Mailchimp: addr1  [addr2]  city  state  zip  country (state may be empty: 4 spaces).
        parts = re.split(r" {2}", text)
        if len(parts) >= 5:
            country, postcode, region, city = (p.strip() or None for p in parts[-1:-5:-1])
            street = [p.strip() for p in parts[:-4] if p.strip()]
            if street and (postcode is None or _POSTCODE.match(postcode)):
                out.update(address_line1=", ".join(street), city=city, region=region, postcode=postcode,
                           country=country)
                return out
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) < 2:
        out["address_line1"] = text or None
        return out
    last = parts[-1]
    # The last part is the country only when it names one: a name ("Deutschland"), or a code after
    # the postcode ("SW1A 1AA, GB"); "Los Angeles, CA" ends in a state, "..., London" in a town.
    after_postcode = len(parts) >= 2 and bool(_POSTCODE.match(parts[-2]) or _REGION_POSTCODE.match(parts[-2]))
    if len(parts) >= 3 and country_named(last) and (len(last) > 3 or after_postcode):
        out["country"] = parts.pop()
    state_zip = _REGION_POSTCODE.match(parts[-1]) if len(parts) >= 2 else None
    if state_zip:  # "CA 90001"
        out["region"], out["postcode"] = state_zip.group(1), state_zip.group(2)
        parts.pop()
    elif len(parts) >= 2 and _POSTCODE.match(parts[-1]):
        out["postcode"] = parts.pop()
    elif len(parts) >= 3 and re.fullmatch(r"[A-Z]{2}", parts[-1]):  # "Los Angeles, CA"
        out["region"] = parts.pop()
    if len(parts) >= 2:
        last = parts[-1]
        first_code, last_code = _POSTCODE_FIRST.match(last), _POSTCODE_LAST.match(last)
        if first_code and out["postcode"] is None:
            out["postcode"], out["city"] = first_code.group(1), first_code.group(2)
        elif last_code and out["postcode"] is None:
            out["city"], out["postcode"] = last_code.group(1), last_code.group(2)
        else:
            out["city"] = last
        parts.pop()
    out["address_line1"] = ", ".join(parts) or None
    return out


def split_full_addresses(values: pd.Series) -> pd.DataFrame:
    """One row per value with the columns of ``ADDRESS_PARTS`` (None where a part is not there)."""
    rows = [_split_one(v) if isinstance(v, str) and v.strip() else dict.fromkeys(ADDRESS_PARTS) for v in values]
    return pd.DataFrame(rows, columns=list(ADDRESS_PARTS), index=values.index)
