"""Stage 1, sources: exports and databases read into the canonical schema, unusable rows quarantined."""
