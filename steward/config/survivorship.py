"""rules/survivorship.yaml as typed settings: which record supplies each golden field (valid
before invalid, source priority, most recent, most complete, most frequent), and which fields
are chosen together from one record (an address's parts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from steward.errors import ConfigError
from steward.schema import GOLDEN_FIELDS

WHERE = "rules/survivorship.yaml"
RULES = ("valid_first", "source_priority", "most_recent", "most_complete", "most_frequent")
DEFAULT_RULES = ["valid_first", "most_recent", "source_priority"]


class Survivorship:
    """The survivorship rules, checked: every rule name is known, every field a golden field (or a
    group). ``mapping``: the file as read (what a run's fingerprint is taken of)."""

    def __init__(self, config: Mapping[str, Any] | None = None):
        config = config or {}
        if not isinstance(config, Mapping):
            raise ConfigError(f"{WHERE}: expected a mapping at the top level")
        self.mapping = config
        self.source_priority: list[str] = list(config.get("source_priority") or [])
        self.default: list[str] = list(config.get("default") or DEFAULT_RULES)
        self.groups: dict[str, list[str]] = {k: list(v) for k, v in (config.get("groups") or {}).items()}
        self.fields: dict[str, list[str]] = {k: list(v) for k, v in (config.get("fields") or {}).items()}
        for name, rules in [("default", self.default), *self.fields.items()]:
            unknown = [r for r in rules if r not in RULES]
            if unknown:
                raise ConfigError(f"{WHERE}: {name}: unknown rule(s) {unknown}; use {list(RULES)}")
        grouped = {f for members in self.groups.values() for f in members}
        unknown_fields = [f for f in grouped | set(self.fields) if f not in GOLDEN_FIELDS and f not in self.groups]
        if unknown_fields:
            raise ConfigError(f"{WHERE}: unknown field(s) {unknown_fields}; fields are {GOLDEN_FIELDS}")

    @classmethod
    def of(cls, config: "Survivorship | Mapping[str, Any] | None") -> "Survivorship":
        return config if isinstance(config, Survivorship) else cls(config)

    def rules_for(self, field: str) -> list[str]:
        return self.fields.get(field, self.default)

    def units(self, extra_fields: list[str]) -> list[tuple[str, list[str]]]:
        """(unit name, fields) chosen together: address parts come from one record."""
        grouped = {f for members in self.groups.values() for f in members}
        units = [(name, members) for name, members in self.groups.items()]
        units += [(f, [f]) for f in GOLDEN_FIELDS + extra_fields if f not in grouped]
        return units
