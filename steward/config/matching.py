"""rules/matching.yaml as typed settings: blocking rules, thresholds, the prior, training and
clustering options, and one spec per comparison. Parsed and checked once, when a run's settings
are read; the match stage builds its objects from them (``BlockingRule``, ``MatchModel``).

What a comparison kind accepts besides ``name``, ``kind``, ``term_frequency``, ``m`` and ``u``
depends on the kind, so those options stay a mapping here and the comparison library checks
them (steward.match.comparisons.build_comparison)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from steward.errors import ConfigError

WHERE = "rules/matching.yaml"
SECTIONS = ("blocking", "comparisons", "thresholds", "prior_match_probability", "training", "clustering", "moves")
DEFAULT_MAX_BLOCK_SIZE = 100
DEFAULT_PRIOR = 0.01


@dataclass(frozen=True)
class BlockingSettings:
    """Each rule: the columns whose values two records must share to be compared."""

    rules: tuple[tuple[str, ...], ...]
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE


@dataclass(frozen=True)
class Thresholds:
    """Pairs at or above ``match`` are merged; between ``review`` and ``match`` a person decides."""

    match: float = 0.95
    review: float = 0.5


@dataclass(frozen=True)
class ComparisonSpec:
    """One comparison: its name and kind, whether its agreement is weighed by how rare the value
    is, m and u per level, and the kind's own options (columns, thresholds, scorer ...)."""

    name: str
    kind: str
    term_frequency: bool = False
    m: Mapping[str, float] = field(default_factory=dict)
    u: Mapping[str, float] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Moves:
    """A move counted once: ``places`` (comparisons, finest first: street, postcode, town) that all
    change when a person moves; where one differs, the coarser ones that differ too weigh nothing,
    but only on pairs that agree exactly on one of ``when_exact`` (a personal e-mail, a phone, a
    birth date): namesakes with nothing personal in common keep every place difference."""

    places: tuple[str, ...]
    when_exact: tuple[str, ...]


def _moves(data: Any) -> Moves | None:
    if data is None:
        return None
    data = _mapping(data, "moves")
    unknown = sorted(set(data) - {"places", "when_exact"})
    if unknown:
        raise ConfigError(f"{WHERE}: moves: unknown key(s) {unknown} (moves has places and when_exact)")
    lists = {}
    for key in ("places", "when_exact"):
        value = data.get(key)
        if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{WHERE}: moves.{key} must be a list of comparison names")
        lists[key] = tuple(value)
    if len(lists["places"]) < 2:
        raise ConfigError(f"{WHERE}: moves.places needs at least two comparisons (finest first)")
    return Moves(lists["places"], lists["when_exact"])


@dataclass(frozen=True)
class MatchingSettings:
    """rules/matching.yaml. ``training`` and ``clustering`` are the model's own option mappings
    (steward.match.training, the clusterer's cannot-link rules); ``source`` is the file as read
    (what a run's fingerprint is taken of)."""

    blocking: BlockingSettings
    comparisons: tuple[ComparisonSpec, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)
    prior_match_probability: float = DEFAULT_PRIOR
    training: Mapping[str, Any] = field(default_factory=dict)
    clustering: Mapping[str, Any] = field(default_factory=dict)
    moves: Moves | None = None
    source: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def uses_term_frequencies(self) -> bool:
        return any(spec.term_frequency for spec in self.comparisons)


def _mapping(value: Any, key: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{WHERE}: {key} must be a mapping, got {type(value).__name__}")
    return value


def _number(value: Any, key: str, kind=float):
    try:
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{WHERE}: {key} must be a number, got {value!r}") from exc


def _blocking(data: Mapping[str, Any]) -> BlockingSettings:
    rules = []
    for i, rule in enumerate(data.get("rules") or []):
        columns = (rule,) if isinstance(rule, str) else rule
        if not isinstance(columns, (list, tuple)) or not columns or not all(isinstance(c, str) for c in columns):
            raise ConfigError(f"{WHERE}: blocking.rules[{i}] must be a column name or a list of column names")
        rules.append(tuple(columns))
    if not rules:
        raise ConfigError(f"{WHERE}: blocking.rules must list at least one rule")
    return BlockingSettings(tuple(rules), _number(data.get("max_block_size", DEFAULT_MAX_BLOCK_SIZE),
                                                  "blocking.max_block_size", int))


def _comparison(spec: Any, i: int) -> ComparisonSpec:
    if not isinstance(spec, Mapping) or not spec.get("name") or not spec.get("kind"):
        raise ConfigError(f"{WHERE}: comparisons[{i}] needs at least a name and a kind")
    options = {k: v for k, v in spec.items() if k not in ("name", "kind", "term_frequency", "m", "u")}
    where = f"comparisons[{spec['name']}]"
    return ComparisonSpec(name=str(spec["name"]), kind=str(spec["kind"]),
                          term_frequency=bool(spec.get("term_frequency", False)),
                          m=dict(_mapping(spec.get("m"), f"{where}.m")), u=dict(_mapping(spec.get("u"), f"{where}.u")),
                          options=options)


def parse_matching(data: Mapping[str, Any] | MatchingSettings) -> MatchingSettings:
    """``data``: rules/matching.yaml as read (or settings already parsed, returned as they are).
    ConfigError (a ValueError) names the key that is wrong."""
    if isinstance(data, MatchingSettings):
        return data
    data = _mapping(data, "the file")
    thresholds = _mapping(data.get("thresholds"), "thresholds")
    parsed = Thresholds(_number(thresholds.get("match", Thresholds.match), "thresholds.match"),
                        _number(thresholds.get("review", Thresholds.review), "thresholds.review"))
    if not 0 < parsed.review <= parsed.match < 1:
        raise ConfigError(f"{WHERE}: need 0 < thresholds.review <= thresholds.match < 1")
    comparisons = tuple(_comparison(spec, i) for i, spec in enumerate(data.get("comparisons") or []))
    if not comparisons:
        raise ConfigError(f"{WHERE}: at least one comparison is required")
    return MatchingSettings(
        blocking=_blocking(_mapping(data.get("blocking"), "blocking")),
        comparisons=comparisons,
        thresholds=parsed,
        prior_match_probability=_number(data.get("prior_match_probability", DEFAULT_PRIOR), "prior_match_probability"),
        training=dict(_mapping(data.get("training"), "training")),
        clustering=dict(_mapping(data.get("clustering"), "clustering")),
        moves=_moves(data.get("moves")),
        source=data,
    )
