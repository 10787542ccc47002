"""rules/quality.yaml: the audit's rules. The dimensions, the fields it scores and the defaults
the file overlays (weights, freshness, plausible ages, placeholders, postcode patterns)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from steward.config.project import read_yaml
from steward.errors import ConfigError

DIMENSIONS = ("completeness", "validity", "uniqueness", "consistency", "timeliness")
ALL = "ALL"
RECORD = "record"

DEFAULT_CONFIG: dict[str, Any] = {
    "dimension_weights": {"completeness": 0.25, "validity": 0.30, "uniqueness": 0.20, "consistency": 0.15,
                          "timeliness": 0.10},
    "field_weights": {
        "record": 3, "email": 3, "phone": 2, "first_name": 2, "last_name": 2, "country": 1, "postcode": 1,
        "city": 1, "address_line1": 1, "company": 1, "date_of_birth": 1, "email_opt_in": 1, "updated_at": 1,
        "created_at": 0.5, "job_title": 0.5, "region": 0.5,
    },
    "timeliness": {"fresh_months": 24},
    "date_of_birth": {"min_age": 0, "max_age": 120},
    "ignore_uncollected_fields": True,
    "top_problems": 20,
    "placeholders": ["test", "testing", "xxx", "xx", "x", "n/a", "na", "n.a.", "none", "null", "unknown",
                     "unbekannt", "inconnu", "asdf", "asdfg", "qwerty", "-", "--", ".", "?", "tbd", "tba", "dummy",
                     "sample", "foo", "bar", "abc", "no name", "noname"],
    "postcode_patterns": {
        "DE": r"\d{5}", "FR": r"\d{5}", "ES": r"\d{5}", "IT": r"\d{5}", "US": r"\d{5}(-\d{4})?",
        "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", "NL": r"\d{4} ?[A-Z]{2}", "PL": r"\d{2}-\d{3}",
        "BR": r"\d{5}-?\d{3}", "IN": r"\d{3} ?\d{3}", "ID": r"\d{5}",
    },
    "generic_postcode_pattern": r"[A-Z0-9]+([ -][A-Z0-9]+)*",
}

NAME_FIELDS = ("first_name", "last_name")
TEXT_FIELDS = ("city", "company", "address_line1", "job_title", "region")
DATE_FIELDS = ("date_of_birth", "created_at", "updated_at")
KNOWN_FIELDS = (RECORD, "email", "phone", "country", "postcode", "email_opt_in", *NAME_FIELDS, *TEXT_FIELDS,
                *DATE_FIELDS)


def _merge(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in (extra or {}).items():
        if key in ("field_weights", "postcode_patterns", "placeholders"):
            out[key] = copy.deepcopy(value)  # a list/table given in the file replaces the default
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def resolve_config(config: dict | None) -> dict:
    """The defaults overlaid with ``config`` (as read from rules/quality.yaml)."""
    cfg = _merge(DEFAULT_CONFIG, config or {})
    unknown = [f for f in cfg["field_weights"] if f not in KNOWN_FIELDS]
    if unknown:
        raise ConfigError(f"rules/quality.yaml: field_weights has unknown field(s) {unknown}; known: {list(KNOWN_FIELDS)}")
    bad = [d for d in cfg["dimension_weights"] if d not in DIMENSIONS]
    if bad:
        raise ConfigError(f"rules/quality.yaml: dimension_weights has unknown dimension(s) {bad}")
    return cfg


def load_quality_config(path) -> dict:
    """Read rules/quality.yaml (a missing file means the defaults)."""
    p = Path(path)
    if p.is_dir():
        p = p / "quality.yaml" if (p / "quality.yaml").is_file() else p / "rules" / "quality.yaml"
    data = read_yaml(p) if p.is_file() else {}
    return resolve_config(data)
