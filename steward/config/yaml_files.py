"""Reading one rules file: YAML with a mapping at the top, errors naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from steward.errors import ConfigError

__all__ = ["read_yaml"]


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
