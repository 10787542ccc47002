"""Erasure requests: hashed identifiers, every record of an erased person suppressed on every run."""
