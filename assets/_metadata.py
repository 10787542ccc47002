"""Metadata helpers so every asset tells its story in the Dagster UI."""


import dagster as dg
import pandas as pd


def table_preview(frame: pd.DataFrame, columns: list[str] | None = None, rows: int = 10) -> dg.TableMetadataValue:
    sample = frame[columns] if columns else frame
    sample = sample.head(rows)
    schema = dg.TableSchema(columns=[dg.TableColumn(str(c), "string") for c in sample.columns])
    records = [
        dg.TableRecord({str(k): ("" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)) for k, v in row.items()})
        for row in sample.to_dict(orient="records")
    ]
    return dg.MetadataValue.table(records=records, schema=schema)


def frame_metadata(frame: pd.DataFrame, preview_columns: list[str] | None = None, **extra) -> dict:
    meta = {"dagster/row_count": len(frame), "preview": table_preview(frame, preview_columns)}
    meta.update(extra)
    return meta
