"""Metadata helpers so every asset tells its story in the Dagster UI."""


import dagster as dg
import pandas as pd

from steward.privacy.redact import mask_preview
from steward.progress import ProgressLine, listening

# A preview's cells are cut: the run history keeps them forever (a 200 MB cell once made every
# run's history database 1.26 GB).
MAX_CELL = 200


def table_preview(frame: pd.DataFrame, columns: list[str] | None = None, rows: int = 10) -> dg.TableMetadataValue:
    """The first ``rows`` rows, personal values masked (the run history keeps previews and is not
    reached by every erasure; steward.privacy.redact) and long cells cut."""
    sample = frame[columns] if columns else frame
    sample = mask_preview(sample.head(rows))
    schema = dg.TableSchema(columns=[dg.TableColumn(str(c), "string") for c in sample.columns])
    records = [
        dg.TableRecord({str(k): ("" if v is None or (isinstance(v, float) and pd.isna(v)) else _cut(str(v)))
                        for k, v in row.items()})
        for row in sample.to_dict(orient="records")
    ]
    return dg.MetadataValue.table(records=records, schema=schema)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CELL else f"{text[:MAX_CELL]}… ({len(text):,} characters)"


def frame_metadata(frame: pd.DataFrame, preview_columns: list[str] | None = None, **extra) -> dict:
    meta = {"dagster/row_count": len(frame), "preview": table_preview(frame, preview_columns)}
    meta.update(extra)
    return meta


class progress_logged:
    """``with progress_logged(context) as progress:`` the engine's progress reports (stage, rows
    done, rate, ETA; steward.progress) go to the run's log at most every ``every`` seconds per
    stage; ``progress.metadata()`` is the last line of each stage, for the asset's metadata."""

    def __init__(self, context, every: float = 10.0):
        self.context, self.last = context, {}
        self._listening = listening(self._sink, every)

    def _sink(self, line: ProgressLine) -> None:
        self.last[line.stage] = line.text()
        self.context.log.info(line.text())

    def metadata(self) -> dict:
        return {"progress": dg.MetadataValue.json(dict(self.last))} if self.last else {}

    def __enter__(self) -> "progress_logged":
        self._listening.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._listening.__exit__(*exc)
