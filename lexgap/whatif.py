"""What a draft bill would change: a bill file, the assessment with it, and its effect element by element.

A bill file holds the bill's title, status and date, and only the answers it would change, each citing the
bill's article:

    schema_version: 1
    bill:
      title: Draft Law amending the Criminal Code (child sexual abuse material)
      status: draft
      date: 2027-02-01
    answers:
      offences.possession: {value: "yes", citation: "Draft Law, art. 4 (new art. 288(4))"}

The answers file is never changed: the bill is applied in memory.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .engine.answers import Answers, check_value
from .engine.assessment import Assessment, Status, is_gap_status
from .engine.knowledge import KnowledgeBase
from .engine.models import Answer, AnswerValue, Strict, Text
from .engine.validation import near, validate
from .engine.yamlio import Document, load
from .errors import InputError, Problem


class BillInfo(Strict):
    title: Text
    status: Literal["draft", "before_parliament", "adopted"] = Field(
        description="Where the bill stands: a draft, before parliament, or adopted but not yet in force.")
    date: dt.date
    reference: Text | None = Field(None, description="The bill's number or official reference.")


class BillAnswer(Strict):
    value: AnswerValue
    citation: Text = Field(description="The bill's article that would make this the answer.")
    note: Text | None = None


class BillFile(Strict):
    schema_version: Literal[1] = 1
    bill: BillInfo
    answers: dict[str, BillAnswer] = Field(min_length=1, description="Only the answers the bill would change.")


class Bill(BaseModel):
    model_config = ConfigDict(frozen=True)

    file: str
    data: BillFile


def load_bill(path: str | Path, kb: KnowledgeBase) -> Bill:
    """Read and check a bill file: every problem with its line, like an answers file."""
    doc = load(path)
    if not isinstance(doc.data, dict):
        raise InputError(doc.problem((), "a bill file must be a mapping with 'bill' and 'answers'",
                                     "see lexgap/questionnaires/examples/arcadia-bill.yaml for the format"))
    data = dict(doc.data)
    raw = data.get("answers")
    if isinstance(raw, dict):
        data["answers"] = {q: a if isinstance(a, dict) else {"value": a} for q, a in raw.items()}
    model, problems = validate(doc, BillFile, data)
    if model is not None:
        problems += _check_answers(doc, model, kb)
    if problems:
        raise InputError(problems)
    return Bill(file=doc.file, data=model)


def _check_answers(doc: Document, model: BillFile, kb: KnowledgeBase) -> list[Problem]:
    problems = []
    for qid, answer in model.answers.items():
        question = kb.questions.get(qid)
        if question is None:
            problems.append(doc.problem(("answers", qid), f"unknown question id '{qid}'",
                                        near(qid, kb.questions) or "see 'lexgap questionnaire list' for the ids"))
            continue
        message = check_value(question, answer.value)
        if message:
            problems.append(doc.problem(("answers", qid, "value"), f"{qid} (question {question.number}): "
                                        f"{message[0]}", message[1]))
    return problems


def apply_bill(answers: Answers, bill: Bill) -> Answers:
    """The State's answers as they would be with the bill: the bill's answers replace the current ones."""
    updated = dict(answers.data.answers)
    for qid, change in bill.data.answers.items():
        note = f"With {bill.data.bill.title} ({bill.data.bill.status.replace('_', ' ')}, {bill.data.bill.date})."
        if change.note:
            note += " " + change.note
        updated[qid] = Answer(value=change.value, citation=change.citation, note=note)
    return Answers(answers.file, answers.data.model_copy(update={"answers": updated}), answers.migration)


class ElementChange(Strict):
    criterion: str
    criterion_title: str
    element: str
    requirement: str
    before: Status
    after: Status
    binding: bool = Field(description="True when the element binds the State (with the bill).")
    obligation: str


class BillEffect(Strict):
    bill: BillInfo
    closes: list[ElementChange] = Field(description="Elements missing today that the bill would meet.")
    improves: list[ElementChange] = Field(description="Elements not met today that the bill would meet in part.")
    breaks: list[ElementChange] = Field(description="Elements met today (or in part) that the bill would lose.")
    leaves_open: list[ElementChange] = Field(description="Elements still missing in the criteria the bill touches.")
    binding_met: list[str] = Field(description="The binding obligations the bill would meet, with their articles.")
    binding_gaps_before: int
    binding_gaps_after: int
    legal_score_before: float | None
    legal_score_after: float | None


RANK = {"not_met": 0, "partial": 1, "met": 2}


def bill_effect(bill: Bill, before: Assessment, after: Assessment, kb: KnowledgeBase) -> BillEffect:
    """What the bill closes, improves, breaks and leaves open, element by element."""
    touched_questions = set(bill.data.answers)
    old = {e.id: e for f in before.findings for e in f.elements}
    closes, improves, breaks, leaves_open = [], [], [], []
    for finding in after.findings:
        touched = any(set(_questions(kb, e.id)) & touched_questions for e in finding.elements)
        for e in finding.elements:
            was = old[e.id].status if e.id in old else "unknown"
            change = ElementChange(criterion=finding.criterion, criterion_title=finding.title, element=e.id,
                                   requirement=e.requirement, before=was, after=e.status,
                                   binding=e.binding == "binding", obligation=e.obligation)
            if is_gap_status(was) and e.status in ("met", "not_applicable"):
                closes.append(change)
            elif was == "not_met" and e.status == "partial":
                improves.append(change)
            elif was in RANK and e.status in RANK and RANK[e.status] < RANK[was]:
                breaks.append(change)
            elif touched and is_gap_status(e.status):
                leaves_open.append(change)
    binding_met = [f"{c.requirement} ({c.obligation})" for c in closes if c.binding]
    return BillEffect(
        bill=bill.data.bill, closes=closes, improves=improves, breaks=breaks, leaves_open=leaves_open,
        binding_met=binding_met, binding_gaps_before=before.summary.binding_gaps,
        binding_gaps_after=after.summary.binding_gaps, legal_score_before=before.summary.legal_score,
        legal_score_after=after.summary.legal_score)


def _questions(kb: KnowledgeBase, element_id: str) -> set[str]:
    from .engine import conditions as cond

    logic = kb.element_logic[element_id]
    out: set[str] = set()
    nodes = [n for n in (logic.applies, logic.met, logic.partial) if n is not None]
    seen: set[str] = set()
    while nodes:
        node = nodes.pop()
        out |= cond.questions(node)
        for concept in cond.concepts(node) - seen:
            seen.add(concept)
            if concept in kb.concept_logic:
                nodes.append(kb.concept_logic[concept])
    return out


def what_if(answers_path: str | Path, bill_path: str | Path,
            pack: str | Path | None = None) -> tuple[Assessment, Assessment, BillEffect]:
    """The assessment of the law in force, the assessment with the bill, and the bill's effect."""
    from .api import assess
    from .engine.answers import load_answers
    from .engine.knowledge import load_knowledge

    kb = load_knowledge(pack)
    answers = load_answers(answers_path, kb)
    bill = load_bill(bill_path, kb)
    before = assess(answers, pack)
    after = assess(apply_bill(answers, bill), pack)
    return before, after, bill_effect(bill, before, after, kb)
