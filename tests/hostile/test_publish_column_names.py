"""Issue 19, C2: source column names of any text (`%`, a backtick, a newline, an emoji, 80
characters) are published under safe column names on SQLite, PostgreSQL and MariaDB; the
mapping is recorded in the CRM's steward_columns table and found again by every later publish
(full or incremental); no two source names end up in one column."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import sqlalchemy as sa

from steward.errors import StewardError
from steward.publish import GOLDEN_TABLE, crm_engine, publish, read_table

HOSTILE = ["extra_50%", "extra_a`b", "extra_a\nb", "extra_😀 fan", "extra_" + "long name " * 8, "extra_Customer Tier",
           "extra_a'b\"c", "extra_%(x)s", "extra_\x00nul"]
SAFE = re.compile(r"[a-z_][a-z0-9_]{0,62}\Z")


def _frames(columns, n=3):
    golden = pd.DataFrame({"golden_id": [f"G{i}" for i in range(n)], "first_name": ["Ann", "Bob", "Cy"][:n]})
    for j, name in enumerate(columns):
        golden[name] = [f"v{j}-{i}" for i in range(n)]
    crosswalk = pd.DataFrame({"source": "shop", "record_id": [str(i) for i in range(n)], "golden_id": golden["golden_id"]})
    return golden, crosswalk


def _columns(url, table=GOLDEN_TABLE):
    engine = crm_engine(url)
    with engine.connect() as conn:
        names = [c["name"] for c in sa.inspect(conn).get_columns(table)]
    engine.dispose()
    return names


def _mapping(url):
    rows = read_table(url, "steward_columns")
    rows = rows[rows["table_name"] == GOLDEN_TABLE]
    return dict(zip(rows["source_name"], rows["column_name"]))


def test_any_column_name_is_published_under_a_safe_recorded_name(crm_url):
    golden, crosswalk = _frames([*HOSTILE, "extra_vip"])
    summary = publish(golden, crosswalk, crm_url)
    assert summary.inserted == 3
    renamed = summary.renamed
    assert "extra_vip" not in renamed and "first_name" not in renamed  # safe names stay as they are
    assert set(renamed) == set(HOSTILE)
    assert all(SAFE.match(c) for c in renamed.values()), renamed
    assert len(set(renamed.values())) == len(HOSTILE)  # none folded into another
    assert renamed["extra_Customer Tier"].startswith("extra_customer_tier_")

    stored = read_table(crm_url, GOLDEN_TABLE).set_index("golden_id").sort_index()
    for j, name in enumerate(HOSTILE):
        assert list(stored[renamed[name]]) == [f"v{j}-{i}" for i in range(3)], name
    assert list(stored["extra_vip"]) == [f"v{len(HOSTILE)}-{i}" for i in range(3)]
    # The CRM says which source column each published column holds (a NUL spelt \x00).
    recorded = _mapping(crm_url)
    for name in HOSTILE:
        assert recorded[name.replace("\x00", "\\x00")] == renamed[name]
    assert recorded["extra_vip"] == "extra_vip"

    # A rerun finds every column again: nothing written, no column added, the same mapping.
    columns = _columns(crm_url)
    again = publish(golden, crosswalk, crm_url)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert again.renamed == renamed and _columns(crm_url) == columns and _mapping(crm_url) == recorded


def test_an_incremental_publish_writes_to_the_same_columns(crm_url):
    golden, crosswalk = _frames(HOSTILE)
    first = publish(golden, crosswalk, crm_url)
    columns = _columns(crm_url)
    changed = golden.copy()
    changed.loc[1, "extra_50%"] = "changed"
    changed.loc[1, "extra_😀 fan"] = None
    summary = publish(changed, crosswalk, crm_url, only_ids=["G1"])
    assert (summary.updated, summary.inserted) == (1, 0)
    assert _columns(crm_url) == columns
    stored = read_table(crm_url, GOLDEN_TABLE).set_index("golden_id")
    assert stored.loc["G1", first.renamed["extra_50%"]] == "changed"
    assert stored.loc["G1", first.renamed["extra_😀 fan"]] is None
    assert stored.loc["G0", first.renamed["extra_50%"]] == "v0-0"


def test_names_alike_are_never_folded_into_one_column(crm_url):
    names = ["extra_VIP", "extra_vip", "extra_a b", "extra_a_b", "extra_a-b", "extra_A B"]
    golden, crosswalk = _frames(names)
    summary = publish(golden, crosswalk, crm_url)
    published = {name: summary.renamed.get(name, name) for name in names}
    assert len({c.lower() for c in published.values()}) == len(names)
    stored = read_table(crm_url, GOLDEN_TABLE).set_index("golden_id").sort_index()
    for j, name in enumerate(names):
        assert list(stored[published[name]]) == [f"v{j}-{i}" for i in range(3)], name

    # A later source whose name looks like another's published one gets a column of its own.
    later = golden.assign(**{published["extra_VIP"]: ["x", "y", "z"]})
    summary = publish(later, crosswalk, crm_url)
    assert summary.renamed.get(published["extra_VIP"]) not in (None, published["extra_VIP"])
    stored = read_table(crm_url, GOLDEN_TABLE).set_index("golden_id").sort_index()
    assert list(stored[published["extra_VIP"]]) == ["v0-0", "v0-1", "v0-2"]


def test_a_clash_no_name_can_resolve_is_refused_before_anything_is_written(tmp_path):
    """Only names made to look like another's hashed names get here: refused, naming both."""
    from steward.publish.names import hashed_name  # (here: the module is new with issue 19)

    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    lookalikes = [hashed_name("extra_Tier", digits) for digits in (8, 12, 16)]
    for order in ([*lookalikes, "extra_Tier"], ["extra_Tier", *lookalikes]):  # whatever the column order
        golden, crosswalk = _frames(order)
        with pytest.raises(StewardError, match=r"golden_contacts: columns .* and 'extra_Tier' would both be published"):
            publish(golden, crosswalk, url)
    assert read_table(url, GOLDEN_TABLE) is None


def test_an_older_crm_keeps_its_columns_and_records_them(crm_url):
    """A CRM published before the mapping existed has `extra_Customer Tier` as a column: it is
    used as it is (programs reading it do not break) and recorded."""
    golden, crosswalk = _frames(["extra_Customer Tier"])
    engine = crm_engine(crm_url)
    quote = engine.dialect.identifier_preparer.quote
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE golden_contacts (golden_id VARCHAR(128) PRIMARY KEY, first_name TEXT, "
                             f"{quote('extra_Customer Tier')} TEXT)")
    engine.dispose()
    summary = publish(golden, crosswalk, crm_url)
    assert summary.renamed == {} and summary.inserted == 3
    assert "extra_Customer Tier" in _columns(crm_url) and len(_columns(crm_url)) == 3 + 3  # + status columns
    assert _mapping(crm_url)["extra_Customer Tier"] == "extra_Customer Tier"
    stored = read_table(crm_url, GOLDEN_TABLE).set_index("golden_id").sort_index()
    assert list(stored["extra_Customer Tier"]) == ["v0-0", "v0-1", "v0-2"]


def test_refused_names_are_a_steward_error_naming_them(tmp_path):
    golden, crosswalk = _frames(["extra_x"])
    golden.columns = [*golden.columns[:-1], 7]  # not text
    with pytest.raises(StewardError, match="golden_contacts: column names must be text"):
        publish(golden, crosswalk, f"sqlite:///{tmp_path / 'crm.sqlite'}")


def test_a_column_added_by_a_killed_publish_is_taken_up_by_the_next(tmp_path):
    """The schema step commits on its own (MariaDB always): a publish killed after it leaves the new
    column with no steward_columns row. The next publish uses that column, as a clean run would."""
    from steward.publish.names import hashed_name  # (here: the module is new with issue 19)

    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    golden, crosswalk = _frames([])
    publish(golden, crosswalk, url)
    column = hashed_name("extra_50%")
    engine = crm_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'ALTER TABLE golden_contacts ADD COLUMN "{column}" TEXT')
    engine.dispose()
    golden, crosswalk = _frames(["extra_50%"])
    summary = publish(golden, crosswalk, url)
    assert summary.renamed == {"extra_50%": column} and summary.updated == 3
    assert column in _columns(url) and len(_columns(url)) == 2 + 3 + 1
