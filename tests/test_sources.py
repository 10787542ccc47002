"""Loading sources: mapping, value maps, dates, quarantine with file/row/field/reason."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest
import sqlalchemy as sa

from steward.config import ConfigError, parse_sources
from steward.sources.load import SourceError, canonical_csv_sources, load_source
from steward.run import load_all


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


# --------------------------------------------------------------------------------------
# Consent per channel: phone opt-in, double-opt-in flags, consent date, consent_confirmed
# --------------------------------------------------------------------------------------


def test_consent_columns_are_mapped_and_the_consent_date_parsed(tmp_path):
    (tmp_path / "shop.csv").write_text(
        "id;Last;News;News DOI;SMS;SMS DOI;Consent at\n"
        "1;Lee;yes;confirmed;no;;01.02.2024 10:00\n"
        "2;Ray;yes;pending;yes;confirmed;\n"
        "3;Kim;;;maybe;;31.02.2024 09:00\n"
    )
    cfg = _config(tmp_path, """
        sources:
          shop:
            kind: csv
            path: shop.csv
            delimiter: ";"
            timestamp_format: "%d.%m.%Y %H:%M"
            consent_confirmed: true
            columns:
              record_id: id
              last_name: Last
              email_opt_in: {column: News, values: {"yes": "yes", "no": "no"}}
              email_double_opt_in: {column: News DOI, values: {"confirmed": "yes", "pending": "no"}}
              phone_opt_in: {column: SMS, values: {"yes": "yes", "no": "no", "maybe": "unknown"}}
              phone_double_opt_in: {column: SMS DOI, values: {"Confirmed": "yes"}}
              consent_updated_at: Consent at
    """)["shop"]
    assert cfg.consent_confirmed is True
    rec = load_source(cfg).records.set_index("record_id")
    assert rec["email_opt_in"].tolist() == ["yes", "yes", "unknown"]
    assert rec["email_double_opt_in"].tolist() == ["yes", "no", "unknown"]
    assert rec["phone_opt_in"].tolist() == ["no", "yes", "unknown"]  # "maybe" is mapped to unknown
    assert rec["phone_double_opt_in"].tolist() == ["unknown", "yes", "unknown"]  # keys compare case-folded
    # The consent date is read with the source's timestamp_format, like updated_at.
    assert rec.loc["1", "consent_updated_at"] == "2024-02-01T10:00:00"
    assert pd.isna(rec.loc["2", "consent_updated_at"])
    # 31 February: dropped and reported with the original text, never guessed.
    assert pd.isna(rec.loc["3", "consent_updated_at"])
    assert "consent_updated_at:impossible_date(31.02.2024 09:00)" in rec.loc["3", "date_issues"]


def test_unmapped_consent_columns_are_unknown(tmp_path):
    (tmp_path / "s.csv").write_text("id,last\n1,Lee\n")
    cfg = _config(tmp_path, "sources:\n  s: {kind: csv, path: s.csv, columns: {record_id: id, last_name: last}}\n")["s"]
    assert cfg.consent_confirmed is False  # the default: opt-ins need a flag to count as confirmed
    rec = load_source(cfg).records.iloc[0]
    for column in ("email_opt_in", "phone_opt_in", "email_double_opt_in", "phone_double_opt_in"):
        assert rec[column] == "unknown", column
    assert pd.isna(rec["consent_updated_at"])


@pytest.mark.parametrize("value", ['"yes"', "1", "'true'"])
def test_consent_confirmed_must_be_true_or_false(tmp_path, value):
    with pytest.raises(ConfigError, match=r"sources\.yaml: sources\.s\.consent_confirmed: Input should be a valid boolean"):
        _config(tmp_path, f"sources:\n  s: {{kind: csv, path: s.csv, consent_confirmed: {value}, columns: {{record_id: id}}}}\n")


def test_sql_opt_out_flags_map_per_channel(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'crm.sqlite'}")
    pd.DataFrame({"ID": [1, 2], "LNAME": ["Lee", "Ray"], "OPT_OUT": [1, 0], "PHONE_OPT_OUT": [0, 1]}).to_sql(
        "contacts", engine, index=False)
    engine.dispose()
    cfg = _config(tmp_path, """
        sources:
          crm:
            kind: sql
            url: "sqlite:///crm.sqlite"
            table: contacts
            columns:
              record_id: ID
              last_name: LNAME
              email_opt_in: {column: OPT_OUT, values: {"1": "no", "0": "unknown"}}
              phone_opt_in: {column: PHONE_OPT_OUT, values: {1: "no", 0: "unknown"}}
    """)["crm"]
    rec = load_source(cfg).records.set_index("record_id")
    assert rec["email_opt_in"].tolist() == ["no", "unknown"]
    assert rec["phone_opt_in"].tolist() == ["unknown", "no"]


def test_canonical_csv_carries_the_consent_columns(tmp_path):
    (tmp_path / "c.csv").write_text(
        "source,record_id,last_name,email_opt_in,phone_opt_in,email_double_opt_in,phone_double_opt_in,consent_updated_at\n"
        "shop,1,Lee,yes,no,yes,unknown,2024-02-01T10:00:00\n"
    )
    records, quarantine = load_all({c.name: c for c in canonical_csv_sources([tmp_path / "c.csv"])})
    rec = records.iloc[0]
    assert (rec["email_opt_in"], rec["phone_opt_in"], rec["email_double_opt_in"], rec["phone_double_opt_in"]) == (
        "yes", "no", "yes", "unknown")
    assert rec["consent_updated_at"] == "2024-02-01T10:00:00"
    assert quarantine.empty


def test_dates_are_written_as_strftime_writes_them():
    """ISO dates and timestamps are written by numpy (fast); the text must be strftime's."""
    from steward.sources.load import ISO_DATE, ISO_TIMESTAMP, _written

    stamps = pd.Series(pd.to_datetime(["2020-01-02 03:04:05", None, "1905-12-31 23:59:59", "2026-02-28 00:00:00"]))
    for fmt in (ISO_DATE, ISO_TIMESTAMP, "%d.%m.%Y %H:%M"):
        assert list(_written(stamps, fmt)) == [ts.strftime(fmt) if pd.notna(ts) else None for ts in stamps]


# -- dates in a source's own format, not declared ---------------------------------------------------

@pytest.mark.parametrize("values, expected", [
    # a day above 12 settles day first ...
    (["25/09/1988", "03/04/1990"], ["1988-09-25", "1990-04-03"]),
    # ... or month first
    (["06/24/1969", "03/04/1990"], ["1969-06-24", "1990-03-04"]),
    # dotted dates are day first; ISO values stay as they are beside them
    (["19.07.1994", "01.02.1980", "1975-05-06"], ["1994-07-19", "1980-02-01", "1975-05-06"]),
    (["12-31-1999", "01-02-2000"], ["1999-12-31", "2000-01-02"]),
])
def test_undeclared_date_formats_are_read_when_the_values_settle_them(tmp_path, values, expected):
    path = tmp_path / "people.csv"
    pd.DataFrame({"record_id": [str(i) for i in range(len(values))], "first_name": "Ann",
                  "date_of_birth": values}).to_csv(path, index=False)
    records, _ = load_all({c.name: c for c in canonical_csv_sources([path])})
    assert records["date_of_birth"].tolist() == expected
    assert (records["date_issues"] == "").all()


def test_undecidable_day_month_order_is_reported_not_guessed(tmp_path, caplog):
    path = tmp_path / "people.csv"
    pd.DataFrame({"record_id": ["1", "2", "3"], "first_name": "Ann",
                  "date_of_birth": ["03/04/1990", "01/02/1980", "1975-05-06"]}).to_csv(path, index=False)
    with caplog.at_level("WARNING", logger="steward.sources"):
        records, _ = load_all({c.name: c for c in canonical_csv_sources([path])})
    assert records["date_of_birth"].tolist()[2] == "1975-05-06"
    assert records["date_of_birth"].iloc[:2].isna().all()
    # Nothing is lost: the value stays in the record's date issues, and the warning names source and examples.
    assert records["date_issues"].iloc[0] == "date_of_birth:ambiguous_date(03/04/1990)"
    assert "declare date_format" in caplog.text and "03/04/1990" in caplog.text and "'people'" in caplog.text


def test_each_source_in_one_file_keeps_its_own_date_convention(tmp_path):
    path = tmp_path / "all.csv"
    pd.DataFrame({"record_id": ["1", "2", "3", "4"], "source": ["uk", "uk", "us", "us"], "first_name": "Ann",
                  "date_of_birth": ["25/09/1988", "03/04/1990", "06/24/1969", "03/04/1990"]}).to_csv(path, index=False)
    records, _ = load_all({c.name: c for c in canonical_csv_sources([path])})
    assert records["date_of_birth"].tolist() == ["1988-09-25", "1990-04-03", "1969-06-24", "1990-03-04"]


def test_a_declared_date_format_still_wins(tmp_path):
    # (12/31 fits month-first only: with it, no other format reads every value. When one does,
    # the declared format is refused instead: test_source_settings, the misread-dates test.)
    (tmp_path / "people.csv").write_text("id,first,dob\n1,Ann,03/04/1990\n2,Bo,25/09/1988\n3,Cy,12/31/1985\n")
    config = tmp_path / "sources.yaml"
    config.write_text(textwrap.dedent("""
        sources:
          people:
            kind: csv
            path: people.csv
            date_format: "%m/%d/%Y"
            columns: {record_id: id, first_name: first, date_of_birth: dob}
    """))
    import yaml

    sources = parse_sources(yaml.safe_load(config.read_text()), tmp_path, config)
    records, _ = load_all(sources)
    assert records["date_of_birth"].tolist()[0] == "1990-03-04"  # month first, as declared
    assert records["date_of_birth"].isna().tolist()[1]  # 25 is no month: invalid, not re-guessed
    assert "impossible_date" in records["date_issues"].iloc[1] or "unparseable_date" in records["date_issues"].iloc[1]
