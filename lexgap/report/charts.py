"""Hand-written SVG charts: small, deterministic, with selectable text and legible in grey-scale print.

Values are told apart by pattern (solid, dotted, hatched) and by printed figures, never by colour alone.
Every piece of text is escaped; the result is trusted markup for the templates.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from ..engine.assessment import ParagraphResult
from ..formatting import pct

FONT = "'Lexgap Sans', 'DejaVu Sans', sans-serif"
WIDTH = 640
ROW = 22
TOP = 34
LABEL_CHARS = 43
BAR_X = 254
BAR_W = 280
INK = "#1d2d44"

DEFS = f"""<defs>
<pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#fff"/>\
<path d="M-1,1 l2,-2 M0,4 l4,-4 M3,5 l2,-2" stroke="#333" stroke-width="0.8"/></pattern>
<pattern id="dots" width="3" height="3" patternUnits="userSpaceOnUse"><rect width="3" height="3" fill="#fff"/>\
<circle cx="1.5" cy="1.5" r="1" fill="{INK}"/></pattern>
</defs>"""


def _text(x: float, y: float, content: str, size: float = 9, anchor: str = "start", fill: str = "#000") -> str:
    return (f'<text x="{x:g}" y="{y:g}" font-family="{FONT}" font-size="{size:g}" text-anchor="{anchor}" '
            f'fill="{fill}">{escape(content)}</text>')




def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1].rstrip(" ,;") + "…"


def _legend(engagement: bool) -> list[str]:
    keys = [(INK, "Legal score")] + [("url(#dots)", "Engagement score")] * engagement + [("url(#hatch)", "Coverage")]
    parts, x = [], BAR_X
    for fill, label in keys:
        parts.append(f'<rect x="{x}" y="6" width="16" height="9" fill="{fill}" stroke="#000" stroke-width="0.6"/>')
        parts.append(_text(x + 21, 14, label))
        x += 21 + 7 * len(label) + 16
    return parts


def _row(p: ParagraphResult, y: float) -> list[str]:
    parts = [_text(18, y + 12, str(p.number), anchor="end"), _text(26, y + 12, _short(p.title))]
    parts.append(f'<rect x="{BAR_X}" y="{y + 2:g}" width="{BAR_W}" height="9" fill="#f2f2f2"/>')
    fill = "url(#dots)" if p.assessment == "engagement" else INK
    if p.score is None:
        parts.append(_text(BAR_X + 4, y + 10, "insufficient information", size=8, fill="#444"))
    elif p.score > 0:
        parts.append(f'<rect x="{BAR_X}" y="{y + 2:g}" width="{BAR_W * p.score:.1f}" height="9" fill="{fill}" '
                     f'stroke="#000" stroke-width="0.6"/>')
    if p.coverage > 0:
        parts.append(f'<rect x="{BAR_X}" y="{y + 13:g}" width="{BAR_W * p.coverage:.1f}" height="5" '
                     f'fill="url(#hatch)" stroke="#000" stroke-width="0.5"/>')
    score = pct(p.score)
    parts.append(_text(BAR_X + BAR_W + 8, y + 10, score + (" (engagement)" if p.assessment == "engagement" else "")))
    parts.append(_text(BAR_X + BAR_W + 8, y + 19, f"coverage {pct(p.coverage)}", size=7))
    return parts


def paragraph_chart(paragraphs: list[ParagraphResult]) -> Markup:
    """Horizontal bars: each paragraph's score (solid, or dotted for engagement) above its coverage (hatched)."""
    rows = sorted(paragraphs, key=lambda p: p.number)
    height = TOP + ROW * len(rows) + 22
    axis_y = TOP + ROW * len(rows) + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" font-family="{FONT}">',
             f"<title>Score and coverage of each of the {len(rows)} operative paragraphs; the figures are repeated "
             "in the table that follows.</title>", DEFS, *_legend(any(p.assessment == "engagement" for p in rows))]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = BAR_X + BAR_W * tick
        parts.append(f'<line x1="{x:g}" y1="{TOP - 4}" x2="{x:g}" y2="{axis_y}" stroke="#999" stroke-width="0.5" '
                     'stroke-dasharray="2,2"/>')
        parts.append(_text(x, axis_y + 11, pct(tick), size=8, anchor="middle"))
    for i, p in enumerate(rows):
        parts += _row(p, TOP + ROW * i)
    parts.append("</svg>")
    return Markup("\n".join(parts))
