"""Loading sources: mapping, value maps, dates, quarantine with file/row/field/reason."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest
import sqlalchemy as sa

from steward.config import ConfigError, parse_sources
from steward.sources import SourceError, canonical_csv_sources, load_source
from steward.pipeline import load_all


def _config(tmp_path, body: str):
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent(body))
    import yaml

    return parse_sources(yaml.safe_load(path.read_text()), tmp_path, path)


def test_csv_mapping_value_map_dates_and_extras(tmp_path):
    (tmp_path / "shop.csv").write_text(
        "id;First;Last;Mail;Born;Changed;News;tier\n"
        "1;Ann;Lee;ann@example.com;31/01/1990;2024-05-01 10:00:00;Y;gold\n"
        "2;Bob;Ray;bob@example.com;31/02/1990;2024-05-02 11:00:00;N;\n"
    )
    cfg = _config(tmp_path, """
        sources:
          shop:
            kind: csv
            path: shop.csv
            delimiter: ";"
            date_format: "%d/%m/%Y"
            timestamp_format: "%Y-%m-%d %H:%M:%S"
            columns:
              record_id: id
              first_name: First
              last_name: Last
              email: Mail
              date_of_birth: Born
              updated_at: Changed
              email_opt_in: {column: News, values: {"y": "yes", "n": "no"}}
    """)["shop"]
    loaded = load_source(cfg)
    rec = loaded.records.set_index("record_id")
    assert rec.loc["1", "date_of_birth"] == "1990-01-31"
    assert rec.loc["1", "updated_at"] == "2024-05-01T10:00:00"
    assert rec.loc["1", "email_opt_in"] == "yes" and rec.loc["2", "email_opt_in"] == "no"
    # 31 February is impossible: value dropped, the original kept in the issue text.
    assert pd.isna(rec.loc["2", "date_of_birth"])
    assert "31/02/1990" in rec.loc["2", "date_issues"]
    assert rec.loc["1", "extra_tier"] == "gold"  # unknown columns are kept
    assert set(rec["source"]) == {"shop"}


def test_broken_rows_are_quarantined_with_row_and_reason(tmp_path):
    (tmp_path / "s.csv").write_text(
        "id,first,last,email\n"
        "1,Ann,Lee,ann@example.com\n"
        ",Nobody,Knows,no-id@example.com\n"
        "1,Ann,Again,dup@example.com\n"
        "3,,,\n"
        "4,Too,Many,fields,here\n"
        "5,Eve,Stone,eve@example.com\n"
    )
    cfg = _config(tmp_path, """
        sources:
          s: {kind: csv, path: s.csv, columns: {record_id: id, first_name: first, last_name: last, email: email}}
    """)["s"]
    loaded = load_source(cfg)
    assert sorted(loaded.records["record_id"]) == ["1", "5"]
    q = loaded.quarantine.set_index("row")
    assert "malformed line" in q.loc[6, "reason"]
    assert q.loc[3, "reason"] == "missing record_id" and q.loc[3, "field"] == "record_id"
    assert "duplicate record_id '1'" in q.loc[4, "reason"] and "row 2" in q.loc[4, "reason"]
    assert "no name, email or phone" in q.loc[5, "reason"]
    assert set(q["location"]) == {str(tmp_path / "s.csv")}
    # Nothing lost: every data line is either a record or quarantined.
    assert len(loaded.records) + len(loaded.quarantine) == 6 == loaded.raw_row_count


def test_excel_and_sql_sources(tmp_path):
    frame = pd.DataFrame({"ID": [10, 11], "Name": ["Dr. Jane Doe", "Smith, John"], "Mail": ["j@x.org", None]})
    frame.to_excel(tmp_path / "events.xlsx", sheet_name="Signups", index=False)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'crm.sqlite'}")
    frame.rename(columns={"Name": "FNAME"}).to_sql("contacts", engine, index=False)
    engine.dispose()
    cfgs = _config(tmp_path, """
        sources:
          events: {kind: excel, path: events.xlsx, sheet: Signups, columns: {record_id: ID, full_name: Name, email: Mail}}
          legacy: {kind: sql, url: "sqlite:///crm.sqlite", table: contacts, columns: {record_id: ID, first_name: FNAME}}
    """)
    records, quarantine = load_all(cfgs)
    events = records[records["source"] == "events"].set_index("record_id")
    assert events.loc["10", "first_name"] == "Jane" and events.loc["10", "last_name"] == "Doe"
    assert events.loc["11", "first_name"] == "John" and events.loc["11", "last_name"] == "Smith"
    assert sorted(records.loc[records["source"] == "legacy", "record_id"]) == ["10", "11"]
    assert quarantine.empty


def test_config_errors_name_file_and_key(tmp_path):
    with pytest.raises(ConfigError, match=r"sources\.yaml: sources\.bad\.kind"):
        _config(tmp_path, "sources:\n  bad: {kind: parquet, path: x, columns: {record_id: id}}\n")
    with pytest.raises(ConfigError, match="record_id"):
        _config(tmp_path, "sources:\n  bad: {kind: csv, path: x.csv, columns: {email: mail}}\n")


def test_unmapped_column_names_source_and_available_columns(tmp_path):
    (tmp_path / "a.csv").write_text("id,mail\n1,a@b.com\n")
    cfg = _config(tmp_path, "sources:\n  a: {kind: csv, path: a.csv, columns: {record_id: id, email: e_mail}}\n")["a"]
    with pytest.raises(SourceError, match=r"'e_mail'.*has \['id', 'mail'\]"):
        load_source(cfg)


def test_canonical_csv_may_carry_several_sources(tmp_path):
    (tmp_path / "all.csv").write_text("source,record_id,first_name,email\nshop,1,Ann,a@x.com\ncrm,1,Ann,a@x.com\n")
    records, quarantine = load_all({c.name: c for c in canonical_csv_sources([tmp_path / "all.csv"])})
    assert sorted(records["source"]) == ["crm", "shop"]  # same id in two sources is not a duplicate
    assert quarantine.empty


def test_non_utf8_file_is_detected(tmp_path):
    (tmp_path / "w.csv").write_bytes("id;name\n1;Müller\n2;François\n".encode("cp1252"))
    cfg = _config(tmp_path, "sources:\n  w: {kind: csv, path: w.csv, delimiter: ';', columns: {record_id: id, last_name: name}}\n")["w"]
    assert list(load_source(cfg).records["last_name"]) == ["Müller", "François"]
