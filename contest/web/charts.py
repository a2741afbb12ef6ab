"""Bar charts rendered on the server as SVG: no script, no CDN, readable on a phone."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape

from markupsafe import Markup

from contest.domain.clock import to_vietnam

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 150
CHART_WIDTH = 520


def bar_chart(title: str, bars: Sequence[tuple[str, int]], color: str = "#0b5cad") -> Markup:
    """Horizontal bars with their labels and values; scales to its container's width."""
    biggest = max((value for _label, value in bars), default=0) or 1
    plot_width = CHART_WIDTH - LABEL_WIDTH - 70
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for index, (label, value) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = round(plot_width * value / biggest)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end" font-size="13">'
            f"{escape(label)}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{color}" rx="3"/>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{y + 16}" font-size="13">'
            f"{f'{value:,}'.replace(',', '.')}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


COLUMN_CHART_WIDTH = 720
COLUMN_CHART_HEIGHT = 230
AXIS_LEFT = 44
AXIS_BOTTOM = 44
TOP = 16


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def column_chart(
    title: str, columns: Sequence[tuple[str, str, int]], summary: str = "", color: str = "#0b5cad"
) -> Markup:
    """Vertical bars in time order, for many columns (48 hours): `columns` are (axis label, the
    column's own words, value). Axis labels may be empty, to label only every few columns; the
    column's words are its tooltip (a `<title>` screen readers read too). Scales to its
    container's width and needs no script."""
    plot_width = COLUMN_CHART_WIDTH - AXIS_LEFT - 8
    plot_height = COLUMN_CHART_HEIGHT - AXIS_BOTTOM - TOP
    biggest = max((value for _label, _words, value in columns), default=0)
    scale = biggest or 1
    step = plot_width / max(len(columns), 1)
    bottom = TOP + plot_height
    label = f"{title}. {summary}".strip() if summary else title
    parts = [
        f'<svg class="chart columns" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {COLUMN_CHART_WIDTH} {COLUMN_CHART_HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    if summary:
        parts.append(f"<desc>{escape(summary)}</desc>")
    # The axis: 0 at the bottom, the highest value at the top, a light line between.
    parts.append(
        f'<line x1="{AXIS_LEFT}" y1="{bottom}" x2="{COLUMN_CHART_WIDTH - 8}" y2="{bottom}" '
        f'stroke="#8795a6" stroke-width="1"/>'
        f'<text x="{AXIS_LEFT - 6}" y="{bottom + 4}" text-anchor="end" font-size="12">0</text>'
    )
    if biggest:
        parts.append(
            f'<line x1="{AXIS_LEFT}" y1="{TOP}" x2="{COLUMN_CHART_WIDTH - 8}" y2="{TOP}" '
            f'stroke="#dde3ea" stroke-width="1"/>'
            f'<text x="{AXIS_LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="12">'
            f"{_number(biggest)}</text>"
        )
    for index, (axis_label, words, value) in enumerate(columns):
        x = AXIS_LEFT + index * step
        height = round(plot_height * value / scale, 1)
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{bottom - height:.1f}" width="{max(step - 2, 1):.1f}" '
            f'height="{height}" fill="{color}"><title>{escape(words)}</title></rect>'
        )
        if axis_label:
            parts.append(
                f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 5}" stroke="#8795a6"/>'
            )
            for line_number, text in enumerate(axis_label.split("\n")):
                parts.append(
                    f'<text x="{x:.1f}" y="{bottom + 18 + 14 * line_number}" text-anchor="middle" '
                    f'font-size="12">{escape(text)}</text>'
                )
    parts.append("</svg>")
    return Markup("".join(parts))


def hourly_chart(title: str, hours: Sequence[tuple[datetime, int]], unit: str = "lượt") -> Markup:
    """A column per clock hour (naive UTC starts, shown in Vietnam time), labelled every six
    hours, the date under each midnight; each column says its hour, day and value."""
    columns = []
    for start, value in hours:
        local = to_vietnam(start)
        end = local + timedelta(hours=1)
        label = ""
        if local.hour % 6 == 0:
            label = f"{local:%H}h" + (f"\n{local:%d/%m}" if local.hour == 0 else "")
        words = f"{local:%H:%M}–{end:%H:%M} ngày {local:%d/%m/%Y}: {_number(value)} {unit}"
        columns.append((label, words, value))
    total = sum(value for _start, value in hours)
    summary = f"Tổng cộng {_number(total)} {unit}"
    if total:
        peak_start, peak = max(hours, key=lambda item: (item[1], item[0]))
        peak_local = to_vietnam(peak_start)
        summary += (
            f"; nhiều nhất {_number(peak)} {unit} trong giờ {peak_local:%H:%M} "
            f"ngày {peak_local:%d/%m/%Y}"
        )
    return column_chart(title, columns, summary + ".")
