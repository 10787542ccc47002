"""One way through the pipeline: the run context and dedupe(context), used by the CLI, Dagster and tests."""
