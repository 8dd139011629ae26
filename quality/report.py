"""Self-contained HTML report: the status document plus inline SVG bar charts (no scripts, no network)."""

from __future__ import annotations

import html
import json

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1b2733;background:#f7f9fb}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:2rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{background:#fff;border-radius:8px;padding:1rem 1.5rem;
box-shadow:0 1px 3px #0002;min-width:11rem}.card b{display:block;font-size:1.8rem}.card span{font-size:.75rem;
letter-spacing:.05em;color:#5b6b7b}table{border-collapse:collapse;background:#fff;margin-top:.5rem}
td,th{padding:.3rem .8rem;border-bottom:1px solid #e3e8ee;text-align:left;font-size:.85rem}
td.n{text-align:right;font-variant-numeric:tabular-nums}.failed{color:#b42318}.succeeded{color:#067647}
svg{background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}.muted{color:#5b6b7b;font-size:.85rem}
"""


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def bar_chart(title: str, points: list[tuple[str, float]], width: int = 720, height: int = 240) -> str:
    """An inline SVG bar chart of (label, value) points; an empty series says so instead."""
    if not points:
        return f'<p class="muted">{esc(title)}: no data yet.</p>'
    left, bottom, top = 48, 56, 24
    plot_w, plot_h = width - left - 16, height - bottom - top
    peak = max(v for _, v in points) or 1
    step = plot_w / len(points)
    bar = max(step * 0.7, 1)
    parts = [
        f'<svg role="img" aria-label="{esc(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{esc(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#9aa5b1"/>',
        f'<text x="{left - 6}" y="{top + 4}" font-size="10" text-anchor="end">{peak:,.0f}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" font-size="10" text-anchor="end">0</text>',
    ]
    label_every = max(1, len(points) // 12)
    for i, (label, value) in enumerate(points):
        h = plot_h * (value / peak)
        x = left + i * step + (step - bar) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="#2e6fdb">'
            f"<title>{esc(label)}: {value:,.0f}</title></rect>"
        )
        if i % label_every == 0:
            cx = x + bar / 2
            parts.append(
                f'<text x="{cx:.1f}" y="{top + plot_h + 12}" font-size="9" text-anchor="end" '
                f'transform="rotate(-35 {cx:.1f} {top + plot_h + 12})">{esc(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def table(headers: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="{"n" if i in numeric else ""}">{esc(v)}</td>' for i, v in enumerate(r)) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render(status: dict, charts: dict[str, list[tuple[str, float]]]) -> str:
    """The whole page; ``charts`` maps a chart title to its (label, value) points."""
    ing, val = status["ingestion_errors"], status["validation_errors"]
    cards = [
        ("NUMBER OF OBJECTS", status["objects_total"]),
        ("NUMBER OF PROFILES", status["profiles"]),
        ("INGESTION ERRORS", ing["total"]),
        ("VALIDATION ERRORS", val["total"]),
    ]
    card_html = "".join(
        f'<div class="card" data-metric="{esc(k)}"><span>{esc(k)}</span><b>{v:,d}</b></div>' for k, v in cards
    )
    jobs = table(
        ["job", "status", "duration (s)", "stage time (s)", "started", "run id", "error"],
        [
            [
                j["job"],
                j["status"],
                j["duration_s"],
                j.get("stage_time_s"),
                j["started_at"],
                j["run_id"],
                j["error_message"],
            ]
            for j in status["jobs"]
        ],
        numeric={2, 3},
    )
    objects = table(["ACCP object type", "records"], [[k, f"{v:,d}"] for k, v in status["objects"].items()], {1})
    failures = (
        table(
            ["severity", "table", "expectation", "unexpected rows"],
            [[f["severity"], f["table"], f["expectation"], f["unexpected_count"]] for f in val["failures"]],
            {3},
        )
        if val["failures"]
        else '<p class="muted">Every expectation passed.</p>'
    )
    fresh = status["freshness"]
    chart_html = "".join(f"<h2>{esc(title)}</h2>{bar_chart(title, points)}" for title, points in charts.items())
    data = json.dumps(status, sort_keys=True, default=str).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>UPT domain {esc(status["domain"])}</title>
<link rel="icon" href="data:,"><meta name="viewport" content="width=device-width, initial-scale=1">
<style>{CSS}</style></head><body>
<h1>Domain <code>{esc(status["domain"])}</code></h1>
<p class="muted">{esc(status["warehouse"])} &middot; newest landing date {esc(fresh["newest_landing_date"])}
&middot; last ingest {esc(fresh["last_ingest_at"])}</p>
<div class="cards">{card_html}</div>
<h2>Jobs (last run of each)</h2>{jobs}
<h2>Objects per ACCP type</h2>{objects}
<h2>Failed expectations (last validation, {val["expectations_last_run"]} checked)</h2>{failures}
{chart_html}
<script type="application/json" id="status">{data}</script>
</body></html>
"""
