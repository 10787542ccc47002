"""The worst of the audit: the top problems (issue counts ranked by count x field
weight, with example record ids) and the single (source, field, dimension) cell
that costs the most score."""

from __future__ import annotations

import numpy as np
import pandas as pd

from steward.audit.checks import FieldCheck
from steward.config.quality import DIMENSIONS
from steward.audit.result import PROBLEM_COLUMNS, RATE_DIGITS
from steward.audit.values import SourceIndex, column


def top_problems(checks: dict[str, FieldCheck], contacts: pd.DataFrame, index: SourceIndex, cfg: dict,
                 fields: pd.DataFrame) -> pd.DataFrame:
    """Every (source, field, issue) with its count, ranked; ``fields`` says which fields
    a source collected (uncollected ones are left out when the config says so)."""
    sources, src_codes, records = index.names, index.codes, index.records
    n_src = len(sources)
    collected = fields.set_index(["source", "field"])["collected"].to_dict()
    ignore_uncollected = bool(cfg["ignore_uncollected_fields"])
    rows = []
    masks = {}
    for name, c in checks.items():
        problems = list(c.problems)
        if c.present is not None:
            problems.insert(0, ("missing", "completeness", ~c.present))
        for issue, dim, mask in problems:
            counts = np.bincount(src_codes[mask], minlength=n_src) if len(mask) else np.zeros(n_src, dtype=int)
            for i in np.flatnonzero(counts):
                if ignore_uncollected and not collected.get((sources[i], name), True):
                    continue
                rows.append((sources[i], name, issue, dim, int(counts[i])))
                masks[(sources[i], name, issue)] = (i, mask)
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS})
    frame = pd.DataFrame(rows, columns=["source", "field", "issue", "dimension", "count"])
    frame["weight"] = frame["field"].map(cfg["field_weights"]).astype(float)
    recs = pd.Series(records, index=sources)
    frame["share"] = (frame["count"] / frame["source"].map(recs)).round(RATE_DIGITS)
    frame["rank"] = frame["count"] * frame["weight"]
    frame = frame.sort_values(["rank", "source", "field", "issue"], ascending=[False, True, True, True])
    frame = frame.head(int(cfg["top_problems"])).reset_index(drop=True)
    ids = column(contacts, "record_id").astype(str).to_numpy(dtype=object)
    examples = []
    for key in zip(frame["source"], frame["field"], frame["issue"]):
        i, mask = masks[key]
        hit = np.flatnonzero(mask & (src_codes == i))[:5]
        examples.append(",".join(ids[hit]))
    frame["example_record_ids"] = examples
    return frame[PROBLEM_COLUMNS]


def worst_cell(fields: pd.DataFrame, dimension_weights: dict) -> dict | None:
    """The (source, field, dimension) with the largest (1 - rate) x field weight x
    dimension weight among collected fields, or None when nothing falls short."""
    cells = fields[fields["collected"]].melt(id_vars=["source", "field", "weight"], value_vars=list(DIMENSIONS),
                                             var_name="dimension", value_name="rate").dropna(subset=["rate"])
    if not len(cells):
        return None
    cells["gap"] = (1 - cells["rate"]) * cells["weight"] * cells["dimension"].map(dimension_weights).astype(float)
    cells = cells.sort_values(["gap", "source", "field", "dimension"], ascending=[False, True, True, True])
    w = cells.iloc[0]
    if w["gap"] > 0:
        return {"source": w["source"], "field": w["field"], "dimension": w["dimension"], "rate": float(w["rate"])}
    return None
