"""Issue 19, C6 (wide): MariaDB refused a source with 1,000 extra columns (1,017 columns at most,
and ~200 text columns of 40 bytes fill its 8 KB row). golden_contacts keeps at most
MAX_GOLDEN_COLUMNS columns; further extra columns are stored as keys of one extras_json column,
recorded in steward_columns, found again by every later publish."""

from __future__ import annotations

import json

import pandas as pd

from steward.publish import GOLDEN_TABLE, publish, read_table

N_EXTRAS = 1_000
LIMIT = 150  # golden_contacts' columns at most (steward.publish.names.MAX_GOLDEN_COLUMNS)


def _wide(n_rows=3, extras=N_EXTRAS):
    data = {"golden_id": [f"G{i}" for i in range(n_rows)], "first_name": ["Ann", "Bob", "Cy"][:n_rows]}
    for j in range(extras):
        # 40 bytes each: the longest value MariaDB keeps inside the row (the worst case for its row size).
        data[f"extra_Field {j:04d}"] = [f"{i}-{j:04d}-".ljust(40, "x") if (i + j) % 5 else None for i in range(n_rows)]
    golden = pd.DataFrame(data)
    crosswalk = pd.DataFrame({"source": "wide", "record_id": [str(i) for i in range(n_rows)],
                              "golden_id": golden["golden_id"]})
    return golden, crosswalk


def _unpacked(url) -> pd.DataFrame:
    """golden_contacts with every source column back under its source name."""
    stored = read_table(url, GOLDEN_TABLE).set_index("golden_id").sort_index()
    columns = read_table(url, "steward_columns")
    columns = columns[columns["table_name"] == GOLDEN_TABLE]
    out = {}
    for source, column in zip(columns["source_name"], columns["column_name"]):
        if column == "extras_json":
            out[source] = [json.loads(v).get(source) if v is not None else None for v in stored["extras_json"]]
        elif source != "golden_id":
            out[source] = list(stored[column])
    return pd.DataFrame(out, index=stored.index)


def test_a_source_with_1000_extra_columns_is_published_whole(crm_url):
    golden, crosswalk = _wide()
    summary = publish(golden, crosswalk, crm_url)
    assert summary.inserted == 3
    stored = read_table(crm_url, GOLDEN_TABLE)
    assert len(stored.columns) <= LIMIT and "extras_json" in stored.columns
    packed = [s for s, c in summary.renamed.items() if c == "extras_json"]
    assert len(packed) == N_EXTRAS - (len(stored.columns) - 1 - 2 - 3)  # - json, golden_id/first_name, status
    # Every value is there, under its source name.
    expected = golden.set_index("golden_id").sort_index()
    pd.testing.assert_frame_equal(_unpacked(crm_url)[list(expected.columns)], expected.astype(object),
                                  check_dtype=False)
    # A rerun writes nothing; a changed packed value updates only its record.
    assert publish(golden, crosswalk, crm_url).unchanged == 3
    changed = golden.copy()
    changed.loc[1, packed[-1]] = "changed"
    summary = publish(changed, crosswalk, crm_url, only_ids=["G1"])
    assert (summary.updated, summary.unchanged) == (1, 0)
    assert _unpacked(crm_url).loc["G1", packed[-1]] == "changed"


def test_a_column_once_packed_stays_packed_and_a_new_one_follows(crm_url):
    golden, crosswalk = _wide(extras=LIMIT + 10)
    first = publish(golden, crosswalk, crm_url)
    grown = golden.assign(**{"extra_late arrival": ["a", None, "c"]})
    summary = publish(grown, crosswalk, crm_url)
    assert summary.renamed == {**first.renamed, "extra_late arrival": "extras_json"}
    assert (summary.updated, summary.unchanged) == (2, 1)
    assert list(_unpacked(crm_url)["extra_late arrival"]) == ["a", None, "c"]
