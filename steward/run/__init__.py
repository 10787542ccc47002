"""One way through the pipeline: the run context and ``dedupe(ctx, records, quarantine)``, used by
the CLI, the tests and the benchmarks; the Dagster assets call the same stages one per asset."""

from steward.run.context import RunContext, Stewardship
from steward.run.dedupe import DedupeResult, combine_sources, dedupe, load_all

__all__ = ["DedupeResult", "RunContext", "Stewardship", "combine_sources", "dedupe", "load_all"]
