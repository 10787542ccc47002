"""What crm-steward remembers between runs, in one small database.

- ``steward_review_queue``: the merge suggestions of the latest run (what a
  reviewer may decide on; anything else is unknown or stale),
- ``steward_review_decisions``: every reviewer decision, append-only: the merge
  audit log, and the must-/cannot-links every later run honours,
- ``steward_golden_crosswalk`` and ``steward_golden_ids``: the previous run's
  record -> golden id map and the id registry, so golden ids stay stable.

Embedded default: a SQLite file under the project's ``data/``; any SQLAlchemy URL
works (PostgreSQL/MariaDB when the CRM team has one). Plain pandas + SQLAlchemy:
no Dagster here.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

log = logging.getLogger("steward.state.store")

REVIEW_QUEUE = "steward_review_queue"
REVIEW_DECISIONS = "steward_review_decisions"
GOLDEN_CROSSWALK = "steward_golden_crosswalk"
GOLDEN_IDS = "steward_golden_ids"
GOLDEN_ID_EVENTS = "steward_golden_id_events"


def sqlite_url(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def default_state_url(data_dir: Path) -> str:
    """The embedded default: ``data/steward_state.sqlite`` beside the CRM file."""
    return sqlite_url(Path(data_dir) / "steward_state.sqlite")


class StateStore:
    """Read whole tables, replace them or append to them, each in one transaction."""

    def __init__(self, url: str):
        self.url = url
        self.engine = sa.create_engine(url, future=True)

    def __repr__(self) -> str:
        return f"StateStore({self.engine.url.render_as_string(hide_password=True)})"

    def has(self, table: str) -> bool:
        return sa.inspect(self.engine).has_table(table)

    def read(self, table: str, columns: list[str] | None = None) -> pd.DataFrame:
        """The table, or an empty frame with ``columns`` when it does not exist yet."""
        if not self.has(table):
            return pd.DataFrame({c: pd.Series(dtype=object) for c in columns or []})
        with self.engine.connect() as conn:
            frame = pd.read_sql_table(table, conn)
        return frame

    def replace(self, table: str, frame: pd.DataFrame) -> None:
        with self.engine.begin() as conn:
            frame.to_sql(table, conn, if_exists="replace", index=False)

    def append(self, table: str, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        with self.engine.begin() as conn:
            frame.to_sql(table, conn, if_exists="append", index=False)

    def dispose(self) -> None:
        self.engine.dispose()
