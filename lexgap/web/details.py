"""Blueprint `details`: the assessment's details (State, assessors, date...), read from the form that creates
an assessment and from the one that edits them."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from ..engine.models import AnswersFile
from .common import open_session, workspace

bp = Blueprint("details", __name__, url_prefix="/a/<stem>")

TEXT_FIELDS = ("state_name", "state_code", "region", "assessors", "date", "status", "sources", "confidentiality")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def read_details(form: Any, keep: AnswersFile | None) -> tuple[dict[str, str], AnswersFile | None, dict[str, str]]:
    """The fields as typed, the answers file with these details (None if any is wrong), and the errors by field.

    `keep`: the answers file whose answers and other metadata are kept (None for a new assessment)."""
    kb = workspace().kb
    fields = {k: (form.get(k) or "").strip() for k in TEXT_FIELDS}
    fields["fictional"] = "yes" if form.get("fictional") == "yes" else ""
    fields["federal"] = "yes" if form.get("federal") == "yes" else ""
    errors: dict[str, str] = {}
    if not fields["state_name"]:
        errors["state_name"] = "Give the name of the State."
    if not _lines(fields["assessors"]):
        errors["assessors"] = "Name at least one assessor (a person or an office), one per line."
    try:
        dt.date.fromisoformat(fields["date"])
    except ValueError:
        errors["date"] = "Write the date as YYYY-MM-DD."
    code = fields["state_code"].upper()
    if code and not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
        errors["state_code"] = "Use a 2- or 3-letter code (for fictional States, XA to XZ), or leave it empty."
    if fields["status"] not in ("draft", "final"):
        errors["status"] = "Choose draft or final."
    if errors:
        return fields, None, errors
    base = keep.model_dump() if keep else {"answers": {}}
    base["state"] = {"name": fields["state_name"], "code": code or None, "fictional": bool(fields["fictional"]),
                     "region": fields["region"] or None, "federal": bool(fields["federal"])}
    info = dict(base.get("assessment") or {})
    info.update(date=fields["date"], assessors=_lines(fields["assessors"]), status=fields["status"],
                sources=_lines(fields["sources"]), confidentiality=fields["confidentiality"] or "For official use only",
                pack=info.get("pack", kb.pack.id), pack_version=info.get("pack_version", kb.pack.version))
    base["assessment"] = info
    try:
        return fields, AnswersFile.model_validate(base), errors
    except ValidationError as exc:
        errors["form"] = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return fields, None, errors


def details_form(data: AnswersFile) -> dict[str, str]:
    """The form's fields filled from an answers file."""
    state, info = data.state, data.assessment
    return {"state_name": state.name, "state_code": state.code or "", "region": state.region or "",
            "fictional": "yes" if state.fictional else "", "federal": "yes" if state.federal else "",
            "assessors": "\n".join(info.assessors), "date": info.date.isoformat(), "status": info.status,
            "sources": "\n".join(info.sources), "confidentiality": info.confidentiality}


@bp.route("/details", methods=["GET", "POST"])
def edit(stem: str) -> Any:
    ws = workspace()
    sess = open_session(stem)
    if request.method == "GET":
        data = sess.answers.data
        return render_template("web/details.html.j2", stem=stem, data=data, form=details_form(data), form_errors={})
    with ws.folder.lock(stem):
        sess = open_session(stem)
        fields, new, errors = read_details(request.form, sess.answers.data)
        if new is None:
            return render_template("web/details.html.j2", stem=stem, data=sess.answers.data, form=fields,
                                   form_errors=errors), 422
        ws.save(stem, ws.new_session(new, stem))
    flash("The assessment details were saved.", "success")
    return redirect(url_for("questionnaire.assessment_home", stem=stem))
