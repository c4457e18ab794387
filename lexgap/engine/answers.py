"""Loading a State's answers file and checking every answer against the questionnaire."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .knowledge import KnowledgeBase
from .migrate import MigrationReport, migrate_data, migration_for, needs_migration
from .models import YES_NO_VALUES, Answer, AnswersFile, Question
from .validation import near, validate
from .yamlio import Document, load, parse_text

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


@dataclass
class Answers:
    """A validated answers file: who was assessed, by whom, and what they answered."""

    file: str
    data: AnswersFile
    migration: MigrationReport | None = None

    @property
    def values(self) -> dict[str, Any]:
        """The answer values by question id, 'unknown' included (the engine drops it)."""
        return {q: a.value for q, a in self.data.answers.items()}

    def digest(self) -> str:
        payload = json.dumps({q: a.value for q, a in sorted(self.data.answers.items())}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


def load_answers(path: str | Path, kb: KnowledgeBase) -> Answers:
    """Read, parse and validate an answers file; raise InputError listing every problem with its line."""
    if Path(path).suffix.lower() in WORKBOOK_SUFFIXES:
        raise InputError(Problem(str(path), "this is a spreadsheet, not an answers file",
                                 f"read it into an answers file first: lexgap questionnaire import {path} -o "
                                 f"{Path(path).with_suffix('.yaml').name}"))
    return _check(load(path), kb)


def parse_answers(text: str, kb: KnowledgeBase, name: str = "<answers>") -> Answers:
    """Like load_answers, for text already in memory (uploads, workbooks converted to YAML)."""
    return _check(parse_text(text, name), kb)


def _check(doc: Document, kb: KnowledgeBase) -> Answers:
    if not isinstance(doc.data, dict):
        raise InputError(doc.problem((), "an answers file must be a mapping with 'state', 'assessment' and "
                                         "'answers'", "see lexgap/questionnaires/examples/ for the format"))
    data = dict(doc.data)
    report = None
    old_version = needs_migration(kb, data)
    migration = migration_for(kb, old_version) if old_version else None
    if migration is not None:
        data, report = migrate_data(kb, data, migration)
    raw_answers = data.get("answers")
    if isinstance(raw_answers, dict):
        data["answers"] = {q: a if isinstance(a, dict) else {"value": a} for q, a in raw_answers.items()}
    model, problems = validate(doc, AnswersFile, data)
    if model is not None:
        problems += _check_against_pack(doc, model, kb)
    else:  # report every problem at once: the answers are checked even when the rest of the file is not valid
        problems += _check_answers(doc, _answers_section(data.get("answers")), kb)
    if problems or model is None:
        raise InputError(problems)
    return Answers(doc.file, model, report)


def _check_against_pack(doc: Document, model: AnswersFile, kb: KnowledgeBase) -> list[Problem]:
    problems: list[Problem] = []
    info = model.assessment
    if info.pack != kb.pack.id:
        problems.append(doc.problem(("assessment", "pack"), f"this file answers the pack '{info.pack}', but the "
                                    f"rule pack in use is '{kb.pack.id}'", "use the matching rule pack (--pack)"))
    elif info.pack_version.split(".")[0] != kb.pack.version.split(".")[0]:
        problems.append(doc.problem(("assessment", "pack_version"), f"this file was written for version "
                                    f"{info.pack_version} of the pack; the rule pack in use is {kb.pack.version}",
                                    "the pack ships no migration from that version: re-check the answers "
                                    "against the current questionnaire, then update pack_version"))
    return problems + _check_answers(doc, model.answers, kb)


def _answers_section(raw: Any) -> dict[str, Answer]:
    """The answers that are well-formed on their own, from an answers file that is not valid as a whole."""
    from pydantic import ValidationError

    if not isinstance(raw, dict):
        return {}
    out = {}
    for qid, entry in raw.items():
        try:
            out[str(qid)] = Answer.model_validate(entry)
        except ValidationError:
            continue  # already reported, with its line, by the structural validation
    return out


def _check_answers(doc: Document, answers: dict[str, Answer], kb: KnowledgeBase) -> list[Problem]:
    """Unknown question ids and values a question cannot take."""
    problems: list[Problem] = []
    questions = kb.questions
    for qid, answer in answers.items():
        path = ("answers", qid)
        question = questions.get(qid)
        if question is None:
            problems.append(doc.problem(path, f"unknown question id '{qid}'",
                                        near(qid, questions) or "see 'lexgap questionnaire list' for the ids"))
            continue
        message = check_value(question, answer.value)
        if message:
            problems.append(doc.problem(path + ("value",), f"{qid} (question {question.number}): {message[0]}",
                                        message[1]))
    return problems


def check_value(question: Question, value: Any) -> tuple[str, str] | None:
    """Why `value` is not a valid answer to `question` (message, what to do), or None if it is."""
    if value is None or value == "unknown":
        return None
    kind = question.type
    if kind == "yes_no":
        if value == "partial" and not question.partial:
            return ("'partial' is not an answer to this question: it asks a plain fact",
                    "answer yes, no or unknown, and explain any nuance in a note")
        if value not in YES_NO_VALUES:
            hint = "answer yes, partial, no or unknown" if question.partial else "answer yes, no or unknown"
            return f"{_show(value)} is not an answer to this question", hint
    elif kind == "single_choice":
        options = [o.value for o in question.options]
        if value not in options:
            hint = near(str(value), options) or f"choose one of: {', '.join(options)}, unknown"
            return f"{_show(value)} is not one of the options", hint
    elif kind == "multiple_choice":
        options = [o.value for o in question.options]
        if not isinstance(value, list):
            return (f"{_show(value)} should be a list of options",
                    f"write the chosen options in brackets, e.g. [{options[0]}], or [] for none")
        bad = [v for v in value if v not in options]
        if bad:
            return (f"{', '.join(_show(v) for v in bad)} not among the options",
                    f"choose from: {', '.join(options)}")
        if len(set(value)) != len(value):
            return "an option is listed twice", "list each option once"
    elif kind == "number":
        if isinstance(value, str):
            return f"a number is expected, but {_show(value)} is text", "write the number without quotes or words"
        if not isinstance(value, (int, float)):
            return f"a number is expected, not {_show(value)}", "write a single number"
        if question.minimum is not None and value < question.minimum:
            return f"{value} is below the smallest allowed value ({question.minimum:g})", "check the figure"
        if question.maximum is not None and value > question.maximum:
            return f"{value} is above the largest allowed value ({question.maximum:g})", "check the figure"
    elif kind == "date":
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            return f"{_show(value)} is not a date", "write dates as YYYY-MM-DD"
    elif not isinstance(value, str):
        return f"text is expected, not {_show(value)}", "put the answer in quotes"
    return None


def _show(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)


def answer_display(question: Question, answer: Answer) -> str:
    """An answer as a person reads it: option labels, 'Yes', '18 years'."""
    value = answer.value
    if value is None or value == "unknown":
        return "Unknown"
    if question.type == "yes_no":
        return {"yes": "Yes", "no": "No", "partial": "Partly"}[str(value)]
    labels = {o.value: o.label for o in question.options}
    if question.type == "single_choice":
        return labels.get(str(value), str(value))
    if question.type == "multiple_choice" and isinstance(value, list):
        return "; ".join(labels.get(v, v) for v in value) if value else "None of the options"
    if question.type == "number":
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{shown} {question.unit}" if question.unit else shown
    return str(value)
