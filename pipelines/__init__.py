"""Dagster code location for crm-steward (Definitions, jobs, schedules, resources)."""
