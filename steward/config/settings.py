"""The settings of one run: every rules file of a project read and validated once, then handed
to every stage. A run never re-reads rules/ half-way (an edit while it runs would otherwise
split it between two configurations); the next run picks the edit up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from steward.config.consent import ConsentRules
from steward.config.erasure import ErasureConfig
from steward.config.matching import MatchingSettings, parse_matching
from steward.config.normalise import NormaliseOptions
from steward.config.project import Project
from steward.config.quality import load_quality_config, resolve_config
from steward.config.sources import SourceConfig, confirmed_sources
from steward.config.survivorship import Survivorship
from steward.errors import ConfigError


@dataclass(frozen=True)
class Settings:
    """``matching``: rules/matching.yaml (blocking, comparisons, thresholds, training);
    ``survivorship``: rules/survivorship.yaml; ``normalise``: options for the normalise stage;
    ``consent``/``erasure``: the consent rules and the erasure list's settings; ``sources``: the
    configured sources (or the demo's); ``quality``: rules/quality.yaml over the audit's defaults.
    Each parsed and checked when read."""

    matching: MatchingSettings
    survivorship: Survivorship
    normalise: NormaliseOptions
    consent: ConsentRules
    erasure: ErasureConfig | None
    sources: dict[str, SourceConfig]
    quality: Mapping[str, Any] = field(default_factory=lambda: resolve_config({}))

    @property
    def confirmed_sources(self) -> frozenset[str]:
        """Sources declared ``consent_confirmed: true``: their opt-ins count as confirmed."""
        return confirmed_sources(self.sources)

    @classmethod
    def of(cls, matching: MatchingSettings | Mapping, survivorship: Survivorship | Mapping,
           normalise: NormaliseOptions | Mapping | None = None, consent: ConsentRules | None = None,
           erasure: ErasureConfig | None = None) -> "Settings":
        """Settings from mappings or parsed settings (tests, notebooks, ``steward dedupe`` on plain
        files): no sources."""
        return cls(matching=parse_matching(matching), survivorship=Survivorship.of(survivorship),
                   normalise=NormaliseOptions.of(normalise), consent=consent or ConsentRules(), erasure=erasure,
                   sources={})


def survivorship_for(project: Project, sources: Mapping[str, SourceConfig]) -> Survivorship:
    """rules/survivorship.yaml, checked against the sources: a source_priority naming a source that is
    not configured is refused (its records would silently rank last). While the project runs on
    demo data and the file names no sources, the demo's own priority applies."""
    mapping = dict(project.survivorship())
    if project.uses_demo_sources() and not mapping.get("source_priority"):
        mapping["source_priority"] = project.demo_source_priority()
    survivorship = Survivorship(mapping)
    unknown = [name for name in survivorship.source_priority if name not in sources]
    if unknown:
        raise ConfigError(f"{project.rules_dir / 'survivorship.yaml'}: source_priority names {unknown}, which "
                          f"{'rules/demo_sources.yaml' if project.uses_demo_sources() else 'rules/sources.yaml'} does "
                          f"not configure; the sources are {sorted(sources)}")
    return survivorship


def load_settings(project: Project) -> Settings:
    """Every rules file of ``project``, read now (ConfigError names the file and key if one is wrong)."""
    sources = project.sources()
    return Settings(matching=parse_matching(project.matching()), survivorship=survivorship_for(project, sources),
                    normalise=NormaliseOptions.of(project.normalise_options()), consent=project.consent(),
                    erasure=project.erasure(), sources=sources,
                    quality=load_quality_config(project.rules_dir))
