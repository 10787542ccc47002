"""Publishing golden records to real databases: embedded SQLite, PostgreSQL, MariaDB."""

from __future__ import annotations

import pandas as pd
import pytest

from steward.publish import CROSSWALK_TABLE, GOLDEN_TABLE, PUBLISH_LOG_TABLE, publish, read_table
from tests.databases import drop_tables, server_url


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def crm_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'crm.sqlite'}"
        return
    url = server_url(request.param)
    drop_tables(url, GOLDEN_TABLE, CROSSWALK_TABLE, PUBLISH_LOG_TABLE)
    yield url
    drop_tables(url, GOLDEN_TABLE, CROSSWALK_TABLE, PUBLISH_LOG_TABLE)


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
