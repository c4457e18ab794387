"""Blueprint `questionnaire`: the pages of one assessment and the saving of its answers."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request
from pydantic import ValidationError

from ..errors import LexgapError
from . import security
from .common import check_stem, open_session, wants_json, workspace
from .pages import (
    paragraph_numbers,
    parse_view,
    progress,
    render_questionnaire,
    section_ids,
    status_context,
    view_url,
)
from .workspace import paragraph_rows, question_states, read_posted, status_changes

bp = Blueprint("questionnaire", __name__, url_prefix="/a/<stem>")


@bp.get("/")
def assessment_home(stem: str) -> Any:
    check_stem(stem)
    return redirect(view_url(stem, ("section", section_ids()[0])))


@bp.get("/section/<section_id>")
def section_page(stem: str, section_id: str) -> Any:
    if section_id not in section_ids():
        abort(404, "There is no such section in the questionnaire.")
    return render_questionnaire(stem, open_session(stem), ("section", section_id))


@bp.get("/paragraph/<int:number>")
def paragraph_page(stem: str, number: int) -> Any:
    if number not in paragraph_numbers():
        abort(404, "There is no such operative paragraph in the rule pack.")
    return render_questionnaire(stem, open_session(stem), ("paragraph", number))


def plain_error(exc: Exception) -> str:
    if isinstance(exc, LexgapError) and exc.problems:
        p = exc.problems[0]
        message = p.message.split("): ", 1)[-1]
        return f"{message[:1].upper()}{message[1:]}" + (f": {p.hint}." if p.hint else ".")
    return "This answer could not be saved; check it and try again."


@bp.post("/answers")
@security.soft_csrf
def save_answers(stem: str) -> Any:
    """Save the answers of a form post (every question on the page) or of the script (`only`: one)."""
    ws = workspace()
    check_stem(stem)
    questions_by_id = ws.kb.questions
    view = parse_view(request.form.get("view")) or ("section", section_ids()[0])
    qids = list(dict.fromkeys(q for q in request.form.getlist("q") if q in questions_by_id))
    only = request.form.get("only")
    if only:
        qids = [only] if only in questions_by_id else []
    posted = [read_posted(request.form, questions_by_id[q]) for q in qids]
    if g.csrf_failed:
        if wants_json():
            return jsonify(ok=False, error="Not saved: the page has expired. Reload the page (your typing "
                                           "stays on screen until you do) and answer again."), 400
        raws = {p.question.id: p.raw for p in posted}
        return render_questionnaire(stem, open_session(stem), view, raws=raws, banner=(
            "Nothing was saved: the page had expired (a security check). What you typed is filled in below. "
            "Check it and press “Save answers” to save it."), code=400)
    errors: dict[str, str] = {}
    raws: dict[str, Any] = {}
    changed = 0
    with ws.folder.lock(stem):
        sess = open_session(stem)
        before = paragraph_rows(ws.assessment(sess))
        for p in posted:
            if p.error:
                errors[p.question.id], raws[p.question.id] = p.error, p.raw
                continue
            try:
                sess, did = ws.apply(sess, p)
            except (LexgapError, ValidationError) as exc:
                errors[p.question.id], raws[p.question.id] = plain_error(exc), p.raw
                continue
            changed += did
        save_error = None
        if changed:
            try:
                ws.save(stem, sess)
            except (OSError, ValueError) as exc:
                save_error = f"Nothing was saved: {exc}. What you typed is still on this page."
                raws.update({p.question.id: p.raw for p in posted})
                sess = open_session(stem)
        assessment = ws.assessment(sess)
    data = sess.answers.data
    after = paragraph_rows(assessment)
    if wants_json():
        states = question_states(ws.kb, data)
        counts = progress(data, states)
        status_html = render_template("web/_status.html.j2", status=status_context(assessment, data, states, stem))
        return jsonify(ok=save_error is None and not errors, saved=bool(changed) and save_error is None,
                       error=save_error, errors=errors, states=states, status_html=status_html,
                       counts={s: f"{c['answered']} of {c['total']}" for s, c in counts.items()},
                       announce=" ".join(status_changes(before, after)),
                       time=dt.datetime.now().strftime("%H:%M:%S")), (200 if save_error is None else 500)
    if save_error or errors:
        banner = save_error or (f"{len(errors)} answer(s) could not be saved; the others were. "
                                "Correct the answers marked below and save again.")
        return render_questionnaire(stem, sess, view, raws=raws, errors=errors, banner=banner,
                                    code=500 if save_error else 422)
    changes = status_changes(before, after)
    flash(("Saved. " if changed else "No changes to save. ") + " ".join(changes), "success")
    target = parse_view(request.form.get("go"))
    if target:
        return redirect(view_url(stem, target))
    anchor = request.form.get("save")
    return redirect(view_url(stem, view, anchor if anchor in questions_by_id else None))
