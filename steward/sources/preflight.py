"""``steward check``: every rules file and every source checked at once, before a run.

The settings are parsed (every problem of every file, with "did you mean"), then each source is
read and mapped exactly as a run would, collecting what the data says about its settings (columns
that are not there, consent values nobody mapped, date formats that do not fit), and finally
what only the sources together show (extra columns that differ only in case, demo state left
behind). ``steward run`` runs the same check first and refuses with the whole list.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field

from steward.config import ConfigError, Project, parse_matching, parse_sources, read_yaml
from steward.config.quality import load_quality_config
from steward.config.settings import survivorship_for
from steward.config.sources import ConfigErrors, parse_sources_partially
from steward.sources.check import Problem, extra_column_collisions
from steward.sources.load import LoadedSource, inspect_source
from steward.state.store import GOLDEN_CROSSWALK, StateStore, default_state_url

__all__ = ["CheckReport", "check_project", "check_sources", "demo_state_sources", "on_demo_sources",
           "reset_demo_state"]

# What runs on the demo leave in the project's embedded default (data/): removed by --reset-demo.
DEMO_STATE_FILES = ("steward_state.sqlite", "crm.sqlite", "steward_snapshot")


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # source -> rows read

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def _as_problems(lines: list[str]) -> list[Problem]:
    return [Problem("error", "", line) for line in lines]  # (each line already names its file and key)


def _config_problems(exc: ConfigError) -> list[Problem]:
    return _as_problems(exc.problems if isinstance(exc, ConfigErrors) else [str(exc)])


def check_sources(sources: dict, problems: list[Problem]) -> dict[str, LoadedSource]:
    """Read and map every source as a run would; problems appended. Returns the ones that loaded."""
    loaded: dict[str, LoadedSource] = {}
    for name, cfg in sources.items():
        result, found = inspect_source(cfg)
        problems.extend(found)
        if result is not None:
            loaded[name] = result
    extras = {name: [c for c in item.records.columns if c.startswith("extra_")] for name, item in loaded.items()}
    for problem in extra_column_collisions(extras):
        source = problem.where.split(".")[1]
        problems.append(Problem("error", f"{sources[source].config_file}: {problem.where}", problem.message))
    return loaded


def check_project(project: Project) -> CheckReport:
    """Every rules file of ``project``, each read once as a run reads it, and every configured
    source against its data (the demo sources are not read: the run writes their files)."""
    report = CheckReport()
    demo = on_demo_sources(project)
    sources = {}
    try:
        if demo:
            sources = project.sources()
        else:
            path = project.rules_dir / "sources.yaml"
            sources, found = parse_sources_partially(read_yaml(path), project.root, path, project.rules_dir)
            report.problems += _as_problems(found)
    except ConfigError as exc:
        report.problems += _config_problems(exc)
    # The rules files load_settings reads, one by one so that each reports its own mistakes.
    readers = [lambda: parse_matching(project.matching()),
               # (a source with a mistake is not in ``sources``: its name in the priority is no news)
               lambda: survivorship_for(project, sources) if sources and report.ok else None,
               project.consent, project.erasure, project.normalise_options,
               lambda: load_quality_config(project.rules_dir)]
    for read in readers:
        try:
            read()
        except ConfigError as exc:
            report.problems += _config_problems(exc)
    if sources and not demo:
        loaded = check_sources(sources, report.problems)
        report.rows = {name: item.raw_row_count for name, item in loaded.items()}
    # Problems without a location of their own read "where: message"; keep each once.
    report.problems = list(dict.fromkeys(report.problems))
    return report


def demo_state_sources(project: Project) -> dict[str, int]:
    """Demo sources (rules/demo_sources.yaml) whose records the embedded run state still holds while
    the project is configured with its own sources: source -> records. Empty when nothing mixes."""
    state = project.data_dir / "steward_state.sqlite"
    try:
        configured = project.configured_sources()
    except ConfigError:  # (check_project reports it)
        return {}
    if not configured or not state.is_file():
        return {}
    demo_file = project.rules_dir / "demo_sources.yaml"
    demo = set(parse_sources(read_yaml(demo_file), project.demo_settings().out, demo_file, project.rules_dir))
    store = StateStore(default_state_url(project.data_dir))
    try:
        if not store.has(GOLDEN_CROSSWALK):
            return {}
        counts = store.read(GOLDEN_CROSSWALK, ["source"])["source"].value_counts()
    finally:
        store.dispose()
    return {str(name): int(n) for name, n in counts.items() if name in demo and name not in configured}


def reset_demo_state(project: Project) -> list[str]:
    """Remove what demo runs left in the embedded default (run state, the SQLite CRM, the snapshot,
    the generated demo files); returns what was removed. A CRM on a server is never touched."""
    removed = []
    for name in DEMO_STATE_FILES:
        path = project.data_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        else:
            continue
        removed.append(str(path))
    demo_out = project.demo_settings().out
    if demo_out.is_dir() and project.data_dir in demo_out.parents:
        shutil.rmtree(demo_out)
        removed.append(str(demo_out))
    return removed


def on_demo_sources(project: Project) -> bool:
    """The project runs on the demo data (rules/sources.yaml lists no sources; False when it
    cannot be read: then it lists some, with mistakes)."""
    try:
        return project.uses_demo_sources()
    except ConfigError:
        return False
