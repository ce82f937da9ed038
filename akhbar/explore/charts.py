"""The explorer's charts: SVG drawn on the server by pygal, with no script and no style fetched from anywhere."""
from __future__ import annotations

import sys
from datetime import date, datetime, timedelta

import pygal
from pygal.style import Style

# pygal puts a finder on sys.meta_path for its map plugins (pygal.maps.*, unused here) that has only the
# find_module of Python 2's protocol: every import that reaches it warns (ImportWarning). Taken off again.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__module__ != "pygal"]

STYLE = Style(background="transparent", plot_background="transparent", foreground="#1d232a",
              foreground_strong="#1d232a", foreground_subtle="#e3e7eb", colors=("#0b6e4f", "#b3541e", "#3d6fa8"),
              font_family="Tahoma, sans-serif", label_font_size=11, major_label_font_size=11, value_font_size=10,
              title_font_size=13, legend_font_size=11, tooltip_font_size=11)


def _svg(chart) -> str:
    return chart.render(is_unicode=True).replace("<svg ", '<svg class="chart" role="img" ', 1)


UNITS = (("day", "يوم"), ("week", "أسبوع"), ("month", "شهر"), ("year", "سنة"))


def _start(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def _next(start: date, unit: str) -> date:
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return (start + timedelta(days=32)).replace(day=1)
    if unit == "year":
        return start.replace(year=start.year + 1)
    return start + timedelta(days=1)


def by_period(points: list[dict], most: int = 120) -> tuple[str, list[dict]]:
    """Mentions and articles a day summed by the shortest unit (day, week, month, year) that gives at most
    `most` bars from the first day to the last, the periods without any as zeros: a busy entity's ten years
    are 120 months, not 3,650 bars (which took pygal a second to draw)."""
    days = [p["day"].date() if isinstance(p["day"], datetime) else p["day"] for p in points]
    first, last = min(days), max(days)
    for unit, _ in UNITS:
        count, start = 0, _start(first, unit)
        while start <= last and count <= most:
            count, start = count + 1, _next(start, unit)
        if count <= most:
            break
    sums: dict[date, list[int]] = {}
    start = _start(first, unit)
    while start <= last:
        sums[start] = [0, 0]
        start = _next(start, unit)
    for day, p in zip(days, points):
        bucket = sums[_start(day, unit)]
        bucket[0] += p["mentions"]
        bucket[1] += p["articles"]
    return unit, [{"start": k, "mentions": m, "articles": a} for k, (m, a) in sums.items()]


def mentions_over_time(points: list[dict], title: str) -> str:
    """Mentions (and articles) by period as bars, oldest first; an empty string without points."""
    if not points:
        return ""
    unit, periods = by_period(points)
    chart = pygal.Bar(style=STYLE, js=[], height=260, width=800, show_legend=True, legend_at_bottom=True,
                      x_label_rotation=30, show_minor_x_labels=False, title=f"{title}: في كل {dict(UNITS)[unit]}",
                      margin=6)
    shown = {"month": "%Y-%m", "year": "%Y"}.get(unit, "%Y-%m-%d")
    labels = [p["start"].strftime(shown) for p in periods]
    chart.x_labels = labels
    chart.x_labels_major = labels[:: max(1, len(labels) // 12)]
    chart.add("ذكر", [p["mentions"] for p in periods])
    chart.add("مقالات", [p["articles"] for p in periods])
    return _svg(chart)


def reports_by_outlet(articles: list[dict]) -> str:
    """When each outlet carried the story: one dot a report, an outlet a row (`shown_outlet` of
    queries.story_articles)."""
    dated = [a for a in articles if a.get("published_at")]
    if not dated:
        return ""
    outlets = sorted({a["shown_outlet"] for a in dated})
    chart = pygal.DateTimeLine(style=STYLE, js=[], height=120 + 28 * len(outlets), width=800, stroke=False,
                               dots_size=5, show_legend=True, legend_at_bottom=True, x_label_rotation=20, margin=6,
                               x_value_formatter=lambda d: d.strftime("%Y-%m-%d %H:%M"), show_y_labels=False,
                               range=(0, len(outlets) + 1), title="التقارير عبر الزمن")
    for row, outlet in enumerate(outlets, start=1):
        chart.add(outlet, [(a["published_at"], row) for a in dated if a["shown_outlet"] == outlet])
    return _svg(chart)
