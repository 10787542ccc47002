"""What a run knows before it starts: the settings (rules, read once), the stewardship (what the
state database and the erasure list say), the snapshot of the last run, and where the pair
stages run. Full and incremental runs differ by this object and by the ``RunChanges`` the
normalise stage derives from it, not by flags inside the data."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from steward.config import Project
from steward.config.settings import Settings, load_settings
from steward.incremental.golden import IdHistory
from steward.incremental.snapshot import MatchSnapshot
from steward.match.engines import LocalEngine, PairEngine
from steward.privacy.erasure_list import load_erasure_list
from steward.review.decisions import current_links, decided_pair_ids, links_for, load_decisions
from steward.state.store import GOLDEN_CROSSWALK, GOLDEN_IDS, StateStore


@dataclass
class Stewardship:
    """What a run knows beyond the records and the rules: reviewer decisions, the previous
    run's golden ids, and erasure requests. Empty = a first run with nobody erased
    (``steward dedupe`` on plain files)."""

    decisions: pd.DataFrame | None = None
    previous_crosswalk: pd.DataFrame | None = None
    id_registry: pd.DataFrame | None = None
    erasure_list: pd.DataFrame | None = None
    erasure_salt: str = ""
    run_at: str | None = None

    @classmethod
    def from_project(cls, project: Project, store: StateStore | None, run_at: str | None = None,
                     erasure=None) -> "Stewardship":
        """``erasure``: the run's erasure settings (default: read from ``project``)."""
        erasure = erasure if erasure is not None else project.erasure()
        salt = erasure.salt()
        return cls(
            decisions=load_decisions(store) if store is not None else None,
            previous_crosswalk=store.read(GOLDEN_CROSSWALK) if store is not None and store.has(GOLDEN_CROSSWALK) else None,
            id_registry=store.read(GOLDEN_IDS) if store is not None and store.has(GOLDEN_IDS) else None,
            erasure_list=load_erasure_list(erasure, project.root, salt=salt),
            erasure_salt=salt,
            run_at=run_at,
        )

    @property
    def id_history(self) -> IdHistory:
        return IdHistory(self.previous_crosswalk, self.id_registry)

    def links_for(self, contacts: pd.DataFrame) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
        """(must-links, cannot-links) between rows of ``contacts`` from the reviewer decisions;
        (None, None) without decisions."""
        return links_for(self.decisions, contacts) if self.decisions is not None else (None, None)

    def decided_pair_ids(self) -> set[str] | None:
        """Pair ids a reviewer decided (they leave the review queue); None without decisions."""
        return decided_pair_ids(self.decisions) if self.decisions is not None else None

    def decision_links(self) -> pd.DataFrame:
        """The reviewer links in force (left_key, right_key, action); empty without decisions."""
        if self.decisions is None:
            return pd.DataFrame(columns=["left_key", "right_key", "action"])
        return current_links(self.decisions)


@dataclass
class RunContext:
    """One run's inputs besides the records.

    ``snapshot``: the last successful run's (None: a first run, or plain files); with
    ``full_rebuild`` it is ignored and everything is matched again (the model re-estimated).
    ``engine``: where blocking, scoring and clustering of a full rebuild run (default this
    process; nightly incremental runs are a few thousand records and stay local).
    ``keep_snapshot``: build the snapshot the next run starts from (content hashes, and
    ``DedupeResult.next_snapshot``); off for a one-off run (``steward dedupe`` on plain files).
    ``progress(stage)`` hears when each stage starts. ``cache``: work one stage hands the next in
    the same process (block codes computed while deciding what to match again), never needed
    for correctness."""

    settings: Settings
    stewardship: Stewardship = field(default_factory=Stewardship)
    snapshot: MatchSnapshot | None = None
    full_rebuild: bool = False
    engine: PairEngine = field(default_factory=LocalEngine)
    progress: Callable[[str], None] | None = None
    keep_snapshot: bool = False
    cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def for_project(cls, project: Project, store: StateStore | None = None, **options) -> "RunContext":
        """A context with ``project``'s settings read now and its stewardship (``store``: the
        state database; None = no decisions or previous ids). ``options``: the other fields."""
        settings = options.pop("settings", None) or load_settings(project)
        run_at = options.pop("run_at", None)
        stewardship = Stewardship.from_project(project, store, run_at=run_at, erasure=settings.erasure)
        return cls(settings=settings, stewardship=stewardship, **options)


class StageTimer:
    """Seconds per named stage (``timings``); ``progress(name)`` hears when each starts."""

    def __init__(self, progress=None):
        self.progress = progress
        self.timings: dict[str, float] = {}

    def start(self, name: str) -> None:
        if self.progress:
            self.progress(name)
        self.timings[name] = time.perf_counter()

    def done(self, name: str) -> None:
        self.timings[name] = round(time.perf_counter() - self.timings[name], 3)
