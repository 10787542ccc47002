"""The audit report: audit.json (every figure), report.html (for a data steward)
and a history of earlier audits for the trend.

The HTML is one self-contained file: plotly.js is inlined once (with the first
chart), nothing is fetched from the network, every data value is HTML-escaped.
"""

from __future__ import annotations

import html
import json
import logging
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from steward.config.quality import ALL, DIMENSIONS, RECORD
from steward.audit.result import AuditResult

log = logging.getLogger("steward.audit.report")

HISTORY_DIR = "history"
DIMENSION_LABELS = {
    "completeness": "Completeness",
    "validity": "Validity",
    "uniqueness": "Uniqueness",
    "consistency": "Consistency",
    "timeliness": "Timeliness",
}
DEFINITIONS = {
    "completeness": "share of records where the field is filled (a field a source never fills is shown as "
                    "“not collected” and does not count against it)",
    "validity": "share of the filled values that are usable: a real e-mail address (no misspelt domain), a valid "
                "phone number, a recognised country, a postcode in its country's format, a real date (birth dates: "
                "age 0–120), names with letters and no digits or placeholders",
    "uniqueness": "record: 1 − duplicates within the source ÷ records; e-mail/phone: share of values no other "
                  "record of the same source holds",
    "consistency": "the phone number's country matches the record's country; the last update is not before "
                   "the creation date",
    "timeliness": "share of records updated (or created) within the freshness window before the audit date",
}


# --------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------


def _history_sort_key(entry: tuple[Path, dict]) -> tuple:
    path, data = entry
    return (str(data.get("as_of", "")), str(data.get("generated_at", "")), path.name)


def load_history(reports_dir: Path) -> list[dict]:
    """Previous audits (to_dict form) from reports_dir/history, oldest first."""
    folder = Path(reports_dir) / HISTORY_DIR
    if not folder.is_dir():
        return []
    entries = []
    for path in folder.glob("audit-*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            log.warning("skipping unreadable audit history file %s: %s", path, exc)
            continue
        if isinstance(data, dict) and "as_of" in data and "overall" in data:
            entries.append((path, data))
    return [data for _, data in sorted(entries, key=_history_sort_key)]


def trend_points(result: AuditResult, history: list[dict]) -> list[dict]:
    """One point per audit (earlier ones, then this one): as_of, generated_at, overall and per-source score."""
    points = []
    for audit in [*history, result.to_dict()]:
        by_source = {
            row["source"]: row.get("score") for row in audit.get("sources", []) if row.get("source") != ALL
        }
        points.append({
            "as_of": audit.get("as_of"),
            "generated_at": audit.get("generated_at", ""),
            "score": (audit.get("overall") or {}).get("score"),
            "sources": by_source,
        })
    return points


def save_audit(result: AuditResult, reports_dir: Path) -> dict[str, Path]:
    """Write reports_dir/audit.json, reports_dir/report.html, and a copy
    reports_dir/history/audit-<as_of>-<HHMMSS>.json; the trend uses every earlier
    history file. Returns the paths: ``audit`` (audit.json), ``report``
    (report.html) and ``history`` (the copy)."""
    reports_dir = Path(reports_dir)
    history_dir = reports_dir / HISTORY_DIR
    history_dir.mkdir(parents=True, exist_ok=True)
    history = load_history(reports_dir)

    data = result.to_dict()
    stamp = datetime.now().strftime("%H%M%S")
    copy = history_dir / f"audit-{result.as_of}-{stamp}.json"
    n = 2
    while copy.exists():  # two audits within one second
        copy = history_dir / f"audit-{result.as_of}-{stamp}-{n}.json"
        n += 1
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    copy.write_text(text + "\n", encoding="utf-8")

    current = {**data, "trend": trend_points(result, history)}
    json_path = reports_dir / "audit.json"
    json_path.write_text(json.dumps(current, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")
    html_path = reports_dir / "report.html"
    html_path.write_text(render_html(result, history), encoding="utf-8")
    log.info("audit %s: score %s, report %s", result.as_of, result.overall.get("score"), html_path)
    return {"audit": json_path, "report": html_path, "history": copy}


# --------------------------------------------------------------------------
# formatting
# --------------------------------------------------------------------------


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def esc(v: Any) -> str:
    return html.escape("" if _missing(v) else str(v))


def pct(v: Any, digits: int = 1) -> str:
    return "–" if _missing(v) else f"{float(v) * 100:.{digits}f}%"


def num(v: Any) -> str:
    return "–" if _missing(v) else f"{int(v):,}"


def score_text(v: Any) -> str:
    return "–" if _missing(v) else f"{float(v):.1f}"


def _rate_class(v: Any) -> str:
    if _missing(v):
        return "na"
    v = float(v)
    return "good" if v >= 0.95 else ("warn" if v >= 0.8 else "bad")


def _score_class(v: Any) -> str:
    if _missing(v):
        return "na"
    return "good" if float(v) >= 90 else ("warn" if float(v) >= 75 else "bad")


def _plot_label(v: Any) -> str:
    """Labels inside charts: plotly understands a little HTML, so escape it too."""
    return html.escape(str(v), quote=False)


def _field_label(field: str) -> str:
    return "whole record" if field == RECORD else field.replace("_", " ")


def _table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    """headers and cells must already be escaped HTML fragments."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(rows_cell for rows_cell in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _td(text: str, cls: str = "") -> str:
    return f'<td class="{cls}">{text}</td>' if cls else f"<td>{text}</td>"


# --------------------------------------------------------------------------
# charts
# --------------------------------------------------------------------------


class _Charts:
    """Turns figures into HTML; plotly.js is inlined with the first one only."""

    def __init__(self) -> None:
        self.count = 0

    def html(self, fig, div_id: str) -> str:
        import plotly.io as pio

        fig.update_layout(template="plotly_white", font={"family": "system-ui, sans-serif", "size": 13},
                          margin={"l": 60, "r": 30, "t": 50, "b": 60})
        out = pio.to_html(
            fig,
            full_html=False,
            include_plotlyjs=self.count == 0,
            include_mathjax=False,
            config={"displaylogo": False, "responsive": True},
            div_id=div_id,
            default_height=f"{fig.layout.height or 420}px",
        )
        self.count += 1
        return f'<div class="chart">{out}</div>'


def _score_colour(v: float | None) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "#bbbbbb"
    return "#2e7d32" if v >= 90 else ("#f9a825" if v >= 75 else "#c62828")


def _scorecard_figure(sources: pd.DataFrame):
    import plotly.graph_objects as go

    frame = sources.iloc[::-1]
    labels = [_plot_label("All sources" if s == ALL else s) for s in frame["source"]]
    scores = [None if _missing(v) else float(v) for v in frame["score"]]
    fig = go.Figure(go.Bar(
        x=scores, y=labels, orientation="h",
        marker_color=[_score_colour(v) for v in scores],
        text=[score_text(v) for v in scores], textposition="auto",
        hovertemplate="%{y}: score %{x:.1f}<extra></extra>",
    ))
    fig.update_layout(title="Score per source (0–100)", xaxis={"range": [0, 100], "title": "score"},
                      height=max(220, 60 * len(frame) + 100), showlegend=False)
    return fig


def _field_figure(fields: pd.DataFrame):
    import plotly.graph_objects as go

    order = list(dict.fromkeys(fields["field"]))
    fig = go.Figure()
    for source, sub in fields.groupby("source", sort=True):
        sub = sub.set_index("field").reindex(order)
        fig.add_trace(go.Bar(
            name=_plot_label(source), x=[_plot_label(_field_label(f)) for f in order],
            y=[None if _missing(v) else float(v) for v in sub["score"]],
            hovertemplate=f"{_plot_label(source)} · %{{x}}: %{{y:.1f}}<extra></extra>",
        ))
    fig.update_layout(title="Score per field and source (missing bar: not collected)", barmode="group",
                      yaxis={"range": [0, 100], "title": "score"}, height=440, legend={"orientation": "h", "y": -0.3})
    return fig


def _heatmap_figure(fields: pd.DataFrame):
    import plotly.graph_objects as go

    order = list(dict.fromkeys(fields["field"]))
    pivot = fields.pivot(index="field", columns="source", values="score").reindex(order)
    z = [[None if _missing(v) else float(v) for v in row] for row in pivot.to_numpy()]
    text = [["not collected" if _missing(v) else f"{float(v):.1f}" for v in row] for row in pivot.to_numpy()]
    fig = go.Figure(go.Heatmap(
        z=z, x=[_plot_label(s) for s in pivot.columns], y=[_plot_label(_field_label(f)) for f in pivot.index],
        text=text, texttemplate="%{text}", colorscale="RdYlGn", zmin=50, zmax=100,
        colorbar={"title": "score"}, hovertemplate="%{y} in %{x}: %{text}<extra></extra>", xgap=2, ygap=2,
    ))
    fig.update_layout(title="Field scores (colour scale 50–100)", height=max(320, 34 * len(order) + 140),
                      yaxis={"autorange": "reversed"})
    return fig


def _trend_labels(points: list[dict]) -> list[str]:
    seen: dict[str, int] = {}
    labels = []
    for p in points:
        base = str(p["as_of"])
        seen[base] = seen.get(base, 0) + 1
        labels.append(base if seen[base] == 1 else f"{base} (#{seen[base]})")
    return labels


def _trend_figure(points: list[dict]):
    import plotly.graph_objects as go

    labels = _trend_labels(points)
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=labels, y=[p["score"] for p in points], name="All sources", mode="lines+markers+text",
        line={"width": 4, "color": "#263238"}, marker={"size": 11},
        text=[score_text(p["score"]) for p in points], textposition="top center",
    ))
    sources = sorted({s for p in points for s in p["sources"]})
    for source in sources:
        fig.add_trace(go.Scatter(
            x=labels, y=[p["sources"].get(source) for p in points], name=_plot_label(source),
            mode="lines+markers", line={"dash": "dot"},
        ))
    fig.update_layout(title="Score over the audits", xaxis={"type": "category", "title": "audit (as of)"},
                      yaxis={"range": [0, 105], "title": "score"}, height=400,
                      legend={"orientation": "h", "y": -0.25})
    if len(points) == 1:
        fig.add_annotation(text="first audit: the trend starts here", x=labels[0], y=20, showarrow=False,
                           font={"size": 14, "color": "#555"})
    return fig


def _duplicates_figure(sources: pd.DataFrame):
    import plotly.graph_objects as go

    frame = sources[sources["source"] != ALL]
    labels = [_plot_label(s) for s in frame["source"]]
    fig = go.Figure([
        go.Bar(name="duplicates within the source", x=labels, y=frame["duplicates_within"].tolist(),
               text=frame["duplicates_within"].tolist(), textposition="auto"),
        go.Bar(name="records also held by another source", x=labels, y=frame["duplicates_across"].tolist(),
               text=frame["duplicates_across"].tolist(), textposition="auto"),
    ])
    fig.update_layout(title="Duplicates per source", barmode="group", yaxis={"title": "records"}, height=380,
                      legend={"orientation": "h", "y": -0.2})
    return fig


# --------------------------------------------------------------------------
# page
# --------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2933; background: #f7f8fa; }
main { max-width: 1320px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 1.8rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 36px 0 8px; border-bottom: 2px solid #d9dee5; padding-bottom: 4px; }
p.meta { color: #5f6b7a; margin: 0 0 16px; }
p.summary { font-size: 1.1rem; line-height: 1.6; background: #fff; border-left: 5px solid #1565c0;
            padding: 12px 16px; }
.note { color: #5f6b7a; font-size: 0.92rem; }
table { border-collapse: collapse; background: #fff; margin: 8px 0 16px; font-size: 0.9rem; width: 100%; }
th, td { border: 1px solid #dde2e8; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.good { background: #e3f4e4; } td.warn { background: #fff4d6; } td.bad { background: #fde2e1; }
td.na { color: #9aa5b1; }
td.ids { font-family: ui-monospace, monospace; font-size: 0.82rem; word-break: break-all; }
tr.all td { font-weight: 600; border-top: 2px solid #9aa5b1; }
.chart { background: #fff; border: 1px solid #dde2e8; margin: 8px 0 16px; }
dl.defs dt { font-weight: 600; margin-top: 6px; } dl.defs dd { margin: 0 0 0 16px; color: #3e4c59; }
"""


def _summary(result: AuditResult, history: list[dict]) -> str:
    o = result.overall
    parts = []
    score = o.get("score")
    if history:
        prev = history[-1]
        prev_score = (prev.get("overall") or {}).get("score")
        if score is not None and prev_score is not None:
            delta = float(score) - float(prev_score)
            parts.append(f"Overall score {score_text(score)} ({delta:+.1f} since {prev.get('as_of')}).")
        else:
            parts.append(f"Overall score {score_text(score)}.")
    else:
        parts.append(f"Overall score {score_text(score)} (first audit: the trend starts here).")
    parts.append(
        f"{num(o.get('records'))} records in {num(o.get('sources'))} sources, "
        f"{num(o.get('quarantined'))} more quarantined."
    )
    parts.append(
        f"{num(o.get('estimated_duplicates'))} estimated duplicates ({pct(o.get('duplicate_rate'))}): "
        f"{num(o.get('golden_records'))} distinct contacts."
    )
    if o.get("suppressed_records"):
        parts.append(
            f"{num(o.get('suppressed_people'))} people ({num(o.get('suppressed_records'))} records) suppressed "
            "for erasure requests."
        )
    worst = o.get("worst")
    if worst:
        parts.append(
            f"Worst: {worst['field'].replace('_', ' ')} {worst['dimension']} in {worst['source']} "
            f"({pct(worst['rate'], 0)})."
        )
    return esc(" ".join(parts))


def _sources_table(sources: pd.DataFrame) -> str:
    headers = ["Source", "Records", "Quarantined", *[DIMENSION_LABELS[d] for d in DIMENSIONS], "Score",
               "Duplicates within", "Also in another source"]
    headers = [esc(h) for h in headers]
    rows = []
    for r in sources.to_dict("records"):
        cells = [_td(esc("All sources" if r["source"] == ALL else r["source"])), _td(num(r["records"]), "num"),
                 _td(num(r["quarantined"]), "num")]
        cells += [_td(pct(r[d]), f"num {_rate_class(r[d])}") for d in DIMENSIONS]
        cells += [_td(score_text(r["score"]), f"num {_score_class(r['score'])}"),
                  _td(num(r["duplicates_within"]), "num"), _td(num(r["duplicates_across"]), "num")]
        rows.append(cells)
    out = _table(headers, rows, "sources")
    return out.replace("<tr><td>All sources", '<tr class="all"><td>All sources')


def _fields_table(fields: pd.DataFrame) -> str:
    headers = [esc(h) for h in ["Source", "Field", "Weight", "Filled", *[DIMENSION_LABELS[d] for d in DIMENSIONS],
                                "Score"]]
    rows = []
    for r in fields.sort_values(["source"], kind="stable").to_dict("records"):
        collected = bool(r["collected"])
        cells = [_td(esc(r["source"])), _td(esc(_field_label(r["field"]))), _td(esc(f"{r['weight']:g}"), "num"),
                 _td(f"{num(r['present'])} of {num(r['records'])}" if r["field"] != RECORD else num(r["records"]),
                     "num")]
        for d in DIMENSIONS:
            if not collected and d != "completeness":
                cells.append(_td("not collected" if d == "validity" else "", "na"))
            else:
                cells.append(_td(pct(r[d]), f"num {_rate_class(r[d])}"))
        cells.append(_td(score_text(r["score"]), f"num {_score_class(r['score'])}"))
        rows.append(cells)
    return _table(headers, rows, "fields")


def _problems_table(problems: pd.DataFrame) -> str:
    if problems is None or not len(problems):
        return '<p class="note">No problems found.</p>'
    headers = [esc(h) for h in ["#", "Source", "Field", "Issue", "Dimension", "Records", "Share of source",
                                "Example record ids"]]
    rows = []
    for i, r in enumerate(problems.to_dict("records"), start=1):
        rows.append([_td(str(i), "num"), _td(esc(r["source"])), _td(esc(_field_label(r["field"]))),
                     _td(esc(r["issue"])), _td(esc(r["dimension"])), _td(num(r["count"]), "num"),
                     _td(pct(r["share"]), "num"), _td(esc(str(r["example_record_ids"]).replace(",", ", ")), "ids")])
    return _table(headers, rows, "problems")


def _expectations_table(expectations: pd.DataFrame) -> str:
    if expectations is None or not len(expectations):
        return '<p class="note">No Great Expectations results were attached to this audit.</p>'
    headers = [esc(h) for h in ["Source", "Suite", "Expectation", "Column", "Result", "Unexpected", "Unexpected %",
                                "Sample"]]
    rows = []
    for r in expectations.to_dict("records"):
        ok = bool(r.get("success")) if not _missing(r.get("success")) else False
        pct_value = r.get("unexpected_percent")
        rows.append([
            _td(esc(r.get("source"))), _td(esc(r.get("suite"))), _td(esc(r.get("expectation"))),
            _td(esc(r.get("column"))), _td("passed" if ok else "failed", "good" if ok else "bad"),
            _td(num(r.get("unexpected_count")), "num"),
            _td("–" if _missing(pct_value) else esc(f"{float(pct_value):.2f}%"), "num"),
            _td(esc(r.get("sample")), "ids"),
        ])
    failed = sum(1 for r in expectations.to_dict("records") if not r.get("success"))
    note = f'<p class="note">{len(expectations)} expectations, {failed} failed.</p>'
    return note + _table(headers, rows, "expectations")


def _duplicates_text(result: AuditResult) -> str:
    o = result.overall
    return esc(
        f"The match clusters ({result.settings.get('clusters', 'matcher')}) group the {num(o.get('records'))} "
        f"records into {num(o.get('golden_records'))} distinct contacts, so about "
        f"{num(o.get('estimated_duplicates'))} records ({pct(o.get('duplicate_rate'))}) are duplicates. "
        f"{num(o.get('duplicates_across'))} records belong to a contact that another source also holds; "
        f"duplicates within a source are records of the same contact entered more than once in that source."
    )


def render_html(result: AuditResult, history: list[dict]) -> str:
    """The report page (self-contained HTML)."""
    charts = _Charts()
    points = trend_points(result, history)
    sources = result.sources
    fields = result.fields
    settings = result.settings or {}
    fresh = settings.get("fresh_months")

    defs = "".join(
        f"<dt>{esc(DIMENSION_LABELS[d])} (weight {esc(settings.get('dimension_weights', {}).get(d, ''))})</dt>"
        f"<dd>{esc(DEFINITIONS[d])}"
        + (esc(f" ({fresh} months)") if d == "timeliness" and fresh else "")
        + "</dd>"
        for d in DIMENSIONS
    )
    trend_note = (
        "first audit: the trend starts here"
        if len(points) == 1
        else f"{len(points)} audits, from {points[0]['as_of']} to {points[-1]['as_of']}"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Customer data quality audit {esc(result.as_of)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        "<h1>Customer data quality audit</h1>",
        f'<p class="meta">Data as of {esc(result.as_of)} · generated {esc(result.generated_at)} · '
        f"clusters from {esc(settings.get('clusters', ''))}</p>",
        f'<p class="summary" id="summary">{_summary(result, history)}</p>',
        '<section id="scorecard"><h2>Scorecard</h2>',
        charts.html(_scorecard_figure(sources), "chart-scorecard"),
        _sources_table(sources),
        '<p class="note">Scores are 0–100: each field is scored on the dimensions that apply to it, a source is '
        "the weighted mean of its fields, “All sources” weights the sources by their records. Quarantined rows "
        "are not scored.</p>",
        f'<dl class="defs">{defs}</dl></section>',
        '<section id="fields"><h2>Fields</h2>',
        charts.html(_field_figure(fields), "chart-fields"),
        charts.html(_heatmap_figure(fields), "chart-heatmap"),
        "<h3>Every source, field and dimension</h3>",
        _fields_table(fields),
        "</section>",
        '<section id="problems"><h2>Top problems</h2>',
        '<p class="note">Ranked by records affected × field weight. “missing” is an empty field, “flag” issues '
        "(role accounts, throw-away domains) do not lower validity but should be reviewed.</p>",
        _problems_table(result.top_problems),
        "</section>",
        '<section id="expectations"><h2>Great Expectations checks</h2>',
        _expectations_table(result.expectations),
        "</section>",
        f'<section id="trend" data-points="{len(points)}"><h2>Trend</h2>',
        f'<p class="note">{esc(trend_note)}</p>',
        charts.html(_trend_figure(points), "chart-trend"),
        "</section>",
        '<section id="duplicates"><h2>Duplicates</h2>',
        f'<p class="note">{_duplicates_text(result)}</p>',
        charts.html(_duplicates_figure(sources), "chart-duplicates"),
        "</section>",
        "</main></body></html>",
    ]
    return "\n".join(parts)


__all__ = ["save_audit", "load_history", "render_html", "trend_points"]
