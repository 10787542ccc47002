"""The demo generator's entry point: invent people, plan, render and write every file.

Only the order of the random draws lives here (it fixes the bytes for a seed);
what each step draws is in the modules it calls.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd

from steward.demo.events import build_events, write_events
from steward.demo.exports import REFERENCE_DATE, SOURCE_FILES, SOURCES
from steward.demo.legacy import build_legacy, write_legacy
from steward.demo.people import make_people
from steward.demo.plan import plan_consent, plan_records
from steward.demo.support import build_support, write_support
from steward.demo.webshop import build_webshop, write_webshop

README = """crm-steward demo data (seed {seed}, {entities} invented people; reference date {ref}).

webshop_customers.csv   online shop customers; UTF-8, comma; customer_id; Newsletter/SMS yes/no, DOI confirmed/pending,
                        Consent changed; extra column loyalty_tier.
event_signups.xlsx      sheet "Signups"; full names; national-format mobiles; multilingual countries; confirmed consent Y/N.
support_requesters.csv  help desk; cp1252, semicolon; messy phone formats; lower-case or empty country_code; US dates.
legacy_crm.sqlite       old CRM, table "contacts"; UPPER-CASE last names; ISO-3 countries; stale 5-9 years; opt-outs
                        OPT_OUT=1 (email), PHONE_OPT_OUT=1 (phone).
ground_truth.csv        source, record_id, entity_id for every readable record: which records are the same person.
broken_rows.csv         the {broken} deliberately broken rows (not in the ground truth) a loader must quarantine.
Traps: shared inboxes/landlines, switchboards, namesakes, nicknames, typos, dropped accents, consent that disagrees
between sources, unconfirmed opt-ins, children under 16 (only an age range may be published).
"""


def generate_demo_data(out_dir: str | Path, entities: int = 2000, seed: int = 42) -> dict[str, Path]:
    """Write four messy source exports + ground_truth.csv into out_dir; return {name: path}.

    The keys are the source names (webshop, events, support, legacy_crm) plus
    ground_truth, broken_rows and readme. Same (entities, seed), same content.
    """
    if entities < 20:
        raise ValueError("entities must be at least 20")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    R = random.Random(seed)
    P = make_people(int(entities), rng, R)
    plan = plan_records(P, rng, R)
    # Consent and children draw from a stream of their own: the rest of the data
    # stays what it was before these columns existed.
    C = np.random.default_rng([seed, 5])
    plan_consent(P, plan, C)

    web_frame, web_truth, web_broken = build_webshop(plan, P, rng, R, C)
    ev_rows, ev_truth = build_events(plan, P, rng, R, C)
    sup_rows, sup_truth = build_support(plan, P, rng, R, C)
    leg_rows, leg_truth = build_legacy(plan, P, rng, R, C)

    paths = {name: out / SOURCE_FILES[name] for name in SOURCES}
    write_webshop(web_frame, paths["webshop"])
    write_events(ev_rows, paths["events"])
    sup_broken = write_support(sup_rows, paths["support"])
    write_legacy(leg_rows, paths["legacy_crm"])

    truth = pd.DataFrame(web_truth + ev_truth + sup_truth + leg_truth, columns=["source", "record_id", "entity_id"])
    paths["ground_truth"] = out / "ground_truth.csv"
    truth.to_csv(paths["ground_truth"], index=False, lineterminator="\n")
    broken = pd.DataFrame(web_broken + sup_broken, columns=["source", "file", "line", "record_id", "problem"])
    paths["broken_rows"] = out / "broken_rows.csv"
    broken.to_csv(paths["broken_rows"], index=False, lineterminator="\n")
    paths["readme"] = out / "README.txt"
    paths["readme"].write_text(README.format(seed=seed, entities=entities, ref=REFERENCE_DATE.date(),
                                             broken=len(broken)), encoding="utf-8")
    return paths
