"""The gap report: one Assessment rendered as PDF, HTML, Markdown or JSON.

    from lexgap.report import render_html, render_markdown, render_json, render_pdf, write_report
    write_report(assessment, "veridia.pdf", answers_path="veridia.yaml")

Renderers read only the Assessment. HTML, Markdown and JSON are byte-identical for the same Assessment; the
PDF is too when SOURCE_DATE_EPOCH fixes its dates. WeasyPrint is imported only when a PDF is made.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..engine.assessment import Assessment
from ..errors import MissingFileError, Problem
from . import view
from .charts import paragraph_chart
from ..files import write_atomic
from ..formatting import output_format
from ..render.templating import html_environment, markdown_environment

FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md", ".json": "json"}

__all__ = ["render_html", "render_markdown", "render_json", "render_pdf", "write_report", "report_format"]


def render_html(assessment: Assessment) -> str:
    """The report as a self-contained HTML document (print CSS inline, chart as inline SVG)."""
    report = view.build(assessment)
    return html_environment().get_template("report/report.html.j2").render(
        r=report, chart=paragraph_chart(assessment.paragraphs))


def render_markdown(assessment: Assessment) -> str:
    """The report as Markdown (GitHub-flavoured tables), with the same content as the HTML."""
    return markdown_environment().get_template("report/report.md.j2").render(r=view.build(assessment))


def render_json(assessment: Assessment) -> str:
    """The Assessment itself, as deterministic JSON."""
    return assessment.to_json()


def render_pdf(assessment: Assessment, attachments: Iterable[tuple[str, bytes]] = ()) -> bytes:
    """The report as a tagged PDF (PDF/UA-1) with `attachments` (file name, content) embedded."""
    from ..render.pdf import html_to_pdf

    return html_to_pdf(render_html(assessment), attachments)


def report_format(out_path: str | Path, fmt: str | None = None) -> str:
    """'pdf', 'html', 'md' or 'json': `fmt` when given, otherwise from the file extension."""
    return output_format(out_path, fmt, FORMATS)


def write_report(assessment: Assessment, out_path: str | Path, fmt: str | None = None,
                 answers_path: str | Path | None = None) -> Path:
    """Render and write the report atomically; a PDF gets the answers file attached. Returns the path."""
    out = Path(out_path)
    kind = report_format(out, fmt)
    if kind == "pdf":
        data = render_pdf(assessment, [_answers_file(answers_path)] if answers_path else [])
    else:
        text = {"html": render_html, "md": render_markdown, "json": render_json}[kind](assessment)
        data = text.encode("utf-8")
    write_atomic(out, data, "report")
    return out


def _answers_file(path: str | Path) -> tuple[str, bytes]:
    source = Path(path)
    try:
        return source.name, source.read_bytes()
    except OSError as exc:
        raise MissingFileError(Problem(str(source), f"cannot read the answers file ({exc.strerror or exc})",
                                       "give the path of the answers file the assessment was made from")) from exc
