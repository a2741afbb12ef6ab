"""Bar charts rendered on the server as SVG: no script, no CDN, readable on a phone."""

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

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
