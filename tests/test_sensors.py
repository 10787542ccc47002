"""The file-drop sensor: one nightly_clean run per change of the source folders."""

from __future__ import annotations

import os

import dagster as dg
import yaml

from pipelines.definitions import build_definitions
from pipelines.sensors import drop_folders


def _project_with_csv_source(root):
    drop = root / "drop"
    drop.mkdir()
    (drop / "contacts.csv").write_text("id,first,last,mail\n1,Ana,Silva,ana@example.com\n")
    sources = {"sources": {"shop": {"kind": "csv", "path": "drop/contacts.csv",
                                    "columns": {"record_id": "id", "first_name": "first", "last_name": "last",
                                                "email": "mail"}}}}
    (root / "rules" / "sources.yaml").write_text(yaml.safe_dump(sources))
    return drop


def _evaluate(sensor, defs, cursor):
    with dg.DagsterInstance.ephemeral() as instance:
        context = dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
        return sensor(context), context.cursor


def test_sensor_requests_one_run_per_change_of_the_drop_folder(project_copy):
    drop = _project_with_csv_source(project_copy)
    defs = build_definitions(str(project_copy))
    sensor = defs.resolve_sensor_def("source_files_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
    assert sensor.job_name == "nightly_clean"

    first, cursor = _evaluate(sensor, defs, None)
    assert isinstance(first, dg.RunRequest) and first.run_key.startswith("files-")
    unchanged, same_cursor = _evaluate(sensor, defs, cursor)
    assert isinstance(unchanged, dg.SkipReason) and same_cursor == cursor

    (drop / "contacts_2026-11-25.csv").write_text("id,first,last,mail\n2,Ben,Ode,ben@example.com\n")
    new_file, new_cursor = _evaluate(sensor, defs, cursor)
    assert isinstance(new_file, dg.RunRequest) and new_file.run_key != first.run_key and new_cursor != cursor

    stat = (drop / "contacts.csv").stat()
    os.utime(drop / "contacts.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    changed, _ = _evaluate(sensor, defs, new_cursor)
    assert isinstance(changed, dg.RunRequest)


def test_demo_data_is_not_watched(repo_root, project_copy):
    from steward.config import load_project

    assert drop_folders(load_project(project_copy)) == []
    defs = build_definitions(str(project_copy))
    result, _ = _evaluate(defs.resolve_sensor_def("source_files_sensor"), defs, None)
    assert isinstance(result, dg.SkipReason) and "demo" in result.skip_message
