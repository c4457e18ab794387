"""A comparison as a report: HTML, Markdown, JSON or PDF."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..engine.assessment import LEVEL_LABELS, STATUS_LABELS
from ..errors import InputError, Problem
from ..formatting import output_format, pct
from .model import Cell, RegionalComparison
from .tables import to_csv

STATUS_MARKS = {"met": "●", "partial": "◐", "not_met": "○", "unknown": "?", "not_applicable": "–", None: " "}
REPORT_FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md", ".json": "json"}
FULL_MATRIX_MAX_STATES = 24
MATRIX_CHUNK = 12
REPORT_MAX_GAPS = 40
REPORT_MAX_PRIORITIES = 20
REPORT_MAX_NAMES = 12


def report_format(out: str | Path, fmt: str | None) -> str:
    """'pdf', 'html', 'md' or 'json': `fmt` when given, else from the file extension."""
    return output_format(out, fmt, REPORT_FORMATS)


def _view(c: RegionalComparison) -> dict[str, object]:
    """What the templates print, derived from the comparison alone."""
    chunks = []
    if len(c.states) <= FULL_MATRIX_MAX_STATES:
        for start in range(0, len(c.states), MATRIX_CHUNK):
            chunks.append((start, c.states[start:start + MATRIX_CHUNK]))
    ranked = [next(s for s in c.states if s.key == k) for k in c.ranking]
    unranked = [s for s in c.states if s.rank is None]
    return {"c": c, "ranked": ranked, "unranked": unranked, "chunks": chunks,
            "common_gaps": c.common_gaps[:REPORT_MAX_GAPS], "gaps_more": len(c.common_gaps) > REPORT_MAX_GAPS,
            "priorities": c.priorities[:REPORT_MAX_PRIORITIES],
            "priorities_more": len(c.priorities) > REPORT_MAX_PRIORITIES, "names": _names,
            "mark_fictional": c.any_fictional and not all(s.fictional for s in c.states),
            "full_matrix": len(c.states) <= FULL_MATRIX_MAX_STATES, "marks": STATUS_MARKS,
            "status_labels": STATUS_LABELS, "level_labels": LEVEL_LABELS, "pct": pct,
            "shade": _shade}


def _names(names: list[str]) -> str:
    """State names for a table cell: all of them up to a dozen, otherwise a count."""
    if len(names) <= REPORT_MAX_NAMES:
        return ", ".join(names)
    return f"{len(names)} States (listed in the spreadsheet output)"


def _shade(cell: Cell | None, min_coverage: float) -> str:
    """A CSS class for a heat-map cell: five bands of score, or 'insufficient' (hatched)."""
    if cell is None or cell.level == "not_applicable":
        return "na"
    if cell.score is None or cell.coverage < min_coverage:
        return "insufficient"
    return f"band{min(4, int(cell.score * 5))}"


def render_html(c: RegionalComparison) -> str:
    from ..report.templating import html_environment

    return html_environment().get_template("regional/regional.html.j2").render(**_view(c))


def render_markdown(c: RegionalComparison) -> str:
    from ..report.templating import markdown_environment

    return markdown_environment().get_template("regional/regional.md.j2").render(**_view(c))


def render_pdf(c: RegionalComparison, attachments: Iterable[tuple[str, bytes]] = ()) -> bytes:
    """The regional report as a tagged PDF, laid out by WeasyPrint with the report's assets-only URL fetcher."""
    from ..report.pdf import html_to_pdf

    return html_to_pdf(render_html(c), attachments)


def render(c: RegionalComparison, fmt: str, csv_text: str | None = None) -> bytes:
    if fmt == "pdf":
        return render_pdf(c, [("regional.csv", (csv_text or to_csv(c)).encode("utf-8"))])
    if fmt == "html":
        return render_html(c).encode("utf-8")
    if fmt == "md":
        return render_markdown(c).encode("utf-8")
    if fmt == "json":
        return c.to_json().encode("utf-8")
    raise InputError(Problem(fmt, "unknown report format", "use pdf, html, md or json"))
