"""The workbook's layout and words, shared by the export and the import: sheets, columns, labels."""
from __future__ import annotations

import re
from typing import Any

from ..engine.models import Question

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



def one_line(value: object) -> str:
    """Text on one line, runs of white space made single spaces."""
    return " ".join(str(value).split())


def norm(value: str) -> str:
    """Text as typed in a cell, made comparable: one-line and case-folded."""
    return " ".join(value.split()).casefold()


def letter(i: int) -> str:
    """a, b, ... z, aa, ab, ...: how options are lettered."""
    return chr(ord("a") + i) if i < 26 else chr(ord("a") + i // 26 - 1) + chr(ord("a") + i % 26)


def choice_labels(q: Question) -> dict[str, str]:
    """Option value -> the text shown in the workbook (labels made unique if two options share one)."""
    labels = [o.label for o in q.options]
    return {o.value: (o.label if labels.count(o.label) == 1 and norm(o.label) != "unknown"
                      else f"{o.label} ({o.value})")
            for o in q.options}


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
