"""Reading a filled workbook back into answers (see lexgap/workbook/__init__.py)."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ..engine.answers import check_value
from ..engine.knowledge import KnowledgeBase
from ..engine.models import Answer, AnswersFile, Question
from ..errors import InputError, MissingFileError, Problem
from .layout import (
    ANSWER_FIELDS,
    COL,
    COLUMNS,
    KIND,
    META,
    METHOD_LABELS,
    NONE_WORDS,
    QUESTIONS,
    STATE,
    STATE_FIELDS,
    YES_NO_WORDS,
    choice_labels,
    letter,
    norm,
)


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
        if norm(raw) == "unknown":
            return "unknown", None
    if q.type == "text":
        if isinstance(raw, (dt.datetime, dt.date)):
            raw = raw.date().isoformat() if isinstance(raw, dt.datetime) else raw.isoformat()
        if isinstance(raw, (int, float)):
            raw = f"{raw:g}" if isinstance(raw, float) else str(raw)
        return ("unknown" if norm(raw) == "unknown" else raw), None
    if q.type == "yes_no":
        value = YES_NO_WORDS.get(norm(raw)) if isinstance(raw, str) else None
        if value is None:
            return None, (f"{_show(raw)} is not an answer to this question", "choose Yes, Partly, No or Unknown")
        return value, None
    if q.type == "single_choice":
        table = _choice_table(q)
        value = table.get(norm(raw)) if isinstance(raw, str) else None
        if value is None:
            labels = list(choice_labels(q).values())
            return None, (f"{_show(raw)} is not one of the options",
                          "choose one from the list: " + "; ".join(labels) + "; or Unknown")
        return value, None
    if q.type == "multiple_choice":
        if not isinstance(raw, str):
            return None, (f"{_show(raw)} is not among the options", "write the options (or their letters) that apply")
        if norm(raw) in NONE_WORDS:
            return [], None
        table = _choice_table(q, letters=True)
        chosen: list[str] = []
        unknown_parts: list[str] = []
        for line in re.split(r"[\n]+", raw):
            if not line.strip():
                continue
            whole = table.get(norm(line))
            parts = [line] if whole is not None else [p for p in line.split(";") if p.strip()]
            for part in parts:
                value = table.get(norm(part))
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
            mark = letter(i)
            for form in (mark, f"({mark})", f"{mark})", f"{mark}."):
                table[form] = o.value
        table[norm(o.value)] = o.value
        table[norm(o.label)] = o.value
        table[norm(labels[o.value])] = o.value
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
        value = YES_NO_WORDS.get(norm(text)) if text else "no"
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
    status = norm(_cell_text(field("assessment.status")[1]) or "draft")
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
            methods = {norm(v): k for k, v in METHOD_LABELS.items()} | {k: k for k in METHOD_LABELS}
            method = methods.get(norm(method_text))
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
            r.add(STATE, by_key.get(loc, (None, None))[0], f"{labels.get(loc, loc)}: {error['msg']}",
                  "correct the value in column B")
        raise InputError(r.problems) from None
