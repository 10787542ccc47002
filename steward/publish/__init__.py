"""Stage 6, publish: golden records, crosswalk and lineage upserted into the CRM database."""
