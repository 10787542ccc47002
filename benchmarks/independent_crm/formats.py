"""Phones, addresses, dates and company names in each source's format, with their errors."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from . import tables as T
from .noise import LAYOUT, typo
from .places import Address
from .population import Person

BASE_DAY = datetime(2012, 1, 1)
CITY_VARIANT = {"crm": 0.1, "webshop": 0.12, "events": 0.25, "support": 0.15, "billing": 0.1}


LEGAL_FORMS = ["GmbH & Co. KG", "Sdn. Bhd.", "Sdn Bhd", "S.A.S.", "(Persero) Tbk", "Tbk", "Limited", "Ltd.", "Ltd",
               "PLC", "plc", "Inc.", "Inc", "LLC", "GmbH", "KGaA", "AG", "KG", "GbR", "OHG", "SARL", "S.A.", "SA",
               "Berhad", "and Sons", "Group"]
LEGAL_SWAPS = [("Ltd", "Limited"), ("Limited", "Ltd"), ("Inc", "Inc."), ("Inc.", "Incorporated"),
               ("PLC", "plc"), ("Sdn Bhd", "Sdn. Bhd."), ("Sdn. Bhd.", "SDN BHD"), ("S.A.S.", "SAS"),
               ("GmbH & Co. KG", "GmbH & Co KG"), ("SARL", "S.A.R.L."), (" and ", " & "), (" & ", " and "),
               ("PT ", "PT. "), ("CV ", "CV. "), ("Berhad", "Bhd")]


def company_variant(name: str, r: random.Random) -> str:
    x = r.random()
    if x < 0.45:
        for form in LEGAL_FORMS:
            if name.endswith(" " + form):
                return name[: -len(form) - 1].rstrip(" ,")
        if name.startswith(("PT ", "CV ", "PD ")):
            return name[3:]
    if x < 0.85:
        for a, b in LEGAL_SWAPS:
            if a in name:
                return name.replace(a, b, 1)
    if r.random() < 0.5:
        return "The " + name
    return name.upper()


# ----------------------------------------------------------------------------------------- phones

def format_phone(ph: tuple, style: str, r: random.Random) -> str:
    cc, area, sub, _kind = ph
    if cc == "US":
        a, b, c = area, sub[:3], sub[3:]
        if style == "national":
            return r.choice([f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"({a}) {b}-{c}", f"{a}.{b}.{c}"])
        if style == "e164":
            return f"+1{a}{b}{c}"
        if style == "messy":
            return r.choice([f"1-{a}-{b}-{c}", f"({a}){b}-{c}", f"{a}{b}{c}", f"+1 ({a}) {b}-{c}", f"{a} {b} {c}"])
        return f"+1 {a}-{b}-{c}"
    if cc == "FR":
        nsn = area + sub
        groups = " ".join([nsn[0]] + [nsn[i:i + 2] for i in range(1, 9, 2)])
        if style == "national":
            return r.choice(["0" + groups, "0" + groups, "0" + groups.replace(" ", "."), "0" + nsn])
        if style == "e164":
            return "+33" + nsn
        if style == "messy":
            return r.choice([f"+33 (0){groups}", f"0033 {groups}", "0" + groups.replace(" ", "-"), f"+33{nsn}"])
        return f"+33 {groups}"
    if cc == "GB":
        if len(area) == 2 and not area.startswith("7"):  # 020 / 029 / 028 / 023 / 024
            nat = f"0{area} {sub[:4]} {sub[4:]}"
            intl = f"+44 {area} {sub[:4]} {sub[4:]}"
        elif area.startswith("7"):
            nat = f"0{area}{sub[:2]} {sub[2:]}"
            intl = f"+44 {area}{sub[:2]} {sub[2:]}"
        elif len(area) == 3:
            nat = f"0{area} {sub[:3]} {sub[3:]}"
            intl = f"+44 {area} {sub[:3]} {sub[3:]}"
        else:
            nat = f"0{area} {sub}"
            intl = f"+44 {area} {sub}"
        if style == "national":
            return nat if r.random() < 0.85 else nat.replace(" ", "")
        if style == "e164":
            return "+44" + area + sub
        if style == "messy":
            area_part, _, rest = nat.partition(" ")
            return r.choice([f"+44 (0){nat[1:]}", f"0044 {intl[4:]}", nat.replace(" ", ""), f"({area_part}) {rest}"])
        return intl
    if cc == "DE":
        nat = f"0{area} {sub}"
        if style == "national":
            return r.choice([nat, nat, f"0{area}/{sub}", f"0{area}-{sub}", f"0{area} {sub[:3]} {sub[3:]}"])
        if style == "e164":
            return f"+49{area}{sub}"
        if style == "messy":
            return r.choice([f"+49 (0){area} {sub}", f"0049 {area} {sub}", f"0{area}{sub}", f"+49-{area}-{sub}"])
        return f"+49 {area} {sub}"
    if cc == "ID":
        mobile = area.startswith("8")
        if mobile:
            rest = f"{sub[:4]}-{sub[4:]}" if len(sub) > 4 else sub
            nat, intl = f"0{area}-{rest}", f"+62 {area}-{rest}"
        else:
            nat, intl = f"(0{area}) {sub}", f"+62 {area} {sub}"
        if style == "national":
            return nat if r.random() < 0.8 else "0" + area + sub
        if style == "e164":
            return f"+62{area}{sub}"
        if style == "messy":
            return r.choice([f"62{area}{sub}", f"+62 {area} {sub}", f"0{area} {sub}", f"(+62) {area}{sub}"])
        return intl
    # MY
    if area.startswith("1"):
        cut = 4 if len(sub) == 8 else 3
        nat, intl = f"0{area}-{sub[:cut]} {sub[cut:]}", f"+60 {area}-{sub[:cut]} {sub[cut:]}"
    else:
        cut = 4 if len(sub) == 8 else 3
        nat, intl = f"0{area}-{sub[:cut]} {sub[cut:]}", f"+60 {area}-{sub[:cut]} {sub[cut:]}"
    if style == "national":
        return nat if r.random() < 0.8 else f"0{area}{sub}"
    if style == "e164":
        return f"+60{area}{sub}"
    if style == "messy":
        return r.choice([f"60{area}{sub}", f"+60{area}-{sub}", f"0{area} {sub}", f"+60-{area}-{sub}"])
    return intl


PHONE_STYLE = {
    "crm": [("national", 70), ("intl", 30)],
    "webshop": [("intl", 60), ("e164", 40)],
    "events": [("messy", 40), ("national", 35), ("intl", 20), ("e164", 5)],
    "support": [("national", 100)],
    "billing": [("intl", 80), ("national", 20)],
}


# -------------------------------------------------------------------------------------- addresses

def abbreviate(line: str, loc: str) -> str:
    for full, short in T.ABBREVIATIONS[loc]:
        if full in line:
            return line.replace(full, short, 1)
    return line


def street_typo(a: Address, line: str, r: random.Random) -> str:
    words = [w for w in line.split(" ") if len(w) >= 5 and w.replace("-", "").isalpha()]
    if not words:
        return line
    w = max(words, key=len)
    return line.replace(w, typo(w, r, LAYOUT.get(a.loc, "qwerty")), 1)


def postcode_text(a: Address, src: str, r: random.Random, tags: list[str]) -> str:
    pc = a.postcode
    if a.cc == "GB" and src in ("webshop", "support", "events") and r.random() < 0.15:
        tags.append("postcode_format")
        return pc.replace(" ", "") if r.random() < 0.6 else pc.lower()
    if a.cc == "US" and src in ("billing", "crm") and r.random() < 0.12:
        tags.append("postcode_format")
        return f"{pc}-{r.randint(1000, 9999)}"
    if pc.startswith("0") and src in ("crm", "billing") and r.random() < 0.4:  # spreadsheet ate the zero
        tags.append("postcode_format")
        return pc.lstrip("0")
    return pc


def city_name(a: Address, src: str, r: random.Random, tags: list[str]) -> str:
    variants = T.CITY_VARIANTS.get(a.city)
    if variants and r.random() < CITY_VARIANT[src]:
        tags.append("city_variant")
        return r.choice(variants)
    return a.city


# ----------------------------------------------------------------------------------------- dates

def dob_text(p: Person, src: str, r: random.Random, tags: list[str]) -> str:
    y, m, d = p.dob
    x = r.random()
    if 0.035 <= x < 0.085 and d <= 12 and d != m:  # entered the other way round: only possible when valid
        m, d = d, m
        tags.append("dob_day_month_swap")
    elif x < 0.02:
        if r.random() < 0.5:
            y = min(2006, y - y % 10 + r.choice([k for k in range(10) if k != y % 10]))
        else:
            d2 = d - d % 10 + r.choice([k for k in range(10) if k != d % 10])
            d = d2 if 1 <= d2 <= 28 else (d % 10 or 1) + (10 if d < 20 else 0)
        if (y, m, d) != p.dob:
            tags.append("dob_typo")
    elif x < 0.035:
        y, m, d = r.choice([(1900, 1, 1), (1901, 1, 1), (1970, 1, 1)])
        tags.append("dob_placeholder")
    if src == "crm":
        return f"{d:02d}/{m:02d}/{y}"
    if src == "webshop":
        return f"{y}-{m:02d}-{d:02d}"
    if p.loc == "de_DE":  # the German fair's export
        return f"{d:02d}.{m:02d}.{y}"
    return f"{m:02d}/{d:02d}/{y}"


def stamp(day: float, src: str) -> str:
    t = BASE_DAY + timedelta(days=day)
    if src == "crm" or src == "billing":
        return t.strftime("%Y-%m-%d %H:%M:%S")
    if src == "webshop":
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    if src == "events":
        return t.strftime("%Y-%m-%d")
    return t.strftime("%Y-%m-%d %H:%M")


OPT_IN = {"crm": [("Yes", 55), ("No", 30), ("", 15)], "webshop": [("true", 45), ("false", 55)],
          "events": [("yes", 60), ("no", 25), ("", 15)], "support": [("", 1)], "billing": [("", 1)]}
