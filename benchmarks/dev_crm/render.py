"""Turn (person, source) pairs into records the way each source would hold them, damaged the way real
exports are. Each step that alters a record notes an error class for it."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from . import data as D
from .noise import apply_typos, fold, has_accent, messy_case, mojibake, translit, typo_email
from .people import People, display_family
from .population import CHINESE, INDIAN, ISO2, LOCS, MALAY, TODAY, L
from .records import SOURCES

CC2ISO = {v: k for k, v in D.COUNTRY_CODE.items()}
ISO3 = {v[0]: v[1] for v in D.LOCALES.values()}
COUNTRY_NAME = {v[0]: v[2] for v in D.LOCALES.values()}
LOC_OF_ISO = {v[0]: k for k, v in D.LOCALES.items()}


class Labels:
    def __init__(self, n: int):
        self.n = n
        self.items: list[tuple[np.ndarray, str]] = []

    def add(self, where, cls: str) -> None:
        idx = np.flatnonzero(where) if np.asarray(where).dtype == bool else np.asarray(where)
        if len(idx):
            self.items.append((idx, cls))


def U(rng, n):
    return rng.random(n)


# ----------------------------------------------------------------------------- phones


def _group(sub: str, iso: str) -> str:
    if iso == "FR":
        return " ".join(sub[i:i + 2] for i in range(0, len(sub), 2))
    if len(sub) == 8:
        return f"{sub[:4]} {sub[4:]}"
    if len(sub) == 7:
        return f"{sub[:3]} {sub[3:]}"
    if len(sub) == 6 and iso != "GB":
        return f"{sub[:3]} {sub[3:]}"
    return sub


def fmt_phone(phone: str, style: str) -> str:
    """'44|20|79460018' in a given written style."""
    if not phone or "|" not in phone:
        return phone
    cc, area, sub = phone.split("|")
    iso = CC2ISO[cc]
    if style == "e164":
        return f"+{cc}{area}{sub}"
    if iso == "US":
        a, b = sub[:3], sub[3:]
        return {"national": f"({area}) {a}-{b}", "intl": f"+1 {area} {a} {b}", "digits": f"{area}{sub}",
                "dash": f"{area}-{a}-{b}", "paren": f"1-{area}-{a}-{b}", "intl00": f"001 {area} {a} {b}",
                "intl_trunk": f"+1 ({area}) {a}-{b}"}.get(style, f"{area}.{a}.{b}")
    if iso == "ES":
        nine = area + sub
        grp = f"{nine[:3]} {nine[3:6]} {nine[6:]}"
        return {"national": grp, "intl": f"+34 {grp}", "digits": nine, "dash": f"{nine[:3]}-{nine[3:6]}-{nine[6:]}",
                "paren": f"({nine[:3]}) {nine[3:6]} {nine[6:]}", "intl00": f"0034 {grp}",
                "intl_trunk": f"+34 {grp}"}[style]
    g = _group(sub, iso)
    if iso == "FR":
        nat = f"0{area} {g}"
        return {"national": nat, "intl": f"+33 {area} {g}", "digits": f"0{area}{sub}",
                "dash": nat.replace(" ", "."), "paren": nat, "intl00": f"0033 {area} {g}",
                "intl_trunk": f"+33 (0){area} {g}"}[style]
    if iso == "MY":
        return {"national": f"0{area}-{g}", "intl": f"+60 {area}-{g}", "digits": f"0{area}{sub}",
                "dash": f"0{area}-{sub}", "paren": f"(0{area}) {g}", "intl00": f"0060 {area} {g}",
                "intl_trunk": f"+60 (0){area}-{g}"}[style]
    if iso == "DE":
        return {"national": f"0{area} {sub}", "intl": f"+49 {area} {sub}", "digits": f"0{area}{sub}",
                "dash": f"0{area}/{sub}", "paren": f"(0{area}) {sub}", "intl00": f"0049 {area} {sub}",
                "intl_trunk": f"+49 (0){area} {sub}"}[style]
    if iso == "ID" and area.startswith("8") and style in ("national", "dash"):
        return f"0{area}-{sub[:4]}-{sub[4:]}"
    return {"national": f"0{area} {g}", "intl": f"+{cc} {area} {g}", "digits": f"0{area}{sub}",
            "dash": f"0{area}-{sub}", "paren": f"(0{area}) {g}", "intl00": f"00{cc} {area} {g}",
            "intl_trunk": f"+{cc} (0){area} {g}"}[style]


STYLES = ["national", "intl", "e164", "intl00", "digits", "paren", "intl_trunk", "dash"]


def phone_styles(rng, n, weights: dict[str, float]) -> np.ndarray:
    keys = list(weights)
    w = np.array([weights[k] for k in keys])
    return np.array(keys, dtype=object)[rng.choice(len(keys), n, p=w / w.sum())]


# ----------------------------------------------------------------------------- dates


def ymd(dates: np.ndarray):
    y = dates.astype("datetime64[Y]").astype(int) + 1970
    m = dates.astype("datetime64[M]").astype(int) % 12 + 1
    d = (dates - dates.astype("datetime64[M]")).astype(int) + 1
    return y, m, d


def fmt_date(y, m, d, fmt: str) -> np.ndarray:
    if fmt == "iso":
        return np.array([f"{a:04d}-{b:02d}-{c:02d}" for a, b, c in zip(y, m, d)], dtype=object)
    if fmt == "dmy":
        return np.array([f"{c:02d}/{b:02d}/{a:04d}" for a, b, c in zip(y, m, d)], dtype=object)
    if fmt == "mdy":
        return np.array([f"{b:02d}/{c:02d}/{a:04d}" for a, b, c in zip(y, m, d)], dtype=object)
    return np.array([f"{c:02d}.{b:02d}.{a:04d}" for a, b, c in zip(y, m, d)], dtype=object)


def timestamps(seconds: np.ndarray) -> np.ndarray:
    text = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
    return np.char.replace(text, "T", " ").astype(object)


# ----------------------------------------------------------------------------- context


def context(p: People, r, rows: np.ndarray) -> SimpleNamespace:
    """Everything a source could know about the person behind each record, in the state the record reflects."""
    pid = r.pid[rows]
    c = SimpleNamespace(n=len(rows), pid=pid, dup=r.dup[rows])
    c.new_job, c.new_home, c.new_name, c.alt = (r.new_job[rows], r.new_home[rows], r.new_name[rows], r.alt_email[rows])
    c.loc, c.iso, c.style, c.gender = p.loc[pid], p.iso[pid], p.style[pid], p.gender[pid]
    c.given, c.middle, c.nick, c.suffix, c.title = p.given[pid], p.middle[pid], p.nick[pid], p.suffix[pid], p.title[pid]
    c.nick_user = p.nick_user[pid]
    c.family_core = np.where(c.new_name, p.family2[pid], p.family[pid])
    c.last = display_family(p, c.family_core, pid)
    c.mononym = p.mononym[pid]
    c.dob = p.dob[pid]
    h = c.new_home
    c.addr = np.where(h, p.addr2[pid], p.addr[pid])
    c.city = np.where(h, p.city2[pid], p.city[pid])
    c.postcode = np.where(h, p.postcode2[pid], p.postcode[pid])
    c.region = np.where(h, p.region2[pid], p.region[pid])
    c.mobile = np.where(h, p.mobile2[pid], p.mobile[pid])
    c.landline = np.where(h, p.landline2[pid], p.landline[pid])
    c.shared_landline = ~h & p.shared_landline[pid]
    c.email = np.where(c.alt, p.email2[pid], p.email[pid])
    c.family_email = p.family_email[pid]
    j = c.new_job
    comp = np.where(j, p.comp2[pid], p.comp[pid])
    c.employed = comp >= 0
    cc = np.maximum(comp, 0)
    c.comp = comp
    c.company = np.where(c.employed, p.comp_name[cc], "")
    c.company_core = np.where(c.employed, p.comp_core[cc], "")
    c.domain = np.where(c.employed, p.comp_domain[cc], "")
    c.job = np.where(j, p.job2[pid], p.job[pid])
    c.work_email = np.where(j, p.work_email2[pid], p.work_email[pid])
    c.office = np.where(j, p.office2[pid], p.office[pid])
    c.switch = np.where(j, p.use_switch2[pid], p.use_switch[pid]) & c.employed
    c.office_addr = np.where(c.employed, p.comp_addr[cc], "")
    c.office_city = np.where(c.employed, p.comp_city[cc], "")
    c.office_postcode = np.where(c.employed, p.comp_postcode[cc], "")
    c.office_region = np.where(c.employed, p.comp_region[cc], "")
    return c


# ----------------------------------------------------------------------------- names

NAME_CONV = {
    "sales_crm": dict(nick=0.45, initials=0.02, middle=0.03, title=0.03, suffix=0.5, fold=0.06, one_field=0.01,
                      surname_first=0.01, typo=0.025, drop2=0.3, particle=0.15, lower=0.01, upper=0.01),
    "webshop": dict(nick=0.4, initials=0.01, middle=0.01, title=0.01, suffix=0.3, fold=0.15, one_field=0.015,
                    surname_first=0.012, typo=0.03, drop2=0.3, particle=0.2, lower=0.07, upper=0.03),
    "newsletter": dict(nick=0.6, initials=0.005, middle=0.0, title=0.0, suffix=0.1, fold=0.2, one_field=0.02,
                       surname_first=0.01, typo=0.02, drop2=0.4, particle=0.25, lower=0.22, upper=0.1, messy=0.05),
    "helpdesk": dict(nick=0.55, initials=0.02, middle=0.01, title=0.02, suffix=0.3, fold=0.15, one_field=0.35,
                     surname_first=0.04, typo=0.03, drop2=0.3, particle=0.2, lower=0.06, upper=0.02),
    "billing": dict(nick=0.15, initials=0.01, middle=0.02, title=0.01, suffix=0.3, fold=0.1, one_field=0.0,
                    surname_first=0.005, typo=0.02, drop2=0.5, particle=0.15, card=0.45, lower=0.0, upper=0.02),
    "events": dict(nick=0.5, initials=0.02, middle=0.01, title=0.0, suffix=0.4, fold=0.12, one_field=0.005,
                   surname_first=0.01, typo=0.02, drop2=0.5, particle=0.2, caps=True),
}
PARTICLES = ("van der ", "van den ", "van de ", "van ", "de ", "ter ", "den ", "te ")


def _connector_variant(last: str, core: str, u: float) -> str:
    conn = last[: len(last) - len(core)].strip()
    forms = {"bin": ["Bin", "B.", "bn"], "binti": ["Binti", "Bt.", "bte"], "a/l": ["A/L", "s/o", "al"],
             "a/p": ["A/P", "d/o", "ap"]}.get(conn, [conn])
    return f"{forms[int(u * len(forms))]} {core}"


def _particle_variant(last: str, u: float) -> str:
    for part in PARTICLES:
        if last.startswith(part):
            rest = last[len(part):]
            if u < 0.5:
                return part.title() + rest if u < 0.25 else part[0].upper() + part[1:] + rest
            if u < 0.75:
                return f"{rest}, {part.strip()}"
            return rest
    return last


def render_names(rng, c, source: str, lab: Labels):
    conv = NAME_CONV[source]
    n = c.n
    first = c.given.copy()
    last = c.last.copy()

    # Malaysian layouts: patronymic as last name / whole name / connector written differently; surname-first
    u = U(rng, n)
    my = c.loc == L["ms_MY"]
    patr = my & ((c.style == MALAY) | (c.style == INDIAN))
    whole = patr & (u < 0.2)
    first[whole] = first[whole] + " " + last[whole]
    last[whole] = ""
    bare = patr & (u >= 0.2) & (u < 0.33)
    last[bare] = c.family_core[bare]
    alt = np.flatnonzero(patr & (u >= 0.33) & (u < 0.45))
    u2 = U(rng, n)
    last[alt] = [_connector_variant(a, b, v) for a, b, v in zip(last[alt], c.family_core[alt], u2[alt])]
    lab.add(whole | bare | np.isin(np.arange(n), alt), "patronymic_variant")
    chinese = my & (c.style == CHINESE)
    sf = chinese & (u < 0.18)
    first[sf] = last[sf] + " " + first[sf]
    last[sf] = ""
    lab.add(sf, "surname_first")
    eng = chinese & (c.nick != "") & (u >= 0.18) & (u < 0.55)
    first[eng] = np.where(u[eng] < 0.47, c.nick[eng], c.nick[eng] + " " + c.given[eng])
    lab.add(eng, "nickname")

    # Spanish second family name dropped or hyphenated; Dutch particles moved or capitalised
    es = (c.loc == L["es_ES"]) & (np.char.count(last.astype(str), " ") >= 1)
    drop = es & (u2 < conv["drop2"])
    last[drop] = [x.split(" ")[0] if v < conv["drop2"] * 0.85 else x.replace(" ", "-", 1)
                  for x, v in zip(last[drop], u2[drop])]
    lab.add(drop, "second_surname_dropped")
    nl = np.flatnonzero((c.loc == L["nl_NL"]) & np.array([x.startswith(PARTICLES) for x in last]))
    u3 = U(rng, n)
    mv = nl[u3[nl] < conv["particle"]]
    last[mv] = [_particle_variant(x, v / conv["particle"]) for x, v in zip(last[mv], u3[mv])]
    lab.add(mv, "name_particle")

    # single-name Indonesians: sources that insist on a last name get the given name again or a dot
    mono = c.mononym
    u4 = U(rng, n)
    if source in ("webshop", "billing", "sales_crm"):
        rep = mono & (u4 < 0.45)
        last[rep] = np.where(u4[rep] < 0.3, first[rep], np.where(u4[rep] < 0.38, ".", "-"))
    lab.add(mono, "mononym")

    # nicknames (people who go by one), initials, middle names
    u5 = U(rng, n)
    nk = c.nick_user & (c.nick != "") & ~my & (u5 < conv["nick"])
    first[nk] = c.nick[nk]
    lab.add(nk, "nickname")
    u6 = U(rng, n)
    plain = ~nk & ~my & (first != "")
    ini = plain & (u6 < conv["initials"])
    first[ini] = [f"{g[0]}. {m[0]}." if m and v < conv["initials"] * 0.4 else (f"{g[0]}." if v < conv["initials"] * 0.8
                                                                              else g[0])
                  for g, m, v in zip(first[ini], c.middle[ini], u6[ini])]
    lab.add(ini, "initials")
    mid = plain & ~ini & (c.middle != "") & (u6 > 1 - conv["middle"] * 3)
    first[mid] = [f"{g} {m}" if v > 0.5 else f"{g} {m[0]}."
                  for g, m, v in zip(first[mid], c.middle[mid], U(rng, mid.sum()))]
    lab.add(mid, "middle_name")

    # generational / academic suffix written into the last name
    u7 = U(rng, n)
    sx = (c.suffix != "") & (last != "") & (u7 < conv["suffix"])
    last[sx] = [f"{a}, {s}" if v < 0.2 else f"{a} {s}" for a, s, v in zip(last[sx], c.suffix[sx], U(rng, sx.sum()))]
    lab.add(sx, "suffix_in_last_name")
    # title typed into the first-name field
    tt = (first != "") & (U(rng, n) < conv["title"])
    first[tt] = c.title[tt] + " " + first[tt]
    lab.add(tt, "title_in_first_name")

    # accents dropped, transliterated or mangled by an encoding round trip
    acc = np.array([has_accent(a) or has_accent(b) for a, b in zip(first, last)])
    u8 = U(rng, n)
    fo = acc & (u8 < conv["fold"])
    mode = U(rng, n)
    for arr in (first, last):
        arr[fo] = [fold(x) if m < 0.55 else (translit(x) if m < 0.85 else mojibake(x))
                   for x, m in zip(arr[fo], mode[fo])]
    lab.add(fo, "accents_mangled")

    # billing: the name as embossed on the card ("J SMITH" / "JOHN SMITH")
    if conv.get("card"):
        u9 = U(rng, n)
        card = (u9 < conv["card"]) & (first != "") & (last != "") & ~tt & ~fo
        ini_card = card & (u9 < conv["card"] * 0.55)
        whole_card = card & ~ini_card
        first[ini_card] = [fold(x)[0].upper() for x in first[ini_card]]
        last[ini_card] = [fold(x).upper() for x in last[ini_card]]
        first[whole_card] = [fold(f"{a} {b}").upper() for a, b in zip(first[whole_card], last[whole_card])]
        last[whole_card] = ""
        lab.add(card, "card_name")
        lab.add(whole_card, "full_name_one_field")
        lab.add(card & acc & ~fo, "accents_mangled")

    # whole name in one field / family name first
    u10 = U(rng, n)
    one = (first != "") & (last != "") & (u10 < conv["one_field"])
    to_last = one & (U(rng, n) < 0.15)
    full = first[one] + " " + last[one]
    first[one] = full
    last[one] = ""
    last[to_last], first[to_last] = first[to_last], ""
    lab.add(one, "full_name_one_field")
    u11 = U(rng, n)
    sf2 = (first != "") & (last != "") & (u11 < conv["surname_first"])
    comma = sf2 & (U(rng, n) < 0.6)
    swap = sf2 & ~comma
    first[comma] = [f"{b.upper() if v < 0.5 else b}, {a}"
                    for a, b, v in zip(first[comma], last[comma], U(rng, comma.sum()))]
    last[comma] = ""
    first[swap], last[swap] = last[swap], first[swap]
    lab.add(sf2, "surname_first")

    # case conventions
    if conv.get("caps"):
        first = np.array([x.upper() for x in first], dtype=object)
        last = np.array([x.upper() for x in last], dtype=object)
    else:
        u12 = U(rng, n)
        lo = u12 < conv.get("lower", 0)
        up = (u12 >= conv.get("lower", 0)) & (u12 < conv.get("lower", 0) + conv.get("upper", 0))
        ms = (u12 >= 1 - conv.get("messy", 0))
        first[lo], last[lo] = [x.lower() for x in first[lo]], [x.lower() for x in last[lo]]
        first[up], last[up] = [x.upper() for x in first[up]], [x.upper() for x in last[up]]
        mm = rng.integers(2, 5, ms.sum())
        first[ms] = [messy_case(x, m) for x, m in zip(first[ms], mm)]
        last[ms] = [messy_case(x, m) for x, m in zip(last[ms], mm)]
        lab.add(lo | up | ms, "case_variation")

    # typos (more likely on a second record keyed in by hand)
    u13 = U(rng, n)
    ty = u13 < conv["typo"] + 0.25 * c.dup
    on_first = ty & (((U(rng, n) < 0.5) & (first != "")) | (last == ""))
    on_last = ty & ~on_first & (last != "")
    first[on_first] = apply_typos(first[on_first], rng)
    last[on_last] = apply_typos(last[on_last], rng)
    lab.add(on_first | on_last, "name_typo")
    ws = U(rng, n) < 0.01
    first[ws] = [f" {x}" if len(x) % 2 else x.replace(" ", "  ") + " " for x in first[ws]]
    lab.add(ws, "whitespace")
    return first, last


# ----------------------------------------------------------------------------- e-mail, phone, address

EMAIL_KINDS = {  # (personal, work, role) for people with an employer; private people always personal
    "sales_crm": (0.11, 0.85, 0.04), "webshop": (0.94, 0.06, 0.0), "newsletter": (0.75, 0.25, 0.0),
    "helpdesk": (0.55, 0.40, 0.05), "billing": (0.7, 0.29, 0.01), "events": (0.25, 0.73, 0.02),
}
PHONE_KINDS = {  # (none, mobile, landline, office): employed / private
    "sales_crm": ((0.08, 0.35, 0.02, 0.55), (0.3, 0.5, 0.2, 0.0)),
    "webshop": ((0.25, 0.5, 0.25, 0.0), (0.25, 0.45, 0.3, 0.0)),
    "newsletter": ((0.95, 0.05, 0.0, 0.0), (0.95, 0.05, 0.0, 0.0)),
    "helpdesk": ((0.3, 0.3, 0.05, 0.35), (0.35, 0.35, 0.3, 0.0)),
    "billing": ((0.45, 0.35, 0.2, 0.0), (0.45, 0.35, 0.2, 0.0)),
    "events": ((0.3, 0.45, 0.0, 0.25), (0.4, 0.6, 0.0, 0.0)),
}
PHONE_STYLES = {
    "sales_crm": {"national": 0.45, "intl": 0.3, "paren": 0.1, "intl_trunk": 0.05, "digits": 0.05, "intl00": 0.05},
    "webshop": {"e164": 0.6, "national": 0.4},
    "newsletter": {"intl": 1.0},
    "helpdesk": {"national": 0.5, "intl": 0.25, "intl00": 0.1, "digits": 0.1, "paren": 0.05},
    "billing": {"e164": 0.9, "intl": 0.1},
    "events": {"national": 0.35, "intl": 0.35, "digits": 0.2, "dash": 0.1},
}


def render_email(rng, c, source: str, lab: Labels) -> np.ndarray:
    n = c.n
    ps, pw, _ = EMAIL_KINDS[source]  # the rest: role addresses
    u = U(rng, n)
    kind = np.where(~c.employed, 0, np.where(u < ps, 0, np.where(u < ps + pw, 1, 2)))
    kind[(kind > 0) & (c.work_email == "")] = 0
    out = np.where(kind == 0, c.email, np.where(kind == 1, c.work_email, ""))
    role = kind == 2
    roles = np.array(D.ROLE_LOCALS, dtype=object)[rng.integers(0, len(D.ROLE_LOCALS), n)]
    out[role] = roles[role] + "@" + c.domain[role]
    lab.add(role, "role_email")
    fam = (kind == 0) & (c.family_email != "") & (U(rng, n) < 0.65)
    out[fam] = c.family_email[fam]
    lab.add(fam, "shared_inbox")
    lab.add((kind == 0) & c.alt & ~fam, "multi_personal_email")
    if source in ("webshop", "newsletter"):
        disp = U(rng, n) < (0.01 if source == "webshop" else 0.015)
        doms = np.array(D.DISPOSABLE_DOMAINS, dtype=object)[rng.integers(0, len(D.DISPOSABLE_DOMAINS), n)]
        letters = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789"))
        locs = ["".join(row) for row in letters[rng.integers(0, 36, (int(disp.sum()), 9))]]
        out[disp] = np.array(locs, dtype=object) + "@" + doms[disp]
        lab.add(disp, "disposable_email")
    u2 = U(rng, n)
    case = (u2 < (0.06 if source == "newsletter" else 0.02))
    out[case] = [_email_case(e, v) for e, v in zip(out[case], U(rng, case.sum()))]
    lab.add(case, "case_variation")
    ty = (U(rng, n) < 0.015 + 0.2 * c.dup) & (out != "")
    ops, us, vs = rng.integers(0, 4, n), U(rng, n), U(rng, n)
    out[ty] = [typo_email(e, int(o), a, b) for e, o, a, b in zip(out[ty], ops[ty], us[ty], vs[ty])]
    lab.add(ty, "email_typo")
    c.email_kind = kind
    return out


def _email_case(email: str, v: float) -> str:
    local, _, dom = email.partition("@")
    if v < 0.4:
        return email.upper()
    parts = [x.capitalize() for x in local.split(".")]
    return ".".join(parts) + "@" + (dom.capitalize() if v < 0.7 else dom)


def render_phone(rng, c, source: str, lab: Labels) -> np.ndarray:
    n = c.n
    emp_p, priv_p = PHONE_KINDS[source]
    kind = np.where(c.employed, rng.choice(4, n, p=emp_p), rng.choice(4, n, p=priv_p))
    kind[(kind == 2) & (c.landline == "")] = 1
    kind[(kind == 3) & (c.office == "")] = 1
    raw = np.where(kind == 1, c.mobile, np.where(kind == 2, c.landline, np.where(kind == 3, c.office, "")))
    styles = phone_styles(rng, n, PHONE_STYLES[source])
    out = np.array([fmt_phone(ph, st) if ph else "" for ph, st in zip(raw, styles)], dtype=object)
    lab.add((kind == 3) & c.switch, "switchboard")
    lab.add((kind == 2) & c.shared_landline, "household_landline")
    ty = (U(rng, n) < 0.015 + 0.15 * c.dup) & (out != "")
    out[ty] = apply_typos(out[ty], rng, digits=True)
    lab.add(ty, "phone_typo")
    c.phone_kind = kind
    return out


def abbreviate(line: str, loc: int, u: float) -> str:
    pairs = D.STREET_ABBREVIATIONS[LOCS[loc]]
    hits = [(a, b) for a, b in pairs if a in line]
    if not hits:
        return line.lower() if u < 0.2 else line
    a, b = hits[int(u * len(hits))]
    return line.replace(a, b, 1)


def postcode_variant(pc: str, iso: str, u: float) -> str:
    if iso == "US":
        return pc.lstrip("0") if pc.startswith("0") and u < 0.7 else f"{pc}-{int(u * 9000) + 1000}"
    if iso in ("GB", "NL"):
        return pc.replace(" ", "") if u < 0.6 else pc.lower().replace(" ", "") if iso == "GB" else pc.lower()
    if iso == "DE":
        return f"D-{pc}"
    return pc.lstrip("0") if pc.startswith("0") else pc


def country_text(iso: np.ndarray, style: str, rng) -> np.ndarray:
    if style == "iso2":
        return iso.copy()
    if style == "iso3":
        return np.array([ISO3[x] for x in iso], dtype=object)
    u = U(rng, len(iso))
    out = np.array([COUNTRY_NAME[x] for x in iso], dtype=object)
    alias = u < 0.2
    out[alias] = [D.COUNTRY_ALIASES[x][int(v * 5 * len(D.COUNTRY_ALIASES[x])) % len(D.COUNTRY_ALIASES[x])]
                  for x, v in zip(iso[alias], u[alias])]
    return out


__all__ = [
    "ISO2",
    "LOC_OF_ISO",
    "SOURCES",
    "TODAY",
    "Labels",
    "abbreviate",
    "context",
    "country_text",
    "fmt_date",
    "fmt_phone",
    "postcode_variant",
    "render_email",
    "render_names",
    "render_phone",
    "timestamps",
    "ymd",
]
