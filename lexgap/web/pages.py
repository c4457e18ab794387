"""The questionnaire page: which questions a view shows, what each field shows, progress and status."""
from __future__ import annotations

from typing import Any

from flask import render_template, url_for

from ..api import Session
from ..engine.assessment import Assessment
from ..engine.articles import article_label
from ..engine.models import AnswersFile, Question
from .common import workspace
from .forms import NONE_OF_THESE, answer_fingerprint, field_name, field_values
from .progress import headline, next_questions, paragraph_rows
from .workspace import controlling_numbers, question_states

View = tuple[str, Any]  # ("section", section id) or ("paragraph", number)


def section_ids() -> list[str]:
    return [s.id for s in workspace().kb.questionnaire.sections]


def paragraph_numbers() -> list[int]:
    return [p.paragraph for p in workspace().kb.paragraphs]


def parse_view(text: str | None) -> View | None:
    """'section:treaty' -> ("section", "treaty"); 'paragraph:3' -> ("paragraph", 3); None if not a view."""
    if not text or ":" not in text:
        return None
    kind, _, key = text.partition(":")
    if kind == "section" and key in section_ids():
        return kind, key
    if kind == "paragraph" and key.isdigit() and int(key) in paragraph_numbers():
        return kind, int(key)
    return None


def view_url(stem: str, view: View, anchor: str | None = None) -> str:
    if view[0] == "section":
        url = url_for("questionnaire.section_page", stem=stem, section_id=view[1])
    else:
        url = url_for("questionnaire.paragraph_page", stem=stem, number=view[1])
    return url + (f"#q-{anchor}" if anchor else "")


def view_questions(view: View) -> list[Question]:
    questions = workspace().questions
    if view[0] == "section":
        return [q for q in questions if q.section == view[1]]
    return [q for q in questions if view[1] in q.paragraphs]


def question_view(q: Question, data: AnswersFile, states: dict[str, str], raws: dict[str, Any],
                  errors: dict[str, str], bases: dict[str, str] | None = None,
                  conflicts: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the question's fieldset shows; `bases` overrides the fingerprint of the answer the page is
    taken to show (after a conflict, the one shown before), `conflicts` the answers saved elsewhere."""
    kb = workspace().kb
    answer = data.answers.get(q.id)
    refs = []
    for r in q.references:
        inst = kb.instruments.get(r.instrument)
        refs.append(article_label(inst.short_title, r.article, inst.unit) if inst else f"{r.instrument} {r.article}")
    return {"q": q, "state": states.get(q.id, "shown"), "answer": answer, "error": errors.get(q.id),
            "fields": field_values(q, answer, raws.get(q.id)), "refs": refs,
            "base": (bases or {}).get(q.id, answer_fingerprint(q, answer)), "conflict": (conflicts or {}).get(q.id),
            "controlling": controlling_numbers(kb, q),
            "names": {k: field_name(k, q.id) for k in ("value", "citation", "note", "source", "unknown", "base")}}


def progress(data: AnswersFile, states: dict[str, str]) -> dict[str, dict[str, int]]:
    """Per section: the questions that apply and how many of them are answered."""
    counts: dict[str, dict[str, int]] = {}
    for q in workspace().questions:
        c = counts.setdefault(q.section, {"answered": 0, "total": 0})
        if states[q.id] == "shown":  # set-aside answers are not counted: those questions do not apply
            c["total"] += 1
            a = data.answers.get(q.id)
            if a is not None and a.value is not None:
                c["answered"] += 1
    return counts


def status_context(assessment: Assessment, data: AnswersFile, states: dict[str, str], stem: str,
                   view: View | None = None) -> dict[str, Any]:
    """The status panel: progress, headline, paragraph rows and the questions that would decide the most
    (of the paragraph, on a paragraph's page)."""
    counts = progress(data, states)
    paragraph = view[1] if view and view[0] == "paragraph" else None
    nexts = next_questions(assessment, workspace().kb.questions, data, states, paragraph)
    return {"rows": paragraph_rows(assessment), "summary": assessment.summary, "warnings": assessment.warnings,
            "headline": headline(assessment), "next": nexts, "next_paragraph": paragraph,
            "answered": sum(c["answered"] for c in counts.values()),
            "applicable": sum(c["total"] for c in counts.values()), "stem": stem}


def view_label(view: View | None) -> str | None:
    if view is None:
        return None
    if view[0] == "section":
        sections = workspace().kb.questionnaire.sections
        s = sections[section_ids().index(view[1])]
        return s.title if s.number == "T" else f"{s.number}. {s.title}"
    return f"Paragraph {view[1]}"


def _heading(view: View) -> tuple[str, str | None, View | None, View | None]:
    """The view's heading, introduction, and the views before and after it."""
    kb = workspace().kb
    keys: list[Any] = section_ids() if view[0] == "section" else paragraph_numbers()
    index = keys.index(view[1])
    nxt = (view[0], keys[index + 1]) if index + 1 < len(keys) else None
    prev = (view[0], keys[index - 1]) if index > 0 else None
    if view[0] == "section":
        section = kb.questionnaire.sections[index]
        heading = f"{section.number}. {section.title}" if section.number != "T" else section.title
        return heading, section.intro, prev, nxt
    para = kb.paragraphs[index]
    return f"Operative paragraph {para.paragraph}: {para.title}", para.summary, prev, nxt


def render_questionnaire(stem: str, sess: Session, view: View, *, raws: dict[str, Any] | None = None,
                         errors: dict[str, str] | None = None, banner: str | None = None, code: int = 200,
                         version: str | None = None, bases: dict[str, str] | None = None,
                         conflicts: dict[str, Any] | None = None) -> Any:
    """The questionnaire page of one view; `raws` and `errors` show refused answers again as typed,
    `conflicts` answers saved elsewhere since the page was opened (see `question_view`)."""
    ws = workspace()
    raws, errors = raws or {}, errors or {}
    data = sess.answers.data
    assessment = ws.assessment(sess)
    states = question_states(ws.kb, data)
    questions = [question_view(q, data, states, raws, errors, bases, conflicts) for q in view_questions(view)]
    heading, intro, prev, nxt = _heading(view)
    page = render_template(
        "web/questionnaire.html.j2", stem=stem, data=data, view=view, view_key=f"{view[0]}:{view[1]}",
        version=version or ws.version(stem, sess),
        heading=heading, intro=intro, questions=questions, sections=ws.kb.questionnaire.sections,
        counts=progress(data, states), paragraphs=ws.kb.paragraphs,
        status=status_context(assessment, data, states, stem, view),
        next_view=nxt, next_key=f"{nxt[0]}:{nxt[1]}" if nxt else None, next_label=view_label(nxt),
        prev_url=view_url(stem, prev) if prev else None, prev_label=view_label(prev), errors=errors,
        banner=banner, NONE_OF_THESE=NONE_OF_THESE, view_url=view_url, questionnaire=ws.kb.questionnaire)
    return page, code
