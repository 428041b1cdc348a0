"""Geometry of the site's charts, computed at build time: plain dicts that the templates draw as
inline SVG (no JavaScript, no chart library), each with the numbers behind it for a text
alternative."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

BAR_WIDTH = 640
BAR_HEIGHT = 22
LABEL_WIDTH = 210
VALUE_WIDTH = 110
# Japan from Yonaguni to Nemuro and from Hateruma to Sōya, with a little margin.
LONG_MIN, LONG_MAX = 122.5, 146.5
LAT_MIN, LAT_MAX = 23.5, 46.0
MAP_WIDTH = 600


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str | None = None


def yen(amount: int) -> str:
    """An amount for people: 1.2億円 / 3,400万円 / 500円."""
    if amount >= 100_000_000:
        return f"{amount / 100_000_000:,.2f}億円"
    if amount >= 10_000:
        return f"{amount / 10_000:,.0f}万円"
    return f"{amount:,}円"


def bars(items: Sequence[Bar], money: bool = True) -> dict[str, Any]:
    """A horizontal bar chart, largest first (ties by label, so the output is stable)."""
    ordered = sorted(items, key=lambda b: (-b.value, b.label))
    top = max((b.value for b in ordered), default=0) or 1
    room = BAR_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = []
    for i, b in enumerate(ordered):
        width = round(room * b.value / top, 1)
        rows.append({
            "label": b.label, "href": b.href, "y": i * BAR_HEIGHT,
            "width": max(width, 1.0), "value": b.value,
            "text": yen(b.value) if money else f"{b.value:,}",
            "text_x": LABEL_WIDTH + max(width, 1.0) + 6,
        })
    return {"rows": rows, "width": BAR_WIDTH, "height": max(len(rows), 1) * BAR_HEIGHT + 4,
            "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT - 6}


def stacked_columns(columns: Sequence[tuple[str, Sequence[int]]],
                    series: Sequence[str]) -> dict[str, Any]:
    """Vertical columns (e.g. awards per fiscal year), each stacked by series (e.g. status)."""
    width, height, bottom, left = 640, 260, 30, 40
    top = max((sum(values) for _, values in columns), default=0) or 1
    step = (width - left) / max(len(columns), 1)
    column_width = min(60.0, step * 0.7)
    out = []
    for i, (name, values) in enumerate(columns):
        x = left + i * step + (step - column_width) / 2
        y = float(height - bottom)
        parts = []
        for j, value in enumerate(values):
            h = (height - bottom - 20) * value / top
            y -= h
            parts.append({"series": j, "y": round(y, 1), "height": round(h, 1), "value": value,
                          "name": series[j]})
        out.append({"name": name, "x": round(x, 1), "width": round(column_width, 1),
                    "center": round(x + column_width / 2, 1), "parts": parts,
                    "total": sum(values), "top": round(y, 1)})
    ticks = [{"value": v, "y": round(height - bottom - (height - bottom - 20) * v / top, 1)}
             for v in _ticks(top)]
    return {"columns": out, "series": list(series), "width": width, "height": height,
            "baseline": height - bottom, "left": left, "ticks": ticks}


def _ticks(top: int) -> list[int]:
    step = max(1, 10 ** int(math.log10(top)) if top >= 10 else 1)
    if top / step < 3:
        step = max(1, step // 2)
    return list(range(0, top + 1, step))


def project(lat: float, long: float) -> tuple[float, float]:
    """Equirectangular, with longitude scaled by cos(36°) so Japan keeps its shape."""
    scale = MAP_WIDTH / ((LONG_MAX - LONG_MIN) * math.cos(math.radians(36)))
    x = (long - LONG_MIN) * math.cos(math.radians(36)) * scale
    y = (LAT_MAX - lat) * scale
    return round(x, 1), round(y, 1)


def points_map(points: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Places as points; each point dict has lat, long, label, href and `highlight`. Highlighted
    points are drawn last, so they stay visible on top of the others."""
    drawn = []
    for p in sorted(points, key=lambda p: (p["highlight"], p["href"] or "", p["label"])):
        x, y = project(p["lat"], p["long"])
        drawn.append({**p, "x": x, "y": y})
    _, height = project(LAT_MIN, LONG_MAX)
    return {"points": drawn, "width": MAP_WIDTH, "height": height}
