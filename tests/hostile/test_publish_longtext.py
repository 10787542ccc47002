"""Issue 19, D4: MariaDB's TEXT holds 64 KB. A 100 KB value crashed the publish in strict mode and,
with ``sql_mode=''``, was cut to 65,535 bytes and then counted "updated" on every run. Text
columns are LONGTEXT now, and those of an older CRM are widened in place."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from steward.publish import GOLDEN_TABLE, crm_engine, publish, read_table
from steward.publish import crm as crm_module
from tests.databases import scratch_url

# 100 KB of text, multi-byte characters included (MariaDB counts TEXT in bytes).
BIG = ("Zoë 山田 😀 " * 5_000)[:60_000] + "x" * 60_000


@pytest.fixture
def mariadb_url():
    with scratch_url("mariadb", "publongtext") as url:
        yield url


@pytest.fixture(params=["STRICT_TRANS_TABLES", ""])
def sql_mode(request, monkeypatch):
    """Every CRM connection of the publish in this sql_mode (set after the publish's own settings,
    as a server configured so would)."""
    real = crm_engine

    def engine_in_mode(url):
        engine = real(url)

        @sa.event.listens_for(engine, "connect")
        def _mode(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute(f"SET SESSION sql_mode = '{request.param}'")
            cursor.close()

        return engine

    monkeypatch.setattr(crm_module, "crm_engine", engine_in_mode)
    return request.param


def _frames(value):
    golden = pd.DataFrame({"golden_id": ["G1", "G2"], "first_name": ["Ann", "Bob"], "extra_notes": [value, "short"]})
    crosswalk = pd.DataFrame({"source": "crm", "record_id": ["1", "2"], "golden_id": ["G1", "G2"]})
    lineage = pd.DataFrame({"golden_id": ["G1"], "field": ["extra_notes"], "value": [value], "rule": "only value"})
    return golden, crosswalk, lineage


def _check_round_trip(url):
    stored = read_table(url, GOLDEN_TABLE).set_index("golden_id")
    assert stored.loc["G1", "extra_notes"] == BIG  # every byte, not 65,535 of them
    assert read_table(url, "golden_lineage")["value"].tolist() == [BIG]


def test_a_100_kb_value_round_trips_and_a_rerun_writes_nothing(mariadb_url, sql_mode):
    assert len(BIG.encode()) > 100_000
    golden, crosswalk, lineage = _frames(BIG)
    assert publish(golden, crosswalk, mariadb_url, lineage=lineage).inserted == 2
    _check_round_trip(mariadb_url)
    again = publish(golden, crosswalk, mariadb_url, lineage=lineage)
    assert (again.updated, again.unchanged) == (0, 2)


def test_an_older_crm_with_text_columns_is_widened(mariadb_url, sql_mode):
    golden, crosswalk, lineage = _frames("small")
    engine = sa.create_engine(mariadb_url)
    with engine.begin() as conn:  # the tables as earlier versions made them: TEXT
        conn.exec_driver_sql("CREATE TABLE golden_contacts (golden_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE "
                             "utf8mb4_bin NOT NULL PRIMARY KEY, first_name TEXT, extra_notes TEXT, status VARCHAR(16) "
                             "DEFAULT 'active', merged_into VARCHAR(128), published_at VARCHAR(40)) CHARSET utf8mb4")
        conn.exec_driver_sql("CREATE TABLE golden_lineage (golden_id VARCHAR(128), field TEXT, value TEXT, rule TEXT) "
                             "CHARSET utf8mb4")
    engine.dispose()
    publish(golden, crosswalk, mariadb_url, lineage=lineage)
    golden, crosswalk, lineage = _frames(BIG)
    summary = publish(golden, crosswalk, mariadb_url, lineage=lineage)
    assert (summary.updated, summary.unchanged) == (1, 1)
    _check_round_trip(mariadb_url)
    assert publish(golden, crosswalk, mariadb_url, lineage=lineage).updated == 0
    engine = sa.create_engine(mariadb_url)
    with engine.connect() as conn:
        types = dict(conn.exec_driver_sql(
            "SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME), DATA_TYPE FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = DATABASE()").all())
    engine.dispose()
    assert types["golden_contacts.extra_notes"] == "longtext" and types["golden_lineage.value"] == "longtext"
    assert types["golden_contacts.golden_id"] == "varchar"  # keys stay as they are
