"""Stage 1, sources: one raw asset per configured source (plus the demo exports
when no sources are configured), each guarded by a WARN-level GX check."""


import dagster as dg

from assets._metadata import frame_metadata, table_preview
from pipelines.resources import StewardProject
from steward.config import Project, SourceConfig
from steward.demo import generate_demo_data
from steward.sources.load import LoadedSource, load_source
from steward.validate.expectations import validate_frame

DEMO_ASSET = "demo_source_files"
PREVIEW = ["record_id", "first_name", "last_name", "email", "phone", "country", "email_opt_in"]


@dg.asset(group_name="sources", description="Generated demo exports, used while rules/sources.yaml lists no sources.")
def demo_source_files(context: dg.AssetExecutionContext, steward: StewardProject) -> dg.MaterializeResult:
    settings = steward.project.demo_settings()
    files = generate_demo_data(settings.out, entities=settings.entities, seed=settings.seed)
    context.log.info("demo data: %d entities written to %s", settings.entities, settings.out)
    return dg.MaterializeResult(
        metadata={"directory": dg.MetadataValue.path(str(settings.out)), "entities": settings.entities,
                  "seed": settings.seed, "files": dg.MetadataValue.json({k: str(v) for k, v in files.items()})}
    )


def raw_asset_key(source: str) -> str:
    return f"raw_{source}"


def build_source_asset(cfg: SourceConfig, demo: bool) -> dg.AssetsDefinition:
    name = raw_asset_key(cfg.name)

    @dg.asset(
        name=name,
        group_name="sources",
        deps=[DEMO_ASSET] if demo else [],
        kinds={cfg.kind},
        description=f"Source {cfg.name!r} from {cfg.location}, mapped onto the canonical contact schema. "
        "Unreadable rows go to quarantine with the row number and reason.",
        # The GX check runs inside the asset (the data is already in memory) and is
        # reported as this asset's check; it warns, it does not block.
        check_specs=[dg.AssetCheckSpec("source_expectations", asset=name,
                                       description="GX suite expectations/source_contacts.json (warns)")],
    )
    def _raw(context: dg.AssetExecutionContext, steward: StewardProject):
        # The run's settings (read once per run), so edits to rules/ apply without reloading the code
        # location, and never half-way through a run.
        current = steward.settings.sources.get(cfg.name, cfg)
        loaded: LoadedSource = load_source(current)
        meta = frame_metadata(loaded.records, PREVIEW, location=current.location,
                              rows_read=loaded.raw_row_count, quarantined=len(loaded.quarantine))
        if len(loaded.quarantine):
            meta["quarantine"] = table_preview(loaded.quarantine, ["row", "field", "reason"])
        yield dg.Output(loaded, metadata=meta)
        report = validate_frame(loaded.records, steward.project.expectations_dir / "source_contacts.json")
        yield dg.AssetCheckResult(
            check_name="source_expectations",
            passed=report.success,
            severity=dg.AssetCheckSeverity.WARN,
            description=report.summary(),
            metadata={"results": table_preview(report.results, rows=50)},
        )

    return _raw


def source_assets(project: Project) -> list[dg.AssetsDefinition]:
    demo = project.uses_demo_sources()
    raw = [build_source_asset(cfg, demo) for cfg in project.sources().values()]
    return ([demo_source_files] if demo else []) + raw
