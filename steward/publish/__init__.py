"""Stage 6, publish: golden records, crosswalk and lineage upserted into the CRM database.

The rooms, in the order a publish goes through them:

* ``crm``: the entry point, ``publish`` (and ``read_table``)
* ``text``: the input as text (str or None), as the CRM stores it
* ``connection``: the engine and the lock that lets one publish write at a time
* ``tables``: table names and column types; step 1, the additive-only schema
* ``reading``: the CRM's rows read back inside the data transaction
* ``plan``: which golden rows to insert, update, mark merged or retired, or delete
* ``writer``: step 2's writes in chunks, watched by an optional ``PublishObserver``
"""

from steward.publish.connection import crm_engine
from steward.publish.crm import PublishSummary, publish, read_table
from steward.publish.tables import CROSSWALK_TABLE, GOLDEN_TABLE, LINEAGE_TABLE, PUBLISH_LOG_TABLE
from steward.publish.writer import PublishObserver

__all__ = ["CROSSWALK_TABLE", "GOLDEN_TABLE", "LINEAGE_TABLE", "PUBLISH_LOG_TABLE", "PublishObserver",
           "PublishSummary", "crm_engine", "publish", "read_table"]
