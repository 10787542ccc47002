"""The demo exports mapped onto the canonical columns, as ``steward dedupe`` reads them.

Separate from the generator because it goes through the pipeline's own source
config and loader (rules/demo_sources.yaml); the generator itself needs neither.
"""

from __future__ import annotations

from pathlib import Path

from steward.config import find_project_dir, parse_sources, read_yaml
from steward.merge.consent import apply_source_confirmation
from steward.schema import RECORD_COLUMNS
from steward.sources.load import map_to_canonical, read_raw


def demo_sources(out_dir: str | Path):
    """The demo exports' source configs (rules/demo_sources.yaml, paths under out_dir)."""
    mapping = find_project_dir() / "rules" / "demo_sources.yaml"
    return parse_sources(read_yaml(mapping), Path(out_dir).resolve(), mapping)


def write_canonical(out_dir: str | Path) -> dict[str, Path]:
    """Write each demo export mapped onto the canonical columns to ``out_dir/canonical``.

    These are the inputs ``steward dedupe`` takes. The mapping is the one the
    pipeline uses (rules/demo_sources.yaml), rows are written as mapped (broken ones
    included, so dedupe's quarantine sees them); only lines too malformed to map
    at all are left out, and those are listed in broken_rows.csv. A source declared
    ``consent_confirmed`` has that written into its rows' double-opt-in flags, as
    the CSVs travel without the source config.
    """
    target = Path(out_dir) / "canonical"
    target.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, cfg in demo_sources(out_dir).items():
        raw, _bad_lines = read_raw(cfg)
        canonical, _ = map_to_canonical(raw, cfg)
        if cfg.consent_confirmed:
            canonical = apply_source_confirmation(canonical, {cfg.name})
        extras = [c for c in canonical.columns if c.startswith("extra_")]
        path = target / f"{name}.csv"
        canonical[RECORD_COLUMNS + extras].to_csv(path, index=False)
        written[f"canonical_{name}"] = path
    return written
