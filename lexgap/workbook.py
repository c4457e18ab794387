"""The questionnaire as a spreadsheet, and back: for focal points who work in Excel or LibreOffice.

    data = export_workbook(kb, answers=None)            # .xlsx bytes
    answers_file = import_workbook("filled.xlsx", kb)   # AnswersFile, or InputError listing every problem
    text = answers_to_yaml(answers_file, kb)            # an answers file lexgap reads back unchanged

The workbook has an "Instructions" sheet, a "State and assessment" sheet, and a "Questionnaire" sheet with
one row per question in printed order: the number, section, question, guidance, how to answer (with the
options lettered for multiple-choice questions and, for questions that apply only given another answer, when
they apply), the answer (a drop-down list for choice questions), the citation of the national provision, a
note, the source, the method and the as-of date. A hidden column holds each question's permanent id, and a
hidden sheet the rule pack's id and version, so that rows are matched by id and stale templates are detected.

Drop-down lists are advisory (values can be pasted or typed around them), so the import re-validates every
value with the same checks as an answers file, and refuses the whole workbook on any problem, listing each
by sheet and row. Answers -> workbook -> answers gives back the identical answers (tests/test_workbook.py).
"""
from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from .engine import conditions as cond
from .engine.answers import Answers, check_value
from .engine.knowledge import KnowledgeBase
from .engine.models import Answer, AnswersFile, Question
from .errors import InputError, MissingFileError, Problem

KIND = "lexgap-questionnaire-workbook"
FORMAT_VERSION = 1
INSTRUCTIONS, STATE, QUESTIONS, LISTS, META = "Instructions", "State and assessment", "Questionnaire", "Lists", "Meta"
COLUMNS = ["No.", "Section", "Question", "Guidance", "How to answer", "Answer", "Citation of the national provision",
           "Note", "Source", "Method", "As of (date)", "Question id (do not change)"]
COL = {name: i + 1 for i, name in enumerate(["number", "section", "question", "guidance", "how", "answer",
                                             "citation", "note", "source", "method", "as_of", "id"])}
WIDTHS = {"number": 7, "section": 16, "question": 55, "guidance": 48, "how": 34, "answer": 30, "citation": 32,
          "note": 30, "source": 26, "method": 16, "as_of": 13, "id": 30}
ANSWER_FIELDS = ("answer", "citation", "note", "source", "method", "as_of")
YES_NO_LABELS = {"yes": "Yes", "partial": "Partly", "no": "No", "unknown": "Unknown"}
YES_NO_WORDS = {"yes": "yes", "y": "yes", "partly": "partial", "partial": "partial", "partially": "partial",
                "no": "no", "n": "no", "unknown": "unknown", "don't know": "unknown", "do not know": "unknown"}
NONE_WORDS = {"none", "none of the options", "none of these", "[]"}
METHOD_LABELS = {"desk_review": "Desk review", "official_reply": "Official reply", "interview": "Interview",
                 "self_assessment": "Self-assessment"}
STATE_FIELDS = [
    # key, label, help
    ("state.name", "Name of the State", "Required. The official short name."),
    ("state.code", "ISO 3166 code", "Optional: two or three capital letters (XA to XZ for fictional States)."),
    ("state.region", "Region", "Optional."),
    ("state.federal", "Federal State?", "Yes or No."),
    ("state.fictional", "Fictional State (training only)?", "Yes only for invented examples."),
    ("assessment.date", "Date of the assessment", "Required. YYYY-MM-DD: answer for the law in force on that date."),
    ("assessment.assessors", "Assessors", "Required. One name per line (Alt+Enter starts a new line in a cell)."),
    ("assessment.status", "Status", "Draft or Final."),
    ("assessment.sources", "Sources", "Optional. One source per line: laws consulted, official replies."),
    ("assessment.confidentiality", "Confidentiality marking", "Printed at the top and bottom of the report."),
]
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r]")
MAX_CELL = 32767


def _text(value: object) -> str:
    return " ".join(str(value).split())


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


def _letter(i: int) -> str:
    return chr(ord("a") + i) if i < 26 else chr(ord("a") + i // 26 - 1) + chr(ord("a") + i % 26)


def choice_labels(q: Question) -> dict[str, str]:
    """Option value -> the text shown in the workbook (labels made unique if two options share one)."""
    labels = [o.label for o in q.options]
    return {o.value: (o.label if labels.count(o.label) == 1 and _norm(o.label) != "unknown" else f"{o.label} ({o.value})")
            for o in q.options}


# --- describing show_if in words ------------------------------------------------------------------------

def describe_condition(kb: KnowledgeBase, node: cond.Node) -> str:
    """A show_if condition in plain words, with question numbers and option labels."""
    questions = kb.questions

    def label(qid: str, value: object) -> str:
        q = questions.get(qid)
        if q is None:
            return str(value)
        if q.type == "yes_no":
            return YES_NO_LABELS.get(str(value), str(value))
        return {o.value: o.label for o in q.options}.get(str(value), str(value))

    def number(qid: str) -> str:
        q = questions.get(qid)
        return f"question {q.number}" if q else qid

    def walk(n: cond.Node) -> str:
        if isinstance(n, cond.Compare):
            if n.op in ("==", "!="):
                verb = "is" if n.op == "==" else "is not"
                return f"the answer to {number(n.question)} {verb} “{label(n.question, n.value)}”"
            return f"the answer to {number(n.question)} is {n.op} {n.value}"
        if isinstance(n, cond.InSet):
            return (f"the answer to {number(n.question)} is "
                    + " or ".join(f"“{label(n.question, v)}”" for v in n.values))
        if isinstance(n, cond.Has):
            return f"the answer to {number(n.question)} includes “{label(n.question, n.value)}”"
        if isinstance(n, cond.Answered):
            return f"{number(n.question)} is answered"
        if isinstance(n, cond.Not):
            return f"not ({walk(n.item)})"
        if isinstance(n, (cond.And, cond.Or)):
            joiner = " and " if isinstance(n, cond.And) else " or "
            return joiner.join(walk(i) if not isinstance(i, (cond.And, cond.Or)) else f"({walk(i)})"
                               for i in n.items)
        return cond.render(n)

    return walk(node)


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
        parts += [f"({_letter(i)}) {labels[o.value]}" for i, o in enumerate(q.options)]
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


# --- export -----------------------------------------------------------------------------------------------

def display_value(q: Question, value: Any) -> Any:
    """An answer value as the workbook shows it (and reads back)."""
    if value is None:
        return None
    if q.type == "text":
        return "Unknown" if value == "unknown" else value
    if value == "unknown":
        return "Unknown"
    if q.type == "yes_no":
        return YES_NO_LABELS[value]
    if q.type == "single_choice":
        return choice_labels(q).get(value, value)
    if q.type == "multiple_choice":
        labels = choice_labels(q)
        return "\n".join(labels.get(v, v) for v in value) if value else "None of the options"
    return value


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
        (_text(qn.introduction), None),
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
    for letter, width in zip("ABCD", (32, 45, 60, 24)):
        st.column_dimensions[letter].width = width
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
            "assessment.status": a.status.capitalize(), "assessment.sources": _lines(problems, f"{source}: assessment: sources", list(a.sources)),
            "assessment.confidentiality": a.confidentiality}


# --- import -----------------------------------------------------------------------------------------------

class _Reader:
    """Collects every problem of a workbook so that the focal point sees all of them at once."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, sheet: str, row: int | None, message: str, hint: str = "") -> None:
        where = f"sheet '{sheet}', row {row}: " if row else f"sheet '{sheet}': "
        self.problems.append(Problem(self.file, where + message, hint))


def _show(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"'{shown}'"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def parse_value(q: Question, raw: Any) -> tuple[Any, tuple[str, str] | None]:
    """The answer value a cell holds, or why it is not one (message, what to do)."""
    if isinstance(raw, bool):
        return None, (f"{raw} is a true/false value, not an answer", "write the answer as a word, e.g. Yes or No")
    if isinstance(raw, str) and q.type != "text":
        if not raw.strip():
            return None, None
        if _norm(raw) == "unknown":
            return "unknown", None
    if q.type == "text":
        if isinstance(raw, (dt.datetime, dt.date)):
            raw = raw.date().isoformat() if isinstance(raw, dt.datetime) else raw.isoformat()
        if isinstance(raw, (int, float)):
            raw = f"{raw:g}" if isinstance(raw, float) else str(raw)
        return ("unknown" if _norm(raw) == "unknown" else raw), None
    if q.type == "yes_no":
        value = YES_NO_WORDS.get(_norm(raw)) if isinstance(raw, str) else None
        if value is None:
            return None, (f"{_show(raw)} is not an answer to this question", "choose Yes, Partly, No or Unknown")
        return value, None
    if q.type == "single_choice":
        table = _choice_table(q)
        value = table.get(_norm(raw)) if isinstance(raw, str) else None
        if value is None:
            labels = list(choice_labels(q).values())
            return None, (f"{_show(raw)} is not one of the options",
                          "choose one from the list: " + "; ".join(labels) + "; or Unknown")
        return value, None
    if q.type == "multiple_choice":
        if not isinstance(raw, str):
            return None, (f"{_show(raw)} is not among the options", "write the options (or their letters) that apply")
        if _norm(raw) in NONE_WORDS:
            return [], None
        table = _choice_table(q, letters=True)
        chosen: list[str] = []
        unknown_parts: list[str] = []
        for line in re.split(r"[\n]+", raw):
            if not line.strip():
                continue
            whole = table.get(_norm(line))
            parts = [line] if whole is not None else [p for p in line.split(";") if p.strip()]
            for part in parts:
                value = table.get(_norm(part))
                if value is None:
                    unknown_parts.append(part.strip())
                else:
                    chosen.append(value)
        if unknown_parts:
            return None, (", ".join(f"'{p}'" for p in unknown_parts) + " not among the options",
                          "write the options (or their letters a, b, c...) one per line or separated by ;")
        if len(set(chosen)) != len(chosen):
            return None, ("an option is given twice", "give each option once")
        return chosen, None
    if q.type == "number":
        if isinstance(raw, str):
            text = raw.strip()
            try:
                raw = int(text)
            except ValueError:
                try:
                    raw = float(text)
                except ValueError:
                    return None, (f"a number is expected, but {_show(raw)} is text",
                                  "write the number alone, without words or units, or Unknown")
        if isinstance(raw, (dt.date, dt.datetime)):
            return None, (f"a number is expected, not the date {_show(raw)}", "write the number alone")
        return raw, None
    if q.type == "date":
        if isinstance(raw, dt.datetime):
            return raw.date().isoformat(), None
        if isinstance(raw, dt.date):
            return raw.isoformat(), None
        return (raw.strip() if isinstance(raw, str) else raw), None
    return raw, None


def _choice_table(q: Question, letters: bool = False) -> dict[str, str]:
    table: dict[str, str] = {}
    labels = choice_labels(q)
    for i, o in enumerate(q.options):
        if letters:
            letter = _letter(i)
            for form in (letter, f"({letter})", f"{letter})", f"{letter}."):
                table[form] = o.value
        table[_norm(o.value)] = o.value
        table[_norm(o.label)] = o.value
        table[_norm(labels[o.value])] = o.value
    return table


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date().isoformat()
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    text = str(value).strip()
    return text or None


def _date(value: Any) -> dt.date | None | str:
    """A date cell or YYYY-MM-DD text; 'bad' when neither."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return "bad"
    return "bad"


def _open(path: Path):
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    name = str(path)
    if not path.exists():
        raise MissingFileError(Problem(name, "no such file", "check the path and the file name"))
    if path.is_dir():
        raise InputError(Problem(name, "this is a folder, not a workbook", "give the path of the .xlsx file"))
    if path.suffix.lower() == ".xls":
        raise InputError(Problem(name, "this is an old-style Excel file (.xls)",
                                 "open it in Excel or LibreOffice and save it as .xlsx, then import that file"))
    if path.suffix.lower() in (".yaml", ".yml"):
        raise InputError(Problem(name, "this is an answers file, not a workbook",
                                 "an answers file needs no import: give it directly to lexgap validate, assess "
                                 "or report; import takes a filled questionnaire workbook (.xlsx)"))
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Data Validation extension is not supported": harmless here
            return load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        if isinstance(exc, PermissionError):
            raise MissingFileError(Problem(name, "the file cannot be read (permission denied)",
                                           "check the file's permissions")) from None
        raise InputError(Problem(name, "this is not an Excel workbook (.xlsx), or it is damaged or "
                                 "password-protected", "save it from Excel or LibreOffice as .xlsx, without a "
                                 "password, and import it again")) from None


def import_workbook(path: str | Path, kb: KnowledgeBase) -> AnswersFile:
    """Read a filled workbook back into answers. Every value is checked as in an answers file; on any
    problem, InputError lists all of them by sheet and row and nothing is returned."""
    path = Path(path)
    wb = _open(path)
    try:
        return _import(wb, str(path), kb)
    finally:
        wb.close()


def _rows(ws) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def _import(wb, file: str, kb: KnowledgeBase) -> AnswersFile:
    r = _Reader(file)
    missing = [name for name in (STATE, QUESTIONS) if name not in wb.sheetnames]
    if META not in wb.sheetnames or missing:
        raise InputError(Problem(file, "this workbook was not made by 'lexgap questionnaire export'"
                                 + (f" (the sheet{'s' if len(missing) > 1 else ''} "
                                    f"{', '.join(repr(m) for m in missing)} {'are' if len(missing) > 1 else 'is'} "
                                    "missing)" if missing else " (its hidden version sheet is missing)"),
                                 "export a new workbook with 'lexgap questionnaire export --xlsx FILE' and copy "
                                 "the answers into it"))
    meta = {str(row[0]): row[1] for row in _rows(wb[META]) if row and row[0] is not None}
    if meta.get("kind") != KIND:
        raise InputError(Problem(file, "this workbook was not made by 'lexgap questionnaire export'",
                                 "export a new workbook and copy the answers into it"))
    if meta.get("pack") != kb.pack.id:
        raise InputError(Problem(file, f"this workbook is for the rule pack '{meta.get('pack')}', but the pack in "
                                 f"use is '{kb.pack.id}'", "import it with the matching pack (--pack)"))
    version = str(meta.get("pack_version", ""))
    if version.split(".")[0] != kb.pack.version.split(".")[0]:
        raise InputError(Problem(file, f"this workbook was made for version {version} of the rule pack; the pack "
                                 f"in use is {kb.pack.version}, whose questions differ",
                                 "export a new workbook with 'lexgap questionnaire export' and copy the answers "
                                 "into it"))
    answers_version = str(meta.get("answers_pack_version") or version)

    # State and assessment
    state_rows = _rows(wb[STATE])
    by_key: dict[str, tuple[int, Any]] = {}
    labels = {key: label for key, label, _ in STATE_FIELDS}
    for i, row in enumerate(state_rows[1:], 2):
        key = row[3] if len(row) > 3 else None
        if key in labels:
            by_key[key] = (i, row[1] if len(row) > 1 else None)

    def field(key: str) -> tuple[int | None, Any]:
        return by_key.get(key, (None, None))

    def bad(key: str, message: str, hint: str) -> None:
        row, _ = field(key)
        r.add(STATE, row, f"{labels[key]}: {message}", hint)

    for key in labels:
        if key not in by_key:
            r.add(STATE, None, f"the row '{labels[key]}' is missing", "export a new workbook and copy the answers "
                  "into it; do not delete rows")
    state: dict[str, Any] = {}
    info: dict[str, Any] = {"pack": kb.pack.id, "pack_version": answers_version}
    name = _cell_text(field("state.name")[1])
    if not name:
        bad("state.name", "empty", "type the name of the State in column B")
    state["name"] = name
    code = _cell_text(field("state.code")[1])
    if code is not None and not re.fullmatch(r"[A-Z]{2,3}", code):
        bad("state.code", f"'{code}' is not a country code", "write two or three capital letters (ISO 3166), or "
            "leave it empty")
    state["code"] = code
    state["region"] = _cell_text(field("state.region")[1])
    for key in ("state.federal", "state.fictional"):
        text = _cell_text(field(key)[1])
        value = YES_NO_WORDS.get(_norm(text)) if text else "no"
        if isinstance(field(key)[1], bool):
            value = "yes" if field(key)[1] else "no"
        if value not in ("yes", "no"):
            bad(key, f"'{text}' is not Yes or No", "choose Yes or No")
        state[key.split(".")[1]] = value == "yes"
    date = _date(field("assessment.date")[1])
    if date is None:
        bad("assessment.date", "empty", "type the date of the assessment as YYYY-MM-DD")
    elif date == "bad":
        bad("assessment.date", f"{_show(field('assessment.date')[1])} is not a date", "write it as YYYY-MM-DD")
    info["date"] = date
    assessors = [a.strip() for a in str(field("assessment.assessors")[1] or "").split("\n") if a.strip()]
    if not assessors:
        bad("assessment.assessors", "empty", "write who answered, one name per line")
    info["assessors"] = assessors
    status = _norm(_cell_text(field("assessment.status")[1]) or "draft")
    if status not in ("draft", "final"):
        bad("assessment.status", f"'{_cell_text(field('assessment.status')[1])}' is not Draft or Final",
            "choose Draft or Final")
    info["status"] = status
    info["sources"] = [s.strip() for s in str(field("assessment.sources")[1] or "").split("\n") if s.strip()]
    confidentiality = _cell_text(field("assessment.confidentiality")[1])
    if confidentiality:
        info["confidentiality"] = confidentiality

    # Questionnaire
    questions = kb.questions
    answers: dict[str, Answer] = {}
    rows_seen: dict[str, int] = {}
    q_rows = _rows(wb[QUESTIONS])
    header = q_rows[0] if q_rows else ()
    id_col = COL["id"] - 1
    if len(header) <= id_col or header[id_col] != COLUMNS[id_col]:
        raise InputError(Problem(file, f"sheet '{QUESTIONS}': the columns have been moved, added or deleted",
                                 "export a new workbook and copy the answers into it; do not insert or delete "
                                 "columns"))
    for row_number, row in enumerate(q_rows[1:], 2):
        row = tuple(row) + (None,) * (len(COLUMNS) - len(row))
        cells = {key: row[COL[key] - 1] for key in ANSWER_FIELDS}
        filled = any(v is not None and not (isinstance(v, str) and not v.strip()) for v in cells.values())
        qid = row[id_col]
        if qid is None or (isinstance(qid, str) and not qid.strip()):
            if filled:
                r.add(QUESTIONS, row_number, "this row has an answer but no question id",
                      "type answers only in the row of their question; do not insert rows")
            continue
        qid = str(qid).strip()
        q = questions.get(qid)
        if q is None:
            r.add(QUESTIONS, row_number, f"the question id '{qid}' is not in the questionnaire",
                  "the hidden id column was changed, or the workbook is from another version: export a new one")
            continue
        if qid in rows_seen:
            r.add(QUESTIONS, row_number, f"question {q.number} also appears in row {rows_seen[qid]}",
                  "keep one row per question: delete the copy")
            continue
        rows_seen[qid] = row_number
        if not filled:
            continue
        where = f"question {q.number}"
        value, problem = parse_value(q, cells["answer"])
        if problem is None and value is not None:
            checked = check_value(q, value)
            if checked:
                problem = checked
        if problem:
            r.add(QUESTIONS, row_number, f"{where}: {problem[0]}", problem[1])
            continue
        method_text = _cell_text(cells["method"])
        method = None
        if method_text:
            method = {_norm(v): k for k, v in METHOD_LABELS.items()} | {k: k for k in METHOD_LABELS}
            method = method.get(_norm(method_text))
            if method is None:
                r.add(QUESTIONS, row_number, f"{where}: the method '{method_text}' is not one of the list",
                      "choose " + ", ".join(METHOD_LABELS.values()) + ", or leave it empty")
                continue
        as_of = _date(cells["as_of"])
        if as_of == "bad":
            r.add(QUESTIONS, row_number, f"{where}: the 'as of' date {_show(cells['as_of'])} is not a date",
                  "write it as YYYY-MM-DD, or leave it empty")
            continue
        answers[qid] = Answer(value=value, citation=_cell_text(cells["citation"]), note=_cell_text(cells["note"]),
                              source=_cell_text(cells["source"]), method=method, as_of=as_of)
    if r.problems:
        raise InputError(r.problems)
    from pydantic import ValidationError

    try:
        return AnswersFile(state=state, assessment=info, answers=answers)
    except ValidationError as exc:
        for error in exc.errors():
            loc = ".".join(str(p) for p in error["loc"][:2])
            row = by_key.get(loc, (None, None))[0]
            r.add(STATE, row, f"{labels.get(loc, loc)}: {error['msg']}", "correct the value in column B")
        raise InputError(r.problems) from None


# --- answers files as YAML ------------------------------------------------------------------------------------

_STRICT_SPECIAL = [re.compile(p) for p in (
    r"^(?:true|True|TRUE|false|False|FALSE)$", r"^[-+]?[0-9]+$",
    r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", r"^(?:~|null|Null|NULL|)$", r"^<<$")]


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "'" if any(p.match(value) for p in _STRICT_SPECIAL) else None
    if "\n" in value or value != value.strip():
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    flow = all(isinstance(v, (str, int, float)) and not (isinstance(v, str) and "\n" in v) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=100)


def answers_to_yaml(data: AnswersFile, kb: KnowledgeBase, header: Iterable[str] = ()) -> str:
    """An answers file as YAML that lexgap reads back into identical answers: state and assessment first,
    then the answers in printed order, each under a comment with its question number and text."""
    lines = [f"# {line}" for line in header]
    state = data.state.model_dump(exclude_defaults=True)
    state = {"name": state.pop("name"), **state}
    assessment = data.assessment.model_dump(exclude_defaults=True)
    head = {"schema_version": 1, "state": state, "assessment": assessment}
    lines.append(_dump(head).rstrip("\n"))
    if not data.answers:
        lines.append("answers: {}")
        return "\n".join(lines) + "\n"
    lines.append("answers:")
    order = {q.id: i for i, q in enumerate(kb.questionnaire.questions)}
    for qid in sorted(data.answers, key=lambda q: (order.get(q, len(order)), q)):
        answer = data.answers[qid]
        q = kb.questions.get(qid)
        if q is not None:
            title = _text(q.text)
            lines.append(f"  # {q.number} {title if len(title) <= 96 else title[:93] + '...'}")
        fields = answer.model_dump(exclude_none=True)
        fields.pop("value", None)
        body: Any = answer.value if not fields else {"value": answer.value, **fields}
        block = _dump({qid: body}).rstrip("\n")
        lines += ["  " + line for line in block.split("\n")]
    return "\n".join(lines) + "\n"
