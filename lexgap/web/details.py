"""Blueprint `details`: the assessment's details (State, assessors, date...), read from the form that creates
an assessment and from the one that edits them."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from ..engine.models import AnswersFile
from .common import open_session, workspace

bp = Blueprint("details", __name__, url_prefix="/a/<stem>")

TEXT_FIELDS = ("state_name", "state_code", "region", "assessors", "date", "status", "sources", "confidentiality")
LABELS = {"state_name": "Name of the State", "state_code": "Country code", "region": "Region",
          "fictional": "Fictional State", "federal": "Federal State", "assessors": "Assessors",
          "date": "Date of the assessment", "status": "Status", "sources": "Sources",
          "confidentiality": "Confidentiality marking"}


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


def _normal(form: dict[str, str]) -> dict[str, str]:
    out = {k: "\n".join(_lines(str(form.get(k) or ""))) for k in LABELS}
    out["state_code"] = out["state_code"].upper()
    return out


def fingerprint(form: dict[str, str]) -> str:
    """A short digest of the details a form shows; equal fingerprints mean the same details."""
    return hashlib.sha256(json.dumps(_normal(form), sort_keys=True).encode()).hexdigest()[:16]


def changed_elsewhere(saved: dict[str, str], mine: dict[str, str]) -> list[tuple[str, str]]:
    """(label, saved value) of each field saved elsewhere that differs from the one typed here."""
    a, b = _normal(saved), _normal(mine)
    return [(LABELS[k], a[k] or "(empty)") for k in LABELS if a[k] != b[k]]


@bp.route("/details", methods=["GET", "POST"])
def edit(stem: str) -> Any:
    """The details form. It carries the fingerprint of the details it showed (`base`): if another window
    saved other details since, nothing is replaced; both are shown, and saving again replaces them."""
    ws = workspace()
    sess = open_session(stem)
    if request.method == "GET":
        data = sess.answers.data
        form = details_form(data)
        return render_template("web/details.html.j2", stem=stem, data=data, form=form, form_errors={},
                               base=fingerprint(form), elsewhere=[])
    with ws.folder.lock(stem):
        sess = open_session(stem)
        saved = details_form(sess.answers.data)
        base = request.form.get("base")
        fields, new, errors = read_details(request.form, sess.answers.data)
        if base is not None and base != fingerprint(saved) and fingerprint(fields) != fingerprint(saved):
            return render_template("web/details.html.j2", stem=stem, data=sess.answers.data, form=fields,
                                   form_errors=errors, base=fingerprint(saved),
                                   elsewhere=changed_elsewhere(saved, fields)), 409
        if new is None:
            return render_template("web/details.html.j2", stem=stem, data=sess.answers.data, form=fields,
                                   form_errors=errors, base=base or fingerprint(saved), elsewhere=[]), 422
        ws.save(stem, ws.new_session(new, stem))
    flash("The assessment details were saved.", "success")
    return redirect(url_for("questionnaire.assessment_home", stem=stem))
