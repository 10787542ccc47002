"""Sensors: start the nightly job when new exports land, instead of waiting for the night.

The drop folders are the folders of the file sources in rules/sources.yaml (csv and
excel). A new, changed or removed file there changes the folders' fingerprint; the
sensor asks for one ``nightly_clean`` run per fingerprint (the run key), so a file
that is still being copied and then settles gives at most one extra run, and
restarting the daemon never repeats a run. Demo data is not watched: the demo
regenerates its files on every run.
"""

import hashlib
import os
from pathlib import Path

import dagster as dg

from steward.config import Project, load_project

SENSOR_INTERVAL_SECONDS = int(os.environ.get("STEWARD_SENSOR_INTERVAL", "60"))


def drop_folders(project: Project) -> list[Path]:
    if project.uses_demo_sources():
        return []
    folders = {cfg.path.parent for cfg in project.sources().values() if cfg.kind in ("csv", "excel") and cfg.path}
    return sorted(folders)


def folder_fingerprint(folders: list[Path]) -> tuple[str, int]:
    """(fingerprint, number of files): names, sizes and modification times of every file."""
    entries = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                stat = path.stat()
                entries.append(f"{path}|{stat.st_size}|{stat.st_mtime_ns}")
    return hashlib.sha1("\n".join(entries).encode()).hexdigest()[:16], len(entries)


def build_source_files_sensor(job, project_dir: str | None = None) -> dg.SensorDefinition:
    @dg.sensor(job=job, name="source_files_sensor", minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
               default_status=dg.DefaultSensorStatus.STOPPED,
               description="Runs nightly_clean when files in the source folders (rules/sources.yaml) change. "
                           "Off by default: switch it on in Automation.")
    def source_files_sensor(context: dg.SensorEvaluationContext):
        project = load_project(project_dir)
        folders = drop_folders(project)
        if not folders:
            return dg.SkipReason("no file sources configured (demo data is not watched)")
        fingerprint, files = folder_fingerprint(folders)
        if context.cursor == fingerprint:
            return dg.SkipReason(f"no change in {len(folders)} folder(s), {files} file(s)")
        context.update_cursor(fingerprint)
        return dg.RunRequest(run_key=f"files-{fingerprint}", tags={"steward/trigger": "source files changed",
                                                                   "steward/files": str(files)})

    return source_files_sensor
