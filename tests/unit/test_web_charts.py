"""The server-side SVG chart: bars per channel, a fee line, labels escaped."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

from stemlink.web.charts import _nice_max, daily_orders_svg, legend

DAYS = [dt.date(2026, 11, 1) + dt.timedelta(days=i) for i in range(3)]
SVG = "{http://www.w3.org/2000/svg}"


def test_draws_one_bar_per_nonzero_count_and_a_fee_point_per_day() -> None:
    svg = daily_orders_svg(
        DAYS,
        {"Web app": [1, 0, 2], "Back office": [0, 3, 0]},
        [Decimal("1.50"), Decimal("0"), Decimal("3.00")],
    )
    root = ET.fromstring(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 3
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    assert len(list(root.iter(f"{SVG}polyline"))) == 1


def test_channel_names_are_escaped() -> None:
    svg = daily_orders_svg(DAYS, {"<script>": [1, 1, 1]}, [Decimal(0)] * 3)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)


def test_empty_period_still_draws_axes() -> None:
    root = ET.fromstring(daily_orders_svg(DAYS, {}, [Decimal(0)] * 3))
    assert root.tag == f"{SVG}svg"


def test_axis_maximum_rounds_up_to_1_2_or_5() -> None:
    assert [_nice_max(v) for v in (0, 0.4, 3, 7, 12, 180)] == [1.0, 1.0, 5.0, 10.0, 20.0, 200.0]


def test_legend_colours_follow_the_drawing_order() -> None:
    assert [name for name, _ in legend(["A", "B"])] == ["A", "B"]


def test_channel_names() -> None:
    from stemlink.web.channels import channel_name

    assert channel_name(False, "WEB_APP") == "Back office"
    assert channel_name(True, "WEB_APP") == "Web app"
    assert channel_name(True, "") == "Marketplace API"
    assert channel_name(True, "bogus") == "Marketplace API"
