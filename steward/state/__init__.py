"""What the pipeline remembers between runs (review queue, decisions, golden ids)."""
