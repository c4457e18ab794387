"""The gap report: one Assessment rendered as PDF, HTML, Markdown or JSON.

    from lexgap.report import render_html, render_markdown, render_json, render_pdf, write_report
    write_report(assessment, "veridia.pdf", answers_path="veridia.yaml")
    write_report(assessment, "brief.docx", brief=True)

Two documents: the full report (with the annexes chosen, view.ANNEXES) and the brief (at most four pages).
HTML, Markdown and Word are made from the same view (report/view.py); Word from the HTML itself, so the
two cannot drift. Renderers read only the Assessment. HTML, Markdown and JSON are byte-identical for the same
Assessment; the PDF and the Word document are too when SOURCE_DATE_EPOCH fixes their dates. WeasyPrint is
imported only when a PDF is made.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..engine.assessment import Assessment
from ..errors import MissingFileError, Problem
from . import view
from ..files import write_atomic
from ..formatting import output_format
from ..render.templating import html_environment, markdown_environment

FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md", ".json": "json", ".docx": "docx"}
ANNEXES = view.ANNEXES
DEFAULT_ANNEXES = view.DEFAULT_ANNEXES

__all__ = ["render_html", "render_markdown", "render_json", "render_pdf", "render_docx", "write_report",
           "report_format", "ANNEXES", "DEFAULT_ANNEXES"]


def render_html(assessment: Assessment, annexes: Iterable[str] = DEFAULT_ANNEXES, brief: bool = False) -> str:
    """The report (or the brief) as a self-contained HTML document, print CSS inline."""
    template = "report/brief.html.j2" if brief else "report/report.html.j2"
    return html_environment().get_template(template).render(r=view.build(assessment, tuple(annexes)))


def render_markdown(assessment: Assessment, annexes: Iterable[str] = DEFAULT_ANNEXES, brief: bool = False) -> str:
    """The report (or the brief) as Markdown (GitHub-flavoured tables), with the same content as the HTML."""
    template = "report/brief.md.j2" if brief else "report/report.md.j2"
    return markdown_environment().get_template(template).render(r=view.build(assessment, tuple(annexes)))


def render_docx(assessment: Assessment, annexes: Iterable[str] = DEFAULT_ANNEXES, brief: bool = False) -> bytes:
    """The report (or the brief) as a Word document made from the HTML: real headings, lists and tables."""
    from .docx import html_to_docx

    a = assessment
    return html_to_docx(render_html(a, annexes, brief), title=view.build(a, ()).title,
                        marking=a.assessment.confidentiality, author="; ".join(a.assessment.assessors))


def render_json(assessment: Assessment) -> str:
    """The Assessment itself, as deterministic JSON."""
    return assessment.to_json()


def render_pdf(assessment: Assessment, attachments: Iterable[tuple[str, bytes]] = (),
               annexes: Iterable[str] = DEFAULT_ANNEXES, brief: bool = False) -> bytes:
    """The report (or the brief) as a tagged PDF (PDF/UA-1) with `attachments` (file name, content) embedded."""
    from ..render.pdf import html_to_pdf

    return html_to_pdf(render_html(assessment, annexes, brief), attachments)


def report_format(out_path: str | Path, fmt: str | None = None) -> str:
    """'pdf', 'docx', 'html', 'md' or 'json': `fmt` when given, otherwise from the file extension."""
    return output_format(out_path, fmt, FORMATS)


def write_report(assessment: Assessment, out_path: str | Path, fmt: str | None = None,
                 answers_path: str | Path | None = None, annexes: Iterable[str] = DEFAULT_ANNEXES,
                 brief: bool = False) -> Path:
    """Render and write the report (or the brief) atomically; a PDF gets the answers file attached."""
    out = Path(out_path)
    kind = report_format(out, fmt)
    annexes = tuple(annexes)
    if kind == "pdf":
        data = render_pdf(assessment, [_answers_file(answers_path)] if answers_path else [], annexes, brief)
    elif kind == "docx":
        data = render_docx(assessment, annexes, brief)
    elif kind == "json":
        data = render_json(assessment).encode("utf-8")
    else:
        data = {"html": render_html, "md": render_markdown}[kind](assessment, annexes, brief).encode("utf-8")
    write_atomic(out, data, "report")
    return out


def _answers_file(path: str | Path) -> tuple[str, bytes]:
    source = Path(path)
    try:
        return source.name, source.read_bytes()
    except OSError as exc:
        raise MissingFileError(Problem(str(source), f"cannot read the answers file ({exc.strerror or exc})",
                                       "give the path of the answers file the assessment was made from")) from exc
