"""Settings: every rules file parsed and validated; imports nothing above it.

One module per rules file (sources, consent, erasure), ``project`` that finds the
project directory and reads each file through them, and ``settings``: all of them
read once for a run.
"""

from steward.config.consent import DEFAULT_AGE_BANDS, AgeBand, ConsentRules, parse_consent_rules
from steward.config.erasure import ErasureConfig, parse_erasure_config
from steward.config.matching import BlockingSettings, ComparisonSpec, MatchingSettings, Thresholds, parse_matching
from steward.config.normalise import NormaliseOptions
from steward.config.project import DemoSettings, Project, find_project_dir, load_project, read_yaml
from steward.config.settings import Settings, load_settings
from steward.config.survivorship import Survivorship
from steward.config.sources import ColumnMapping, SourceConfig, confirmed_sources, parse_sources, resolve_sqlite_url
from steward.errors import ConfigError

__all__ = ["DEFAULT_AGE_BANDS", "AgeBand", "BlockingSettings", "ComparisonSpec", "MatchingSettings", "NormaliseOptions",
           "Survivorship", "Thresholds", "parse_matching", "ColumnMapping", "ConfigError", "ConsentRules", "DemoSettings",
           "ErasureConfig", "Project", "Settings", "SourceConfig", "confirmed_sources", "find_project_dir",
           "load_project", "load_settings", "parse_consent_rules", "parse_erasure_config", "parse_sources", "read_yaml",
           "resolve_sqlite_url"]
