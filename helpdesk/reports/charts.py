"""The dashboard's charts: SVG rendered on the server with pygal, inlined in the page (no JavaScript)."""

import re
from datetime import date

import pygal
from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from pygal.style import Style

from helpdesk.reports.queries import Figures
from helpdesk.surveys.models import Scale

STYLE = Style(background="transparent", plot_background="transparent", font_family="system-ui, sans-serif",
              colors=("#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1"), label_font_size=11,
              major_label_font_size=11, legend_font_size=11, title_font_size=13)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
COMMON = {"style": STYLE, "js": [], "disable_xml_declaration": True, "explicit_size": False,
          "print_values": False, "margin": 8}


def _svg(chart) -> Markup:
    """pygal builds the SVG with ElementTree, which escapes every label, so the result is safe to inline; the
    config script pygal always adds (for its tooltips, not loaded here) is dropped."""
    return Markup(_SCRIPT.sub("", chart.render(is_unicode=True)))


def distribution_chart(figures: Figures) -> Markup:
    chart = pygal.Bar(title=_("Scores"), width=420, height=260, show_legend=False, **COMMON)
    chart.x_labels = [str(score) for score in figures.distribution]
    chart.add(_("Responses"), list(figures.distribution.values()))
    return _svg(chart)


def trend_chart(weeks: list[tuple[date, Figures]], target: float, scale: Scale) -> Markup:
    """CSAT and response rate (percent, left axis); the average score and the program's target for it (right
    axis, the scale's range)."""
    chart = pygal.Line(title=_("Week by week"), width=760, height=300, range=(0, 100),
                       secondary_range=(scale.low, scale.top), show_dots=len(weeks) <= 26, x_label_rotation=0,
                       show_minor_x_labels=False, legend_at_bottom=True, **COMMON)
    chart.x_labels = [format_skeleton("MMMd", monday, locale=get_locale()) for monday, _f in weeks]
    chart.x_labels_major = chart.x_labels[:: max(1, len(weeks) // 8)]
    chart.add(_("CSAT %"), [_rounded(f.csat_percent) for _monday, f in weeks])
    chart.add(_("Response rate %"), [_rounded(f.response_rate * 100 if f.response_rate is not None else None)
                                      for _monday, f in weeks])
    chart.add(_("Average score"), [_rounded(f.average, 2) for _monday, f in weeks], secondary=True)
    chart.add(_("Target %(target).2f", target=target), [target] * len(weeks), secondary=True, show_dots=False,
              stroke_style={"dasharray": "6, 4", "width": 2})
    return _svg(chart)


def csat_bars(rows: list[tuple[str, Figures]], title: str) -> Markup:
    chart = pygal.HorizontalBar(title=title, width=420, height=60 + 28 * max(len(rows), 1), range=(0, 100),
                                show_legend=False, **COMMON)
    chart.x_labels = [label for label, _f in rows]
    chart.add(_("CSAT %"), [_rounded(f.csat_percent) for _label, f in rows])
    return _svg(chart)


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)
