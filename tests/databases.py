"""The CRM databases tests publish to: the embedded SQLite file, and the real
PostgreSQL and MariaDB servers when this machine has them. Under CI they must be
there; elsewhere a missing server skips its tests with the reason."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

SERVER_URLS = {
    "postgresql": os.environ.get("STEWARD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    "mariadb": os.environ.get("STEWARD_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
}


def server_url(name: str) -> str:
    url = SERVER_URLS[name]
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("select 1")
    except Exception as exc:  # any driver error means "not reachable here"
        reason = f"{name} not reachable at {url} ({type(exc).__name__}); .ci/run starts it under CI"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    finally:
        engine.dispose()
    return url


def drop_tables(url: str, *tables: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in tables:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    engine.dispose()


def scratch_url(name: str, label: str = "steward") -> Iterator[str]:
    """A URL to an empty schema of its own on the ``name`` server (PostgreSQL: a schema
    first on the search path; MariaDB: a database), dropped afterwards. Tables named
    alike in parallel test workers cannot collide. Use as a context manager."""
    return _scratch(server_url(name), label)


@contextmanager
def _scratch(url: str, label: str) -> Iterator[str]:
    schema = f"{label}_{os.getpid()}_{uuid.uuid4().hex[:8]}".lower()
    base = sa.make_url(url)
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    if base.get_backend_name() == "postgresql":
        create, drop = f'CREATE SCHEMA "{schema}"', f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'
        scratch = base.update_query_dict({"options": f"-csearch_path={schema}"})
    else:
        create = f"CREATE DATABASE `{schema}` CHARACTER SET utf8mb4"
        drop = f"DROP DATABASE IF EXISTS `{schema}`"
        scratch = base.set(database=schema)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(create)
        yield scratch.render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(drop)
        engine.dispose()
