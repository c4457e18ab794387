"""Writing the questionnaire as a workbook (see lexgap/workbook/__init__.py)."""
from __future__ import annotations

import datetime as dt
import io
from typing import Any

from ..engine.answers import Answers
from ..engine.knowledge import KnowledgeBase
from ..engine.models import AnswersFile, Question
from ..errors import InputError, Problem
from ..wording import describe_condition
from .layout import (
    ANSWER_FIELDS,
    COL,
    COLUMNS,
    FORMAT_VERSION,
    ILLEGAL,
    INSTRUCTIONS,
    KIND,
    LISTS,
    MAX_CELL,
    META,
    METHOD_LABELS,
    QUESTIONS,
    STATE,
    STATE_FIELDS,
    WIDTHS,
    YES_NO_LABELS,
    choice_labels,
    display_value,
    letter,
    one_line,
)


def how_to_answer(kb: KnowledgeBase, q: Question) -> str:
    parts = []
    if q.id in kb.show_if:
        parts.append(f"Only if {describe_condition(kb, kb.show_if[q.id])}; otherwise leave it empty.")
    if q.type == "yes_no":
        parts.append("Choose Yes, Partly, No or Unknown.")
    elif q.type == "single_choice":
        parts.append("Choose one from the list, or Unknown.")
    elif q.type == "multiple_choice":
        labels = choice_labels(q)
        parts.append("All that apply, one per line (or separated by ;). You may type just the letters:")
        parts += [f"({letter(i)}) {labels[o.value]}" for i, o in enumerate(q.options)]
        parts.append("Or “None of the options”, or Unknown.")
    elif q.type == "number":
        span = ""
        if q.minimum is not None and q.maximum is not None:
            span = f" from {q.minimum:g} to {q.maximum:g}"
        elif q.minimum is not None:
            span = f" of at least {q.minimum:g}"
        elif q.maximum is not None:
            span = f" of at most {q.maximum:g}"
        parts.append(f"A number{span}{f' ({q.unit})' if q.unit else ''}, or Unknown.")
    elif q.type == "date":
        parts.append("A date, YYYY-MM-DD, or Unknown.")
    else:
        parts.append("Text.")
    if q.citation == "required":
        parts.append("Cite the national provision (law, article, date) in the Citation column.")
    return "\n".join(parts)


def _check_cell(problems: list[Problem], where: str, value: Any) -> None:
    if isinstance(value, str):
        if ILLEGAL.search(value):
            problems.append(Problem(where, "contains a control character (such as a carriage return) that a "
                                    "spreadsheet cannot keep", "remove it from the answers file, then export again"))
        elif len(value) > MAX_CELL:
            problems.append(Problem(where, f"is {len(value):,} characters long; a spreadsheet cell holds at most "
                                    f"{MAX_CELL:,}", "shorten it, or keep the full text in a separate document"))


def export_workbook(kb: KnowledgeBase, answers: Answers | None = None) -> bytes:
    """The questionnaire as an .xlsx workbook, prefilled with `answers` when given."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    data = answers.data if answers else None
    source = answers.file if answers else "the answers file"
    problems: list[Problem] = []
    wb = Workbook()
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DCE3EC")
    input_fill = PatternFill("solid", fgColor="FFF8DC")
    wrap = Alignment(wrap_text=True, vertical="top")
    thin = Side(style="thin", color="A0A0A0")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    unlocked = Protection(locked=False)

    def put(ws, row: int, col: int, value: Any, *, editable: bool = False):
        cell = ws.cell(row=row, column=col)
        if isinstance(value, str) and (ILLEGAL.search(value) or len(value) > MAX_CELL):
            value = None  # reported by _check_cell; the export is refused at the end
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # text is text: "=..." never becomes a formula
        cell.alignment = wrap
        if editable:
            cell.protection = unlocked
            cell.fill = input_fill
            cell.border = border
        return cell

    # Instructions
    ws = wb.active
    ws.title = INSTRUCTIONS
    qn = kb.questionnaire
    lines = [
        (qn.title, "title"),
        (f"Implementation of General Assembly resolution {kb.pack.resolution.symbol}", "sub"),
        ("", None),
        (one_line(qn.introduction), None),
        ("", None),
        ("How to fill in this workbook", "head"),
        ("1. On the sheet “State and assessment”, fill in the yellow cells: the name of the State, the date of the "
         "assessment and who answered. Answer for the law in force on that date.", None),
        ("2. On the sheet “Questionnaire”, there is one row per question, in the order of the printed "
         "questionnaire. Type or choose your answer in the yellow Answer column. Where the cell has a list, click "
         "it and choose from the arrow. Column “How to answer” says what is expected.", None),
        ("3. For every answer about the law, give the national provision in the Citation column: the title of "
         "the law, the article and its date. A bill that is not yet in force counts as “No” (say so in the Note).",
         None),
        ("4. Note, Source, Method and As of are optional: use them to say where an answer comes from.", None),
        ("5. If you do not know an answer, write Unknown. Leave the row empty if you have not looked at it yet.",
         None),
        ("6. Some questions apply only given an earlier answer; “How to answer” then says when. Otherwise leave "
         "them empty.", None),
        ("7. Do not add, delete or move rows, and do not change the hidden column: answers are matched to the "
         "questions by it. Keep the file as .xlsx.", None),
        ("8. When the workbook comes back, lexgap checks every answer and lists any problem with its sheet and row, "
         "so that it can be corrected before the analysis.", None),
        ("", None),
        (f"Rule pack {kb.pack.id} version {kb.pack.version}; questionnaire {qn.id} version {qn.version}; "
         f"{len(qn.questions)} questions.", "small"),
    ]
    for i, (text, style) in enumerate(lines, 1):
        cell = put(ws, i, 1, text)
        if style == "title":
            cell.font = Font(bold=True, size=14)
        elif style in ("sub", "head"):
            cell.font = Font(bold=True, size=11)
        elif style == "small":
            cell.font = Font(italic=True, size=9)
        if text:
            ws.row_dimensions[i].height = 15 * max(1, -(-len(text) // 110))
    ws.column_dimensions["A"].width = 120

    # Lists (hidden) and named ranges
    lists = wb.create_sheet(LISTS)
    list_col = 0

    def named_list(name: str, items: list[str]) -> str:
        nonlocal list_col
        list_col += 1
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(list_col)
        for r, item in enumerate(items, 1):
            put(lists, r, list_col, item)
        wb.defined_names[name] = DefinedName(name, attr_text=f"{LISTS}!${letter}$1:${letter}${len(items)}")
        return name

    def validation(name: str, prompt: str) -> DataValidation:
        dv = DataValidation(type="list", formula1=f"={name}", allow_blank=True, showErrorMessage=True,
                            errorStyle="warning", errorTitle="Not in the list",
                            error="Please choose from the list (or write Unknown).", promptTitle="Answer",
                            prompt=prompt, showInputMessage=False)
        return dv

    # State and assessment
    st = wb.create_sheet(STATE)
    for col, title in enumerate(["Item", "Value", "What to write", "Key (do not change)"], 1):
        c = put(st, 1, col, title)
        c.font = bold
        c.fill = header_fill
    bool_list = named_list("LX_YES_NO_PLAIN", ["Yes", "No"])
    status_list = named_list("LX_STATUS", ["Draft", "Final"])
    dv_bool = validation(bool_list, "Yes or No")
    dv_status = validation(status_list, "Draft or Final")
    st.add_data_validation(dv_bool)
    st.add_data_validation(dv_status)
    values = _state_values(data, problems, source) if data else {"state.federal": "No", "state.fictional": "No",
                                                "assessment.status": "Draft",
                                                "assessment.confidentiality": "For official use only"}
    for i, (key, label, help_text) in enumerate(STATE_FIELDS, 2):
        put(st, i, 1, label).font = bold
        value = values.get(key)
        _check_cell(problems, f"{source}: {label}", value)
        cell = put(st, i, 2, value, editable=True)
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        put(st, i, 3, help_text)
        put(st, i, 4, key)
        if key in ("state.federal", "state.fictional"):
            dv_bool.add(cell.coordinate)
        elif key == "assessment.status":
            dv_status.add(cell.coordinate)
        st.row_dimensions[i].height = 30
    for column, width in zip("ABCD", (32, 45, 60, 24)):
        st.column_dimensions[column].width = width
    st.column_dimensions["D"].hidden = True
    st.protection.sheet = True
    st.protection.formatColumns = False
    st.protection.formatRows = False

    # Questionnaire
    qs = wb.create_sheet(QUESTIONS)
    from openpyxl.utils import get_column_letter

    for col, title in enumerate(COLUMNS, 1):
        c = put(qs, 1, col, title)
        c.font = bold
        c.fill = header_fill
        c.border = border
    for key, width in WIDTHS.items():
        qs.column_dimensions[get_column_letter(COL[key])].width = width
    qs.column_dimensions[get_column_letter(COL["id"])].hidden = True
    yes_no = validation(named_list("LX_YES_NO", list(YES_NO_LABELS.values())), "Yes, Partly, No or Unknown")
    method = validation(named_list("LX_METHOD", list(METHOD_LABELS.values())), "How the answer was obtained")
    qs.add_data_validation(yes_no)
    qs.add_data_validation(method)
    sections = {s.id: s.title for s in qn.sections}
    for i, q in enumerate(qn.questions):
        row = i + 2
        answer = data.answers.get(q.id) if data else None
        how = how_to_answer(kb, q)
        put(qs, row, COL["number"], q.number)
        put(qs, row, COL["section"], sections.get(q.section, q.section))
        put(qs, row, COL["question"], q.text).font = bold
        put(qs, row, COL["guidance"], q.guidance)
        put(qs, row, COL["how"], how)
        shown = display_value(q, answer.value) if answer else None
        fields = {"answer": shown, "citation": answer.citation if answer else None,
                  "note": answer.note if answer else None, "source": answer.source if answer else None,
                  "method": METHOD_LABELS[answer.method] if answer and answer.method else None,
                  "as_of": _cell_date(answer.as_of) if answer else None}
        for key in ANSWER_FIELDS:
            _check_cell(problems, f"{source}: answers: {q.id} (question {q.number}), {key.replace('_', ' ')}",
                        fields[key])
            cell = put(qs, row, COL[key], fields[key], editable=True)
            if key == "as_of" and isinstance(fields[key], dt.date):
                cell.number_format = "yyyy-mm-dd"
            if key == "answer" and q.type == "number" and fields[key] is not None and not isinstance(fields[key], str):
                cell.number_format = "General"
        put(qs, row, COL["id"], q.id)
        answer_cell = qs.cell(row=row, column=COL["answer"]).coordinate
        if q.type == "yes_no":
            yes_no.add(answer_cell)
        elif q.type == "single_choice":
            labels = list(choice_labels(q).values()) + ["Unknown"]
            dv = validation(named_list(f"LX_Q{i + 1}", labels), "Choose one, or Unknown")
            qs.add_data_validation(dv)
            dv.add(answer_cell)
        method.add(qs.cell(row=row, column=COL["method"]).coordinate)
        lines_needed = max(-(-len(q.text) // 50), -(-len(q.guidance) // 44),
                           sum(max(1, -(-len(part) // 32)) for part in how.split("\n")),
                           len(shown.split("\n")) if isinstance(shown, str) else 1, 2)
        qs.row_dimensions[row].height = min(409, 13 * lines_needed)
    qs.freeze_panes = "D2"
    qs.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(qn.questions) + 1}"
    qs.protection.sheet = True
    qs.protection.formatColumns = False
    qs.protection.formatRows = False
    qs.protection.autoFilter = False

    # Meta (very hidden): what the workbook was made from
    meta = wb.create_sheet(META)
    info = [("kind", KIND), ("format_version", FORMAT_VERSION), ("pack", kb.pack.id),
            ("pack_version", kb.pack.version),
            ("answers_pack_version", data.assessment.pack_version if data else kb.pack.version),
            ("questionnaire", qn.id), ("questionnaire_version", qn.version), ("content_hash", kb.content_hash),
            ("questions", len(qn.questions))]
    for r, (key, value) in enumerate(info, 1):
        put(meta, r, 1, key)
        put(meta, r, 2, value)
    lists.sheet_state = "hidden"
    meta.sheet_state = "veryHidden"
    lists.protection.sheet = True
    meta.protection.sheet = True
    wb.move_sheet(LISTS, offset=wb.sheetnames.index(QUESTIONS) - wb.sheetnames.index(LISTS))
    wb.active = wb.sheetnames.index(INSTRUCTIONS)
    if problems:
        raise InputError(problems)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_date(value: dt.date | None) -> dt.date | str | None:
    """A date as a date cell; before 1 March 1900 (where spreadsheet serial dates fail) as YYYY-MM-DD text."""
    if value is None or value >= dt.date(1900, 3, 1):
        return value
    return value.isoformat()


def _lines(problems: list[Problem], where: str, items: list[str]) -> str | None:
    """Items one per line in a cell; an item that itself holds a line break could not be told apart."""
    for item in items:
        if "\n" in item or "\r" in item:
            problems.append(Problem(where, f"'{item[:40]}' contains a line break, but the workbook puts one item "
                                    "per line", "remove the line break from it in the answers file, then export "
                                    "again"))
    return "\n".join(items) or None


def _state_values(data: AnswersFile, problems: list[Problem], source: str) -> dict[str, Any]:
    s, a = data.state, data.assessment
    return {"state.name": s.name, "state.code": s.code, "state.region": s.region,
            "state.federal": "Yes" if s.federal else "No", "state.fictional": "Yes" if s.fictional else "No",
            "assessment.date": _cell_date(a.date),
            "assessment.assessors": _lines(problems, f"{source}: assessment: assessors", list(a.assessors)),
            "assessment.status": a.status.capitalize(),
            "assessment.sources": _lines(problems, f"{source}: assessment: sources", list(a.sources)),
            "assessment.confidentiality": a.confidentiality}
