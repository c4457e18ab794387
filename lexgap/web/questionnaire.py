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
from .forms import answer_fingerprint, display, field_name, read_posted, verdict
from .progress import paragraph_rows, status_changes
from .workspace import question_states

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


CONFLICT_BANNER = ("{n} answer(s) on this page were changed in another window (or by someone else) after this "
                   "page was opened. For those, your answer was not saved and the saved one was not replaced: both "
                   "are shown below. For each, choose “Keep my answer” or “Use the saved answer”.")


@bp.post("/answers")
@security.soft_csrf
def save_answers(stem: str) -> Any:
    """Save the answers of a form post (every question on the page) or of the script (`only`: one).

    The page sends the file's `version` it was made from and, per question, the fingerprint of the answer it
    showed (`b.<id>`). If the file changed since, an answer changed both here and elsewhere is not saved: the
    page shows both (a conflict), and "Keep my answer" (`k.<id>`) saves it over the other one."""
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
        typed = {p.question.id: p.raw for p in posted}
        bases = {q: b for q in typed if (b := request.form.get(field_name("base", q))) is not None}
        return render_questionnaire(stem, open_session(stem), view, raws=typed, banner=(
            "Nothing was saved: the page had expired (a security check). What you typed is filled in below. "
            "Check it and press “Save answers” to save it."), code=400, version=request.form.get("version"),
            bases=bases)
    errors: dict[str, str] = {}
    raws: dict[str, Any] = {}
    conflicts: dict[str, str] = {}
    changed = 0
    page_version = request.form.get("version")
    with ws.folder.lock(stem):
        sess = open_session(stem)
        version_before = ws.version(stem, sess)
        before = paragraph_rows(ws.assessment(sess))
        stale = page_version is not None and page_version != version_before
        for p in posted:
            qid = p.question.id
            if p.error:
                errors[qid], raws[qid] = p.error, p.raw
                continue
            if stale:
                seen = verdict(p, sess.answers.data.answers.get(qid), request.form.get(field_name("base", qid)),
                               request.form.get(field_name("keep", qid)), acted=bool(only))
                if seen == "theirs":
                    continue
                if seen == "conflict":
                    conflicts[qid], raws[qid] = request.form.get(field_name("base", qid)) or "", p.raw
                    continue
            try:
                sess, did = ws.apply(sess, p)
            except (LexgapError, ValidationError) as exc:
                errors[qid], raws[qid] = plain_error(exc), p.raw
                continue
            changed += did
        save_error = None
        if changed:
            try:
                ws.save(stem, sess)
            except (OSError, ValueError) as exc:
                save_error = f"Nothing was saved: {exc}. What you typed is still on this page."
                raws.update({p.question.id: p.raw for p in posted})
                sess = open_session(stem)  # the file as it is: the refused change is not kept in memory
        assessment = ws.assessment(sess)
        # the page stays as stale as it was: only a page that was up to date may take the new version
        version = ws.version(stem, sess) if not stale else page_version
    data = sess.answers.data
    after = paragraph_rows(assessment)
    if wants_json():
        states = question_states(ws.kb, data)
        counts = progress(data, states)
        status_html = render_template("web/_status.html.j2",
                                      status=status_context(assessment, data, states, stem, view))
        saved_ok = [p.question for p in posted if p.question.id not in errors and p.question.id not in conflicts]
        bases = {q.id: answer_fingerprint(q, data.answers.get(q.id)) for q in saved_ok} if not save_error else {}
        boxes = {qid: render_template("web/_conflict.html.j2", conflict=conflict_item(qid, data, stem, view))
                 for qid in conflicts}
        return jsonify(ok=save_error is None and not errors and not conflicts,
                       saved=bool(changed) and save_error is None, error=save_error, errors=errors,
                       conflicts=boxes, bases=bases, version=version, states=states, status_html=status_html,
                       counts={s: f"{c['answered']} of {c['total']}" for s, c in counts.items()},
                       announce=" ".join(status_changes(before, after)),
                       time=dt.datetime.now().strftime("%H:%M:%S")), (200 if save_error is None else 500)
    if save_error or errors or conflicts:
        banner = save_error or " ".join(filter(None, [
            CONFLICT_BANNER.format(n=len(conflicts)) if conflicts else "",
            (f"{len(errors)} answer(s) could not be saved. Correct the answers marked below and save again."
             if errors else ""),
            "The other answers were saved." if changed else ""]))
        return render_questionnaire(stem, sess, view, raws=raws, errors=errors, banner=banner, version=version,
                                    bases={q: b for q, b in conflicts.items()},
                                    conflicts={q: conflict_item(q, data, stem, view) for q in conflicts},
                                    code=500 if save_error else 409 if conflicts else 422)
    changes = status_changes(before, after)
    flash(("Saved. " if changed else "No changes to save. ") + " ".join(changes), "success")
    target = parse_view(request.form.get("go"))
    if target:
        return redirect(view_url(stem, target))
    anchor = request.form.get("save")
    return redirect(view_url(stem, view, anchor if anchor in questions_by_id else None))


def conflict_item(qid: str, data: Any, stem: str, view: Any) -> dict[str, Any]:
    """The saved answer in words, the fingerprint a "Keep my answer" must quote to replace it, and the page
    that shows the saved answer."""
    q = workspace().kb.questions[qid]
    saved = data.answers.get(qid)
    return {"q": q, "saved": display(q, saved), "keep": answer_fingerprint(q, saved),
            "keep_name": field_name("keep", qid), "use_url": view_url(stem, view, qid)}
