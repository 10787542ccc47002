"""Reviewer decisions on merge suggestions, and the review queue."""
