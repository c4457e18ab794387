"""The questionnaire as a spreadsheet, and back: for focal points who work in Excel or LibreOffice.

    data = export_workbook(kb, answers=None)            # .xlsx bytes
    answers_file = import_workbook("filled.xlsx", kb)   # AnswersFile, or InputError listing every problem

The workbook has an "Instructions" sheet, a "State and assessment" sheet, and a "Questionnaire" sheet with
one row per question in printed order: the number, section, question, guidance, how to answer (with the
options lettered for multiple-choice questions and, for questions that apply only given another answer, when
they apply), the answer (a drop-down list for choice questions), the citation of the national provision, a
note, the source, the method and the as-of date. A hidden column holds each question's permanent id, and a
hidden sheet the rule pack's id and version, so that rows are matched by id and stale templates are detected.

Drop-down lists are advisory (values can be pasted or typed around them), so the import re-validates every
value with the same checks as an answers file, and refuses the whole workbook on any problem, listing each
by sheet and row. Answers -> workbook -> answers gives back the identical answers (tests/test_workbook.py),
written with lexgap.answers_yaml.answers_to_yaml.

Modules: layout (sheets, columns, labels), export, importer.
"""
from __future__ import annotations

from .export import export_workbook
from .importer import import_workbook, parse_value
from .layout import COL, COLUMNS, ILLEGAL, META, QUESTIONS, STATE

__all__ = ["COL", "COLUMNS", "ILLEGAL", "META", "QUESTIONS", "STATE", "export_workbook", "import_workbook",
           "parse_value"]
