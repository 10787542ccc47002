"""Erasure settings: rules/erasure.yaml validated into ``ErasureConfig`` (where the
erasure list lives, which environment variable holds the salt, which identifiers count).

Optional file: without it, the list is data/erasure_list.csv and the salt is
$STEWARD_ERASURE_SALT. steward.privacy reads the list and applies it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steward.config.sources import resolve_sqlite_url
from steward.errors import ConfigError

__all__ = ["DEFAULT_LIST", "DEFAULT_SALT_ENV", "KINDS", "ErasureConfig", "parse_erasure_config"]

# The identifiers a person can be erased by; also the ``kind`` of each erasure list entry.
KINDS = ("email", "phone", "name_dob")
DEFAULT_LIST = "data/erasure_list.csv"
DEFAULT_SALT_ENV = "STEWARD_ERASURE_SALT"

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class ErasureConfig:
    config_file: Path
    list_path: Path | None = None  # CSV file, absolute once parsed
    url: str | None = None  # SQLAlchemy URL of a table with the same columns
    table: str | None = None
    salt_env: str = DEFAULT_SALT_ENV
    identifiers: tuple[str, ...] = KINDS
    required: bool = False  # a missing list/table stops the run instead of erasing nobody

    def salt(self, environ: Mapping[str, str] | None = None) -> str:
        """The installation's salt from the environment ('' when unset)."""
        return (os.environ if environ is None else environ).get(self.salt_env, "")


_CONFIG_KEYS = {"list", "table", "url", "salt_env", "identifiers", "required"}


def parse_erasure_config(data: Mapping[str, Any], project_root: Path, config_file: Path) -> ErasureConfig:
    """Validate rules/erasure.yaml (``data`` = its parsed mapping; {} for the defaults)."""
    unknown = sorted(set(data) - _CONFIG_KEYS)
    if unknown:
        # A misspelt 'list' would otherwise quietly erase nobody.
        raise ConfigError(f"{config_file}: unknown key(s) {unknown}; allowed: {sorted(_CONFIG_KEYS)}")
    raw_list = data.get("list", DEFAULT_LIST)
    if raw_list in (None, False, ""):
        list_path = None
    elif isinstance(raw_list, str):
        list_path = (Path(project_root) / raw_list).resolve()
    else:
        raise ConfigError(f"{config_file}: list: expected a file path relative to the project directory, got {raw_list!r}")
    table, url = data.get("table"), data.get("url")
    if bool(table) != bool(url):
        raise ConfigError(f"{config_file}: {'url' if table else 'table'}: 'table' and 'url' go together")
    for key, value in (("table", table), ("url", url)):
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{config_file}: {key}: expected text, got {value!r}")
    salt_env = data.get("salt_env", DEFAULT_SALT_ENV)
    if not isinstance(salt_env, str) or not _ENV_NAME.match(salt_env):
        raise ConfigError(f"{config_file}: salt_env: expected an environment variable name, got {salt_env!r}")
    identifiers = data.get("identifiers", list(KINDS))
    if isinstance(identifiers, str):
        identifiers = [identifiers]
    if not isinstance(identifiers, list) or not identifiers or any(i not in KINDS for i in identifiers):
        raise ConfigError(f"{config_file}: identifiers: give one or more of {list(KINDS)}, got {identifiers!r}")
    required = data.get("required", False)
    if not isinstance(required, bool):
        raise ConfigError(f"{config_file}: required: expected true or false, got {required!r}")
    if list_path is None and not table and required:
        raise ConfigError(f"{config_file}: required: true but neither 'list' nor 'table' is set")
    return ErasureConfig(
        config_file=Path(config_file),
        list_path=list_path,
        url=resolve_sqlite_url(os.path.expandvars(url), Path(project_root)) if url else None,
        table=table or None,
        salt_env=salt_env,
        identifiers=tuple(dict.fromkeys(identifiers)),
        required=required,
    )
