"""The Flask app of `lexgap serve`: start page, questionnaire, live status, downloads.

Built by `create_app(data_dir)`. Pages are server-rendered from lexgap/templates/web/ with autoescape on
for every template; the only script is lexgap/templates/web/static/lexgap.js, and everything works without it
(plain form posts). See docs/web.md.
"""
from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile
from pathlib import Path
from typing import Any, ClassVar

from flask import Flask, Response, abort, flash, g, jsonify, redirect, render_template, request, session, url_for
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..engine.answers import Answers, parse_answers
from ..engine.assessment import LEVEL_LABELS, Assessment
from ..engine.build import article_label
from ..engine.models import Answer, AnswersFile, Question
from ..engine.yamlio import MAX_BYTES
from ..errors import InputError, LexgapError, Problem
from ..report.templating import FILTERS, GLOBALS
from . import security
from .pdfworker import PdfTimeout, PdfWorker, render_inline
from .storage import DataFolder, UnsafeName, is_safe_stem, make_stem
from .workspace import (
    LEVEL_MARKS,
    NONE_OF_THESE,
    Workspace,
    controlling_numbers,
    field_name,
    paragraph_rows,
    question_states,
    read_posted,
    status_changes,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE_DIR / "templates"
STATIC = TEMPLATES / "web" / "static"
EXAMPLES = PACKAGE_DIR / "questionnaires" / "examples"

MAX_REQUEST = 8 * 1024 * 1024         # any request body, uploads included
MAX_YAML_UPLOAD = MAX_BYTES           # the strict YAML loader's own limit (2 MiB)
MAX_WORKBOOK_UPLOAD = 5 * 1024 * 1024
MAX_WORKBOOK_UNPACKED = 50 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WebApp(Flask):
    """Flask with autoescape on for every template (Flask's default leaves `.j2` files unescaped)."""

    jinja_options: ClassVar[dict[str, Any]] = {**Flask.jinja_options, "trim_blocks": True, "lstrip_blocks": True}

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        return True


def create_app(data_dir: str | Path, pack: str | None = None, *, allowed_hosts: frozenset[str] | None =
               security.LOOPBACK_HOSTS, pdf_in_worker: bool = True, pdf_timeout: float = 120.0,
               testing: bool = False, examples_dir: str | Path = EXAMPLES) -> WebApp:
    """The web app over the answers files in `data_dir` (created if missing).

    `allowed_hosts`: host names the app answers to (None: any, for a deliberate non-loopback bind).
    `pdf_in_worker`: render PDFs in a separate process with `pdf_timeout` seconds (else in-process).
    `examples_dir`: bundled example answers files (fictional States) that can be copied into the folder.
    """
    folder = DataFolder(data_dir)
    folder.root.mkdir(parents=True, exist_ok=True)
    workspace = Workspace(folder, pack)
    app = WebApp(__name__, template_folder=str(TEMPLATES), static_folder=str(STATIC), static_url_path="/static")
    app.config.update(
        SECRET_KEY=folder.secret_key(),
        SESSION_COOKIE_NAME="lexgap_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(days=30),
        MAX_CONTENT_LENGTH=MAX_REQUEST,
        MAX_FORM_MEMORY_SIZE=4 * 1024 * 1024,
        MAX_FORM_PARTS=5000,
        TESTING=testing,
        SEND_FILE_MAX_AGE_DEFAULT=0,
    )
    app.jinja_env.undefined = __import__("jinja2").StrictUndefined
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(GLOBALS)
    app.extensions["lexgap"] = workspace
    worker = PdfWorker(pdf_timeout) if pdf_in_worker else None
    app.extensions["lexgap_pdf"] = worker
    create_lock = threading.Lock()
    kb = workspace.kb
    questions_by_id = kb.questions
    sections = kb.questionnaire.sections
    section_ids = [s.id for s in sections]
    paragraph_numbers = [p.paragraph for p in kb.paragraphs]
    instruments = kb.instruments

    # -- request checks -------------------------------------------------------------------------------

    def csrf_token() -> str:
        token = session.get(security.SESSION_KEY)
        if not isinstance(token, str) or not token:
            token = security.new_token()
            session[security.SESSION_KEY] = token
            session.permanent = True
        return token

    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["CSRF_FIELD"] = security.CSRF_FIELD

    @app.before_request
    def check_request() -> Any:
        g.csrf_failed = False
        if not security.host_allowed(request.host, allowed_hosts):
            return error_page(400, "This address is not served",
                              "lexgap serve answers only to http://127.0.0.1 and http://localhost. Open the "
                              "address that lexgap printed when it started."), 400
        if request.method in security.SAFE_METHODS:
            return None
        if not security.origin_allowed(request.headers.get("Origin"), request.host):
            return error_page(403, "Request refused",
                              "The form was sent from another web site or page. Nothing was changed."), 403
        given = request.headers.get(security.CSRF_HEADER) or request.form.get(security.CSRF_FIELD)
        if not security.tokens_match(session.get(security.SESSION_KEY), given):
            if request.endpoint == "save_answers":
                g.csrf_failed = True  # the view shows what was typed again, unsaved, with a fresh token
                return None
            return error_page(400, "The page had expired",
                              "For your security, forms are only accepted from pages this app has just shown. "
                              "Nothing was changed. Go back, reload the page and send the form again."), 400
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = security.CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" would make Chromium send "Origin: null"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    def error_page(code: int, title: str, message: str, problems: list[str] | None = None) -> str:
        return render_template("web/error.html.j2", code=code, title=title, message=message,
                               problems=problems or [])

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc: Exception) -> Any:
        limit = f"{MAX_REQUEST // (1024 * 1024)} MB"
        if wants_json():
            return jsonify(ok=False, error=f"The request is larger than {limit}; nothing was saved."), 413
        return error_page(413, "File too large",
                          f"Files of up to {limit} can be sent (answers files up to "
                          f"{MAX_YAML_UPLOAD // (1024 * 1024)} MB). Nothing was saved."), 413

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        if wants_json():
            return jsonify(ok=False, error=exc.description), exc.code
        titles = {404: "Not found", 405: "Not allowed", 400: "Bad request"}
        return error_page(exc.code or 500, titles.get(exc.code or 0, exc.name), exc.description or ""), exc.code

    @app.errorhandler(500)
    def server_error(_exc: Exception) -> Any:
        message = ("Something went wrong inside lexgap (the details are in the window where it runs). The "
                   "answers saved before are safe in the data folder; the last change may not have been saved.")
        if wants_json():
            return jsonify(ok=False, error=message), 500
        return error_page(500, "Something went wrong", message), 500

    def wants_json() -> bool:
        return request.headers.get("X-Requested-With") == "lexgap" or (
            request.accept_mimetypes.best == "application/json")

    # -- helpers ----------------------------------------------------------------------------------------

    def check_stem(stem: str) -> None:
        try:
            folder.path(stem)
        except UnsafeName:
            abort(404, "There is no answers file by this name in the data folder.")
        if not folder.exists(stem):
            abort(404, "There is no answers file by this name in the data folder.")

    def open_session(stem: str) -> Any:
        check_stem(stem)
        try:
            return workspace.open(stem)
        except LexgapError as exc:
            abort(Response(error_page(422, "This answers file cannot be opened",
                                      f"{stem}.yaml in the data folder has problems. Correct them in the file "
                                      "(or delete it) and reload this page; nothing was changed.",
                                      [problem_text(p) for p in exc.problems]), 422))
        except (OSError, ValueError) as exc:
            abort(Response(error_page(422, "This answers file cannot be read", str(exc)), 422))

    def problem_text(problem: Problem) -> str:
        place = f"line {problem.line}: " if problem.line else ""
        return f"{place}{problem.message}" + (f" — {problem.hint}" if problem.hint else "")

    def parse_view(text: str | None) -> tuple[str, Any] | None:
        if not text or ":" not in text:
            return None
        kind, _, key = text.partition(":")
        if kind == "section" and key in section_ids:
            return kind, key
        if kind == "paragraph" and key.isdigit() and int(key) in paragraph_numbers:
            return kind, int(key)
        return None

    def view_url(stem: str, view: tuple[str, Any], anchor: str | None = None) -> str:
        endpoint = "section_page" if view[0] == "section" else "paragraph_page"
        args = {"section_id": view[1]} if view[0] == "section" else {"number": view[1]}
        return url_for(endpoint, stem=stem, **args) + (f"#q-{anchor}" if anchor else "")

    def view_questions(view: tuple[str, Any]) -> list[Question]:
        if view[0] == "section":
            return [q for q in workspace.questions if q.section == view[1]]
        return [q for q in workspace.questions if view[1] in q.paragraphs]

    def field_values(q: Question, answer: Answer | None, raw: dict[str, Any] | None) -> dict[str, Any]:
        """What each field of the question shows: what was typed (after a refused save), else the answer."""
        if raw is not None:
            value = raw.get("value", "")
            return {"value": value, "values": value if isinstance(value, list) else [],
                    "unknown": raw.get("unknown", False), **{k: raw.get(k, "") for k in ("citation", "note", "source")}}
        shown: dict[str, Any] = {"value": "", "values": [], "unknown": False, "citation": "", "note": "",
                                 "source": ""}
        if answer is None:
            return shown
        for k in ("citation", "note", "source"):
            shown[k] = getattr(answer, k) or ""
        v = answer.value
        if q.type == "multiple_choice":
            shown["values"] = ["unknown"] if v == "unknown" else [NONE_OF_THESE] if v == [] else (v or [])
        elif q.type in ("number", "date", "text") and v == "unknown":
            shown["unknown"] = True
        elif v is not None:
            shown["value"] = v if isinstance(v, str) else (f"{v:g}" if isinstance(v, float) else str(v))
        return shown

    def question_view(q: Question, data: AnswersFile, states: dict[str, str], raws: dict[str, Any],
                      errors: dict[str, str]) -> dict[str, Any]:
        answer = data.answers.get(q.id)
        refs = []
        for r in q.references:
            inst = instruments.get(r.instrument)
            refs.append(article_label(inst.short_title, r.article, inst.unit) if inst else f"{r.instrument} {r.article}")
        return {"q": q, "state": states.get(q.id, "shown"), "answer": answer, "error": errors.get(q.id),
                "fields": field_values(q, answer, raws.get(q.id)), "refs": refs,
                "controlling": controlling_numbers(kb, q),
                "names": {k: field_name(k, q.id) for k in ("value", "citation", "note", "source", "unknown")}}

    def progress(data: AnswersFile, states: dict[str, str]) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for q in workspace.questions:
            c = counts.setdefault(q.section, {"answered": 0, "total": 0})
            if states[q.id] == "shown":  # set-aside answers are not counted: those questions do not apply
                c["total"] += 1
                a = data.answers.get(q.id)
                if a is not None and a.value is not None:
                    c["answered"] += 1
        return counts

    def status_context(assessment: Assessment, data: AnswersFile, states: dict[str, str], stem: str) -> dict:
        counts = progress(data, states)
        return {"rows": paragraph_rows(assessment), "summary": assessment.summary, "warnings": assessment.warnings,
                "answered": sum(c["answered"] for c in counts.values()),
                "applicable": sum(c["total"] for c in counts.values()), "stem": stem}

    def render_questionnaire(stem: str, sess: Any, view: tuple[str, Any], *, raws: dict[str, Any] | None = None,
                             errors: dict[str, str] | None = None, banner: str | None = None,
                             code: int = 200) -> Any:
        raws, errors = raws or {}, errors or {}
        data = sess.answers.data
        assessment = workspace.assessment(sess)
        states = question_states(kb, data)
        questions = [question_view(q, data, states, raws, errors) for q in view_questions(view)]
        counts = progress(data, states)
        if view[0] == "section":
            index = section_ids.index(view[1])
            section = sections[index]
            heading = f"{section.number}. {section.title}" if section.number != "T" else section.title
            intro = section.intro
            nxt = ("section", section_ids[index + 1]) if index + 1 < len(section_ids) else None
            prev = ("section", section_ids[index - 1]) if index > 0 else None
        else:
            para = next(p for p in kb.paragraphs if p.paragraph == view[1])
            index = paragraph_numbers.index(view[1])
            heading = f"Operative paragraph {para.paragraph}: {para.title}"
            intro = para.summary
            nxt = ("paragraph", paragraph_numbers[index + 1]) if index + 1 < len(paragraph_numbers) else None
            prev = ("paragraph", paragraph_numbers[index - 1]) if index > 0 else None

        def label(v: tuple[str, Any] | None) -> str | None:
            if v is None:
                return None
            if v[0] == "section":
                s = sections[section_ids.index(v[1])]
                return s.title if s.number == "T" else f"{s.number}. {s.title}"
            return f"Paragraph {v[1]}"

        page = render_template(
            "web/questionnaire.html.j2", stem=stem, data=data, view=view, view_key=f"{view[0]}:{view[1]}",
            heading=heading, intro=intro, questions=questions, sections=sections, counts=counts,
            paragraphs=kb.paragraphs, status=status_context(assessment, data, states, stem),
            next_view=nxt, next_key=f"{nxt[0]}:{nxt[1]}" if nxt else None, next_label=label(nxt),
            prev_url=view_url(stem, prev) if prev else None, prev_label=label(prev), errors=errors,
            banner=banner, NONE_OF_THESE=NONE_OF_THESE, view_url=view_url,
            questionnaire=kb.questionnaire)
        return page, code

    # -- start page -----------------------------------------------------------------------------------------

    def list_files() -> tuple[list[dict[str, Any]], list[str]]:
        entries, skipped = folder.entries()
        rows = []
        for e in entries:
            row: dict[str, Any] = {"stem": e.stem, "name": e.path.name, "modified": e.modified, "problem": None}
            try:
                raw = folder.read_bytes(e.stem, MAX_YAML_UPLOAD)
                answers = parse_answers(raw.decode("utf-8-sig"), kb, e.path.name)
                row.update(state=answers.data.state, info=answers.data.assessment,
                           answered=sum(1 for a in answers.data.answers.values() if a.value is not None))
            except LexgapError as exc:
                row["problem"] = f"{len(exc.problems)} problem(s); first: {problem_text(exc.problems[0])}"
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                row["problem"] = f"cannot be read ({exc})"
            rows.append(row)
        return rows, skipped

    def render_index(form: dict[str, str] | None = None, form_errors: dict[str, str] | None = None,
                     upload_problems: list[str] | None = None, code: int = 200) -> Any:
        rows, skipped = list_files()
        defaults = {"state_name": "", "state_code": "", "region": "", "fictional": "", "assessors": "",
                    "date": dt.date.today().isoformat(), "status": "draft", "sources": "",
                    "confidentiality": "For official use only"}
        return render_template("web/index.html.j2", files=rows, skipped=skipped, form={**defaults, **(form or {})},
                               form_errors=form_errors or {}, upload_problems=upload_problems or [],
                               examples=example_rows(),
                               data_dir=str(folder.root),
                               max_yaml_mb=MAX_YAML_UPLOAD // (1024 * 1024),
                               max_workbook_mb=MAX_WORKBOOK_UPLOAD // (1024 * 1024),
                               pack=kb.pack, questionnaire=kb.questionnaire), code

    def example_rows() -> list[dict[str, str]]:
        rows = []
        for name, path in bundled_examples().items():
            try:
                data = parse_answers(path.read_text(encoding="utf-8-sig"), kb, path.name).data
            except (LexgapError, OSError, UnicodeDecodeError):
                continue
            rows.append({"name": name, "state": data.state.name, "date": data.assessment.date,
                         "answers": str(len(data.answers))})
        return rows

    @app.get("/")
    def index() -> Any:
        return render_index()

    def read_details(form: Any, keep: AnswersFile | None) -> tuple[dict[str, str], AnswersFile | None,
                                                                  dict[str, str]]:
        fields = {k: (form.get(k) or "").strip() for k in ("state_name", "state_code", "region", "assessors", "date",
                                                           "status", "sources", "confidentiality")}
        fields["fictional"] = "yes" if form.get("fictional") == "yes" else ""
        fields["federal"] = "yes" if form.get("federal") == "yes" else ""
        lines = lambda text: [line.strip() for line in text.splitlines() if line.strip()]
        errors: dict[str, str] = {}
        if not fields["state_name"]:
            errors["state_name"] = "Give the name of the State."
        if not lines(fields["assessors"]):
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
        info.update(date=fields["date"], assessors=lines(fields["assessors"]), status=fields["status"],
                    sources=lines(fields["sources"]),
                    confidentiality=fields["confidentiality"] or "For official use only",
                    pack=info.get("pack", kb.pack.id), pack_version=info.get("pack_version", kb.pack.version))
        base["assessment"] = info
        try:
            return fields, AnswersFile.model_validate(base), errors
        except ValidationError as exc:
            errors["form"] = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            return fields, None, errors

    def store_new(data: AnswersFile, original: bytes | None = None) -> str:
        """Save a new answers file under a stem made from the State and date; returns the stem."""
        base = make_stem(data.state.name, data.assessment.date.isoformat())
        with create_lock:
            stem = folder.free_stem(base)
            if original is not None:
                folder.write(stem, original, create=True)
                workspace.forget(stem)
            else:
                workspace.save(stem, workspace.new_session(data, stem), create=True)
        return stem

    @app.post("/new")
    def new_assessment() -> Any:
        fields, data, errors = read_details(request.form, None)
        if data is None:
            return render_index(form=fields, form_errors=errors, code=422)
        stem = store_new(data)
        flash(f"Created {stem}.yaml for {data.state.name}. Answer the questions below; each answer is saved as "
              "you give it.", "success")
        return redirect(url_for("assessment_home", stem=stem))

    def bundled_examples() -> dict[str, Path]:
        folder_ = Path(examples_dir)
        return {p.stem: p for p in sorted(folder_.glob("*.yaml")) if is_safe_stem(p.stem)} if folder_.is_dir() else {}

    @app.post("/example")
    def copy_example() -> Any:
        source = bundled_examples().get(request.form.get("example") or "")
        if source is None:
            abort(404, "There is no bundled example by this name.")
        raw = source.read_bytes()
        try:
            answers = parse_answers(raw.decode("utf-8-sig"), kb, source.name)
        except LexgapError as exc:
            return render_index(upload_problems=[problem_text(p) for p in exc.problems], code=422)
        stem = store_new(answers.data, raw)
        flash(f"Copied the example into the data folder as {stem}.yaml. It is a fictional State: change "
              "anything you like.", "success")
        return redirect(url_for("assessment_home", stem=stem))

    def refuse(message: str, code: int = 422) -> Any:
        return render_index(upload_problems=[message], code=code)

    @app.post("/upload")
    def upload() -> Any:
        file = request.files.get("file")
        if file is None or not file.filename:
            return render_index(upload_problems=["Choose a file to upload."], code=422)
        # The user's file name is only used to tell YAML from a workbook; it never reaches the file system.
        suffix = Path(file.filename.replace("\\", "/")).suffix.lower()
        if suffix in (".yaml", ".yml"):
            raw = file.stream.read(MAX_YAML_UPLOAD + 1)
            if len(raw) > MAX_YAML_UPLOAD:
                return refuse(f"The file is larger than {MAX_YAML_UPLOAD // (1024 * 1024)} MB; an answers file is "
                              "much smaller.", 413)
            try:
                if b"\x00" in raw:
                    raise InputError(Problem("upload", "this is a binary file, not a YAML text file",
                                             "upload the .yaml answers file"))
                answers = parse_answers(raw.decode("utf-8-sig"), kb, "uploaded file")
            except UnicodeDecodeError:
                return render_index(upload_problems=["The file is not UTF-8 text: save it as UTF-8 and try again."],
                                    code=422)
            except LexgapError as exc:
                return render_index(upload_problems=[problem_text(p) for p in exc.problems], code=422)
            stem = store_new(answers.data, raw)
        elif suffix == ".xlsx":
            module = workbook_module()
            if module is None:
                return refuse("Questionnaire workbooks cannot be read by this version of lexgap; upload the YAML "
                              "answers file instead.")
            raw = file.stream.read(MAX_WORKBOOK_UPLOAD + 1)
            if len(raw) > MAX_WORKBOOK_UPLOAD:
                return refuse(f"The workbook is larger than {MAX_WORKBOOK_UPLOAD // (1024 * 1024)} MB.", 413)
            problem = check_workbook_archive(raw)
            if problem:
                return render_index(upload_problems=[problem], code=422)
            try:
                answers = import_workbook(module, raw)
            except LexgapError as exc:
                return render_index(upload_problems=[problem_text(p) for p in exc.problems], code=422)
            stem = store_new(answers.data)
        else:
            return refuse("Upload an answers file (.yaml) or a filled questionnaire workbook (.xlsx).")
        flash(f"Uploaded and checked: saved as {stem}.yaml.", "success")
        return redirect(url_for("assessment_home", stem=stem))

    def workbook_module() -> Any:
        try:
            import importlib

            return importlib.import_module("lexgap.workbook")
        except ImportError:
            return None

    def check_workbook_archive(raw: bytes) -> str | None:
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                total = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile:
            return "This is not an Excel workbook (.xlsx)."
        if total > MAX_WORKBOOK_UNPACKED:
            return "The workbook unpacks to more than 50 MB; it cannot be a filled questionnaire."
        return None

    def import_workbook(module: Any, raw: bytes) -> Answers:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="lexgap-upload-") as tmp:
            path = Path(tmp) / "upload.xlsx"
            path.write_bytes(raw)
            return workbook_answers(module, path)

    def workbook_answers(module: Any, path: Path) -> Answers:
        """lexgap.workbook.import_workbook(path, kb) -> AnswersFile, or InputError listing every problem."""
        result = module.import_workbook(path, kb)
        return result if isinstance(result, Answers) else Answers("workbook", result)

    @app.get("/questionnaire.xlsx")
    def blank_workbook() -> Any:
        module = workbook_module()
        if module is None:
            abort(404, "This version of lexgap cannot write questionnaire workbooks.")
        return attachment(module.export_workbook(kb), f"questionnaire-{kb.questionnaire.id}.xlsx", XLSX)

    @app.get("/a/<stem>/questionnaire.xlsx")
    def filled_workbook(stem: str) -> Any:
        module = workbook_module()
        if module is None:
            abort(404, "This version of lexgap cannot write questionnaire workbooks.")
        sess = open_session(stem)
        return attachment(module.export_workbook(kb, sess.answers), f"{stem}-questionnaire.xlsx", XLSX)

    # -- an assessment -------------------------------------------------------------------------------------

    @app.get("/a/<stem>/")
    def assessment_home(stem: str) -> Any:
        check_stem(stem)
        return redirect(view_url(stem, ("section", section_ids[0])))

    @app.get("/a/<stem>/section/<section_id>")
    def section_page(stem: str, section_id: str) -> Any:
        if section_id not in section_ids:
            abort(404, "There is no such section in the questionnaire.")
        return render_questionnaire(stem, open_session(stem), ("section", section_id))

    @app.get("/a/<stem>/paragraph/<int:number>")
    def paragraph_page(stem: str, number: int) -> Any:
        if number not in paragraph_numbers:
            abort(404, "There is no such operative paragraph in the rule pack.")
        return render_questionnaire(stem, open_session(stem), ("paragraph", number))

    @app.post("/a/<stem>/answers")
    def save_answers(stem: str) -> Any:
        check_stem(stem)
        view = parse_view(request.form.get("view")) or ("section", section_ids[0])
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
        with folder.lock(stem):
            sess = open_session(stem)
            before = paragraph_rows(workspace.assessment(sess))
            for p in posted:
                if p.error:
                    errors[p.question.id], raws[p.question.id] = p.error, p.raw
                    continue
                try:
                    sess, did = workspace.apply(sess, p)
                except (LexgapError, ValidationError) as exc:
                    errors[p.question.id], raws[p.question.id] = plain_error(exc), p.raw
                    continue
                changed += did
            save_error = None
            if changed:
                try:
                    workspace.save(stem, sess)
                except (OSError, ValueError) as exc:
                    save_error = f"Nothing was saved: {exc}. What you typed is still on this page."
                    raws.update({p.question.id: p.raw for p in posted})
                    sess = open_session(stem)
            assessment = workspace.assessment(sess)
        data = sess.answers.data
        after = paragraph_rows(assessment)
        if wants_json():
            states = question_states(kb, data)
            counts = progress(data, states)
            status_html = render_template("web/_status.html.j2",
                                          status=status_context(assessment, data, states, stem))
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

    def plain_error(exc: Exception) -> str:
        if isinstance(exc, LexgapError) and exc.problems:
            p = exc.problems[0]
            message = p.message.split("): ", 1)[-1]
            return f"{message[:1].upper()}{message[1:]}" + (f": {p.hint}." if p.hint else ".")
        return "This answer could not be saved; check it and try again."

    @app.route("/a/<stem>/details", methods=["GET", "POST"])
    def details(stem: str) -> Any:
        sess = open_session(stem)
        data = sess.answers.data
        if request.method == "GET":
            form = {"state_name": data.state.name, "state_code": data.state.code or "",
                    "region": data.state.region or "", "fictional": "yes" if data.state.fictional else "",
                    "federal": "yes" if data.state.federal else "", "assessors": "\n".join(data.assessment.assessors),
                    "date": data.assessment.date.isoformat(), "status": data.assessment.status,
                    "sources": "\n".join(data.assessment.sources),
                    "confidentiality": data.assessment.confidentiality}
            return render_template("web/details.html.j2", stem=stem, data=data, form=form, form_errors={})
        with folder.lock(stem):
            sess = open_session(stem)
            fields, new, errors = read_details(request.form, sess.answers.data)
            if new is None:
                return render_template("web/details.html.j2", stem=stem, data=sess.answers.data, form=fields,
                                       form_errors=errors), 422
            workspace.save(stem, workspace.new_session(new, stem))
        flash("The assessment details were saved.", "success")
        return redirect(url_for("assessment_home", stem=stem))

    # -- downloads ---------------------------------------------------------------------------------------------

    def attachment(data: bytes, filename: str, mimetype: str) -> Response:
        response = Response(data, mimetype=mimetype)
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @app.get("/a/<stem>/answers.yaml")
    def download_answers(stem: str) -> Any:
        check_stem(stem)
        return attachment(workspace.read(stem), f"{stem}.yaml", "application/yaml")

    @app.get("/a/<stem>/report.html")
    def report_html(stem: str) -> Any:
        from ..report import render_html

        sess = open_session(stem)
        html = render_html(workspace.assessment(sess))
        return attachment(html.encode("utf-8"), f"{stem}-report.html", "text/html")

    @app.get("/a/<stem>/report.pdf")
    def report_pdf(stem: str) -> Any:
        with folder.lock(stem):
            sess = open_session(stem)
            assessment = workspace.assessment(sess)
            raw = workspace.read(stem)
        files = [(f"{stem}.yaml", raw)]
        try:
            pdf = worker.render(assessment.to_json(), files) if worker else render_inline(assessment.to_json(), files)
        except PdfTimeout:
            return error_page(504, "The PDF took too long",
                              "The report could not be made in time. Try again; if it keeps failing, download "
                              "the HTML report and print it to PDF from the browser."), 504
        return attachment(pdf, f"{stem}-report.pdf", "application/pdf")

    @app.context_processor
    def common() -> dict[str, Any]:
        return {"LEVEL_LABELS": LEVEL_LABELS, "LEVEL_MARKS": LEVEL_MARKS, "pack": kb.pack,
                "workbook": workbook_module() is not None}

    return app
