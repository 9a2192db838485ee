"""Charts drawn on the server as SVG (issue #18: no script, nothing from another site): bars and lines, with a
title, a description, axis labels and a value on each bar. Pure: labels and numbers in, markup out.

The markup is ``role="img"`` with ``<title>`` and ``<desc>`` (and ``aria-labelledby`` naming both) so a
screen reader announces the chart; the page puts the same figures in a table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from math import ceil, log10

WIDTH = 640
BAR_HEIGHT = 28
GAP = 8
LABEL_WIDTH = 220
VALUE_WIDTH = 70
TOP = 36
BOTTOM = 36


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str
    """The value as written beside the bar (``12``, ``35.5%``)."""


def nice_maximum(value: float) -> float:
    """The axis end: the smallest 1, 2, 2.5 or 5 × 10ⁿ at least ``value`` (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10 ** int(log10(value) // 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(ceil(value))


def _text_width(text: str) -> float:
    """Roughly how wide the text is at 13 px: a wide (CJK) character about 13 px, any other about 7."""
    return sum(13 if ord(ch) > 0x2E80 else 7 for ch in text)


def fitted(text: str, width: float) -> str:
    """The label shortened with an ellipsis to fit ``width`` (the table beside the chart holds it whole)."""
    if _text_width(text) <= width:
        return text
    while text and _text_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:g}"


def bar_chart(*, chart_id: str, title: str, description: str, axis_label: str, bars: list[Bar]) -> str:
    """A horizontal bar chart: one bar per label, an axis with 0, half and the end, the axis named below."""
    height = TOP + max(len(bars), 1) * (BAR_HEIGHT + GAP) + BOTTOM
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    end = nice_maximum(max((b.value for b in bars), default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<text x="0" y="20" class="chart-title">{escape(title)}</text>',
    ]
    axis_y = height - BOTTOM
    for fraction in (0, 0.5, 1):
        x = LABEL_WIDTH + plot * fraction
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{axis_y}" class="chart-grid"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle" class="chart-tick">{_number(end * fraction)}</text>'
        )
    parts.append(
        f'<text x="{LABEL_WIDTH + plot / 2:.1f}" y="{height - 4}" text-anchor="middle" class="chart-axis">'
        f"{escape(axis_label)}</text>"
    )
    for n, bar in enumerate(bars):
        y = TOP + n * (BAR_HEIGHT + GAP)
        width = plot * (bar.value / end) if end else 0
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.68:.1f}" text-anchor="end" class="chart-label">'
            f"{escape(fitted(bar.label, LABEL_WIDTH - 12))}</text>"
        )
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" class="chart-bar"/>')
        parts.append(
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + BAR_HEIGHT * 0.68:.1f}" class="chart-value">'
            f"{escape(bar.shown)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(*, chart_id: str, title: str, description: str, axis_label: str, points: list[Bar]) -> str:
    """A line over the periods in order (e.g. complaints received month by month), each point labelled."""
    height = 260
    left, right, top, bottom = 56, 24, TOP, 56
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    end = nice_maximum(max((p.value for p in points), default=0))
    step = plot_w / max(len(points) - 1, 1)
    coords = [
        (left + (step * n if len(points) > 1 else plot_w / 2), top + plot_h * (1 - p.value / end))
        for n, p in enumerate(points)
    ]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<text x="0" y="20" class="chart-title">{escape(title)}</text>',
    ]
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" class="chart-grid"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="chart-tick">{_number(end * fraction)}</text>'
        )
    if coords:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" class="chart-line"/>')
    for (x, y), point in zip(coords, points, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" class="chart-point"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" class="chart-value">{escape(point.shown)}</text>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle" class="chart-tick">{escape(point.label)}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" class="chart-axis">{escape(axis_label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
