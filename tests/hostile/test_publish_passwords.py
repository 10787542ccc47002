"""Issue 19, P4 (the CRM publish): a publish or read that fails says which CRM in one line, with
the password hidden, as a StewardError; neither its message, its traceback nor the log shows
the password."""

from __future__ import annotations

import logging
import traceback

import pandas as pd
import pytest
import sqlalchemy as sa

from steward.errors import StewardError
from steward.publish import GOLDEN_TABLE, publish, read_table
from tests.databases import scratch_url

SECRET = "s3cr3t-Pa55"


def _frames():
    golden = pd.DataFrame({"golden_id": ["G1", "G2"], "first_name": ["Ann", "Bob"], "member_count": ["2", "many"]})
    crosswalk = pd.DataFrame({"source": "crm", "record_id": ["1", "2"], "golden_id": ["G1", "G2"]})
    return golden, crosswalk


def _assert_hidden(exc: BaseException, caplog, where: str):
    assert isinstance(exc, StewardError), type(exc)
    message = str(exc)
    assert "\n" not in message and where in message and ":***@" in message
    shown = "".join(traceback.format_exception(exc))  # what a traceback would print, causes included
    assert SECRET not in shown
    assert SECRET not in caplog.text


@pytest.mark.parametrize("url, where", [
    (f"postgresql+psycopg://steward:{SECRET}@127.0.0.1:1/crm", "127.0.0.1:1"),  # nothing listens on port 1
    (f"mysql+pymysql://root:{SECRET}@127.0.0.1:1/crm", "127.0.0.1:1"),
    (f"postgresql+psycopg://steward:{SECRET}@127.0.0.1:notaport/crm", "steward:***@"),
    (f"mysql+mysqldb://root:{SECRET}@127.0.0.1/crm", "root:***@127.0.0.1"),  # a driver that is not installed
])
def test_a_crm_that_cannot_be_reached_is_named_without_its_password(url, where, caplog):
    caplog.set_level(logging.DEBUG)
    golden, crosswalk = _frames()
    with pytest.raises(Exception) as failed:
        publish(golden, crosswalk, url)
    _assert_hidden(failed.value, caplog, where)
    with pytest.raises(Exception) as failed:
        read_table(url, GOLDEN_TABLE)
    _assert_hidden(failed.value, caplog, where)


def test_a_publish_the_database_refuses_is_named_without_its_password(caplog):
    """PostgreSQL here trusts every local connection, so a URL with a password connects; the data
    step then fails (a CRM column an administrator made INTEGER gets text) and is rolled back."""
    caplog.set_level(logging.DEBUG)
    with scratch_url("postgresql", "pubpw") as scratch:
        url = sa.make_url(scratch).set(password=SECRET).render_as_string(hide_password=False)
        engine = sa.create_engine(scratch)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE golden_contacts (golden_id VARCHAR(128) PRIMARY KEY, first_name TEXT, "
                                 "member_count INTEGER)")
        engine.dispose()
        golden, crosswalk = _frames()
        with pytest.raises(Exception) as failed:
            publish(golden, crosswalk, url)
        _assert_hidden(failed.value, caplog, "127.0.0.1:5432")
        assert "rolled back" in str(failed.value) and len(read_table(url, GOLDEN_TABLE)) == 0
        # A publish that succeeds logs where it published, without the password.
        publish(golden.assign(member_count=["2", "3"]), crosswalk, url)
        assert ":***@127.0.0.1:5432" in caplog.text and SECRET not in caplog.text
