"""The explorer's charts: SVG drawn on the server by pygal, with no script and no style fetched from anywhere."""
from __future__ import annotations

import sys
from datetime import date, datetime

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


def mentions_over_time(points: list[dict], title: str) -> str:
    """Mentions a day as bars (articles beside them), oldest first; an empty string without points."""
    if not points:
        return ""
    chart = pygal.Bar(style=STYLE, js=[], height=260, width=800, show_legend=True, legend_at_bottom=True,
                      x_label_rotation=30, show_minor_x_labels=False, title=title, margin=6)
    labels = [p["day"].isoformat() if isinstance(p["day"], (date, datetime)) else str(p["day"]) for p in points]
    chart.x_labels = labels
    chart.x_labels_major = labels[:: max(1, len(labels) // 12)]
    chart.add("ذكر", [p["mentions"] for p in points])
    chart.add("مقالات", [p["articles"] for p in points])
    return _svg(chart)


def reports_by_outlet(articles: list[dict]) -> str:
    """When each outlet carried the story: one dot a report, an outlet a row."""
    dated = [a for a in articles if a.get("published_at")]
    if not dated:
        return ""
    outlets = sorted({a.get("outlet") or a.get("source") or "?" for a in dated})
    chart = pygal.DateTimeLine(style=STYLE, js=[], height=120 + 28 * len(outlets), width=800, stroke=False,
                               dots_size=5, show_legend=True, legend_at_bottom=True, x_label_rotation=20, margin=6,
                               x_value_formatter=lambda d: d.strftime("%Y-%m-%d %H:%M"), show_y_labels=False,
                               range=(0, len(outlets) + 1), title="التقارير عبر الزمن")
    for row, outlet in enumerate(outlets, start=1):
        chart.add(outlet, [(a["published_at"], row) for a in dated if (a.get("outlet") or a.get("source") or "?") == outlet])
    return _svg(chart)
