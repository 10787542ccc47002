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


@dg.asset
def neighbours() -> dg.MaterializeResult:
    rows = [{"first_name": "Jo", "last_name": "Ann", "email": "joann@x.de", "phone": "+1 (212) 555-1234"},
            {"first_name": "Hannah", "last_name": "Schmidt", "email": "hs@z.de", "phone": "555 1234"},
            {"first_name": "Lima", "last_name": "Mali", "email": "lima@steward.example", "phone": "+49 89 1234567"}]
    return dg.MaterializeResult(metadata={
        "preview": dg.MetadataValue.table([dg.TableRecord(r) for r in rows], schema=dg.TableSchema(
            columns=[dg.TableColumn(c, "string") for c in rows[0]])),
        "note": "Ann Bergmann of Bergstrasse wrote to joann@x.de"})


def test_a_purge_touches_no_one_else_and_no_structure(tmp_path):
    """Found by review: names matched as substrings anywhere ("Li Ma" in "ASSET_MATERIALIZATION",
    "Ewa Ward" in "steward") redacted Dagster's event types and run tags, and "ann@x.de" matched
    "joann@x.de". Values are matched whole and only inside metadata and messages."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.DagsterInstance.local_temp(str(home)) as instance:
        assert dg.materialize([neighbours], instance=instance, tags={"crm-steward/project-run": "one"}).success
    erased = pd.DataFrame([{"first_name": "Li", "last_name": "Ma", "email": "ann@x.de", "phone_e164": "+12125551234"},
                           {"first_name": "Ewa", "last_name": "Ward", "email": "ewa@x.de"},
                           {"first_name": "Ann", "last_name": "Berg", "email": "ann.berg@x.de"}])
    summary = PurgeSummary()
    purge_event_logs(home, Needles.of_records(erased), summary)
    assert not summary.failed
    with dg.DagsterInstance.local_temp(str(home)) as instance:
        events = instance.fetch_materializations(dg.AssetKey("neighbours"), limit=5).records
        assert len(events) == 1
        meta = events[0].asset_materialization.metadata
        rows = [r.data for r in meta["preview"].records]
        # Only the row with the erased phone number (+1 212 555 1234) goes; the others stay whole.
        assert set(rows[0].values()) == {"[erased]"}
        assert rows[1]["email"] == "hs@z.de" and rows[1]["phone"] == "555 1234" and rows[2]["first_name"] == "Lima"
        assert meta["note"].value == "Ann Bergmann of Bergstrasse wrote to joann@x.de"
        run = instance.get_runs(limit=1)[0]
        assert run.tags.get("crm-steward/project-run") == "one"


def test_stored_outputs_lose_the_erased_records_only_by_their_keys(tmp_path):
    """Found by review: rows were blanked when any value looked like the person's ("Ann" + "Berg"
    in "Hannah … Bergstrasse"), and the yearly audit reads these outputs. Keyed rows go by key."""
    from pipelines.purge import blank_stored_outputs

    frame = pd.DataFrame({"contact_key": ["shop:1", "shop:2", "shop:3"], "first_name": ["Ann", "Jo", "Hannah"],
                          "last_name": ["Berg", "Ann", "Schmidt"], "email": ["ann@x.de", "joann@x.de", "hs@z.de"],
                          "address_line1": ["Ring 1", "Ring 2", "Bergstrasse 4"]})
    quarantine = pd.DataFrame({"source": ["shop", "shop"], "row": [7, 8], "reason": ["id twice", "id twice"],
                               "raw": ['{"email": "ann@x.de"}', '{"email": "joann@x.de"}']})
    frame.to_pickle(tmp_path / "normalised_contacts")
    quarantine.to_pickle(tmp_path / "quarantined_records")
    summary = PurgeSummary()
    blank_stored_outputs(tmp_path, {"shop:1"}, Needles.of_records(frame.iloc[:1]), summary,
                         names=["normalised_contacts", "quarantined_records"])
    after = pd.read_pickle(tmp_path / "normalised_contacts")
    assert after.iloc[0].drop("contact_key").isna().all() and after["contact_key"].tolist() == frame["contact_key"].tolist()
    pd.testing.assert_frame_equal(after.iloc[1:], frame.iloc[1:])
    kept = pd.read_pickle(tmp_path / "quarantined_records")
    assert kept["raw"].isna().tolist() == [True, False]
    assert summary.outputs_blanked == {"normalised_contacts": 1, "quarantined_records": 1}
