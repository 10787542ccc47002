"""Consent settings: rules/consent.yaml validated into ``ConsentRules`` (which channels
carry consent, the minimum age, the age bands published for minors).

steward.merge.consent applies them; ``rules/consent.yaml`` explains them to a data steward.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steward.errors import ConfigError
from steward.schema import CONSENT_CHANNELS

__all__ = ["AgeBand", "ConsentRules", "DEFAULT_AGE_BANDS", "parse_consent_rules"]


@dataclass(frozen=True)
class AgeBand:
    """Ages ``low`` to ``high``, both included, published as "low-high"."""

    low: int
    high: int

    @property
    def label(self) -> str:
        return f"{self.low}-{self.high}"


DEFAULT_AGE_BANDS: tuple[AgeBand, ...] = (AgeBand(0, 5), AgeBand(6, 12), AgeBand(13, 15))


@dataclass(frozen=True)
class ConsentRules:
    """The validated content of rules/consent.yaml (these defaults when it is missing)."""

    channels: tuple[str, ...] = CONSENT_CHANNELS
    minimum_age: int = 16
    age_bands: tuple[AgeBand, ...] = DEFAULT_AGE_BANDS


_BAND_RE = re.compile(r"^\s*(\d{1,3})\s*-\s*(\d{1,3})\s*$")
_TOP_KEYS = {"channels", "minors"}
_MINOR_KEYS = {"minimum_age", "age_bands"}


def _check_bands(bands: tuple[AgeBand, ...], minimum_age: int, where: str) -> None:
    """Bands must run from 0 to minimum_age - 1 without gaps or overlaps: every
    minor gets exactly one range, and no adult gets one."""
    if not bands:
        raise ConfigError(f"{where}.age_bands: give at least one band, e.g. ['0-{minimum_age - 1}']")
    expected_low = 0
    for i, band in enumerate(bands):
        if band.low > band.high:
            raise ConfigError(f"{where}.age_bands[{i}]: {band.label!r} starts after it ends")
        if band.low != expected_low:
            problem = "overlaps the band before" if band.low < expected_low else f"leaves age {expected_low} without a band"
            raise ConfigError(
                f"{where}.age_bands[{i}]: {band.label!r} {problem}; bands must run from 0 to minimum_age - 1 "
                f"({minimum_age - 1}) in order, without gaps or overlaps"
            )
        expected_low = band.high + 1
    if expected_low != minimum_age:
        raise ConfigError(
            f"{where}.age_bands: the last band ends at {expected_low - 1}, but minimum_age is {minimum_age}; "
            f"the bands must end at {minimum_age - 1}"
        )


def parse_consent_rules(data: Mapping[str, Any], config_file: str | Path = "rules/consent.yaml") -> ConsentRules:
    """Validate the rules; a wrong value raises ConfigError naming the file and the key."""
    where = str(config_file)
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {unknown}; expected {sorted(_TOP_KEYS)}")

    channels_raw = data.get("channels", list(CONSENT_CHANNELS))
    if not isinstance(channels_raw, list) or not channels_raw or not all(isinstance(c, str) for c in channels_raw):
        raise ConfigError(f"{where}: channels: give a list of channel names from {list(CONSENT_CHANNELS)}")
    bad = [c for c in channels_raw if c not in CONSENT_CHANNELS]
    if bad:
        raise ConfigError(f"{where}: channels: unknown channel(s) {bad}; records carry consent for {list(CONSENT_CHANNELS)}")
    if len(set(channels_raw)) != len(channels_raw):
        raise ConfigError(f"{where}: channels: {channels_raw} names a channel twice")
    if "email" not in channels_raw:
        raise ConfigError(f"{where}: channels: must include email (the golden record's email_opt_in is derived from it)")

    minors = data.get("minors") or {}
    if not isinstance(minors, dict):
        raise ConfigError(f"{where}: minors: expected a mapping with {sorted(_MINOR_KEYS)}")
    unknown = sorted(set(minors) - _MINOR_KEYS)
    if unknown:
        raise ConfigError(f"{where}: minors: unknown key(s) {unknown}; expected {sorted(_MINOR_KEYS)}")
    minimum_age = minors.get("minimum_age", 16)
    # bool is an int in Python; "minimum_age: yes" must not become 1.
    if isinstance(minimum_age, bool) or not isinstance(minimum_age, int) or not 1 <= minimum_age <= 25:
        raise ConfigError(f"{where}: minors.minimum_age: must be a whole number of years from 1 to 25, got {minimum_age!r}")

    bands_raw = minors.get("age_bands")
    if bands_raw is None:
        bands = DEFAULT_AGE_BANDS if minimum_age == 16 else (AgeBand(0, minimum_age - 1),)
    else:
        if not isinstance(bands_raw, list):
            raise ConfigError(f"{where}: minors.age_bands: give a list of ranges such as ['0-5', '6-12', '13-15']")
        parsed = []
        for i, raw in enumerate(bands_raw):
            match = _BAND_RE.match(raw) if isinstance(raw, str) else None
            if not match:
                raise ConfigError(f"{where}: minors.age_bands[{i}]: {raw!r} is not a range like '6-12'")
            parsed.append(AgeBand(int(match.group(1)), int(match.group(2))))
        bands = tuple(parsed)
    _check_bands(bands, minimum_age, f"{where}: minors")
    return ConsentRules(channels=tuple(channels_raw), minimum_age=minimum_age, age_bands=bands)
