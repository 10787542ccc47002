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


def test_no_password_anywhere_after_runs_on_password_urls(tmp_path, project_copy):
    """Acceptance: after a run publishing to a CRM URL with a password, reading a SQL source whose
    URL takes its password from ${ENV}, and a run failing on that source, neither the output nor
    the project directory (Dagster's storage and run history included) holds the password."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import pandas as pd
    import sqlalchemy as sa
    import yaml

    from tests.databases import scratch_url
    from tests.hostile.test_erased_everywhere import project_on_demo_exports

    steward = str(Path(sys.executable).with_name("steward"))
    project_on_demo_exports(project_copy, tmp_path / "exports", entities=120)
    with scratch_url("postgresql", "pw_src") as source_db, scratch_url("postgresql", "pw_crm") as crm_db:
        pd.DataFrame({"id": ["P1", "P2"], "name": ["Ottilie Frobisher", "Barnaby Quist"],
                      "mail": ["o.frobisher@example.org", "b.quist@example.org"]}).to_sql(
            "people", sa.create_engine(source_db), index=False)
        with_password = sa.make_url(source_db).set(password="${STEWARD_TEST_SOURCE_PASSWORD}")
        sources = yaml.safe_load((project_copy / "rules" / "sources.yaml").read_text())
        sources["sources"]["warehouse"] = {
            "kind": "sql", "url": with_password.render_as_string(hide_password=False), "table": "people",
            "columns": {"record_id": "id", "full_name": "name", "email": "mail"}}
        (project_copy / "rules" / "sources.yaml").write_text(yaml.safe_dump(sources, allow_unicode=True))
        crm = sa.make_url(crm_db).set(password=SECRET).render_as_string(hide_password=False)
        env = {**{k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"},
               "STEWARD_TEST_SOURCE_PASSWORD": SECRET + "-src"}
        outputs = []
        for table in ("people", "no_such_table"):
            sources["sources"]["warehouse"]["table"] = table
            (project_copy / "rules" / "sources.yaml").write_text(yaml.safe_dump(sources, allow_unicode=True))
            proc = subprocess.run([steward, "run", "--crm", crm, "--project", str(project_copy)], cwd=project_copy,
                                  capture_output=True, text=True, timeout=600, env=env)
            outputs.append(proc.stdout + proc.stderr)
            assert (proc.returncode == 0) == (table == "people"), outputs[-1]
            assert "Traceback" not in outputs[-1]
        published = pd.read_sql("select count(*) as n from golden_contacts", sa.create_engine(crm_db))
    assert int(published["n"].iloc[0]) > 100  # the first run did publish there
    assert "no_such_table" in outputs[1]  # the second was refused, naming what is wrong
    for text in outputs:
        assert SECRET not in text
    for path in project_copy.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
