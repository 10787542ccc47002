"""Which person shows up in which source (and how often), and which life changes each record reflects."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .people import MARRIED_NAME_LOCALES, People, number_duplicates, work_emails
from .population import (
    DAY,
    TODAY,
    L,
    LocalePools,
    addresses,
    landlines,
    mobiles,
    personal_locals,
    redraw_tail,
    unique_emails,
    unique_fix,
)

SOURCES: tuple[str, ...] = ("sales_crm", "webshop", "newsletter", "helpdesk", "billing", "events")
S = {name: i for i, name in enumerate(SOURCES)}
# how likely each source is to hold a person: people with an employer / private customers
W_EMPLOYED = np.array([3.0, 1.3, 1.5, 1.3, 0.9, 2.0])
W_PRIVATE = np.array([0.15, 3.0, 2.2, 1.4, 1.8, 0.3])
SOURCE_COUNT_P = [0.40, 0.29, 0.17, 0.10, 0.04]  # a person is in 1..5 sources
# a second record of the same person in the same source (guest checkout, a rep re-keys a lead, two events...)
DUPLICATE_P = np.array([0.04, 0.05, 0.03, 0.05, 0.02, 0.06])


def skeleton(rng: np.random.Generator, p: People) -> SimpleNamespace:
    n = p.n
    k = rng.choice(np.arange(1, 6), n, p=SOURCE_COUNT_P)
    w = np.where(p.employed[:, None], W_EMPLOYED, W_PRIVATE)
    keys = np.log(w) + rng.gumbel(size=(n, len(SOURCES)))
    order = np.argsort(-keys, axis=1)
    rank = np.empty_like(order)
    rank[np.arange(n)[:, None], order] = np.arange(len(SOURCES))
    pid, src = np.nonzero(rank < k[:, None])
    u = rng.random(len(pid))
    extra = (u < DUPLICATE_P[src]).astype(int) + (u < DUPLICATE_P[src] * 0.12)
    rep = 1 + extra
    pid2 = np.repeat(pid, rep)
    src2 = np.repeat(src, rep)
    first = np.concatenate([[0], np.cumsum(rep)[:-1]])
    dup = np.ones(len(pid2), dtype=bool)
    dup[first] = False
    r = SimpleNamespace(pid=pid2, src=src2.astype(np.int8), dup=dup, n=len(pid2))
    r.n_sources = k
    for flag in ("new_job", "new_home", "new_name", "alt_email"):
        setattr(r, flag, np.zeros(r.n, dtype=bool))
    return r


def _choose(rng, p: People, r, eligible: np.ndarray, revealing: tuple[str, ...], share: float, flag: str):
    """Pick people (a ``share`` of everyone, from those with >= 2 revealing records) for a life change and
    split their revealing records into before/after (both sides non-empty)."""
    n = p.n
    rev = np.isin(r.src, [S[s] for s in revealing])
    cnt = np.bincount(r.pid[rev], minlength=n)
    elig = eligible & (cnt >= 2)
    rate = min(0.8, share * n / max(1, elig.sum()))
    chosen = elig & (rng.random(n) < rate)
    rows = np.flatnonzero(rev & chosen[r.pid])
    rows = rows[rng.permutation(len(rows))]
    rows = rows[np.argsort(r.pid[rows], kind="stable")]
    pids = r.pid[rows]
    start = np.searchsorted(pids, pids, side="left")
    nth = np.arange(len(rows)) - start
    cut = 1 + (rng.random(n) * (cnt - 1)).astype(int)  # 1..cnt-1 records show the new state
    new = getattr(r, flag)
    new[rows] = nth < cut[pids]
    others = np.flatnonzero(~rev & chosen[r.pid])
    new[others] = rng.random(len(others)) < 0.5
    return chosen


def life_changes(rng: np.random.Generator, pools: list[LocalePools], p: People, r) -> None:
    n = p.n
    age = (TODAY - p.dob) / np.timedelta64(365, "D")
    twins_fs = np.zeros(n, dtype=bool)
    for a, b in (p.twins, p.father_son):
        twins_fs[a] = twins_fs[b] = True
    # job change: new employer, title, work e-mail and office phone
    p.job_change = _choose(rng, p, r, p.comp >= 0, ("sales_crm", "events"), 0.04, "new_job")
    who = np.flatnonzero(p.job_change)
    p.comp2 = np.full(n, -1, dtype=np.int64)
    for li in range(len(pools)):
        mm = who[p.loc[who] == li]
        cands = np.flatnonzero(p.comp_loc == li)
        w = p.comp_weight[cands]
        new = cands[rng.choice(len(cands), len(mm), p=w / w.sum())]
        same = new == p.comp[mm]
        new[same] = cands[(np.searchsorted(cands, new[same]) + 1) % len(cands)]
        p.comp2[mm] = new
    p.job2 = p.job.copy()
    for li, lp in enumerate(pools):
        mm = who[p.loc[who] == li]
        p.job2[mm] = lp.jobs.draw(rng, len(mm))
    switch2 = rng.random(len(who)) < 0.55
    p.office2 = np.full(n, "", dtype=object)
    p.office2[who] = np.where(switch2, p.comp_switch[p.comp2[who]], redraw_tail(p.comp_switch, p.comp2[who], rng))
    p.use_switch2 = np.zeros(n, dtype=bool)
    p.use_switch2[who] = switch2

    # move: new home (same city for some), new landline, sometimes a new mobile
    p.moved = _choose(rng, p, r, ~twins_fs, ("webshop", "billing", "events"), 0.04, "new_home")
    who = np.flatnonzero(p.moved)
    same_city = rng.random(len(who)) < 0.4
    city = np.where(same_city, p.cidx[who], -1)
    fresh = addresses(rng, pools, p.loc[who])
    forced = addresses(rng, pools, p.loc[who], city=np.maximum(city, 0))
    p.addr2, p.city2, p.postcode2, p.region2 = (np.full(n, "", dtype=object) for _ in range(4))
    cidx2 = np.zeros(n, dtype=np.int32)
    for k, arr in enumerate((p.addr2, p.city2, p.postcode2, p.region2)):
        arr[who] = np.where(same_city, forced[k], fresh[k])
    cidx2[who] = np.where(same_city, forced[4], fresh[4])
    p.landline2 = np.full(n, "", dtype=object)
    had = who[p.landline[who] != ""]
    p.landline2[had] = landlines(rng, pools, p.loc[had], cidx2[had])
    p.mobile2 = p.mobile.copy()
    newmob = who[rng.random(len(who)) < 0.3]
    p.mobile2[newmob] = mobiles(rng, pools, p.loc[newmob], cidx2[newmob])
    # keep every fresh number distinct from all numbers already in use
    taken = np.concatenate([p.comp_switch, p.mobile, p.landline, p.office_direct, p.office2])
    fresh_nums = np.concatenate([p.landline2[had], p.mobile2[newmob]])
    allv = unique_fix(np.concatenate([taken, fresh_nums]), redraw_tail, rng,
                      np.concatenate([np.ones(len(taken), bool), np.zeros(len(fresh_nums), bool)]))
    tail = allv[len(taken):]
    p.landline2[had], p.mobile2[newmob] = tail[:len(had)], tail[len(had):]

    # married name: new family name, same given name, date of birth, e-mail and mobile
    ok = ((p.gender == 1) & (age > 22) & (age < 65) & ~p.related & ~p.mononym
          & np.isin(p.loc, [L[c] for c in MARRIED_NAME_LOCALES]))
    p.married = _choose(rng, p, r, ok, ("sales_crm", "webshop", "newsletter", "helpdesk", "billing", "events"),
                        0.015, "new_name")
    who = np.flatnonzero(p.married)
    p.family2 = p.family.copy()
    for li, lp in enumerate(pools):
        mm = who[p.loc[who] == li]
        new = lp.surname.draw(rng, len(mm))
        clash = new == p.family[mm]
        new[clash] = lp.surname.draw(rng, clash.sum())
        p.family2[mm] = new

    # more than one personal mailbox: a second address used in some sources
    p.multi_email = _choose(rng, p, r, np.ones(n, dtype=bool), ("webshop", "newsletter", "helpdesk", "billing"), 0.06,
                            "alt_email")
    who = np.flatnonzero(p.multi_email)
    year = p.dob[who].astype("datetime64[Y]").astype(int) + 1970
    local = personal_locals(rng, p.given[who], p.family[who], p.loc[who], year, p.nick[who])
    prov = np.empty(len(who), dtype=object)
    for li, lp in enumerate(pools):
        mm = np.flatnonzero(p.loc[who] == li)
        prov[mm] = lp.providers.draw(rng, len(mm))
    p.email2 = np.full(n, "", dtype=object)
    both = unique_emails(np.concatenate([p.email, p.family_email[p.family_email != ""], local + "@" + prov]), rng,
                         np.concatenate([np.ones(n + (p.family_email != "").sum(), bool), np.zeros(len(who), bool)]))
    p.email2[who] = both[-len(who):] if len(who) else both[:0]

    # work e-mail addresses at the first and (after a job change) the second employer
    emp = np.flatnonzero(p.comp >= 0)
    chg = np.flatnonzero(p.comp2 >= 0)
    allw = number_duplicates(np.concatenate([work_emails(p, emp, p.comp[emp]), work_emails(p, chg, p.comp2[chg])]))
    p.work_email = np.full(n, "", dtype=object)
    p.work_email2 = np.full(n, "", dtype=object)
    p.work_email[emp] = allw[:len(emp)]
    p.work_email2[chg] = allw[len(emp):]
    # the moment the change happened (records after it are created later)
    p.change_day = TODAY - (rng.integers(180, 7 * 365, n) * DAY)


__all__ = ["DAY", "SOURCES", "S", "life_changes", "skeleton"]
