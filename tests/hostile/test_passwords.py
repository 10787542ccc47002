"""Issue 19, P4 (in part): a database URL is shown without its password in source locations,
source errors and what `steward run` prints. (The run config Dagster stores is still open:
docs/reliability.md.)"""

from __future__ import annotations

import pytest

from steward.config.sources import parse_sources
from steward.config.urls import shown_url, without_passwords
from steward.sources.load import SourceError, load_source

SECRET = "s3cr3t-Pa55"


@pytest.mark.parametrize("url", [
    f"postgresql+psycopg://steward:{SECRET}@127.0.0.1:5432/crm",
    f"mysql+pymysql://root:{SECRET}@db.example:3306/test?charset=utf8mb4",
    f"not a url but postgres://u:{SECRET}@host/db inside",
])
def test_urls_are_shown_without_their_password(url):
    assert SECRET not in shown_url(url) and SECRET not in without_passwords(f"error at {url}: refused", url)
    assert "***" in shown_url(url)


def test_a_sql_source_that_cannot_be_read_says_where_without_the_password(tmp_path):
    url = f"postgresql+psycopg://steward:{SECRET}@127.0.0.1:1/nowhere"  # nothing listens on port 1
    cfg = parse_sources({"sources": {"crm": {"kind": "sql", "url": url, "table": "contacts",
                                             "columns": {"record_id": "id", "last_name": "name"}}}},
                        tmp_path, tmp_path / "sources.yaml", tmp_path)["crm"]
    assert SECRET not in cfg.location and "steward:***@127.0.0.1" in cfg.location
    with pytest.raises(SourceError) as refused:
        load_source(cfg)
    assert SECRET not in str(refused.value) and "cannot read" in str(refused.value)
