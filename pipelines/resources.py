"""Resources injected into assets by name: where the project's rules live, which
CRM database to publish to, and where the pipeline keeps its memory between runs."""


from functools import cached_property
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from steward.config import Project, load_project
from steward.config.settings import Settings, load_settings
from steward.incremental.changes import RunChanges
from steward.incremental.snapshot import MatchSnapshot
from steward.match.engines import LocalEngine, PairEngine, engine_named
from steward.run import RunContext, Stewardship
from steward.state.lock import DEFAULT_WAIT_S, RunLock
from steward.state.store import StateStore, default_state_url


class StewardProject(dg.ConfigurableResource):
    """The project directory holding ``rules/`` and ``expectations/``, and its settings: every
    rules file read once, when the run first asks (the run's steps share this resource, so an
    edit to rules/ during a run waits for the next run instead of splitting this one)."""

    project_dir: str = ""
    _run_lock: RunLock | None = PrivateAttr(default=None)
    # One run of a project at a time (steward/state/lock.py): a run waits this long for another.
    run_lock_wait_s: float = DEFAULT_WAIT_S

    @cached_property
    def project(self) -> Project:
        return load_project(self.project_dir or None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        run_id = context.run_id if context.run_id else "a run"
        job = getattr(context.dagster_run, "job_name", None) if context.dagster_run else None
        self._run_lock = RunLock(self.project.data_dir / "run.lock", f"run {run_id} of {job or 'a job'}",
                                 self.run_lock_wait_s)
        self._run_lock.acquire()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        lock = getattr(self, "_run_lock", None)
        if lock is not None:
            lock.release()

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.project)


class MatchEngine(dg.ConfigurableResource):
    """Where a full run's pair stages (blocking, scoring, clustering) run: ``local`` (this
    process) or ``spark`` (``spark_master``: ``local[*]``, ``spark://host:7077``, ``yarn``,
    ``k8s://...``; empty = the session spark-submit provides, else ``local[*]``). Nightly
    incremental runs match a few thousand records and stay local."""

    engine: str = "local"
    spark_master: str = ""
    spark_conf: dict[str, str] = {}

    @cached_property
    def pair_engine(self) -> PairEngine:
        return engine_named(self.engine, self.spark_master or None, dict(self.spark_conf))


# The variable a deployment (and `steward run --crm`) gives the CRM's URL in: run configs name it,
# never hold the URL itself.
CRM_URL_ENV = "STEWARD_CRM_URL"


class CrmDatabase(dg.ConfigurableResource):
    """The CRM database golden records are published to (any SQLAlchemy URL).

    Empty means the embedded default: a SQLite file under the project's ``data/``.
    """

    url: str = ""

    def resolved_url(self, project: Project) -> str:
        return self.url or project.default_crm_url


class StewardState(dg.ConfigurableResource):
    """What the pipeline remembers between runs: review queue, reviewer decisions (the
    merge audit log), previous golden ids (``url``; empty = ``data/steward_state.sqlite``),
    and the snapshot nightly runs start from (``snapshot_dir``; empty =
    ``data/steward_snapshot``). ``full_rebuild: true`` ignores the snapshot: everything is
    normalised, matched and merged again and the model re-estimated (``steward run --full``,
    the weekly full-rebuild schedule)."""

    url: str = ""
    snapshot_dir: str = ""
    full_rebuild: bool = False

    def store(self, project: Project) -> StateStore:
        return StateStore(self.url or default_state_url(project.data_dir))

    def snapshot_path(self, project: Project) -> Path:
        return Path(self.snapshot_dir) if self.snapshot_dir else project.data_dir / "steward_snapshot"

    def snapshot(self, project: Project, *frames: str) -> MatchSnapshot | None:
        return MatchSnapshot.load(self.snapshot_path(project), frames=frames)

    @cached_property
    def stewardship_by_project(self) -> dict[Path, Stewardship]:
        return {}

    def stewardship(self, steward: StewardProject) -> Stewardship:
        """Decisions, previous golden ids and the erasure list, read from the state database once per
        run (the run's steps share this resource): every step works from the same decisions, and
        the crosswalk of a million golden records is not read again by each step."""
        project = steward.project
        if project.root not in self.stewardship_by_project:
            self.stewardship_by_project[project.root] = Stewardship.from_project(
                project, self.store(project), erasure=steward.settings.erasure)
        return self.stewardship_by_project[project.root]

    def run_context(self, steward: StewardProject, changes: RunChanges | None = None, frames: tuple[str, ...] = (),
                    engine=None) -> RunContext:
        """The run context a step works in: the run's settings and stewardship, the snapshot's
        ``frames`` when the run is incremental (``changes`` None: the normalise step, which decides
        that; a full rebuild reads no snapshot) and where the pair stages run (``engine``)."""
        project = steward.project
        incremental = changes.incremental if changes is not None else not self.full_rebuild
        snapshot = self.snapshot(project, *frames) if incremental else None
        return RunContext(settings=steward.settings, stewardship=self.stewardship(steward), snapshot=snapshot,
                          full_rebuild=self.full_rebuild, engine=engine or LocalEngine(), keep_snapshot=True)
