"""Charts as server-rendered SVG: no chart library, no script, no third-party service.

Each chart comes with its table (in the template) so the numbers are readable by
screen readers and copyable.
"""

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..evidence import ClaimStatus


@dataclass
class Chart:
    title: str
    rows: list  # [(key, label, count)]
    key_label: str = "Value"
    link: str = ""
    splits: dict = field(default_factory=dict)  # {key: {claim status: count}}: each bar split by how well it is established
    svg: str = field(init=False, default="")

    def __post_init__(self):
        self.title, self.key_label = str(self.title), str(self.key_label)
        self.svg = horizontal_bars(self.rows, self.title, splits=self.splits)
        labels = {s.value: s.label for s in ClaimStatus}
        self.table = [(key, label, n, [(status, labels[status], m) for status, m in self.splits.get(key, {}).items()])
                      for key, label, n in self.rows]


def _segments(x: int, y: int, height: int, width: int, n: int, split: dict) -> str:
    """A bar drawn as one segment per claim status (denied cases are not in the bar: they are not counted)."""
    parts, shown = [], [(status, m) for status, m in split.items() if status != ClaimStatus.DENIED]
    total = sum(m for _, m in shown) or 1
    for status, m in shown:
        w = max(1, round(width * m / total))
        parts.append(f'<rect class="bar bar-{status}" x="{x}" y="{y}" width="{w}" height="{height}">'
                     f'<title>{escape(str(ClaimStatus(status).label))}: {m}</title></rect>')
        x += w
    return "".join(parts)


def horizontal_bars(rows, title: str, limit: int = 15, width: int = 480, splits: dict | None = None) -> str:
    shown = rows[:limit]
    if not shown:
        return mark_safe(f'<p class="muted">{escape(gettext("No data yet."))}</p>')
    label_w, row_h, top = 170, 22, 4
    peak = max(n for _, _, n in shown) or 1
    height = top + row_h * len(shown)
    bar_space = width - label_w - 50
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (key, label, n) in enumerate(shown):
        y = top + i * row_h
        text = str(label)
        short = text if len(text) <= 26 else text[:25] + "…"
        w = max(1, round(bar_space * n / peak))
        split = (splits or {}).get(key)
        bar = (_segments(label_w, y + 3, row_h - 7, w, n, split) if split else
               f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 7}"><title>{escape(text)}: {n}</title></rect>')
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(short)}</text>{bar}'
                     f'<text x="{label_w + w + 5}" y="{y + 15}">{n}</text>')
    parts.append(f'<line class="axis" x1="{label_w}" y1="0" x2="{label_w}" y2="{height}"/></svg>')
    return mark_safe("".join(parts))


def year_columns(rows, title: str, width: int = 480, height: int = 180) -> str:
    """Cases per year as columns, years in order (gaps shown as zero)."""
    if not rows:
        return mark_safe(f'<p class="muted">{escape(gettext("No data yet."))}</p>')
    counts = {int(key): n for key, _, n in rows}
    years = list(range(min(counts), max(counts) + 1))
    peak = max(counts.values()) or 1
    col_w = (width - 20) / len(years)
    plot_h = height - 40
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, year in enumerate(years):
        n = counts.get(year, 0)
        h = round(plot_h * n / peak)
        x = 10 + i * col_w
        parts.append(f'<rect class="bar" x="{x + 2:.1f}" y="{20 + plot_h - h}" width="{max(col_w - 4, 1):.1f}" height="{h}"><title>{year}: {n}</title></rect>')
        if len(years) <= 12 or i % max(1, len(years) // 8) == 0:
            parts.append(f'<text x="{x + col_w / 2:.1f}" y="{height - 4}" text-anchor="middle">{year}</text>')
        if n and len(years) <= 16:
            parts.append(f'<text x="{x + col_w / 2:.1f}" y="{20 + plot_h - h - 4}" text-anchor="middle">{n}</text>')
    parts.append(f'<line class="axis" x1="10" y1="{20 + plot_h}" x2="{width - 10}" y2="{20 + plot_h}"/></svg>')
    return mark_safe("".join(parts))


def year_chart(rows, title=None):
    title = title or gettext("Cases per year")
    chart = Chart(title=title, rows=rows, key_label=gettext("Year"), link="/incidents/?year=")
    chart.svg = year_columns(rows, title)
    return chart
