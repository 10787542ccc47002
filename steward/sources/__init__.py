"""Stage 1, sources: exports and databases read into the canonical schema, unusable rows quarantined.

``load.py`` reads one source (CSV, Excel, SQL) and maps it; ``combine.py`` loads them all."""

from steward.sources.combine import combine_sources, load_all
from steward.sources.load import LoadedSource, SourceError, load_source

__all__ = ["LoadedSource", "SourceError", "combine_sources", "load_all", "load_source"]
