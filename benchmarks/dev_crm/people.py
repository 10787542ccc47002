"""Build the population: one row per real person (entity), with family ties and employers."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from . import data as D
from .noise import slug
from .population import (
    CHINESE,
    DAY,
    INDIAN,
    ISO2,
    LOCS,
    MALAY,
    TODAY,
    L,
    LocalePools,
    Pool,
    addresses,
    email_last,
    landlines,
    mobiles,
    personal_locals,
    redraw_tail,
    unique_emails,
    unique_fix,
)

LANDLINE_SHARE = {"GB": 0.45, "US": 0.35, "DE": 0.55, "FR": 0.4, "NL": 0.35, "ES": 0.45, "ID": 0.15, "MY": 0.25}
MARRIED_NAME_LOCALES = ("en_GB", "en_US", "de_DE", "nl_NL", "fr_FR")
MY_WORDS = "Maju Jaya Sinar Bumi Cahaya Mega Sentosa Abadi Makmur Sejahtera Global Prima Utama Perkasa".split()
MY_SECTORS = "Teknologi Trading Engineering Holdings Logistik Solutions Industries Enterprise Resources".split()


def years(n: np.ndarray | float) -> np.ndarray:
    return (np.asarray(n) * 365.25).astype(np.int64) * DAY


class People(SimpleNamespace):
    """Arrays of length ``n`` (one entry per person) plus the company table ``comp_*`` and relation pairs."""


def display_family(p: People, family: np.ndarray, idx: np.ndarray | None = None) -> np.ndarray:
    """The last name as a record would show it: 'bin Ismail' / 'a/p Muniandy' for Malaysians."""
    idx = np.arange(p.n) if idx is None else idx
    conn = p.connector[idx]
    return np.array([f"{c} {f}" if c else f for c, f in zip(conn, family)], dtype=object)


def _names(rng, pools: list[LocalePools], p: People, idx: np.ndarray) -> None:
    """Draw given, middle and family names for persons ``idx``."""
    loc, gender, style = p.loc[idx], p.gender[idx], p.style[idx]
    for li, lp in enumerate(pools):
        m = loc == li
        if not m.any():
            continue
        if lp.code != "ms_MY":
            for g, pool in ((0, lp.male), (1, lp.female)):
                mm = idx[m & (gender == g)]
                p.given[mm] = pool.draw(rng, len(mm))
                if lp.code in ("en_GB", "en_US"):
                    has_mid = mm[rng.random(len(mm)) < 0.3]
                    p.middle[has_mid] = pool.draw(rng, len(has_mid))
            mm = idx[m]
            fam = lp.surname.draw(rng, len(mm))
            if lp.code == "es_ES":
                fam = fam + " " + lp.surname.draw(rng, len(mm))
            p.family[mm] = fam
            continue
        for st in (MALAY, CHINESE, INDIAN):
            for g in (0, 1):
                mm = idx[m & (style == st) & (gender == g)]
                k = len(mm)
                if k == 0:
                    continue
                if st == CHINESE:
                    syl1 = np.array(D.MY_CHINESE_SYL1, dtype=object)
                    syl2 = np.array(D.MY_CHINESE_SYL2, dtype=object)
                    p.given[mm] = syl1[rng.integers(0, len(syl1), k)] + " " + syl2[rng.integers(0, len(syl2), k)]
                else:
                    p.given[mm] = lp.my_given[(st, g)].draw(rng, k)
                p.family[mm] = lp.my_family[st].draw(rng, k)
                conn = ("", "") if st == CHINESE else (("bin", "binti") if st == MALAY else ("a/l", "a/p"))
                p.connector[mm] = conn[g]


def _redraw_distinct(rng, pools, p: People, members: np.ndarray, group: np.ndarray) -> None:
    """Make given names distinct within each group (households, twins)."""
    for _ in range(30):
        frame = pd.DataFrame({"g": group, "n": p.given[members]})
        dup = frame.duplicated(keep="first").to_numpy()
        if not dup.any():
            return
        redo = members[dup]
        fam, conn = p.family[redo].copy(), p.connector[redo].copy()
        _names(rng, pools, p, redo)
        p.family[redo], p.connector[redo] = fam, conn
        p.middle[redo] = ""


def build_people(rng: np.random.Generator, pools: list[LocalePools], n: int) -> People:
    shares = np.array([D.LOCALES[c][3] for c in LOCS])
    p = People(n=n)
    p.loc = rng.choice(len(LOCS), n, p=shares / shares.sum()).astype(np.int8)
    p.gender = (rng.random(n) < 0.5).astype(np.int8)  # 1 = female
    p.style = np.where(p.loc == L["ms_MY"], rng.choice(3, n, p=[0.6, 0.3, 0.1]), 0).astype(np.int8)

    # ---- family ties and look-alikes: disjoint sets of people taken from one permutation
    perm = rng.permutation(n)
    pos = 0

    def take(k: int) -> np.ndarray:
        nonlocal pos
        out = perm[pos:pos + k]
        pos += k
        return out

    sizes = rng.choice([2, 3, 4], max(1, n // 20), p=[0.45, 0.35, 0.2])
    sizes = sizes[np.cumsum(sizes) <= max(4, int(0.07 * n))]
    hh_members = take(int(sizes.sum()))
    hh_group = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    hh_anchor = hh_members[starts][hh_group]
    pairs = max(2, int(0.006 * n))
    tw_a, tw_b = take(pairs), take(pairs)
    fs_f, fs_s = take(pairs), take(pairs)
    ns_a, ns_b = take(max(2, int(0.012 * n))), None
    ns_b = take(len(ns_a))
    p.related = np.zeros(n, dtype=bool)
    p.related[perm[:pos]] = True

    for dst, src in ((hh_members, hh_anchor), (tw_b, tw_a), (ns_b, ns_a)):
        p.loc[dst] = p.loc[src]
        p.style[dst] = p.style[src]
    fs_loc = np.where(rng.random(pairs) < 0.7, L["en_US"], L["en_GB"]).astype(np.int8)
    p.loc[fs_f], p.loc[fs_s] = fs_loc, fs_loc
    p.style[fs_f], p.style[fs_s] = 0, 0
    p.gender[fs_f], p.gender[fs_s] = 0, 0
    p.gender[ns_b] = p.gender[ns_a]
    p.iso = ISO2[p.loc]

    # ---- names
    p.given = np.empty(n, dtype=object)
    p.middle = np.full(n, "", dtype=object)
    p.family = np.empty(n, dtype=object)
    p.connector = np.full(n, "", dtype=object)
    _names(rng, pools, p, np.arange(n))
    p.mononym = (p.loc == L["id_ID"]) & ~p.related & (rng.random(n) < 0.2)
    p.family[p.mononym] = ""

    # ---- dates of birth: adults 18-88, most between 25 and 65
    age = 18 + 70 * rng.beta(2.0, 3.2, n)
    p.dob = TODAY - years(age) - rng.integers(0, 365, n) * DAY

    # ---- home addresses and phones, independent for everyone first
    p.addr, p.city, p.postcode, p.region, p.cidx = addresses(rng, pools, p.loc)
    ns_city = addresses(rng, pools, p.loc[ns_b], city=p.cidx[ns_a])
    p.addr[ns_b], p.city[ns_b], p.postcode[ns_b], p.region[ns_b], p.cidx[ns_b] = ns_city
    p.mobile = mobiles(rng, pools, p.loc, p.cidx)
    share = np.array([LANDLINE_SHARE[c] for c in ISO2])[p.loc]
    has_land = rng.random(n) < share
    has_land[hh_anchor] = True
    has_land[tw_a] = True
    has_land[fs_f] = True
    p.landline = np.where(has_land, landlines(rng, pools, p.loc, p.cidx), "").astype(object)

    # ---- relations
    rel = []
    # households: same family name, address and landline; different given names
    members = hh_members[hh_members != hh_anchor]
    anchors = hh_anchor[hh_members != hh_anchor]
    _copy_home(p, members, anchors)
    p.family[members], p.connector[members] = p.family[anchors], p.connector[anchors]
    role = rng.random(len(members))
    spouse = p.dob[anchors] + years(rng.normal(0, 3, len(members)))
    child = p.dob[anchors] + years(rng.uniform(22, 36, len(members)))
    sibling = p.dob[anchors] + years(rng.uniform(-8, 8, len(members)))
    p.dob[members] = np.where(role < 0.45, spouse, np.where(role < 0.85, child, sibling))
    _redraw_distinct(rng, pools, p, hh_members, hh_group)
    rel += [("household", a, b) for a, b in zip(anchors, members)]
    # twins: same family name, date of birth, address and landline; different given names
    _copy_home(p, tw_b, tw_a)
    p.family[tw_b], p.connector[tw_b], p.dob[tw_b] = p.family[tw_a], p.connector[tw_a], p.dob[tw_a]
    _redraw_distinct(rng, pools, p, np.concatenate([tw_a, tw_b]), np.tile(np.arange(pairs), 2))
    rel += [("twin", a, b) for a, b in zip(tw_a, tw_b)]
    # father and son: same full name and address; 25-35 years apart; Sr / Jr
    p.dob[fs_f] = TODAY - years(rng.uniform(55, 82, pairs)) - rng.integers(0, 365, pairs) * DAY
    p.dob[fs_s] = p.dob[fs_f] + years(rng.uniform(25, 35, pairs)) + rng.integers(0, 365, pairs) * DAY
    _copy_home(p, fs_s, fs_f)
    p.given[fs_s], p.family[fs_s] = p.given[fs_f], p.family[fs_f]
    p.middle[fs_s] = np.where(rng.random(pairs) < 0.7, p.middle[fs_f], p.middle[fs_s])
    p.suffix = np.full(n, "", dtype=object)
    p.suffix[fs_f] = np.array(["Sr", "Sr.", "Sr"], dtype=object)[rng.integers(0, 3, pairs)]
    p.suffix[fs_s] = np.array(["Jr", "Jr.", "II"], dtype=object)[rng.integers(0, 3, pairs)]
    rel += [("father_son", a, b) for a, b in zip(fs_f, fs_s)]
    # namesakes: same given and family name in the same city, nothing else in common
    p.given[ns_b], p.family[ns_b], p.connector[ns_b] = p.given[ns_a], p.family[ns_a], p.connector[ns_a]
    p.middle[ns_b] = ""
    rel += [("namesake", a, b) for a, b in zip(ns_a, ns_b)]
    # a few other people carry a generational or academic suffix of their own
    other = (~p.related) & np.isin(p.loc, [L["en_US"], L["en_GB"]]) & (rng.random(n) < 0.012)
    p.suffix[other] = np.array(["Jr", "III", "PhD", "MD", "II", "Esq."], dtype=object)[
        rng.choice(6, other.sum(), p=[0.3, 0.15, 0.25, 0.15, 0.1, 0.05])]
    women = other & (p.gender == 1)  # generational suffixes are (nearly always) men's
    p.suffix[women] = np.array(["PhD", "MD", "Esq."], dtype=object)[rng.choice(3, women.sum(), p=[0.5, 0.35, 0.15])]

    p.dob = np.minimum(p.dob, TODAY - years(18) - rng.integers(0, 700, n) * DAY)
    p.dob[tw_b] = p.dob[tw_a]
    # Malaysian patronymic connector follows each person's own gender (siblings: bin / binti)
    my = p.loc == L["ms_MY"]
    p.connector = np.where(my & (p.style == MALAY), np.where(p.gender == 1, "binti", "bin"),
                           np.where(my & (p.style == INDIAN), np.where(p.gender == 1, "a/p", "a/l"), "")).astype(object)

    # ---- titles and nicknames
    p.title = np.empty(n, dtype=object)
    for li, lp in enumerate(pools):
        for g in (0, 1):
            mm = np.flatnonzero((p.loc == li) & (p.gender == g))
            p.title[mm] = lp.titles[g].draw(rng, len(mm))
    p.nick = np.array([_nick(g, u) for g, u in zip(p.given, rng.random(n))], dtype=object)
    chinese = np.flatnonzero((p.style == CHINESE) & (rng.random(n) < 0.45))
    for g in (0, 1):
        mm = chinese[p.gender[chinese] == g]
        p.nick[mm] = pools[L["ms_MY"]].my_english[g].draw(rng, len(mm))

    p.hh_members, p.hh_anchor, p.hh_group = hh_members, hh_anchor, hh_group
    p.twins, p.father_son, p.namesakes = (tw_a, tw_b), (fs_f, fs_s), (ns_a, ns_b)

    # ---- employers
    age_now = (TODAY - p.dob) / np.timedelta64(365, "D")
    p.employed = rng.random(n) < np.where(age_now < 67, 0.62, 0.08)
    _companies(rng, pools, p)
    rel += _colleagues(rng, pools, p)

    p.relations = pd.DataFrame(rel, columns=["relation", "a", "b"])

    # ---- unique phones: nobody shares a number by accident (shared ones are copied below)
    _unique_phones(rng, p, hh_members, hh_anchor, (tw_a, tw_b), (fs_f, fs_s))

    # ---- e-mail addresses
    year = p.dob.astype("datetime64[Y]").astype(int) + 1970
    local = personal_locals(rng, p.given, p.family, p.loc, year, p.nick)
    prov = np.empty(n, dtype=object)
    for li, lp in enumerate(pools):
        mm = np.flatnonzero(p.loc == li)
        prov[mm] = lp.providers.draw(rng, len(mm))
    p.email = unique_emails(local + "@" + prov, rng)
    p.family_email = np.full(n, "", dtype=object)
    shared = np.unique(hh_group)[rng.random(len(np.unique(hh_group))) < 0.6]
    sel = np.isin(hh_group, shared)
    anchors_sel = hh_anchor[sel]
    style_f = rng.random(len(sel)) < 0.5
    fam_local = [f"{email_last(p.family[a], p.loc[a])}family" if s else f"the{email_last(p.family[a], p.loc[a])}s"
                 for a, s in zip(anchors_sel, style_f[sel])]
    own = rng.random(len(sel)) < 0.5  # half of the shared inboxes are simply the anchor's own address
    fam = np.where(own[sel], p.email[anchors_sel],
                   np.array(fam_local, dtype=object) + "@" + np.array([e.split("@")[1] for e in p.email[anchors_sel]],
                                                                      dtype=object))
    group_ids = hh_group[sel]
    first_of = pd.Series(fam).groupby(group_ids).transform("first").to_numpy()
    p.family_email[hh_members[sel]] = first_of
    taken = set(p.email)
    clash = np.array([e in taken and not o for e, o in zip(p.family_email[hh_members[sel]], own[sel])])
    if clash.any():
        fixed = [e.replace("@", f"{i % 90 + 10}@") for i, e in enumerate(p.family_email[hh_members[sel]][clash])]
        p.family_email[hh_members[sel][clash]] = fixed
    return p


def _nick(given: str, u: float) -> str:
    opts = D.NICKNAMES.get(given)
    return opts[int(u * len(opts))] if opts else ""


def _copy_home(p: People, dst: np.ndarray, src: np.ndarray) -> None:
    for name in ("addr", "city", "postcode", "region", "cidx", "landline"):
        arr = getattr(p, name)
        arr[dst] = arr[src]


def _unique_phones(rng, p: People, hh_members, hh_anchor, twins, fs) -> None:
    """Make every independently drawn number unique, then re-copy the numbers families share."""
    n = p.n
    sw = p.comp_switch
    allv = np.concatenate([sw, p.mobile, p.landline, p.office_direct])
    protected = np.zeros(len(allv), dtype=bool)
    protected[:len(sw)] = True
    allv = unique_fix(allv, redraw_tail, rng, protected)
    p.mobile = allv[len(sw):len(sw) + n]
    p.landline = allv[len(sw) + n:len(sw) + 2 * n]
    p.office_direct = allv[len(sw) + 2 * n:]
    members = hh_members[hh_members != hh_anchor]
    p.landline[members] = p.landline[hh_anchor[hh_members != hh_anchor]]
    p.landline[twins[1]] = p.landline[twins[0]]
    p.landline[fs[1]] = p.landline[fs[0]]
    p.office = np.where(p.use_switch, p.comp_switch[np.maximum(p.comp, 0)], p.office_direct)
    p.office[p.comp < 0] = ""


# ----------------------------------------------------------------------------- companies


def _company_table(rng, lp: LocalePools, li: int, k: int):
    code = lp.code
    names, cores, domains = [], [], []
    legal = D.LEGAL_FORMS[code]
    forms = Pool([f for f, _ in legal], [w for _, w in legal])
    asian = code in ("ms_MY", "id_ID")
    words = MY_WORDS if asian else D.COMPANY_WORDS
    sectors = MY_SECTORS if asian else D.COMPANY_SECTORS
    seen = set()
    while len(names) < k:
        m = 2 * (k - len(names)) + 10
        kind = rng.choice(5, m, p=[0.25, 0.08, 0.45, 0.15, 0.07])
        s1, s2, s3 = (lp.surname.draw(rng, m) for _ in range(3))
        w = np.array(words, dtype=object)[rng.integers(0, len(words), m)]
        x = np.array(sectors, dtype=object)[rng.integers(0, len(sectors), m)]
        form = forms.draw(rng, m)
        joiner = " & " if code not in ("en_GB", "en_US") else (" & ", " and ")[0]
        for i in range(m):
            a, b, c = s1[i].split(" ")[-1], s2[i].split(" ")[-1], s3[i].split(" ")[-1]
            kd = kind[i]
            if kd == 0:
                core, dom = s1[i], slug(s1[i])
            elif kd == 1:
                core, dom = f"{a}{joiner}{b}", slug(a) + slug(b)
            elif kd == 2:
                core, dom = f"{w[i]} {x[i]}", slug(w[i]) + (slug(x[i]) if i % 3 else "")
            elif kd == 3:
                core, dom = f"{a} {x[i]}", slug(a) + slug(x[i])
            else:
                core = f"{a}, {b} and {c}" if code in ("en_GB", "en_US") else f"{a} {b}"
                dom = slug(a) + slug(b)
            name = form[i].format(core)
            if name in seen or not dom:
                continue
            seen.add(name)
            names.append(name)
            cores.append(core)
            domains.append(dom)
            if len(names) == k:
                break
    tld = np.where((rng.random(k) < 0.25) & (code != "en_US"), ".com", D.TLD[code]).astype(object)
    return names, cores, np.array(domains, dtype=object) + tld


def _companies(rng, pools: list[LocalePools], p: People) -> None:
    """Companies per locale (a few large, many small), their offices and switchboards; staff mostly work in
    the city they live in."""
    n = p.n
    p.comp = np.full(n, -1, dtype=np.int64)
    tables = []
    base = 0
    ns_a, ns_b = p.namesakes
    for li, lp in enumerate(pools):
        emp = np.flatnonzero(p.employed & (p.loc == li))
        k = max(3, int(np.ceil(len(emp) / 6)))
        names, cores, domains = _company_table(rng, lp, li, k)
        size = rng.pareto(1.05, k) + 0.3
        weight = size / size.sum()
        line, city, pc, region, cidx = addresses(rng, pools, np.full(k, li, dtype=np.int8))
        local = rng.random(len(emp)) < 0.8
        choice = np.full(len(emp), -1, dtype=np.int64)
        for ci in np.unique(cidx):
            here = np.flatnonzero(cidx == ci)
            who = np.flatnonzero(local & (p.cidx[emp] == ci))
            w = weight[here]
            choice[who] = here[rng.choice(len(here), len(who), p=w / w.sum())]
        rest = np.flatnonzero(choice < 0)
        choice[rest] = rng.choice(k, len(rest), p=weight)
        p.comp[emp] = base + choice
        # namesakes have nothing but the name (and city) in common: never the same employer
        clash = ns_b[(p.comp[ns_b] == p.comp[ns_a]) & (p.comp[ns_b] >= 0) & (p.loc[ns_b] == li)]
        p.comp[clash] = base + (p.comp[clash] - base + 1) % k
        tables.append(pd.DataFrame({"loc": li, "name": names, "core": cores, "domain": domains, "weight": weight,
                                    "addr": line, "city": city, "postcode": pc, "region": region, "cidx": cidx}))
        base += k
    comp = pd.concat(tables, ignore_index=True)
    c = len(comp)
    comp["domain"] = unique_fix(comp["domain"].to_numpy(dtype=object), _redomain, rng)
    cloc = comp["loc"].to_numpy().astype(np.int8)
    col = {name: comp[name].to_numpy(dtype=object) for name in ("name", "core", "domain", "addr", "city", "postcode",
                                                                 "region")}
    p.comp_loc, p.comp_name, p.comp_core, p.comp_domain = cloc, col["name"], col["core"], col["domain"]
    p.comp_weight = comp["weight"].to_numpy()
    p.comp_addr, p.comp_city, p.comp_postcode, p.comp_region = col["addr"], col["city"], col["postcode"], col["region"]
    p.comp_switch = landlines(rng, pools, cloc, comp["cidx"].to_numpy())
    pw = np.array([w for _, w in D.WORK_PATTERNS])
    p.comp_pattern = rng.choice(len(pw), c, p=pw / pw.sum())
    # the office line: the switchboard for most staff, a direct dial (switchboard number, other last digits) for some
    p.use_switch = rng.random(n) < 0.55
    p.office_direct = np.full(n, "", dtype=object)
    direct = np.flatnonzero((p.comp >= 0) & ~p.use_switch)
    p.office_direct[direct] = redraw_tail(p.comp_switch, p.comp[direct], rng)
    p.job = np.full(n, "", dtype=object)
    for li, lp in enumerate(pools):
        mm = np.flatnonzero(p.employed & (p.loc == li))
        p.job[mm] = lp.jobs.draw(rng, len(mm))


def _redomain(values, idx, rng):
    extra = np.array(["group", "-uk", "hq", "online", "global", "-co", "2", "3"], dtype=object)
    out = []
    for v, e in zip(values[idx], extra[rng.integers(0, len(extra), len(idx))]):
        name, tld = v.split(".", 1)
        out.append(f"{name}{e}.{tld}")
    return np.array(out, dtype=object)


def _colleagues(rng, pools, p: People) -> list:
    """Some colleagues share a family name (and so often an e-mail stem: jsmith@ / jsmith2@): different people."""
    emp = np.flatnonzero((p.comp >= 0) & ~p.related & ~np.isin(p.loc, [L["ms_MY"], L["id_ID"]]))
    emp = emp[np.argsort(p.comp[emp], kind="stable")]
    pick = np.flatnonzero(rng.random(len(emp)) < 0.025)
    out = []
    used = set()
    for i in pick:
        a = emp[i]
        j = i + 1 if i + 1 < len(emp) and p.comp[emp[i + 1]] == p.comp[a] else i - 1
        if j < 0 or p.comp[emp[j]] != p.comp[a]:
            continue
        b = emp[j]
        if a in used or b in used or p.loc[a] != p.loc[b]:
            continue
        used.update((a, b))
        p.family[a] = p.family[b]
        p.related[[a, b]] = True
        lp = pools[p.loc[a]]
        pool = lp.female if p.gender[a] else lp.male
        cand = pool.draw(rng, 40)
        same_initial = rng.random() < 0.6
        for c in cand:
            if c != p.given[b] and (not same_initial or c[:1] == p.given[b][:1]):
                p.given[a] = c
                break
        else:
            if p.given[a] == p.given[b]:
                p.given[a] = next(c for c in cand if c != p.given[b])
        p.middle[a] = ""
        out.append(("colleague_same_surname", b, a))
    return out


# ----------------------------------------------------------------------------- work e-mail


def work_emails(p: People, who: np.ndarray, comp: np.ndarray, given=None, family=None) -> np.ndarray:
    given = p.given[who] if given is None else given
    family = p.family[who] if family is None else family
    out = np.empty(len(who), dtype=object)
    for i, (w, c, g, f) in enumerate(zip(who, comp, given, family)):
        first = slug(g) or "staff"
        last = email_last(f, p.loc[w])
        pattern = D.WORK_PATTERNS[p.comp_pattern[c]][0]
        if not last:
            pattern = "{first}"
        out[i] = pattern.format(first=first, last=last, f=first[0], l=last[:1]) + "@" + p.comp_domain[c]
    return out


def number_duplicates(emails: np.ndarray) -> np.ndarray:
    """jsmith@acme.com twice -> jsmith@ and jsmith2@ (how mail admins resolve clashes)."""
    s = pd.Series(emails)
    nth = s.groupby(s).cumcount().to_numpy()
    out = emails.copy()
    for i in np.flatnonzero(nth > 0):
        local, dom = out[i].split("@", 1)
        out[i] = f"{local}{nth[i] + 1}@{dom}"
    return out
