"""The project: where the steward-editable rules (YAML under ``rules/``) live, and one
method per rules file that reads it through its settings module (sources, consent, erasure).

The project directory is where ``rules/`` and ``expectations/`` live. It is found,
in order, from an explicit argument, the ``STEWARD_PROJECT_DIR`` environment
variable, the current directory or one of its parents (the first that holds
``rules/matching.yaml``), and finally the checkout this package was installed from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steward.config.consent import ConsentRules, parse_consent_rules
from steward.config.erasure import ErasureConfig, parse_erasure_config
from steward.config.sources import SourceConfig, parse_sources
from steward.config.yaml_files import read_yaml

__all__ = ["PROJECT_ENV_VAR", "DemoSettings", "Project", "find_project_dir", "load_project", "read_yaml"]

PROJECT_ENV_VAR = "STEWARD_PROJECT_DIR"


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
        return parse_sources(read_yaml(path), self.root, path, self.rules_dir)

    def uses_demo_sources(self) -> bool:
        return not self.configured_sources()

    def sources(self) -> dict[str, SourceConfig]:
        """The configured sources, or the demo sources when none are configured."""
        configured = self.configured_sources()
        if configured:
            return configured
        demo_file = self.rules_dir / "demo_sources.yaml"
        return parse_sources(read_yaml(demo_file), self.demo_settings().out, demo_file, self.rules_dir)

    def demo_source_priority(self) -> list[str]:
        """The demo's survivorship source order (rules/demo_sources.yaml ``source_priority``)."""
        return list(read_yaml(self.rules_dir / "demo_sources.yaml").get("source_priority") or [])

    def matching(self) -> dict[str, Any]:
        return read_yaml(self.rules_dir / "matching.yaml")

    def survivorship(self) -> dict[str, Any]:
        return read_yaml(self.rules_dir / "survivorship.yaml")

    def consent(self) -> ConsentRules:
        """Consent and minors' rules from rules/consent.yaml, validated (defaults when the file is missing).

        A wrong value raises ConfigError (a ValueError) naming the file and the key."""
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

    def erasure(self) -> ErasureConfig:
        """Where the erasure list lives and how it is hashed, from rules/erasure.yaml
        (optional file: without it, data/erasure_list.csv and $STEWARD_ERASURE_SALT).
        ConfigError naming the file and key if invalid."""
        path = self.rules_dir / "erasure.yaml"
        return parse_erasure_config(read_yaml(path) if path.is_file() else {}, self.root, path)


def load_project(explicit: str | os.PathLike | None = None) -> Project:
    return Project(find_project_dir(explicit))
