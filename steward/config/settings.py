"""The settings of one run: every rules file of a project read and validated once, then handed
to every stage. A run never re-reads rules/ half-way (an edit while it runs would otherwise
split it between two configurations); the next run picks the edit up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from steward.config.consent import ConsentRules
from steward.config.erasure import ErasureConfig
from steward.config.project import Project
from steward.config.sources import SourceConfig, confirmed_sources


@dataclass(frozen=True)
class Settings:
    """``matching``/``survivorship``: rules/matching.yaml and rules/survivorship.yaml as
    validated mappings (the stages parse them into their own objects: MatchModel,
    BlockingRule, Survivorship); ``normalise``: options for the normalise stage;
    ``consent``/``erasure``: the consent rules and the erasure list's settings;
    ``sources``: the configured sources (or the demo's)."""

    matching: dict[str, Any]
    survivorship: dict[str, Any]
    normalise: dict[str, Any]
    consent: ConsentRules | None
    erasure: ErasureConfig | None
    sources: dict[str, SourceConfig]

    @property
    def confirmed_sources(self) -> frozenset[str]:
        """Sources declared ``consent_confirmed: true``: their opt-ins count as confirmed."""
        return confirmed_sources(self.sources)

    @classmethod
    def of(cls, matching: dict, survivorship: dict, normalise: dict | None = None,
           consent: ConsentRules | None = None, erasure: ErasureConfig | None = None) -> "Settings":
        """Settings from mappings (tests, notebooks, ``steward dedupe`` on plain files): no sources."""
        return cls(matching=matching, survivorship=survivorship, normalise=dict(normalise or {}), consent=consent,
                   erasure=erasure, sources={})


def load_settings(project: Project) -> Settings:
    """Every rules file of ``project``, read now (ConfigError names the file and key if one is wrong)."""
    return Settings(matching=project.matching(), survivorship=project.survivorship(),
                    normalise=project.normalise_options(), consent=project.consent(), erasure=project.erasure(),
                    sources=project.sources())
