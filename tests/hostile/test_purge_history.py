"""Issue 19, P2: an erased person's values in Dagster's run history (earlier runs' metadata,
check results, log lines, the review queue's Markdown) are redacted in place, the databases
vacuumed, and the history still reads: other people's rows and every event stay."""


import dagster as dg
import pandas as pd

from pipelines.purge import PurgeSummary, purge_event_logs
from steward.privacy.redact import Needles

ERASED = {"first_name": "Grzegorz", "last_name": "Brzęczyszczykiewicz", "email": "g.brzeczy@example.pl",
          "phone": "+48 512 345 678"}
KEPT = {"first_name": "Anna", "last_name": "Kowalska", "email": "anna.k@example.pl", "phone": "+48 601 111 222"}


@dg.asset
def people(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    context.log.info("looked at %s <%s>", f"{ERASED['first_name']} {ERASED['last_name']}", ERASED["email"])
    rows = [dg.TableRecord(dict(p)) for p in (ERASED, KEPT)]
    queue = "\n".join(["| score | record A | record B |", "|---|---|---|",
                       f"| 0.91 | {ERASED['first_name']} {ERASED['last_name']} · 0512 345 678 | G. B. · — |",
                       f"| 0.88 | {KEPT['first_name']} {KEPT['last_name']} · {KEPT['email']} | A. K. · — |"])
    return dg.MaterializeResult(metadata={
        "preview": dg.MetadataValue.table(rows, schema=dg.TableSchema(
            columns=[dg.TableColumn(c, "string") for c in ERASED])),
        "queue": dg.MetadataValue.md(queue),
        "sample": f"unexpected values, e.g. {ERASED['email'].upper()}, {KEPT['email']}"})


def _history_bytes(home):
    return b"".join(p.read_bytes() for p in (home / "history").rglob("*.db"))


def test_an_erased_person_is_redacted_from_every_earlier_run_and_the_rest_stays(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.DagsterInstance.local_temp(str(home)) as instance:
        for _ in range(2):
            assert dg.materialize([people], instance=instance).success
    history = _history_bytes(home)
    escaped = "Brz\\u0119czyszczykiewicz".encode()
    assert ERASED["email"].encode() in history and escaped in history  # what the purge must remove

    needles = Needles.of_records(pd.DataFrame([{**ERASED, "phone_e164": "+48512345678"}]))
    summary = PurgeSummary()
    purge_event_logs(home, needles, summary)

    history = _history_bytes(home)
    for needle in (ERASED["email"].encode(), ERASED["email"].upper().encode(), escaped, b"512 345 678",
                   b"0512 345 678", ERASED["first_name"].encode() + b" Brz"):
        assert needle not in history, needle
    assert summary.events_redacted >= 6 and summary.databases_vacuumed >= 1 and not summary.failed
    # The history still reads, and says what it said about everyone else.
    with dg.DagsterInstance.local_temp(str(home)) as instance:
        events = instance.fetch_materializations(dg.AssetKey("people"), limit=10).records
        assert len(events) == 2
        meta = events[0].asset_materialization.metadata
        rows = [r.data for r in meta["preview"].records]
        assert rows[1] == KEPT and set(rows[0].values()) == {"[erased]"}
        queue = meta["queue"].value.splitlines()
        assert queue[2] == "| [erased] |  |  |" and KEPT["email"] in queue[3]
        assert KEPT["email"] in meta["sample"].value and ERASED["email"].upper() not in meta["sample"].value
