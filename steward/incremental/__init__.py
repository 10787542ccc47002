"""Nightly incremental runs: the snapshot a run leaves, change detection, the affected region."""
