"""Stage 4, merge: golden records by survivorship, stable golden ids, consent per channel."""
