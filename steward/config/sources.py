"""Source settings: where each source is read from and how its columns map onto the
canonical schema (the ``sources:`` of rules/sources.yaml and rules/demo_sources.yaml).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from steward.errors import ConfigError

__all__ = ["ColumnMapping", "SourceConfig", "confirmed_sources", "parse_sources", "resolve_sqlite_url"]


@dataclass(frozen=True)
class ColumnMapping:
    """One canonical field read from one source column, with an optional value map."""

    column: str
    values: dict[str, str] | None = None


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str  # csv | excel | sql
    path: Path | None = None
    url: str | None = None
    table: str | None = None
    query: str | None = None
    sheet: str | int | None = None
    delimiter: str = ","
    encoding: str | None = None  # None: detect with charset-normalizer
    default_country: str | None = None
    date_format: str | None = None  # date_of_birth; None means ISO 8601 only
    timestamp_format: str | None = None  # created_at / updated_at
    columns: dict[str, ColumnMapping] = field(default_factory=dict)
    config_file: Path | None = None
    # The source only records opt-ins that were confirmed (double opt-in flow), so
    # its "yes" counts as confirmed without a per-record double-opt-in flag.
    consent_confirmed: bool = False

    @property
    def location(self) -> str:
        """Where the data comes from, for error messages and UI metadata."""
        if self.kind == "sql":
            return f"{self.url} ({self.table or 'query'})"
        return str(self.path)


_KINDS = {"csv", "excel", "sql"}


def resolve_sqlite_url(url: str, base_dir: Path) -> str:
    # A relative sqlite path would silently resolve against whatever directory the
    # process started in; anchor it to the rules file's base directory instead.
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix:
        rel = url[len(prefix):]
        if not rel.startswith(":memory:"):
            return prefix + str((base_dir / rel).resolve())
    return url


def parse_sources(data: dict[str, Any], base_dir: Path, config_file: Path) -> dict[str, SourceConfig]:
    raw_sources = data.get("sources") or {}
    if not isinstance(raw_sources, dict):
        raise ConfigError(f"{config_file}: 'sources' must be a mapping of source name to settings")
    sources: dict[str, SourceConfig] = {}
    for name, spec in raw_sources.items():
        where = f"{config_file}: sources.{name}"
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: expected a mapping")
        if not str(name).isidentifier():
            raise ConfigError(f"{where}: source names must be identifiers (letters, digits, _)")
        kind = spec.get("kind")
        if kind not in _KINDS:
            raise ConfigError(f"{where}.kind: must be one of {sorted(_KINDS)}, got {kind!r}")
        columns: dict[str, ColumnMapping] = {}
        for canonical, mapped in (spec.get("columns") or {}).items():
            if isinstance(mapped, str):
                columns[canonical] = ColumnMapping(mapped)
            elif isinstance(mapped, dict) and "column" in mapped:
                values = mapped.get("values")
                columns[canonical] = ColumnMapping(
                    str(mapped["column"]),
                    {str(k).strip().casefold(): str(v) for k, v in values.items()} if values else None,
                )
            else:
                raise ConfigError(f"{where}.columns.{canonical}: give a column name or {{column:, values:}}")
        if "record_id" not in columns:
            raise ConfigError(f"{where}.columns: 'record_id' must be mapped (every record needs an id)")
        path = spec.get("path")
        url = spec.get("url")
        if kind in ("csv", "excel") and not path:
            raise ConfigError(f"{where}.path: required for kind {kind}")
        if kind == "sql" and (not url or not (spec.get("table") or spec.get("query"))):
            raise ConfigError(f"{where}: kind sql needs 'url' and 'table' or 'query'")
        consent_confirmed = spec.get("consent_confirmed", False)
        if not isinstance(consent_confirmed, bool):
            # "yes"/"no" strings or 1/0 are refused rather than guessed: a wrong guess
            # here would turn unconfirmed opt-ins into consent.
            raise ConfigError(f"{where}.consent_confirmed: must be true or false, got {consent_confirmed!r}")
        sources[name] = SourceConfig(
            name=name,
            kind=kind,
            path=(base_dir / path).resolve() if path else None,
            url=resolve_sqlite_url(os.path.expandvars(url), base_dir) if url else None,
            table=spec.get("table"),
            query=spec.get("query"),
            sheet=spec.get("sheet"),
            delimiter=spec.get("delimiter", ","),
            encoding=spec.get("encoding"),
            default_country=spec.get("default_country"),
            date_format=spec.get("date_format"),
            timestamp_format=spec.get("timestamp_format"),
            columns=columns,
            config_file=config_file,
            consent_confirmed=consent_confirmed,
        )
    return sources


def confirmed_sources(sources: dict[str, SourceConfig]) -> frozenset[str]:
    """Names of the sources declared ``consent_confirmed: true``: their opt-ins count as confirmed."""
    return frozenset(name for name, cfg in sources.items() if cfg.consent_confirmed)
