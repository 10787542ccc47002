"""Issue 19, S2: a `query:` source reads and never writes: a second statement is refused before
anything runs, a statement that is not a SELECT is refused, and the transaction is read-only on
SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import uuid

import pandas as pd
import pytest
import sqlalchemy as sa

from steward.config.sources import parse_sources
from steward.sources.load import SourceError, load_source

from ..databases import server_url


def _source(tmp_path, url, query):
    cfg = parse_sources({"sources": {"crm": {"kind": "sql", "url": url, "query": query,
                                             "columns": {"record_id": "id", "last_name": "name"}}}},
                        tmp_path, tmp_path / "sources.yaml", tmp_path)
    return cfg["crm"]


def _tables(url, contacts, victim):
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        pd.DataFrame({"id": ["1", "2"], "name": ["Lee", "Kim"]}).to_sql(contacts, conn, index=False)
        pd.DataFrame({"x": [1]}).to_sql(victim, conn, index=False)
    engine.dispose()


def _exists(url, table):
    engine = sa.create_engine(url)
    try:
        return sa.inspect(engine).has_table(table)
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'crm.sqlite'}" if request.param == "sqlite" else server_url(request.param)
    suffix = uuid.uuid4().hex[:8]
    contacts, victim = f"contacts_{suffix}", f"victim_{suffix}"
    _tables(url, contacts, victim)
    yield url, contacts, victim
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in (contacts, victim):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    engine.dispose()


def test_a_select_reads(database, tmp_path):
    url, contacts, _ = database
    records = load_source(_source(tmp_path, url, f"select id, name from {contacts} order by id;")).records
    assert records["last_name"].tolist() == ["Lee", "Kim"]


@pytest.mark.parametrize("query, message", [
    ("select * from {contacts}; drop table {victim}", "more than one statement"),
    ("select * from {contacts}; commit; drop table {victim}; select 1", "more than one statement"),
    ("drop table {victim}", "starts with 'DROP'"),
    ("delete from {victim}", "starts with 'DELETE'"),
])
def test_writing_queries_are_refused_before_anything_runs(database, tmp_path, query, message):
    url, contacts, victim = database
    with pytest.raises(SourceError, match=message) as refused:
        load_source(_source(tmp_path, url, query.format(contacts=contacts, victim=victim)))
    assert "nothing was run" in str(refused.value)
    assert _exists(url, victim)


def test_a_semicolon_inside_a_string_is_not_a_second_statement(database, tmp_path):
    url, contacts, _ = database
    records = load_source(_source(tmp_path, url, f"select id, name from {contacts} where name <> 'a;b' order by id")).records
    assert len(records) == 2


def test_the_transaction_is_read_only(tmp_path):
    """A write hidden in one statement (a data-modifying CTE on PostgreSQL) is refused by the database."""
    url = server_url("postgresql")
    suffix = uuid.uuid4().hex[:8]
    contacts, victim = f"contacts_{suffix}", f"victim_{suffix}"
    _tables(url, contacts, victim)
    try:
        query = f"with gone as (delete from {victim} returning x) select id, name from {contacts}"
        with pytest.raises(SourceError, match="read-only"):
            load_source(_source(tmp_path, url, query))
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            assert conn.exec_driver_sql(f"select count(*) from {victim}").scalar() == 1
        engine.dispose()
    finally:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            for table in (contacts, victim):
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
        engine.dispose()
