"""Charts drawn on the server as inline SVG: no JavaScript, no build step, prints as it shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape

# Colour-blind-safe palette (Okabe–Ito), in the order channels are drawn.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
FEE_COLOUR = "#b3261e"


def _nice_max(value: float) -> float:
    """Round an axis maximum up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** len(str(int(value))) / 10
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def daily_orders_svg(
    days: list[dt.date],
    orders_by_channel: dict[str, list[int]],
    fees: list[Decimal],
    *,
    width: int = 960,
    height: int = 280,
) -> str:
    """Return an SVG of orders per day stacked by channel (bars) with the day's fees (a line; none
    when `fees` is empty)."""
    left, right, top, bottom = 44, 60, 16, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(days), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.7, 1)
    totals = [sum(series[i] for series in orders_by_channel.values()) for i in range(len(days))]
    y_max = _nice_max(max(totals, default=0))
    fee_max = _nice_max(float(max(fees, default=Decimal(0))))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Orders and fees per day by channel">',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fbfcfb" stroke="#dfe5e1"/>',
    ]
    for k in range(5):
        value = y_max * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e6ebe8"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#67736c">{value:g}</text>'
        )
        if not fees:  # a reader who may not see fees gets no fee axis
            continue
        fee_label = fee_max * k / 4
        parts.append(
            f'<text x="{left + plot_w + 6}" y="{y + 4:.1f}" font-size="11" '
            f'fill="{FEE_COLOUR}">${fee_label:,.2f}</text>'
        )
    for i, day in enumerate(days):
        x = left + slot * i + (slot - bar_w) / 2
        base = float(top + plot_h)
        for c, (channel, series) in enumerate(orders_by_channel.items()):
            count = series[i]
            if count <= 0:
                continue
            h = plot_h * count / y_max
            base -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[c % len(PALETTE)]}"><title>{escape(day.isoformat())} · {escape(channel)}: '
                f"{count} order(s)</title></rect>"
            )
        # Label every few days counting back from today, so today is labelled and none overlap.
        if (n - 1 - i) % max(n // 10, 1) == 0:
            parts.append(
                f'<text x="{left + slot * i + slot / 2:.1f}" y="{height - 12}" font-size="11" '
                f'text-anchor="middle" fill="#67736c">{day:%b %d}</text>'
            )
    if fees:
        points = " ".join(
            f"{left + slot * i + slot / 2:.1f},{top + plot_h - plot_h * float(fee) / fee_max:.1f}"
            for i, fee in enumerate(fees)
        )
        parts.append(f'<polyline points="{points}" fill="none" stroke="{FEE_COLOUR}" stroke-width="2"/>')
        for i, fee in enumerate(fees):
            cx = left + slot * i + slot / 2
            cy = top + plot_h - plot_h * float(fee) / fee_max
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2.5" fill="{FEE_COLOUR}"><title>'
                f"{escape(days[i].isoformat())} fees: ${fee:,.2f}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def legend(channels: list[str]) -> list[tuple[str, str]]:
    """Return (channel, colour) pairs in the order the chart draws them."""
    return [(name, PALETTE[i % len(PALETTE)]) for i, name in enumerate(channels)]
