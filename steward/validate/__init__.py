"""Stage 5, validate: Great Expectations suites run on frames."""
