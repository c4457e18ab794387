"""Blueprint `downloads`: the answers file, the HTML and PDF reports, the brief (HTML, Word), and questionnaire
workbooks."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app

from .common import attachment, check_stem, error_page, open_session, workbook_module, workspace
from .pdfworker import PdfTimeout, render_inline

bp = Blueprint("downloads", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NO_WORKBOOKS = "This version of lexgap cannot write questionnaire workbooks."


@bp.get("/a/<stem>/answers.yaml")
def answers_file(stem: str) -> Any:
    check_stem(stem)
    return attachment(workspace().read(stem), f"{stem}.yaml", "application/yaml")


@bp.get("/a/<stem>/report.html")
def report_html(stem: str) -> Any:
    from ..report import render_html

    html = render_html(workspace().assessment(open_session(stem)))
    return attachment(html.encode("utf-8"), f"{stem}-report.html", "text/html")


@bp.get("/a/<stem>/brief.html")
def brief_html(stem: str) -> Any:
    from ..report import render_html

    html = render_html(workspace().assessment(open_session(stem)), brief=True)
    return attachment(html.encode("utf-8"), f"{stem}-brief.html", "text/html")


@bp.get("/a/<stem>/brief.docx")
def brief_docx(stem: str) -> Any:
    from ..report import render_docx

    return attachment(render_docx(workspace().assessment(open_session(stem)), brief=True), f"{stem}-brief.docx",
                      DOCX)


@bp.get("/a/<stem>/report.pdf")
def report_pdf(stem: str) -> Any:
    ws = workspace()
    with ws.folder.lock(stem):
        assessment = ws.assessment(open_session(stem))
        raw = ws.read(stem)
    files = [(f"{stem}.yaml", raw)]
    worker = current_app.extensions.get("lexgap_pdf")
    try:
        pdf = worker.render(assessment.to_json(), files) if worker else render_inline(assessment.to_json(), files)
    except PdfTimeout:
        return error_page(504, "The PDF took too long",
                          "The report could not be made in time. Try again; if it keeps failing, download "
                          "the HTML report and print it to PDF from the browser."), 504
    return attachment(pdf, f"{stem}-report.pdf", "application/pdf")


@bp.get("/questionnaire.xlsx")
def blank_workbook() -> Any:
    module = workbook_module()
    if module is None:
        abort(404, NO_WORKBOOKS)
    kb = workspace().kb
    return attachment(module.export_workbook(kb), f"questionnaire-{kb.questionnaire.id}.xlsx", XLSX)


@bp.get("/a/<stem>/questionnaire.xlsx")
def filled_workbook(stem: str) -> Any:
    module = workbook_module()
    if module is None:
        abort(404, NO_WORKBOOKS)
    sess = open_session(stem)
    return attachment(module.export_workbook(workspace().kb, sess.answers), f"{stem}-questionnaire.xlsx", XLSX)
