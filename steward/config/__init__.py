"""Settings: every rules file parsed and validated; imports nothing above it."""

from steward.config.project import (ColumnMapping, ConfigError, DemoSettings, Project, SourceConfig,
                                    find_project_dir, load_project, parse_sources, read_yaml,
                                    resolve_sqlite_url)

__all__ = ["ColumnMapping", "ConfigError", "DemoSettings", "Project", "SourceConfig", "find_project_dir",
           "load_project", "parse_sources", "read_yaml", "resolve_sqlite_url"]
