"""The five systems that hold the people, each with its own conventions, and the errors they make.

crm      sales CRM (UK-run): names as typed by reps (proper case), DD/MM/YYYY birth dates, ISO2 country,
         work or home address, mobile or office numbers in national format, "Yes"/"No" consent.
webshop  customer accounts: self-typed names in any case, lower-case e-mails (plus tags), phone with
         country code, ISO birth dates, delivery address, country ISO2 or English name.
events   trade-fair / marketing lists: UPPER-CASE names and companies, badge-printer ASCII, MM/DD/YYYY
         birth dates (DD.MM.YYYY in the German fair's export), free-text country, city only.
support  help desk: one "name" field split at the first space on export, national phone format,
         no birth date, address only when something was shipped.
billing  invoicing (ERP): B2B contacts with initials, company address and switchboard, ISO3 country,
         role mailboxes (accounts@), no birth date.

Every deviation from a person's true data is tagged with an error class (see ERROR_CLASSES).
"""

from __future__ import annotations

import random

from . import tables as T
from .formats import (OPT_IN, PHONE_STYLE, abbreviate, city_name,
                      company_variant, dob_text, format_phone, postcode_text, stamp, street_typo)
from .names import case_webshop, render_name, support_split
from .noise import Weighted, digit_typo, typo, wpick
from .places import Address, street_line
from .population import SPAN_DAYS, Person, World

SOURCES = ("crm", "webshop", "events", "support", "billing")
BASE_WEIGHT = {"crm": 0.30, "webshop": 0.27, "events": 0.19, "support": 0.14, "billing": 0.10}

# error class -> what it is (README and tests use this list)
ERROR_CLASSES = {
    "initial_first_name": "first name reduced to an initial: 'J.' / 'J'",
    "dotted_initials": "several given names as dotted initials: 'J.R.', 'J. R.', 'J.-P.', 'W.M.'",
    "nickname": "short form or English name instead of the given name: Bob/Robert, Hans/Johannes, Jason/Wei Ming",
    "middle_name": "middle name or middle initial in the first-name field",
    "hyphen_variant": "hyphenated name with a space or in part: 'Jean Pierre', 'Smith Jones', 'Smith'",
    "honorific_in_first_name": "title in the first-name field: 'Ms. Natalie', 'Dr Hans', 'Bpk. Agus'",
    "suffix_in_last_name": "generational suffix in the last-name field: 'Walsh Jr', 'Walsh, Jr.', 'III', 'jun.'",
    "academic_title": "Indonesian degree after the name: 'Hartati, S.Kom'",
    "surname_first": "surname and given name swapped: 'WALSH' / 'Joseph', 'Walsh, Joseph'",
    "name_typo": "transposition, dropped or doubled letter, keyboard slip in a name",
    "diacritics": "accents folded: 'Müller' -> 'Mueller'/'MULLER', 'Hélène' -> 'Helene'",
    "mononym": "person with a single name (Indonesia): one name field empty",
    "placeholder_name": "mononym padded to satisfy a required field: 'Suharto Suharto', last name '.' or '-'",
    "patronymic_variant": "bin/binti, a/l, a/p written differently: 'Ismail', 'Bin Ismail', 'B. Ismail', in first name",
    "bad_name_split": "single name field split at the first space: 'Mary' / 'Ann Smith', 'Dr' / 'Hans Müller'",
    "surname_change": "new surname after marriage (records after it)",
    "email_typo": "typo in an e-mail's local part or domain: 'gmial.com'",
    "email_uppercase": "e-mail in upper case",
    "email_plus_tag": "e-mail with a +tag: 'joseph52+shop@gmail.com'",
    "email_gmail_dots": "extra dot in a Gmail local part",
    "work_and_personal_email": "the person's records carry both a work and a personal e-mail",
    "mobile_and_office_phone": "the person's records carry both a mobile and an office/switchboard number",
    "phone_typo": "one wrong or swapped digit",
    "phone_extension": "office number with an extension: '... ext. 214'",
    "street_typo": "typo in the street name",
    "address_abbreviation": "street type abbreviated or expanded: 'Road'/'Rd', 'Straße'/'Str.', 'Jalan'/'Jl.'",
    "unit_dropped": "flat/apartment/unit left out of the address line",
    "postcode_format": "postcode without space, lower case, ZIP+4, or leading zero lost",
    "city_variant": "other spelling of the city: 'Munich', 'KL', 'Georgetown', 'NYC'",
    "work_address": "company address where other sources hold the home address",
    "dob_day_month_swap": "date of birth with day and month swapped",
    "dob_typo": "one wrong digit in the date of birth",
    "dob_placeholder": "placeholder date of birth: 01/01/1900",
    "company_variant": "company name written differently: 'Ltd'/'Limited', no legal form, '&'/'and'",
    "job_change": "new company, work e-mail and title (records after the change)",
    "moved": "new address (records after the move)",
    "stale_record": "record holds superseded data: old address, employer or surname",
    "duplicate_in_source": "second record of the same person in the same source",
    "missing_value": "name part, e-mail or phone left empty where the source usually has it",
    "shared_family_email": "household inbox used by several people",
    "shared_household_phone": "landline of a household with several people",
    "switchboard_phone": "company switchboard number shared by its employees",
    "role_email": "shared role mailbox: accounts@, info@, buchhaltung@",
    "twin": "twins: same surname, address and date of birth, different first names",
    "father_son": "father and son: same first and last name and address, different date of birth",
    "namesake": "different people with the same first and last name in the same city",
}
EMAIL_CHANNEL = {
    "crm": {"work": 0.55, "personal": 0.40, "family": 0.05},
    "webshop": {"personal": 0.85, "family": 0.12, "work": 0.03},
    "events": {"work": 0.65, "personal": 0.35},
    "support": {"personal": 0.60, "work": 0.30, "family": 0.10},
    "billing": {"work": 0.85, "role": 0.15},
}
EMAIL_MISSING = {"crm": 0.03, "webshop": 0.0, "events": 0.02, "support": 0.02, "billing": 0.03}
EMAIL_UPPER = {"crm": 0.03, "webshop": 0.0, "events": 0.10, "support": 0.04, "billing": 0.02}
EMAIL_PLUS = {"crm": 0.005, "webshop": 0.08, "events": 0.02, "support": 0.01, "billing": 0.0}
EMAIL_TYPO = {"crm": 0.012, "webshop": 0.02, "events": 0.015, "support": 0.015, "billing": 0.01}
PHONE_CHANNEL = {
    "crm": {"mobile": 0.50, "office": 0.20, "switchboard": 0.15, "landline": 0.15},
    "webshop": {"mobile": 0.85, "landline": 0.15},
    "events": {"mobile": 0.65, "office": 0.20, "switchboard": 0.15},
    "support": {"mobile": 0.50, "landline": 0.25, "office": 0.15, "switchboard": 0.10},
    "billing": {"switchboard": 0.50, "office": 0.40, "mobile": 0.10},
}
PHONE_MISSING = {"crm": 0.06, "webshop": 0.12, "events": 0.15, "support": 0.08, "billing": 0.04}
PHONE_TYPO = {"crm": 0.01, "webshop": 0.012, "events": 0.015, "support": 0.01, "billing": 0.008}
DOB_PRESENT = {"crm": 0.55, "webshop": 0.35, "events": 0.18, "support": 0.0, "billing": 0.0}
ABBREV = {"crm": 0.15, "webshop": 0.3, "events": 0.3, "support": 0.25, "billing": 0.2}
UNIT_DROP = {"crm": 0.3, "webshop": 0.1, "events": 0.5, "support": 0.4, "billing": 0.3}
STREET_TYPO = {"crm": 0.02, "webshop": 0.03, "events": 0.02, "support": 0.03, "billing": 0.015}
COMPANY_SHOWN = {"crm": 0.9, "webshop": 0.03, "events": 0.85, "support": 0.25, "billing": 1.0}
COMPANY_VARIANT = {"crm": 0.15, "webshop": 0.3, "events": 0.25, "support": 0.3, "billing": 0.1}
TITLE_SHOWN = {"crm": 0.7, "webshop": 0.0, "events": 0.75, "support": 0.0, "billing": 0.3}


def plan_sources(p: Person, r: random.Random) -> list[tuple[str, float, float]]:
    """Which sources hold ``p`` (a source may hold them twice) and when each record was created/updated."""
    w = dict(BASE_WEIGHT)
    if p.company < 0:
        w["billing"] = 0.0
        w["events"] *= 0.5
    else:
        w["events"] *= 1.4
    chosen: list[str] = []
    plan = []
    for _ in range(p.n_records):
        avail = [s for s in SOURCES if s not in chosen and w[s] > 0]
        if chosen and (r.random() < 0.07 or not avail):
            src = r.choice(chosen)
        else:
            key = (p.company >= 0, tuple(avail))
            pick = _PLAN_CACHE.get(key)
            if pick is None:
                pick = _PLAN_CACHE[key] = Weighted([(s, w[s]) for s in avail])
            src = pick.pick(r)
        chosen.append(src)
        created = r.uniform(0, SPAN_DAYS)
        updated = created if r.random() < 0.3 else min(SPAN_DAYS, created + r.expovariate(1 / 300))
        plan.append((src, created, updated))
    return plan


_PLAN_CACHE: dict[tuple, Weighted] = {}
_PICK_CACHE: dict[tuple, Weighted | None] = {}


def _pick(weights: dict[str, float], available: set[str], r: random.Random) -> str | None:
    key = (id(weights), frozenset(available))
    pick = _PICK_CACHE.get(key, False)
    if pick is False:
        keys = [k for k in weights if k in available]
        pick = _PICK_CACHE[key] = Weighted([(k, weights[k]) for k in keys]) if keys else None
    return pick.pick(r) if pick else None
# ----------------------------------------------------------------------------------------- record

def render_person(p: Person, world: World, r: random.Random) -> list[tuple[str, list[str], list[str]]]:
    """All records of ``p``: (source, row without record_id, error tags)."""
    out = []
    seen_src: set[str] = set()
    facts = []  # per record: which emails/phones/states it shows
    for src, created, updated in sorted(p.plan, key=lambda x: x[1]):
        tags: list[str] = list(p.relation)
        if src in seen_src:
            tags.append("duplicate_in_source")
        seen_src.add(src)
        t = updated
        seen: dict[str, bool] = {}
        first, last = render_name(p, src, t, r, tags, seen)
        if p.style == "mono" and "mononym" not in tags:
            tags.append("mononym")

        # state at the time of the record's last update
        moved = p.addr2 is not None and t >= p.move_t
        home = p.addr2 if moved else p.addr
        new_job = p.company2 >= 0 and t >= p.job_t
        comp_i = p.company2 if new_job else p.company
        comp = world.companies[comp_i] if comp_i >= 0 else None
        work_email = p.work_email2 if new_job else p.work_email
        office = p.office2 if new_job else p.office
        landline = p.landline if not moved else None

        # ---- e-mail
        avail = {"personal"}
        if comp:
            avail |= {"work", "role"}
        if p.family_email:
            avail.add("family")
        ch = _pick(EMAIL_CHANNEL[src], avail, r) or "personal"
        email = {"personal": p.email, "work": work_email, "family": p.family_email,
                 "role": f"{comp.role_local}@{comp.domain}" if comp else ""}[ch]
        if r.random() < EMAIL_MISSING[src]:
            email, ch = "", ""
            tags.append("missing_value")
        if email and email == p.family_email:
            tags.append("shared_family_email")
        elif ch == "role":
            tags.append("role_email")
        if ch in ("work", "role"):
            seen["job"] = True
        if email:
            local, domain = email.split("@")
            if ch in ("personal", "family") and r.random() < EMAIL_PLUS[src]:
                local = f"{local}+{r.choice(['shop', 'news', 'promo', 'orders', src, str(2012 + int(created // 365))])}"
                tags.append("email_plus_tag")
            if domain == "gmail.com" and len(local) > 4 and "." not in local and r.random() < 0.05:
                k = r.randrange(2, len(local) - 1)
                local = local[:k] + "." + local[k:]
                tags.append("email_gmail_dots")
            if r.random() < EMAIL_TYPO[src]:
                if domain in T.DOMAIN_TYPOS and r.random() < 0.5:
                    domain = r.choice(T.DOMAIN_TYPOS[domain])
                else:
                    local = typo(local, r)
                tags.append("email_typo")
            email = f"{local}@{domain}"
            if src == "webshop":
                email = email.lower()
            elif r.random() < EMAIL_UPPER[src]:
                email = email.upper()
                tags.append("email_uppercase")

        # ---- phone
        avail = set()
        if p.mobile:
            avail.add("mobile")
        if office:
            avail.add("office")
        if comp:
            avail.add("switchboard")
        if landline:
            avail.add("landline")
        pch = _pick(PHONE_CHANNEL[src], avail, r)
        phone = ""
        if pch and r.random() >= PHONE_MISSING[src]:
            ph = {"mobile": p.mobile, "office": office, "landline": landline,
                  "switchboard": comp.switchboard if comp else None}[pch]
            style = wpick(PHONE_STYLE[src], r)
            phone = format_phone(ph, style, r)
            if r.random() < PHONE_TYPO[src]:
                phone = digit_typo(phone, r)
                tags.append("phone_typo")
            if pch in ("office", "switchboard"):
                seen["job"] = True
                if src in ("billing", "crm") and r.random() < (0.25 if src == "billing" else 0.08):
                    phone += r.choice([" ext. ", " x", " Ext ", " #"]) + str(r.randint(10, 499))
                    tags.append("phone_extension")
            if pch == "switchboard":
                tags.append("switchboard_phone")
            elif pch == "landline" and world.household_size.get(p.household, 1) > 1:
                tags.append("shared_household_phone")
        else:
            if pch:
                tags.append("missing_value")
            pch = ""

        # ---- company and job title
        company = title = ""
        if comp and r.random() < COMPANY_SHOWN[src]:
            company = comp.name
            if r.random() < COMPANY_VARIANT[src]:
                v = company_variant(company, r)
                if v != company:
                    company = v
                    tags.append("company_variant")
            if r.random() < TITLE_SHOWN[src]:
                title = p.title2 if new_job else p.title
            seen["job"] = True
        if src == "events":
            company = company.upper()

        # ---- address
        addr_obj: Address | None = None
        line_on = True
        if src == "crm":
            if comp and r.random() < 0.35:
                addr_obj = comp.addr
                tags.append("work_address")
            elif r.random() < 0.85:
                addr_obj = home
        elif src == "webshop":
            addr_obj = home if r.random() < 0.97 else None
        elif src == "events":
            addr_obj = comp.addr if comp and r.random() < 0.5 else home
            line_on = r.random() < 0.2
            if addr_obj is not home and line_on:
                tags.append("work_address")
        elif src == "support":
            x = r.random()
            addr_obj = home if x < 0.7 else None
            line_on = x < 0.4
        else:
            addr_obj = comp.addr if comp else home
        line = city = postcode = region = ""
        if addr_obj is not None:
            if addr_obj is home and line_on and p.addr2 is not None:
                seen["new_addr" if moved else "old_addr"] = True
            if line_on:
                unit = True
                if addr_obj.unit and r.random() < UNIT_DROP[src]:
                    unit = False
                    tags.append("unit_dropped")
                line = street_line(addr_obj, unit=unit, comma=r.random() < 0.3)
                if r.random() < ABBREV[src]:
                    new = abbreviate(line, addr_obj.loc)
                    if new != line:
                        line = new
                        tags.append("address_abbreviation")
                if r.random() < STREET_TYPO[src]:
                    new = street_typo(addr_obj, line, r)
                    if new != line:
                        line = new
                        tags.append("street_typo")
                postcode = postcode_text(addr_obj, src, r, tags)
            city = city_name(addr_obj, src, r, tags)
            if src == "crm" and r.random() < 0.65:
                region = addr_obj.region
            elif src == "webshop":
                region = addr_obj.region_code or (addr_obj.region if r.random() < 0.5 else "")
            elif src == "billing":
                region = addr_obj.region_code or addr_obj.region
        cc = addr_obj.cc if addr_obj is not None else p.cc
        if src == "crm":
            country = cc
        elif src == "webshop":
            country = cc if r.random() < 0.7 else T.COUNTRY_NAMES[cc]
        elif src == "events":
            vals = T.COUNTRY_FREE_TEXT[cc]
            country = wpick(vals, r)
        elif src == "support":
            country = T.COUNTRY_NAMES[cc] if r.random() < 0.5 else ""
        else:
            country = T.COUNTRY_ISO3[cc]

        # ---- names as each system stores them
        if src == "events":
            first, last = first.upper(), last.upper()
            line, city = line.upper(), city.upper()
        elif src == "webshop":
            mode = r.random()
            first, last = case_webshop(first, mode), case_webshop(last, mode)
        elif src == "support":
            first, last, dropped = support_split(first, last, r, tags)
            if dropped:
                seen.pop("old_last", None)
                seen.pop("new_last", None)
        if not first and not last:
            tags.append("missing_value")

        # ---- dates, consent
        dob = dob_text(p, src, r, tags) if r.random() < DOB_PRESENT[src] else ""
        opt = OPT_IN[src]
        opt_in = wpick(opt, r)
        row = ["", src, first, last, email, phone, company, title, line, city, postcode, region, country, dob,
               stamp(created, src), stamp(updated, src), opt_in]
        out.append((src, row, tags))
        facts.append((ch, pch, seen, t))

    # ---- tags that need the person's other records
    chans = {f[0] for f in facts}
    pchans = {f[1] for f in facts}
    both_mail = "personal" in chans and "work" in chans
    both_phone = "mobile" in pchans and bool(pchans & {"office", "switchboard"})
    any_old_addr = any(f[2].get("old_addr") for f in facts)
    any_old_last = any(f[2].get("old_last") for f in facts)
    job_shown = [bool(f[2].get("job")) and p.company2 >= 0 for f in facts]
    job_new = [f[3] >= p.job_t for f in facts]
    any_old_job = any(s and not n for s, n in zip(job_shown, job_new))
    result = []
    for i, (src, row, tags) in enumerate(out):
        ch, pch, seen, _t = facts[i]
        if both_mail and ch in ("personal", "work"):
            tags.append("work_and_personal_email")
        if both_phone and pch in ("mobile", "office", "switchboard"):
            tags.append("mobile_and_office_phone")
        stale = bool(seen.get("old_addr") or seen.get("old_last"))
        if seen.get("new_addr") and any_old_addr:
            tags.append("moved")
        if seen.get("new_last") and any_old_last:
            tags.append("surname_change")
        if job_shown[i]:
            if job_new[i] and any_old_job:
                tags.append("job_change")
            stale = stale or not job_new[i]
        if stale:
            tags.append("stale_record")
        result.append((src, row, list(dict.fromkeys(tags))))
    return result
