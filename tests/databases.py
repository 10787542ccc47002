"""The CRM databases tests publish to: the embedded SQLite file, and the real
PostgreSQL and MariaDB servers when this machine has them. Under CI they must be
there; elsewhere a missing server skips its tests with the reason."""

from __future__ import annotations

import os

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
