"""`thcrawl report`: one self-contained HTML page about a data folder's runs and dataset, for a person.

The charts are inline SVG drawn here (no script, no font or stylesheet to fetch), so the page opens
offline, from an e-mail attachment as well as from disk. Hovering a bar or point shows its value (SVG
<title>). Everything is read from what runs leave behind: the state's `runs` table (or each run's
stats.json) and the dataset's month files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from thcrawl.dataset import DATASET_DIR, UNKNOWN_MONTH, iter_dataset, months_between
from thcrawl.runstate import STATE_FILE
from thcrawl.summary import STATS_FILE

REPORT_FILE = "report.html"
WIDTH, HEIGHT = 880, 220
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 56, 36, 14
# One colour per series, readable on white and distinguishable in greyscale by order.
# One colour per series: the item's fields (up to 16 with extraction layers) each get their own line.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
           "#756bb1", "#636363")
STATUS_COLOURS = {"ok": "#2ca02c", "degraded": "#ff7f0e", "failed": "#d62728", "killed": "#7f7f7f"}


@dataclass
class ReportData:
    data_dir: Path
    runs: list[dict[str, Any]] = field(default_factory=list)  # oldest first; each a run summary
    months: dict[str, int] = field(default_factory=dict)  # "2024-06" -> articles in the dataset


def load_runs(data_dir: Path) -> list[dict[str, Any]]:
    """Every run's summary, oldest first: from the state (killed runs included), else from stats.json files."""
    runs: list[dict[str, Any]] = []
    state_file = data_dir / STATE_FILE
    if state_file.exists():
        from thcrawl.state import StateStore

        state = StateStore(state_file)
        try:
            for run_id, started, finished, status, summary in state.rows(
                    "SELECT run_id, started_at, finished_at, status, summary FROM runs ORDER BY started_at"):
                details = json.loads(summary) if summary else {}
                runs.append({**details, "run": run_id, "started": started, "finished": finished,
                             "status": status or details.get("status") or "running"})
        finally:
            state.close()
    if not runs:
        for stats_file in sorted(data_dir.glob(f"runs/*/{STATS_FILE}")):
            details = json.loads(stats_file.read_text("utf-8"))
            runs.append({**details, "run": stats_file.parent.name, "started": stats_file.parent.name})
    return runs


def count_months(data_dir: Path) -> dict[str, int]:
    """Articles per publish month in the dataset, counted as lines (a month file holds one article a line)."""
    months: dict[str, int] = {}
    for path in iter_dataset(data_dir):
        month = UNKNOWN_MONTH if path.parent.name == DATASET_DIR else f"{path.parent.name}-{path.stem}"
        with path.open("rb") as handle:
            months[month] = sum(1 for line in handle if line.strip())
    return months


def load(data_dir: Path) -> ReportData:
    return ReportData(data_dir=data_dir, runs=load_runs(data_dir), months=count_months(data_dir))


# -- SVG charts ----------------------------------------------------------------------------------------
def _nice_max(value: float) -> float:
    """An axis maximum at or above value whose four ticks are round whole numbers."""
    quarter = max(value / 4, 1.0)
    scale = 10.0 ** (len(str(int(quarter))) - 1)
    step = next(s * scale for s in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if quarter <= s * scale and (s * scale) % 1 == 0)
    return 4 * step


def _axes(maximum: float, unit: str = "") -> list[str]:
    parts = []
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    for i in range(5):
        value = maximum * i / 4
        y = HEIGHT - MARGIN_BOTTOM - plot_height * i / 4
        label = f"{value:.0%}" if unit == "%" else (f"{value:g}" if value < 10000 else f"{value / 1000:g}k")
        parts.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">{label}</text>')
    return parts


def _x_labels(labels: Sequence[str], xs: Sequence[float], every: int) -> list[str]:
    return [f'<text x="{x:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 14}" class="tick" text-anchor="middle">'
            f"{escape(label)}</text>" for i, (label, x) in enumerate(zip(labels, xs, strict=True))
            if i % every == 0 or i == len(labels) - 1]


def _svg(title: str, body: list[str], legend: Sequence[tuple[str, str]] = ()) -> str:
    keys = "".join(f'<span class="key"><i style="background:{colour}"></i>{escape(name)}</span>'
                   for name, colour in legend)
    return (f'<figure><figcaption>{escape(title)}</figcaption>'
            f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">{"".join(body)}</svg>'
            f'{f"<div class=legend>{keys}</div>" if keys else ""}</figure>')


def bar_chart(title: str, labels: Sequence[str], series: dict[str, Sequence[float]], unit: str = "",
              marks: Sequence[bool] = (), max_labels: int = 12) -> str:
    """Stacked bars, one per label; `marks` flags labels drawn as a red tick under the axis (gaps)."""
    if not labels:
        return _svg(title, [f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">no data yet</text>'])
    totals = [sum(values[i] or 0 for values in series.values()) for i in range(len(labels))]
    maximum = 1.0 if unit == "%" else _nice_max(max(totals))
    plot_width = WIDTH - MARGIN_LEFT - 8
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = plot_width / len(labels)
    bar = min(max(slot * 0.8, 1.0), 48.0)
    body = _axes(maximum, unit)
    xs = []
    for i, label in enumerate(labels):
        x = MARGIN_LEFT + slot * i + (slot - bar) / 2
        xs.append(x + bar / 2)
        base = HEIGHT - MARGIN_BOTTOM
        for (name, values), colour in zip(series.items(), PALETTE, strict=False):
            value = values[i] or 0
            height = plot_height * value / maximum
            if height > 0:
                body.append(f'<rect x="{x:.1f}" y="{base - height:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                            f'fill="{colour}"><title>{escape(label)}: {escape(name)} {value:g}</title></rect>')
            base -= height
        if marks and marks[i]:
            body.append(f'<rect x="{x:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 1}" width="{max(bar, 2):.1f}" height="5" '
                        f'class="gap"><title>{escape(label)}: no article</title></rect>')
    body += _x_labels(labels, xs, max(1, len(labels) // max_labels))
    legend = [(name, colour) for name, colour in zip(series, PALETTE, strict=False)] if len(series) > 1 else []
    return _svg(title, body, legend)


def line_chart(title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]], unit: str = "",
               threshold: float | None = None) -> str:
    """One line per series over the labels (runs); a missing value breaks the line."""
    if len(series) > len(PALETTE):  # never drop a series silently
        raise ValueError(f"{title}: {len(series)} series, colours for {len(PALETTE)}")
    if not labels or not series:
        return _svg(title, [f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">no data yet</text>'])
    values = [v for vs in series.values() for v in vs if v is not None]
    maximum = 1.0 if unit == "%" else _nice_max(max(values, default=0))
    plot_width = WIDTH - MARGIN_LEFT - 40  # room for the last label
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    step = plot_width / max(len(labels) - 1, 1)
    xs = [MARGIN_LEFT + (step * i if len(labels) > 1 else plot_width / 2) for i in range(len(labels))]
    body = _axes(maximum, unit)

    def y_of(value: float) -> float:
        return HEIGHT - MARGIN_BOTTOM - plot_height * value / maximum

    if threshold is not None:
        body.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - 8}" y1="{y_of(threshold):.1f}" y2="{y_of(threshold):.1f}" '
                    f'class="threshold"><title>threshold {threshold:.0%}</title></line>')
    for (name, points), colour in zip(series.items(), PALETTE, strict=False):
        path, pen_down = [], False
        for x, value in zip(xs, points, strict=True):
            if value is None:
                pen_down = False
                continue
            path.append(f'{"L" if pen_down else "M"}{x:.1f},{y_of(value):.1f}')
            pen_down = True
        body.append(f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for label, x, value in zip(labels, xs, points, strict=True):
            if value is not None:
                shown = f"{value:.1%}" if unit == "%" else f"{value:g}"
                body.append(f'<circle cx="{x:.1f}" cy="{y_of(value):.1f}" r="3" fill="{colour}">'
                            f"<title>{escape(label)}: {escape(name)} {shown}</title></circle>")
    body += _x_labels(labels, xs, max(1, len(labels) // 10))
    return _svg(title, body, [(name, colour) for name, colour in zip(series, PALETTE, strict=False)])


# -- the page ------------------------------------------------------------------------------------------
def _run_label(run: dict[str, Any]) -> str:
    """'11-30 19:28:21' from the run folder's UTC name 20261130T192821Z."""
    name = str(run.get("run") or "")
    if len(name) >= 16 and name[8] == "T":
        return f"{name[4:6]}-{name[6:8]} {name[9:11]}:{name[11:13]}:{name[13:15]}{name[16:]}"
    return name


def _latest_table(run: dict[str, Any]) -> str:
    rows = [("run", run.get("run")), ("status", run.get("status")), ("finish reason", run.get("finish_reason")),
            ("mode", run.get("mode")), ("started", run.get("started")), ("finished", run.get("finished")),
            ("articles written", run.get("articles")), ("new", run.get("new")), ("updated", run.get("updated")),
            ("unchanged", run.get("unchanged")), ("known, not fetched", run.get("skipped_known")),
            ("failed", run.get("failed")), ("requests", run.get("requests")),
            ("errors", sum((run.get("errors") or {}).values())), ("duration (s)", run.get("duration_seconds")),
            ("coverage below threshold", ", ".join(run.get("coverage_below_threshold") or []) or "none"),
            ("site", run.get("site")), ("output", run.get("output"))]
    status = str(run.get("status"))
    cells = [f"<tr><th>{escape(name)}</th><td>{escape(str(value)) if value is not None else '–'}</td></tr>"
             for name, value in rows]
    half = (len(cells) + 1) // 2
    return (f'<p class="status" style="background:{STATUS_COLOURS.get(status, "#7f7f7f")}">{escape(status)}</p>'
            f'<div class="grid2"><table>{"".join(cells[:half])}</table><table>{"".join(cells[half:])}</table></div>')


def _failure_reasons(runs: list[dict[str, Any]]) -> dict[str, int]:
    """Failed article URLs by reason plus errors by kind, summed over all runs."""
    totals: dict[str, int] = {}
    for run in runs:
        for source in (run.get("failed_by_reason") or {}, run.get("errors") or {}):
            for reason, count in source.items():
                totals[reason] = totals.get(reason, 0) + int(count)
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def render(data: ReportData) -> str:
    runs = [r for r in data.runs if r.get("status") != "lock_held"]
    labels = [_run_label(r) for r in runs]
    sections = []
    latest = runs[-1] if runs else None
    sections.append("<h2>Latest run</h2>" + (_latest_table(latest) if latest else "<p>No run yet.</p>"))

    sections.append("<h2>Runs over time</h2><div class=grid2>")
    sections.append(bar_chart("Articles per run: new and updated", labels,
                              {"new": [r.get("new") or 0 for r in runs], "updated": [r.get("updated") or 0 for r in runs]},
                              max_labels=5))
    sections.append(bar_chart("Requests per run", labels, {"requests": [r.get("requests") or 0 for r in runs]},
                              max_labels=5))
    sections.append(bar_chart("Errors per run (HTTP 4xx/5xx, download and spider exceptions, invalid items)",
                              labels, {"errors": [sum((r.get("errors") or {}).values()) for r in runs]}, max_labels=5))
    sections.append(bar_chart("Duration per run (seconds)", labels,
                              {"seconds": [r.get("duration_seconds") or 0 for r in runs]}, max_labels=5))
    sections.append("</div>")

    dated = sorted(m for m in data.months if m != UNKNOWN_MONTH)
    months = months_between(dated[0], dated[-1]) if dated else []
    gaps = [m for m in months if not data.months.get(m)]
    total = sum(data.months.values())
    sections.append(f"<h2>Articles per month across the archive</h2><p>{total} articles in the dataset, "
                    f"{len(months)} months from {months[0] if months else '–'} to {months[-1] if months else '–'}; "
                    f"{len(gaps)} months without an article{': ' + ', '.join(gaps[:24]) if gaps else ''}"
                    f"{' …' if len(gaps) > 24 else ''}{f'; {data.months[UNKNOWN_MONTH]} without a date' if data.months.get(UNKNOWN_MONTH) else ''}.</p>")
    sections.append(bar_chart("Articles per publish month (red under the axis: no article that month)", months,
                              {"articles": [data.months.get(m, 0) for m in months]}, marks=[m in gaps for m in months]))

    fields = sorted({name for r in runs for name in (r.get("coverage") or {})})
    sections.append("<h2>Field coverage and extraction layers per run</h2>"
                    "<p>A layout change on the site shows as a dip: fields found on fewer articles, or answered by "
                    "the metadata and fallback layers instead of the CMS markup.</p>")
    sections.append(line_chart("Share of articles with the field (dashed: 95 % threshold)", labels,
                               {name: [(r.get("coverage") or {}).get(name) for r in runs] for name in fields},
                               unit="%", threshold=0.95))
    cms_fields = sorted({name for r in runs for name in (r.get("cms_share") or {})})
    sections.append(line_chart("Share of articles whose field the CMS markup gave (the rest: generic layers)",
                               labels, {name: [(r.get("cms_share") or {}).get(name) for r in runs]
                                        for name in cms_fields}, unit="%"))

    reasons = _failure_reasons(runs)
    sections.append("<h2>Failure reasons, all runs</h2>")
    sections.append(bar_chart("Failed article URLs and errors by reason", list(reasons),
                              {"count": list(reasons.values())}) if reasons else "<p>No failure in any run.</p>")
    sections.append("<h2>All runs</h2>" + _runs_table(runs))
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return PAGE.format(folder=escape(str(data.data_dir)), generated=generated, runs=len(runs),
                       body="\n".join(sections))


def _runs_table(runs: list[dict[str, Any]]) -> str:
    head = "<tr><th>run</th><th>status</th><th>mode</th><th>articles</th><th>new</th><th>updated</th>" \
           "<th>failed</th><th>requests</th><th>errors</th><th>seconds</th></tr>"
    rows = "".join(
        f"<tr><td>{escape(str(r.get('run')))}</td><td>{escape(str(r.get('status')))}</td>"
        f"<td>{escape(str(r.get('mode') or '–'))}</td><td>{r.get('articles') or 0}</td><td>{r.get('new') or 0}</td>"
        f"<td>{r.get('updated') or 0}</td><td>{r.get('failed') or 0}</td><td>{r.get('requests') or 0}</td>"
        f"<td>{sum((r.get('errors') or {}).values())}</td><td>{r.get('duration_seconds') or '–'}</td></tr>"
        for r in reversed(runs))
    return f'<table class="runs">{head}{rows}</table>'


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>thcrawl report</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 920px; color: #222; padding: 0 1em; }}
h1 {{ font-size: 1.5em; margin-bottom: 0; }} h2 {{ font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }}
figure {{ margin: 0.6em 0 1.2em; }} figcaption {{ font-weight: 600; margin-bottom: 0.2em; }}
svg {{ width: 100%; height: auto; background: #fff; }}
.grid {{ stroke: #e4e4e4; }} .tick {{ font-size: 10px; fill: #555; }} .gap {{ fill: #d62728; }}
.threshold {{ stroke: #d62728; stroke-dasharray: 5 4; }}
.legend {{ font-size: 12px; }} .key {{ margin-right: 1em; white-space: nowrap; }}
.key i {{ display: inline-block; width: 10px; height: 10px; margin-right: 4px; }}
table {{ border-collapse: collapse; font-size: 13px; }} th, td {{ text-align: left; padding: 2px 10px 2px 0; }}
.runs td, .runs th {{ border-bottom: 1px solid #eee; }} .status {{ display: inline-block; color: #fff;
padding: 2px 10px; border-radius: 3px; font-weight: 600; }}
.meta {{ color: #666; margin-top: 0.2em; }}
.grid2 {{ display: grid; grid-template-columns: 1fr 1fr; gap: 0 1.5em; }} .grid2 .tick {{ font-size: 17px; }} td {{ overflow-wrap: anywhere; }}
</style></head>
<body><h1>thcrawl report</h1>
<p class="meta">Data folder {folder}: {runs} runs (times in UTC). Generated {generated}.</p>
{body}
</body></html>
"""


def write_report(data_dir: Path, out: Path | None = None) -> Path:
    """Write the report page (default DATA/report.html) through a temporary file; returns its path."""
    out = out or data_dir / REPORT_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(render(load(data_dir)), "utf-8")
    tmp.replace(out)
    return out
