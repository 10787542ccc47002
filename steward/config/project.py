"""Loading the steward-editable rules (YAML under ``rules/``).

The project directory is where ``rules/`` and ``expectations/`` live. It is found,
in order, from an explicit argument, the ``STEWARD_PROJECT_DIR`` environment
variable, the current directory or one of its parents (the first that holds
``rules/matching.yaml``), and finally the checkout this package was installed from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROJECT_ENV_VAR = "STEWARD_PROJECT_DIR"


class ConfigError(ValueError):
    """A rules file is wrong; the message names the file and the key."""


def find_project_dir(explicit: str | os.PathLike | None = None) -> Path:
    if explicit:
        return Path(explicit).resolve()
    if os.environ.get(PROJECT_ENV_VAR):
        return Path(os.environ[PROJECT_ENV_VAR]).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "rules" / "matching.yaml").is_file():
            return candidate
    return Path(__file__).resolve().parents[2]


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


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


@dataclass(frozen=True)
class DemoSettings:
    out: Path
    entities: int
    seed: int


@dataclass(frozen=True)
class Project:
    """Everything a run needs to know about where things are."""

    root: Path

    @property
    def rules_dir(self) -> Path:
        return self.root / "rules"

    @property
    def expectations_dir(self) -> Path:
        return self.root / "expectations"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def default_crm_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'crm.sqlite'}"

    def demo_settings(self) -> DemoSettings:
        data = read_yaml(self.rules_dir / "sources.yaml")
        demo = data.get("demo") or {}
        return DemoSettings(
            out=(self.root / demo.get("out", "data/demo")).resolve(),
            entities=int(demo.get("entities", 2000)),
            seed=int(demo.get("seed", 42)),
        )

    def configured_sources(self) -> dict[str, SourceConfig]:
        path = self.rules_dir / "sources.yaml"
        return parse_sources(read_yaml(path), self.root, path)

    def uses_demo_sources(self) -> bool:
        return not self.configured_sources()

    def sources(self) -> dict[str, SourceConfig]:
        """The configured sources, or the demo sources when none are configured."""
        configured = self.configured_sources()
        if configured:
            return configured
        demo_file = self.rules_dir / "demo_sources.yaml"
        return parse_sources(read_yaml(demo_file), self.demo_settings().out, demo_file)

    def matching(self) -> dict[str, Any]:
        return read_yaml(self.rules_dir / "matching.yaml")

    def survivorship(self) -> dict[str, Any]:
        return read_yaml(self.rules_dir / "survivorship.yaml")

    def consent(self):
        """Consent and minors' rules from rules/consent.yaml, validated (defaults when the file is missing).

        Returns a ``steward.merge.consent.ConsentRules``; a wrong value raises ConfigError
        (a ValueError) naming the file and the key."""
        from steward.merge.consent import ConsentRules, parse_consent_rules

        path = self.rules_dir / "consent.yaml"
        if not path.is_file():
            return ConsentRules()
        return parse_consent_rules(read_yaml(path), path)

    def normalise_options(self) -> dict[str, Any]:
        """Options for steward.normalise.stage.normalise_contacts from rules/normalise.yaml (optional file)."""
        path = self.rules_dir / "normalise.yaml"
        data = read_yaml(path) if path.is_file() else {}
        email = data.get("email") or {}
        nicknames = self.rules_dir / "nicknames.csv"
        return {
            "check_deliverability": bool(email.get("check_deliverability", False)),
            "nickname_file": nicknames if nicknames.is_file() else None,
        }

    def erasure(self):
        """Where the erasure list lives and how it is hashed, from rules/erasure.yaml
        (optional file: without it, data/erasure_list.csv and $STEWARD_ERASURE_SALT).
        A steward.privacy.erasure.ErasureConfig; ConfigError naming the file and key if invalid."""
        # Imported here: steward.privacy.erasure imports this module.
        from steward.privacy.erasure import parse_erasure_config

        path = self.rules_dir / "erasure.yaml"
        return parse_erasure_config(read_yaml(path) if path.is_file() else {}, self.root, path)


def load_project(explicit: str | os.PathLike | None = None) -> Project:
    return Project(find_project_dir(explicit))
