"""One way through the pipeline: the run context and ``dedupe(ctx, records, quarantine)``
(``flow.py``), used by the CLI, the tests and the benchmarks; the Dagster assets call the same
stage functions (``stages.py``) one per asset."""

from steward.run.context import RunContext, Stewardship
from steward.run.flow import DedupeResult, dedupe
from steward.sources import combine_sources, load_all

__all__ = ["DedupeResult", "RunContext", "Stewardship", "combine_sources", "dedupe", "load_all"]
