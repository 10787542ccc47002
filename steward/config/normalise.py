"""rules/normalise.yaml (optional) and rules/nicknames.csv as typed settings for the normalise
stage: whether email domains are looked up in DNS (needs the network: off by default), and the
project's nickname groups (None: the nicknames package alone)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class NormaliseOptions:
    check_deliverability: bool = False
    nickname_file: Path | None = None

    @classmethod
    def of(cls, options: "NormaliseOptions | Mapping[str, Any] | None") -> "NormaliseOptions":
        if isinstance(options, NormaliseOptions):
            return options
        return cls(**dict(options or {}))

    def as_kwargs(self) -> dict[str, Any]:
        """The options as ``normalise_contacts`` takes them."""
        return asdict(self)
