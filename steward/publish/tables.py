"""The CRM's tables: their names and column types, and step 1 of a publish, the
schema: tables created if missing and columns added, never dropped or rewritten
(so a crash after it, or MariaDB committing DDL on its own, leaves every row as it was).

Text is LONGTEXT on MariaDB/MySQL: their TEXT holds 64 KB, and a longer value is refused
(strict mode) or cut to 65,535 bytes without a word (``sql_mode=''``). Text columns of an
older CRM are widened in place (``MODIFY ... LONGTEXT``, same character set and collation):
wider, never narrower, every value as it was."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from steward.publish.errors import PublishError

log = logging.getLogger(__name__)

GOLDEN_TABLE = "golden_contacts"
CROSSWALK_TABLE = "golden_crosswalk"
PUBLISH_LOG_TABLE = "publish_log"
LINEAGE_TABLE = "golden_lineage"
# Published column name -> the source's column name (steward.publish.names), one row per column.
COLUMNS_TABLE = "steward_columns"
COLUMNS_TABLE_COLUMNS = ["table_name", "source_name", "column_name", "published_at"]
# golden_contacts' one column for the extra_ columns of a source too wide for columns of their own.
EXTRAS_COLUMN = "extras_json"

# Row status in golden_contacts (the same words as steward.merge.identity's registry).
ACTIVE, MERGED, RETIRED = "active", "merged", "retired"
# Columns publish keeps in golden_contacts beside the golden record's own.
STATUS_COLUMNS = ["status", "merged_into", "published_at"]
# publish_log: one row per publish, in the same transaction as the data.
LOG_COLUMNS = ["published_at", "golden_rows", "crosswalk_rows", "lineage_rows", "inserted", "updated", "unchanged",
               "merged", "retired", "deleted", "removed", "refused"]

ID_LENGTH = 128  # golden ids are VARCHAR(128): a primary key on MariaDB/MySQL cannot be TEXT
NAME_LENGTH = 63  # PostgreSQL truncates longer identifiers (MySQL: 64)
ID_CHUNK = 500  # golden ids per ... WHERE golden_id IN (...)


def _id_type() -> sa.types.TypeEngine:
    # Binary collation on MariaDB/MySQL: golden ids differing in case are different ids.
    return sa.String(ID_LENGTH).with_variant(
        mysql.VARCHAR(ID_LENGTH, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")


def _text_type() -> sa.types.TypeEngine:
    return sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")


def _is_text(table: str, column: str) -> bool:
    """Does publish declare this column as (unbounded) text?"""
    if column in ("golden_id", "merged_into", "published_at") or table == PUBLISH_LOG_TABLE:
        return False
    if table == GOLDEN_TABLE and column == "status":
        return False
    return not (table == COLUMNS_TABLE and column in ("table_name", "column_name"))


def _column_type(table: str, column: str) -> sa.types.TypeEngine:
    if _is_text(table, column):
        return _text_type()
    if column in ("golden_id", "merged_into"):
        return _id_type()
    if table == GOLDEN_TABLE and column == "status":
        return sa.String(16)
    if column == "published_at":
        return sa.String(40)
    if table == PUBLISH_LOG_TABLE:
        return sa.BigInteger()
    return sa.String(NAME_LENGTH + 1)  # steward_columns' table and column names


def _table(name: str, columns: Iterable[str]) -> sa.Table:
    """The table with these columns, as publish declares it (key, defaults, character set)."""
    cols = []
    for c in columns:
        kw = {}
        if name == GOLDEN_TABLE and c == "golden_id":
            kw = {"primary_key": True, "nullable": False}
        elif name == GOLDEN_TABLE and c == "status":
            kw = {"server_default": ACTIVE}
        cols.append(sa.Column(c, _column_type(name, c), **kw))
    # utf8mb4 whatever the database's default character set (names in any script).
    return sa.Table(name, sa.MetaData(), *cols, mysql_charset="utf8mb4", mariadb_charset="utf8mb4")


def check_names(what: str, columns: list[str]) -> None:
    """Refuse column names a CRM database would truncate or confuse, before anything is written.
    (steward.publish.names maps every source name to one that passes.)"""
    bad = [c for c in columns if not isinstance(c, str) or not c or len(c) > NAME_LENGTH]
    if bad:
        raise PublishError(f"{what}: column names must be non-empty text of at most {NAME_LENGTH} characters: {bad}")
    if len({c.lower() for c in columns}) != len(columns):
        raise PublishError(f"{what}: duplicate column names (case-insensitively): {columns}")


def _has_unique_golden_id(inspector, table: str) -> bool:
    if inspector.get_pk_constraint(table).get("constrained_columns") == ["golden_id"]:
        return True
    return any(ix.get("unique") and ix.get("column_names") == ["golden_id"] for ix in inspector.get_indexes(table)) or any(
        uc.get("column_names") == ["golden_id"] for uc in inspector.get_unique_constraints(table))


def _ensure_table(conn: sa.Connection, name: str, columns: list[str]) -> list[str]:
    """Create the table if missing, add missing columns; return the table's columns afterwards."""
    conn.execute(sa.schema.CreateTable(_table(name, columns), if_not_exists=True))
    inspector = sa.inspect(conn)
    existing = [c["name"] for c in inspector.get_columns(name)]
    have = {c.lower() for c in existing}
    quote = conn.dialect.identifier_preparer.quote
    for column in columns:
        if column.lower() in have:
            continue
        col = _table(name, [column]).c[column]
        ddl = f"ALTER TABLE {quote(name)} ADD COLUMN {quote(column)} {col.type.compile(dialect=conn.dialect)}"
        if col.server_default is not None:
            ddl += f" DEFAULT '{ACTIVE}'"
        conn.exec_driver_sql(ddl)
        existing.append(column)
        log.info("added column %s.%s", name, column)
    if name == GOLDEN_TABLE and not _has_unique_golden_id(inspector, name):
        _add_golden_key(conn)
    if conn.dialect.name in ("mysql", "mariadb"):
        _widen_text(conn, name, existing)
    return existing


def _widen_text(conn: sa.Connection, name: str, columns: list[str]) -> None:
    """Text columns of an older CRM (TEXT: 64 KB) made LONGTEXT, with their character set,
    collation and nullability as they are, in one ALTER (MariaDB copies the table once)."""
    rows = conn.execute(sa.text(
        "SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_SET_NAME, COLLATION_NAME, IS_NULLABLE FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = :name"), {"name": name}).all()
    quote = conn.dialect.identifier_preparer.quote
    wanted = set(columns)
    narrow = [r for r in rows if r[0] in wanted and _is_text(name, r[0])
              and str(r[1]).lower() in ("tinytext", "text", "mediumtext")]
    if not narrow:
        return
    clauses = [f"MODIFY {quote(column)} LONGTEXT" + (f" CHARACTER SET {charset}" if charset else "")
               + (f" COLLATE {collation}" if collation else "") + (" NULL" if nullable == "YES" else " NOT NULL")
               for column, _type, charset, collation, nullable in narrow]
    conn.exec_driver_sql(f"ALTER TABLE {quote(name)} " + ", ".join(clauses))
    log.info("%s: widened %d text column(s) to LONGTEXT, e.g. %s", name, len(narrow), narrow[0][0])


def _add_golden_key(conn: sa.Connection) -> None:
    """A golden_contacts table from before upserts (no key): give golden_id its primary
    key (a unique index on SQLite, which cannot add one). One statement each, data unchanged."""
    dialect = conn.dialect.name
    quote = conn.dialect.identifier_preparer.quote
    table = quote(GOLDEN_TABLE)
    if dialect == "sqlite":
        conn.exec_driver_sql(f"CREATE UNIQUE INDEX IF NOT EXISTS {quote('ux_' + GOLDEN_TABLE + '_golden_id')} "
                             f"ON {table} (golden_id)")
    elif dialect in ("mysql", "mariadb"):
        conn.exec_driver_sql(f"ALTER TABLE {table} MODIFY golden_id VARCHAR({ID_LENGTH}) CHARACTER SET utf8mb4 "
                             f"COLLATE utf8mb4_bin NOT NULL, ADD PRIMARY KEY (golden_id)")
    else:
        conn.exec_driver_sql(f"ALTER TABLE {table} ALTER COLUMN golden_id SET NOT NULL, ADD PRIMARY KEY (golden_id)")
    log.info("%s: golden_id is now its key", GOLDEN_TABLE)


def ensure_schema(conn: sa.Connection, wanted: dict[str, list[str]]) -> dict[str, sa.Table]:
    """Every wanted table with at least the wanted columns; returns each table as it is now."""
    tables = {name: _table(name, _ensure_table(conn, name, columns)) for name, columns in wanted.items()}
    for name in (CROSSWALK_TABLE, LINEAGE_TABLE):
        # Deltas delete and read these by golden id.
        if name in tables and "golden_id" in tables[name].c:
            sa.Index(f"ix_{name}_golden_id", tables[name].c.golden_id).create(conn, checkfirst=True)
    return tables
