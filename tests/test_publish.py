"""Publishing golden records to real databases: embedded SQLite, PostgreSQL, MariaDB.

Each test gets an empty schema of its own on the servers (tests/databases.py), so
parallel workers never share tables."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
import sqlalchemy as sa

from steward.publish import (
    CROSSWALK_TABLE,
    GOLDEN_TABLE,
    LINEAGE_TABLE,
    PUBLISH_LOG_TABLE,
    crm_engine,
    publish,
    read_table,
)
from steward.publish import connection as connection_module

from .conftest import REPO

CRM_TABLES = (GOLDEN_TABLE, CROSSWALK_TABLE, LINEAGE_TABLE, PUBLISH_LOG_TABLE)


def _golden(n=3):
    golden = pd.DataFrame({
        "golden_id": [f"G{i}" for i in range(n)],
        "first_name": ["Ann", "Bob", None][:n],
        "email": ["ann@x.com", None, "c@x.com"][:n],
        "member_count": [2, 1, 1][:n],
        "email_opt_in": ["no", "yes", "unknown"][:n],
    })
    crosswalk = pd.DataFrame({"source": ["a", "b", "a", "c"], "record_id": ["1", "2", "3", "4"],
                              "golden_id": ["G0", "G0", "G1", "G2"]})
    return golden, crosswalk


def _stored(url, table=GOLDEN_TABLE):
    return read_table(url, table).set_index("golden_id").sort_index()


def _events(*merges):
    return pd.DataFrame({"golden_id": [m[0] for m in merges], "event": "merged_into",
                         "other_id": [m[1] for m in merges], "at": "2026-01-01T00:00:00+00:00",
                         "detail": "1 record(s) joined the older id"})


def _log(url):
    return read_table(url, PUBLISH_LOG_TABLE).sort_values("published_at", kind="mergesort")


def test_publish_is_idempotent_and_reports_changes(crm_url):
    golden, crosswalk = _golden()
    first = publish(golden, crosswalk, crm_url)
    assert (first.inserted, first.updated, first.removed) == (3, 0, 0)
    second = publish(golden, crosswalk, crm_url)
    assert (second.inserted, second.updated, second.removed, second.unchanged) == (0, 0, 0, 3)
    stored = read_table(crm_url, GOLDEN_TABLE).sort_values("golden_id", ignore_index=True)
    assert list(stored["golden_id"]) == ["G0", "G1", "G2"]  # no duplicate rows after a rerun
    assert stored.loc[1, "email"] is None
    assert len(read_table(crm_url, CROSSWALK_TABLE)) == 4
    assert len(read_table(crm_url, PUBLISH_LOG_TABLE)) == 2

    changed = golden.copy()
    changed.loc[1, "first_name"] = "Robert"
    third = publish(changed.iloc[:2], crosswalk.iloc[:3], crm_url)
    assert (third.inserted, third.updated, third.removed, third.unchanged) == (0, 1, 1, 1)
    # Without erased_ids the caller does not say whether G2's person was erased: the row goes
    # (counted as deleted), as when tables were replaced whole.
    assert third.deleted == 1
    stored = _stored(crm_url)
    assert list(stored.index) == ["G0", "G1"] and list(stored["status"]) == ["active", "active"]
    assert stored.loc["G1", "first_name"] == "Robert"
    assert len(read_table(crm_url, CROSSWALK_TABLE)) == 3


def test_rerun_writes_nothing_and_the_log_says_so(crm_url):
    golden, crosswalk = _golden()
    lineage = pd.DataFrame({"golden_id": ["G0", "G1"], "field": pd.Categorical(["email", "first_name"]),
                            "value": ["ann@x.com", "Bob"], "candidates": [2, 1]})
    publish(golden, crosswalk, crm_url, lineage=lineage)
    before = {t: read_table(crm_url, t) for t in (GOLDEN_TABLE, CROSSWALK_TABLE, LINEAGE_TABLE)}
    time.sleep(1.1)  # published_at has seconds: a rewritten row would show a new time
    again = publish(golden, crosswalk, crm_url, lineage=lineage)
    assert again.as_dict() == {"golden_rows": 3, "crosswalk_rows": 4, "inserted": 0, "updated": 0, "removed": 0,
                               "unchanged": 3, "merged": 0, "retired": 0, "deleted": 0, "lineage_rows": 2}
    for table, frame in before.items():
        pd.testing.assert_frame_equal(read_table(crm_url, table), frame)
    log = _log(crm_url)
    assert list(log["inserted"]) == [3, 0]
    last = log.iloc[-1]
    assert (last["updated"], last["merged"], last["retired"], last["deleted"], last["unchanged"]) == (0, 0, 0, 0, 3)
    assert (last["golden_rows"], last["crosswalk_rows"], last["lineage_rows"]) == (3, 4, 2)
    # Publishing without lineage leaves the lineage table as it is.
    publish(golden, crosswalk, crm_url)
    assert len(read_table(crm_url, LINEAGE_TABLE)) == 2


def test_changed_record_is_updated_and_only_it(crm_url):
    golden, crosswalk = _golden()
    publish(golden, crosswalk, crm_url)
    before = _stored(crm_url)
    changed = golden.copy()
    changed.loc[2, ["first_name", "email"]] = ["Cleo", None]
    summary = publish(changed, crosswalk, crm_url)
    assert (summary.inserted, summary.updated, summary.unchanged) == (0, 1, 2)
    after = _stored(crm_url)
    assert after.loc["G2", "first_name"] == "Cleo" and after.loc["G2", "email"] is None
    pd.testing.assert_frame_equal(after.loc[["G0", "G1"]], before.loc[["G0", "G1"]])


def test_merged_id_keeps_its_row_marked_with_the_survivor(crm_url):
    golden, crosswalk = _golden()
    publish(golden, crosswalk, crm_url)
    # G1's records joined G0: G1 is no longer published, and this run's events say where it went.
    crosswalk_after = crosswalk.assign(golden_id=crosswalk["golden_id"].replace({"G1": "G0"}))
    summary = publish(golden.iloc[[0, 2]], crosswalk_after, crm_url, id_events=_events(("G1", "G0")))
    assert (summary.merged, summary.retired, summary.deleted, summary.removed) == (1, 0, 0, 1)
    stored = _stored(crm_url)
    assert stored.loc["G1", "status"] == "merged" and stored.loc["G1", "merged_into"] == "G0"
    assert stored.loc["G1", "first_name"] == "Bob"  # marked, not deleted or blanked
    assert stored.loc["G0", "status"] == "active" and stored.loc["G0", "merged_into"] is None
    # The next run has no events for G1: it stays merged (not retired), nothing is written.
    rerun = publish(golden.iloc[[0, 2]], crosswalk_after, crm_url)
    assert (rerun.updated, rerun.merged, rerun.retired, rerun.unchanged) == (0, 0, 0, 2)
    assert _stored(crm_url).loc["G1", "merged_into"] == "G0"
    # Later G0 merges into G2: G1 points straight at the survivor as well.
    summary = publish(golden.iloc[[2]], crosswalk_after.assign(golden_id="G2"), crm_url,
                      id_events=_events(("G0", "G2")))
    assert summary.merged == 2
    stored = _stored(crm_url)
    assert list(stored["status"]) == ["merged", "merged", "active"]
    assert list(stored["merged_into"]) == ["G2", "G2", None]
    assert int(_log(crm_url).iloc[-1]["merged"]) == 2


def test_erased_people_are_deleted_retired_ids_marked_and_revived(crm_url):
    golden, crosswalk = _golden()
    publish(golden, crosswalk, crm_url)
    publish(golden.iloc[[0, 2]], crosswalk[crosswalk["golden_id"] != "G1"], crm_url, id_events=_events(("G1", "G0")),
            erased_ids=set())
    # G0 is erased: its row goes, and so does G1's (merged into G0: the same person).
    summary = publish(golden.iloc[[2]], crosswalk[crosswalk["golden_id"] == "G2"], crm_url, erased_ids={"G0"})
    assert (summary.deleted, summary.merged, summary.retired, summary.removed) == (2, 0, 0, 2)
    assert list(_stored(crm_url).index) == ["G2"]
    assert int(_log(crm_url).iloc[-1]["deleted"]) == 2
    # Records gone without erasure or merge: the id is retired, then active again when they return.
    summary = publish(golden.iloc[:0], crosswalk.iloc[:0], crm_url, erased_ids=[])
    assert (summary.retired, summary.deleted) == (1, 0)
    assert _stored(crm_url).loc["G2", "status"] == "retired"
    summary = publish(golden.iloc[[2]], crosswalk.iloc[[3]], crm_url, erased_ids=[])
    assert (summary.updated, summary.inserted) == (1, 0)
    assert _stored(crm_url).loc["G2", "status"] == "active"
    # A publish that does not say who was erased leaves retired and merged rows alone.
    publish(golden.iloc[[1]], crosswalk.iloc[[2]], crm_url, erased_ids=[])
    assert publish(golden.iloc[[1]], crosswalk.iloc[[2]], crm_url).removed == 0
    assert _stored(crm_url).loc["G2", "status"] == "retired"
    # An id both published and erased is a contradiction: refused before anything is written.
    rows = len(read_table(crm_url, PUBLISH_LOG_TABLE))
    with pytest.raises(ValueError, match="both published and erased"):
        publish(golden.iloc[[2]], crosswalk.iloc[[3]], crm_url, erased_ids=["G2"])
    assert len(read_table(crm_url, PUBLISH_LOG_TABLE)) == rows


def test_new_and_dropped_columns(crm_url):
    golden, crosswalk = _golden()
    publish(golden, crosswalk, crm_url)
    wider = golden.assign(extra_vip=["yes", None, "no"], first_name=["Zoë", "山田 太郎", "Ömer 😀"])
    summary = publish(wider, crosswalk, crm_url)
    assert (summary.updated, summary.unchanged) == (3, 0)
    stored = _stored(crm_url)
    assert list(stored["extra_vip"]) == ["yes", None, "no"]
    assert list(stored["first_name"]) == ["Zoë", "山田 太郎", "Ömer 😀"]  # utf8mb4 on MariaDB
    assert publish(wider, crosswalk, crm_url).unchanged == 3
    # A column no longer delivered stays in the table (additive only) but empties.
    summary = publish(wider.drop(columns="extra_vip"), crosswalk, crm_url)
    assert (summary.updated, summary.unchanged) == (2, 1)
    assert _stored(crm_url)["extra_vip"].isna().all()
    # The crosswalk may grow a column too.
    publish(wider, crosswalk.assign(confidence="0.9"), crm_url)
    assert list(read_table(crm_url, CROSSWALK_TABLE)["confidence"]) == ["0.9"] * 4


def test_tables_from_before_upserts_are_upgraded(crm_url):
    """A CRM published by the old replace-whole-tables code (pandas to_sql, no key)."""
    golden, crosswalk = _golden()
    engine = crm_engine(crm_url)
    with engine.begin() as conn:
        text = golden.astype(object).where(golden.notna(), None).map(lambda v: None if v is None else str(v))
        text.to_sql(GOLDEN_TABLE, conn, index=False)
        crosswalk.to_sql(CROSSWALK_TABLE, conn, index=False)
        pd.DataFrame([{"published_at": "2025-01-01T00:00:00+00:00", "golden_rows": 3, "crosswalk_rows": 4,
                       "inserted": 3, "updated": 0, "removed": 0, "unchanged": 0}]).to_sql(
            PUBLISH_LOG_TABLE, conn, index=False)
    engine.dispose()
    summary = publish(golden, crosswalk, crm_url)
    assert (summary.inserted, summary.updated, summary.unchanged) == (0, 0, 3)  # status defaults to active
    assert list(_stored(crm_url)["status"]) == ["active"] * 3
    engine = crm_engine(crm_url)
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        keyed = inspector.get_pk_constraint(GOLDEN_TABLE)["constrained_columns"] == ["golden_id"] or any(
            ix["unique"] and ix["column_names"] == ["golden_id"] for ix in inspector.get_indexes(GOLDEN_TABLE))
    engine.dispose()
    assert keyed
    log = _log(crm_url)
    assert len(log) == 2 and log.iloc[-1]["merged"] == 0
    # Upserts work on the upgraded table (on SQLite through the unique index).
    changed = golden.assign(first_name=["Ann", "Robert", "Cy"])
    assert (publish(changed, crosswalk, crm_url).updated, len(read_table(crm_url, GOLDEN_TABLE))) == (2, 3)
    assert list(_stored(crm_url)["first_name"]) == ["Ann", "Robert", "Cy"]


# --- killing a publish midway ------------------------------------------------------------

N = 120


def _before_frames():
    ids = [f"G{i:04d}" for i in range(N)]
    golden = pd.DataFrame({"golden_id": ids, "first_name": [f"Name{i}" for i in range(N)],
                           "email": [f"p{i}@x.com" if i % 7 else None for i in range(N)],
                           "member_count": [1 + i % 3 for i in range(N)]})
    crosswalk = pd.DataFrame({"source": "shop", "record_id": [str(i) for i in range(N)], "golden_id": ids})
    lineage = pd.DataFrame({"golden_id": ids * 2, "field": ["first_name"] * N + ["email"] * N,
                            "value": list(golden["first_name"]) + list(golden["email"]),
                            "rule": "only value"})
    return golden, crosswalk, lineage


def _after_frames(before, new_column=False):
    """The next run: 100 kept (30 changed), 40 new, 10 merged away, 5 erased, 5 retired; a new
    crosswalk and lineage (140 rows each)."""
    golden = before[0]
    merged, erased, retired = golden["golden_id"][:10], golden["golden_id"][10:15], golden["golden_id"][15:20]
    kept = golden[~golden["golden_id"].isin(pd.concat([merged, erased, retired]))].copy()
    kept.loc[kept.index[:30], "first_name"] = "Changed"
    new = pd.DataFrame({"golden_id": [f"H{i:04d}" for i in range(40)], "first_name": "New", "email": None,
                        "member_count": 1})
    golden_after = pd.concat([kept, new], ignore_index=True)
    if new_column:
        golden_after["extra_tier"] = "gold"
    crosswalk_after = pd.DataFrame({"source": "shop", "record_id": [f"r{i}" for i in range(len(golden_after))],
                                    "golden_id": golden_after["golden_id"]})
    lineage_after = pd.DataFrame({"golden_id": golden_after["golden_id"], "field": "first_name",
                                  "value": golden_after["first_name"], "rule": "most_recent"})
    events = _events(*[(m, "G0100") for m in merged])
    return {"golden": golden_after, "crosswalk": crosswalk_after, "lineage": lineage_after, "id_events": events,
            "erased_ids": set(erased)}


def _snapshot(url):
    """Every CRM table: its columns and all its rows (sorted), or None when it does not exist."""
    engine = crm_engine(url)
    out = {}
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        for table in CRM_TABLES:
            if not inspector.has_table(table):
                out[table] = None
                continue
            columns = [c["name"] for c in inspector.get_columns(table)]
            rows = conn.execute(sa.select(*[sa.column(c) for c in columns]).select_from(sa.table(table))).all()
            out[table] = (columns, sorted((tuple(r) for r in rows), key=lambda r: [(v is None, str(v)) for v in r]))
    engine.dispose()
    return out


# Runs in the subprocess: a publish watched by an observer that, once ``pause_after`` rows
# are written, says so in the signal file and sleeps inside the data transaction until
# the test kills it. One row per statement, so it stops at exactly that row.
KILL_SCRIPT = """
import os, pickle, sys, time
from pathlib import Path
from steward.publish import PublishObserver, publish

args, pause_after, signal_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def pause(written):
    if written < pause_after:
        return
    # Written whole, then renamed: the test never reads it half-written.
    Path(signal_file + ".tmp").write_text(f"{os.getpid()} {written}\\n")
    os.replace(signal_file + ".tmp", signal_file)
    time.sleep(3600)

with open(args, "rb") as f:
    kwargs = pickle.load(f)
publish(**kwargs, observer=PublishObserver(on_rows=pause, batch_rows=1))
print("FINISHED")
"""


def _start_paused(tmp_path, kwargs, pause_after):
    """A publish in a subprocess, paused inside its data transaction after ``pause_after`` rows."""
    args = tmp_path / "publish_args.pickle"
    args.write_bytes(pickle.dumps(kwargs))
    signal_file = tmp_path / "paused"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(args), str(pause_after), str(signal_file)],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not signal_file.exists():
            if proc.poll() is not None:
                out, err = proc.communicate()
                pytest.fail(f"publish ended before pausing (exit {proc.returncode}):\n{out}\n{err}")
            assert time.monotonic() < deadline, "publish never reached the pause"
            time.sleep(0.05)
        assert int(signal_file.read_text().split()[1]) == pause_after
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return proc


def _kill(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)  # no cleanup, no rollback from the client: as a crash
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _publish_and_kill(tmp_path, kwargs, pause_after):
    _kill(_start_paused(tmp_path, kwargs, pause_after))


@pytest.mark.parametrize("where", ["golden", "lineage", "golden_new_column"])
def test_killing_a_publish_midway_leaves_every_crm_table_as_before(crm_url, tmp_path, where, monkeypatch):
    before_frames = _before_frames()
    golden, crosswalk, lineage = before_frames
    publish(golden, crosswalk, crm_url, lineage=lineage)
    publish(golden, crosswalk, crm_url, lineage=lineage)
    before = _snapshot(crm_url)
    kwargs = _after_frames(before_frames, new_column=where == "golden_new_column")
    # Writes in order: 5 deletes, 40 inserts, 45 upserts (30 changed, 10 merged, 5 retired); crosswalk
    # DELETE (N) + INSERT (140); lineage DELETE (2N) + INSERT (140); the log row.
    golden_writes = 5 + 40 + 45
    pause_after = 25 if where != "lineage" else golden_writes + N + 140 + 2 * N + 50
    _publish_and_kill(tmp_path, {**kwargs, "url": crm_url}, pause_after)

    after = _snapshot(crm_url)
    if where == "golden_new_column":
        # The schema step (additive DDL, committed on its own by MariaDB) may have added the
        # empty column; every row is as before.
        columns, rows = after[GOLDEN_TABLE]
        if "extra_tier" in columns:
            at = columns.index("extra_tier")
            assert all(r[at] is None for r in rows)
            after[GOLDEN_TABLE] = (columns[:at] + columns[at + 1:], [r[:at] + r[at + 1:] for r in rows])
    assert after == before

    # Nothing left behind (locks, journals): the same publish now runs through.
    monkeypatch.setattr(connection_module, "LOCK_TIMEOUT_S", 30)
    summary = publish(**kwargs, url=crm_url)
    changed = 100 if where == "golden_new_column" else 30
    assert (summary.inserted, summary.updated, summary.merged, summary.retired, summary.deleted) == (40, changed, 10, 5, 5)
    stored = _stored(crm_url)
    assert len(stored) == N - 5 + 40
    assert stored.loc["G0003", "merged_into"] == "G0100" and stored.loc["G0017", "status"] == "retired"
    assert len(read_table(crm_url, LINEAGE_TABLE)) == 140
    assert len(read_table(crm_url, PUBLISH_LOG_TABLE)) == 3


def test_a_second_publish_waits_for_the_first(crm_url, tmp_path, monkeypatch):
    """Overlapping runs (the schedule and a manual run) do not interleave: while one publish is
    inside its transaction another cannot start writing; it waits, then gives up cleanly."""
    golden, crosswalk, lineage = _before_frames()
    publish(golden, crosswalk, crm_url, lineage=lineage)
    before = _snapshot(crm_url)
    kwargs = _after_frames(_before_frames())
    proc = _start_paused(tmp_path, {**kwargs, "url": crm_url}, 30)
    try:
        monkeypatch.setattr(connection_module, "LOCK_TIMEOUT_S", 2)
        with pytest.raises((RuntimeError, sa.exc.OperationalError), match="another publish|locked"):
            publish(**kwargs, url=crm_url)
    finally:
        _kill(proc)
    assert _snapshot(crm_url) == before
