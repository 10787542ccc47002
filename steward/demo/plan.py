"""Which person is in which source, and the consent each of them holds.

Decided once for all people before any record is rendered, so every export
agrees on who is there, who is duplicated, and whose consent conflicts.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from steward.demo.exports import REFERENCE_DATE, SOURCES
from steward.demo.people import People


def plan_records(P: People, rng: np.random.Generator, R: random.Random):
    """{source: [(person, is a second record in that source)]} in row order.

    Also records on ``P`` what the rendering needs to know about each person:
    consent conflicts, how many records they have, and which identifier anchors them.
    """
    n = P.n
    k = rng.choice([1, 2, 3, 4], size=n, p=[0.45, 0.30, 0.17, 0.08])
    weights = np.array([4.0, 2.2, 2.4, 3.0])  # webshop, events, support, legacy
    keys = rng.random((n, 4)) ** (1.0 / weights)  # weighted sampling without replacement
    ranks = np.argsort(np.argsort(-keys, axis=1, kind="stable"), axis=1, kind="stable")
    member = ranks < k[:, None]
    web, _ev, sup, leg = range(4)
    # Switchboard users must show up where the switchboard is recorded.
    for i in range(n):
        if P.switchboard_user[i] and not (member[i, sup] or member[i, leg]):
            member[i, leg] = True
    # Consent conflicts: opted out in the legacy CRM, newsletter "yes" in the shop.
    both = np.flatnonzero(member[:, web] & member[:, leg])
    if len(both) == 0:
        member[0, web] = member[0, leg] = True
        both = np.array([0])
    n_conflict = max(1, round(len(both) * 0.25))
    P.consent_conflict = [False] * n
    for i in rng.choice(both, size=n_conflict, replace=False).tolist():
        P.consent_conflict[i] = True
        P.consent[i] = True
    # 5 % have a second record inside one source (two shop accounts, two sign-ups ...).
    dup = np.flatnonzero(rng.random(n) < 0.05).tolist()
    dup_source = {i: R.choice(np.flatnonzero(member[i]).tolist()) for i in dup}
    plan = {}
    for s, name in enumerate(SOURCES):
        entries = [(i, False) for i in np.flatnonzero(member[:, s]).tolist()]
        entries += [(i, True) for i in dup if dup_source[i] == s]
        perm = rng.permutation(len(entries)).tolist()
        plan[name] = [entries[j] for j in perm]
    total = member.sum(axis=1)
    for i in dup:
        total[i] += 1
    P.records = total.tolist()
    # The identifier kept recognisable in all of a person's records: email for
    # switchboard users and couples (their phone is shared), else a coin flip.
    coin = (rng.random(n) < 0.5).tolist()
    P.anchor = ["E" if P.switchboard_user[i] or P.partner[i] is not None or coin[i] else "P" for i in range(n)]
    return plan


# Children whose date of birth the demo always shows, one per band in turn (ages in
# years, both included): the golden record must publish only their age range.
CHILD_AGES = ((3, 5), (6, 12), (13, 15))


def plan_consent(P: People, plan, C: np.random.Generator) -> None:
    """Phone consent, double opt-in behaviour, phone conflicts and young children.

    Drawn from their own stream ``C``, so every value the generator wrote before
    these columns existed is unchanged (children's dates of birth aside)."""
    n = P.n
    # Email: the wish is P.consent; whether the person clicked the shop's double
    # opt-in link decides "Newsletter DOI" (confirmed / pending / not asked).
    P.email_confirmed = (C.random(n) < 0.6).tolist()
    P.sms_consent = (C.random(n) < 0.35).tolist()
    P.sms_confirmed = (C.random(n) < 0.5).tolist()
    # Phone conflicts: SMS "yes" in the shop or at an event, phone opt-out in the old CRM.
    in_source = {name: {i for i, _ in plan[name]} for name in plan}
    both = sorted((in_source["webshop"] | in_source["events"]) & in_source["legacy_crm"])
    P.phone_conflict = [False] * n
    if both:
        picked = C.choice(len(both), size=max(1, round(len(both) * 0.2)), replace=False)
        for j in sorted(picked.tolist()):
            i = both[j]
            P.phone_conflict[i] = True
            P.sms_consent[i] = True
    # Children: some minors become younger (3-15) and always show their date of birth
    # where a source has one (webshop, legacy CRM) - e.g. kids' club members.
    P.show_dob = [False] * n
    with_dob = in_source["webshop"] | in_source["legacy_crm"]
    pool = [i for i in range(n) if P.minor[i] and i in with_dob]
    count = min(len(pool), max(3, round(n * 0.005)))
    if not count:
        return
    chosen = sorted(C.choice(len(pool), size=count, replace=False).tolist())
    reference = np.datetime64(REFERENCE_DATE.date())
    for j, k in enumerate(chosen):
        i = pool[k]
        low, high = CHILD_AGES[j % len(CHILD_AGES)]
        days = int(C.integers(low * 365 + 4, (high + 1) * 365 - 4))
        born = pd.Timestamp(reference - np.timedelta64(days, "D"))
        P.dob[i] = (born.year, born.month, born.day)
        P.show_dob[i] = True
