"""Stage 6, publish: golden records, crosswalk and lineage upserted into the CRM database.

The rooms, in the order a publish goes through them:

* ``crm``: the entry point, ``publish`` (and ``read_table``)
* ``text``: the input as text (str or None), as the CRM stores it
* ``connection``: the engine and the lock that lets one publish write at a time
* ``tables``: table names and column types; step 1, the additive-only schema
* ``reading``: the CRM's rows read back inside the data transaction
* ``plan``: which golden rows to insert, update, mark merged or retired, or delete
* ``writer``: step 2's writes in chunks, watched by an optional ``PublishObserver``
* ``names``: source column names of any text published under safe names (``steward_columns``)
* ``refusals``: values no CRM can store (NUL), refused one golden record at a time
* ``errors``: ``PublishError`` and ``CrmError`` (a database failure, its URL without the password)
"""

from steward.publish.connection import crm_engine
from steward.publish.crm import PublishSummary, publish, read_table
from steward.publish.errors import CrmError, PublishError
from steward.publish.refusals import RefusedRow
from steward.publish.tables import (COLUMNS_TABLE, CROSSWALK_TABLE, EXTRAS_COLUMN, GOLDEN_TABLE, LINEAGE_TABLE,
                                    PUBLISH_LOG_TABLE)
from steward.publish.writer import PublishObserver

__all__ = ["COLUMNS_TABLE", "CROSSWALK_TABLE", "EXTRAS_COLUMN", "GOLDEN_TABLE", "LINEAGE_TABLE", "PUBLISH_LOG_TABLE",
           "CrmError", "PublishError", "PublishObserver", "PublishSummary", "RefusedRow", "crm_engine", "publish",
           "read_table"]
