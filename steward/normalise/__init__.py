"""Stage 2, normalise: one module per field family, and the stage that applies them to every record."""
