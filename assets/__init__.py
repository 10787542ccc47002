"""Thin Dagster asset and check definitions, one module per stage:
sources -> normalise -> match -> merge (+ validate) -> publish. The work is done
by the ``steward`` engine."""
