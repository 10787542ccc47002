"""The invented people: who they are, before any system writes them down.

Names, birth dates, addresses, employers, namesakes, couples, emails and phones,
held column-wise on one ``People`` object. Nothing here is dirty yet; the
per-record dirt is in ``records``.
"""

from __future__ import annotations

import random
import re

import numpy as np
import pandas as pd

from steward.demo.contacts import CITIES, COMPANY_PARTS, EMAIL_PROVIDERS, JOB_TITLES, LOCAL_JOB_TITLES, STREETS, TLD
from steward.demo.exports import REFERENCE_DATE
from steward.demo.names import COMMON_NAMES, COUNTRIES, COUNTRY_WEIGHTS, FIRST_NAMES, LAST_NAMES, NICKNAMES
from steward.demo.phones import draw_phone_numbers
from steward.demo.text import fold, gendered_surname, make_postcode, make_street_line, slug, weighted_choice


class People:
    """Column-wise attributes of the invented people (index = entity number)."""

    def __init__(self, n: int):
        self.n = n


def make_people(n: int, rng: np.random.Generator, R: random.Random) -> People:
    """Invent ``n`` people, clean; the later steps read them and add their own columns."""
    P = People(n)
    ids = [f"P{i + 1:06d}" for i in range(n)]
    P.entity_id = ids
    country_idx = rng.choice(len(COUNTRIES), size=n, p=np.array(COUNTRY_WEIGHTS) / sum(COUNTRY_WEIGHTS))
    P.country = [COUNTRIES[i] for i in country_idx.tolist()]
    P.female = (rng.random(n) < 0.5).tolist()
    pick_first = rng.integers(0, 1 << 30, size=n).tolist()
    pick_last = rng.integers(0, 1 << 30, size=n).tolist()
    P.first = [FIRST_NAMES[c][1 if f else 0][k % len(FIRST_NAMES[c][1 if f else 0])]
               for c, f, k in zip(P.country, P.female, pick_first)]
    P.last = [gendered_surname(LAST_NAMES[c][k % len(LAST_NAMES[c])], c, f)
              for c, f, k in zip(P.country, P.female, pick_last)]

    # Ages: 3 % minors (13-17), the rest 18-84.
    minor = rng.random(n) < 0.03
    age_days = np.where(minor, rng.integers(13 * 365 + 4, 18 * 365 - 4, size=n),
                        rng.integers(18 * 365 + 5, 85 * 365, size=n))
    dob = (np.datetime64(REFERENCE_DATE.date()) - age_days.astype("timedelta64[D]")).astype("datetime64[D]")
    dob_idx = pd.DatetimeIndex(dob)
    P.minor = minor.tolist()
    P.dob = list(zip(dob_idx.year.tolist(), dob_idx.month.tolist(), dob_idx.day.tolist()))

    # Address.
    city_pick = rng.integers(0, 1 << 30, size=n).tolist()
    street_pick = rng.integers(0, 1 << 30, size=n).tolist()
    number_pick = rng.integers(1, 180, size=n).tolist()
    P.city, P.region, P.postcode, P.street = [], [], [], []
    for c, cp, sp, num in zip(P.country, city_pick, street_pick, number_pick):
        city, region, prefixes = CITIES[c][cp % len(CITIES[c])]
        P.city.append(city)
        P.region.append(region)
        P.postcode.append(make_postcode(c, prefixes[cp % len(prefixes)], R))
        house = num * 13 % 9800 + 100 if c == "US" else num
        P.street.append(make_street_line(c, STREETS[c][sp % len(STREETS[c])], house, R))

    # 10 % moved since the legacy CRM last saw them: it keeps their old address.
    P.moved = (rng.random(n) < 0.10).tolist()
    P.old_address: list = [None] * n
    for i in np.flatnonzero(P.moved).tolist():
        c = P.country[i]
        choices = [k for k, city in enumerate(CITIES[c]) if city[0] != P.city[i]]
        city, region, prefixes = CITIES[c][R.choice(choices)]
        P.old_address[i] = (make_street_line(c, R.choice(STREETS[c]), R.randrange(1, 120), R), city,
                            make_postcode(c, R.choice(prefixes), R), region)

    _assign_companies(P, rng, R)
    _assign_common_names(P, rng)
    _assign_households(P, rng, R)
    _assign_emails(P, rng, R)
    _assign_phones(P, rng)
    P.consent = (rng.random(n) < 0.5).tolist()
    return P


def _assign_companies(P: People, rng: np.random.Generator, R: random.Random) -> None:
    n = P.n
    P.companies = []  # (official name, short name, domain, country, switchboard index)
    P.company = [None] * n
    P.old_company = [None] * n
    employed = (~np.array(P.minor)) & (rng.random(n) < 0.85)
    P.job = [None] * n
    country_arr = np.array(P.country)
    for c in COUNTRIES:
        members = np.flatnonzero(employed & (country_arr == c))
        bases, sectors, forms = COMPANY_PARTS[c]
        pool = [(b, s) for b in bases for s in sectors]
        order = rng.permutation(len(pool)).tolist()
        k = int(min(len(pool), max(2, round(len(members) / 18))))
        first_company = len(P.companies)
        for j in range(k):
            base, sector = pool[order[j]]
            form = forms[(order[j] * 7 + j) % len(forms)]
            short = f"{base} {sector}"
            if c == "ID":
                official = f"PT {short}" + (" Tbk" if form else "")
            else:
                official = f"{short} {form}"
            domain = f"{slug(base, c == 'DE')}{slug(sector, c == 'DE')}.{TLD[c]}"
            P.companies.append([official, short, domain, c, None])
        if not len(members):
            continue
        weights = 1.0 / np.arange(1, k + 1) ** 0.9  # a few big firms, many small ones
        chosen = rng.choice(k, size=len(members), p=weights / weights.sum())
        for i, comp in zip(members.tolist(), chosen.tolist()):
            P.company[i] = first_company + comp
        if k > 1:
            stale = members[rng.random(len(members)) < 0.12]
            for i in stale.tolist():
                other = (P.company[i] - first_company + 1 + R.randrange(k - 1)) % k + first_company
                P.old_company[i] = other
    titles = rng.integers(0, 1 << 30, size=n).tolist()
    local = (rng.random(n) < 0.35).tolist()
    for i in range(n):
        if P.company[i] is not None:
            pool = LOCAL_JOB_TITLES[P.country[i]] if local[i] and P.country[i] in LOCAL_JOB_TITLES else JOB_TITLES
            P.job[i] = pool[titles[i] % len(pool)]
        elif P.minor[i] or titles[i] % 5 == 0:
            P.job[i] = "Student" if P.minor[i] else None
    # Who is reachable only via the company switchboard in support / legacy: the
    # first 4 staff of the biggest firm, plus 2 % of employed people at random.
    sizes: dict[int, list[int]] = {}
    for i, comp in enumerate(P.company):
        if comp is not None:
            sizes.setdefault(comp, []).append(i)
    P.switchboard_user = [False] * n
    if sizes:
        biggest = max(sizes, key=lambda c: (len(sizes[c]), -c))
        for i in sizes[biggest][:4]:
            P.switchboard_user[i] = True
    for i in np.flatnonzero(employed & (rng.random(n) < 0.02)).tolist():
        if len(sizes.get(P.company[i], ())) >= 3:
            P.switchboard_user[i] = True


def _assign_common_names(P: People, rng: np.random.Generator) -> None:
    """Groups of different people sharing one very common full name."""
    P.common_name = [False] * P.n
    group = max(3, P.n // 1000)
    country_arr = np.array(P.country)
    for c in COUNTRIES:
        for first, last in COMMON_NAMES[c]:
            pool = np.flatnonzero(country_arr == c)
            if len(pool) < group * 4:
                continue
            for i in rng.choice(pool, size=group, replace=False).tolist():
                P.first[i], P.last[i], P.common_name[i] = first, last, True
                male, female = FIRST_NAMES[c]
                P.female[i] = first in female and first not in male


def _assign_households(P: People, rng: np.random.Generator, R: random.Random) -> None:
    """Couples: same last name and address, one shared inbox and landline."""
    n = P.n
    P.partner = [None] * n
    P.households = []
    wanted = max(2, round(n * 0.01))
    order = rng.permutation(n).tolist()
    position = {i: pos for pos, i in enumerate(order)}
    buckets: dict[str, list[int]] = {c: [] for c in COUNTRIES}
    for i in order:
        if not P.minor[i] and not P.common_name[i] and not P.moved[i]:
            buckets[P.country[i]].append(i)
    pairs = [(b[j], b[j + 1]) for c in COUNTRIES for b in (buckets[c],) for j in range(0, len(b) - 1, 2)]
    pairs.sort(key=lambda ab: position[ab[0]])
    for a, b in pairs[:wanted]:
        c = P.country[a]
        male, female = FIRST_NAMES[c]
        P.female[b] = not P.female[a]
        names = [f for f in (female if P.female[b] else male) if fold(f) != fold(P.first[a])
                 and f not in NICKNAMES.get(P.first[a], ()) and P.first[a] not in NICKNAMES.get(f, ())]
        P.first[b] = R.choice(names)
        P.last[b] = gendered_surname(gendered_surname(P.last[a], c, False), c, P.female[b])
        for attr in ("city", "region", "postcode", "street"):
            getattr(P, attr)[b] = getattr(P, attr)[a]
        P.partner[a], P.partner[b] = b, a
        P.households.append((a, b))


def _email_local(first: str, last: str, year: int, german: bool, R: random.Random) -> str:
    f, l_ = slug(first, german), slug(last, german)
    pattern = R.randrange(8)
    if pattern == 0:
        return f"{f}{l_}"
    if pattern == 1:
        return f"{f[:1]}.{l_}"
    if pattern == 2:
        return f"{f}_{l_}"
    if pattern == 3:
        return f"{l_}.{f}"
    if pattern == 4:
        return f"{f}.{l_}{year % 100:02d}"
    if pattern == 5:
        return f"{f}{R.randrange(1, 999)}"
    return f"{f}.{l_}"


def _assign_emails(P: People, rng: np.random.Generator, R: random.Random) -> None:
    n = P.n
    used: set[str] = set()

    def key(local: str, domain: str) -> str:
        # Two different people never get addresses that differ only in "._-" (at
        # Gmail dots do not even count): that would be indistinguishable, not a trap.
        if domain == "googlemail.com":
            domain = "gmail.com"
        return re.sub(r"[._-]", "", local) + "@" + domain

    def unique(local: str, domain: str) -> str:
        candidate = local
        attempts = 0
        while key(candidate, domain) in used:
            # Two-digit suffixes run out past ~100 namesakes at one domain (large demo
            # sets): widen the range as attempts grow instead of looping forever.
            attempts += 1
            candidate = f"{local}{R.randrange(2, 99 if attempts <= 20 else 10 ** (2 + attempts // 20))}"
        used.add(key(candidate, domain))
        return f"{candidate}@{domain}"

    P.work_email = [None] * n
    P.old_work_email = [None] * n
    for i in range(n):
        for attr, comp in (("work_email", P.company[i]), ("old_work_email", P.old_company[i])):
            if comp is not None:
                f, l_ = slug(P.first[i], P.country[i] == "DE"), slug(P.last[i], P.country[i] == "DE")
                local = f"{f}.{l_}" if R.random() < 0.8 else f"{f[:1]}{l_}"
                getattr(P, attr)[i] = unique(local, P.companies[comp][2])
    company_as_personal = rng.random(n) < 0.06
    P.email = [None] * n
    for i in range(n):
        if P.work_email[i] and company_as_personal[i]:
            P.email[i] = P.work_email[i]
            continue
        german = P.country[i] == "DE" and R.random() < 0.7
        domain = weighted_choice(R, EMAIL_PROVIDERS[P.country[i]])
        P.email[i] = unique(_email_local(P.first[i], P.last[i], P.dob[i][0], german, R), domain)
    # Households share one inbox: "smithfamily@gmail.com", "familie.mueller@gmx.de".
    for a, b in P.households:
        last = slug(P.last[a], P.country[a] == "DE")
        domain = weighted_choice(R, EMAIL_PROVIDERS[P.country[a]])
        local = R.choice((f"{last}family", f"familie.{last}" if P.country[a] == "DE" else f"the{last}s",
                          f"{last}.home", f"casa{last}" if P.country[a] in ("ES", "BR") else f"{last}household"))
        P.email[a] = P.email[b] = unique(local, domain)


def _assign_phones(P: People, rng: np.random.Generator) -> None:
    n = P.n
    P.mobile = [None] * n
    P.work_phone = [None] * n
    P.landline = [None] * n
    has_work = (rng.random(n) < 0.35).tolist()
    for c in COUNTRIES:
        used: set = set()
        idx = [i for i in range(n) if P.country[i] == c]
        for i, num in zip(idx, draw_phone_numbers(c, "mobile", len(idx), rng, used)):
            P.mobile[i] = num
        # Fixed lines: company switchboards, direct work lines, household landlines.
        comps = [k for k, comp in enumerate(P.companies) if comp[3] == c]
        work = [i for i in idx if P.company[i] is not None and has_work[i]]
        homes = [a for a, _ in P.households if P.country[a] == c]
        fixed = draw_phone_numbers(c, "fixed", len(comps) + len(work) + len(homes), rng, used)
        for k, num in zip(comps, fixed):
            P.companies[k][4] = num
        fixed = fixed[len(comps):]
        for i, num in zip(work, fixed):
            P.work_phone[i] = num
        fixed = fixed[len(work):]
        for a, num in zip(homes, fixed):
            P.landline[a] = P.landline[P.partner[a]] = num
