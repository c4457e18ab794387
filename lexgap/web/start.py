"""Blueprint `start`: the start page (the assessments in the data folder), a new assessment, a copied example
and an uploaded answers file or workbook."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from ..engine.answers import Answers, parse_answers
from ..errors import InputError, LexgapError, Problem
from .common import MAX_YAML_UPLOAD, problem_text, workbook_module, workspace
from .details import read_details
from .storage import is_safe_stem

bp = Blueprint("start", __name__)

MAX_WORKBOOK_UPLOAD = 5 * 1024 * 1024
MAX_WORKBOOK_UNPACKED = 50 * 1024 * 1024
DEFAULTS = {"state_name": "", "state_code": "", "region": "", "fictional": "", "assessors": "", "status": "draft",
            "sources": "", "confidentiality": "For official use only"}


def list_files() -> tuple[list[dict[str, Any]], list[str]]:
    """One row per answers file in the folder (with its first problem if it cannot be read), and the names
    of the YAML files left out."""
    ws = workspace()
    entries, skipped = ws.folder.entries()
    rows = []
    for e in entries:
        row: dict[str, Any] = {"stem": e.stem, "name": e.path.name, "modified": e.modified, "problem": None}
        try:
            raw = ws.folder.read_bytes(e.stem, MAX_YAML_UPLOAD)
            answers = parse_answers(raw.decode("utf-8-sig"), ws.kb, e.path.name)
            row.update(state=answers.data.state, info=answers.data.assessment,
                       answered=sum(1 for a in answers.data.answers.values() if a.value is not None))
        except LexgapError as exc:
            row["problem"] = f"{exc.total} problem(s); first: {problem_text(exc.problems[0])}"
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            row["problem"] = f"cannot be read ({exc})"
        rows.append(row)
    return rows, skipped


def bundled_examples() -> dict[str, Path]:
    folder = Path(current_app.config["LEXGAP_EXAMPLES"])
    return {p.stem: p for p in sorted(folder.glob("*.yaml")) if is_safe_stem(p.stem)} if folder.is_dir() else {}


def example_rows() -> list[dict[str, Any]]:
    rows = []
    for name, path in bundled_examples().items():
        try:
            data = parse_answers(path.read_text(encoding="utf-8-sig"), workspace().kb, path.name).data
        except (LexgapError, OSError, UnicodeDecodeError):
            continue
        rows.append({"name": name, "state": data.state.name, "date": data.assessment.date,
                     "answers": str(len(data.answers))})
    return rows


def render_index(form: dict[str, str] | None = None, form_errors: dict[str, str] | None = None,
                 upload_problems: list[str] | None = None, code: int = 200) -> Any:
    ws = workspace()
    rows, skipped = list_files()
    defaults = {**DEFAULTS, "date": dt.date.today().isoformat()}
    return render_template("web/index.html.j2", files=rows, skipped=skipped, form={**defaults, **(form or {})},
                           form_errors=form_errors or {}, upload_problems=upload_problems or [],
                           examples=example_rows(), data_dir=str(ws.folder.root),
                           max_yaml_mb=MAX_YAML_UPLOAD // (1024 * 1024),
                           max_workbook_mb=MAX_WORKBOOK_UPLOAD // (1024 * 1024),
                           pack=ws.kb.pack, questionnaire=ws.kb.questionnaire), code


@bp.get("/")
def index() -> Any:
    return render_index()


@bp.post("/new")
def new_assessment() -> Any:
    fields, data, errors = read_details(request.form, None)
    if data is None:
        return render_index(form=fields, form_errors=errors, code=422)
    stem = workspace().create(data)
    flash(f"Created {stem}.yaml for {data.state.name}. Answer the questions below; each answer is saved as "
          "you give it.", "success")
    return redirect(url_for("questionnaire.assessment_home", stem=stem))


@bp.post("/example")
def copy_example() -> Any:
    source = bundled_examples().get(request.form.get("example") or "")
    if source is None:
        abort(404, "There is no bundled example by this name.")
    raw = source.read_bytes()
    try:
        answers = parse_answers(raw.decode("utf-8-sig"), workspace().kb, source.name)
    except LexgapError as exc:
        return render_index(upload_problems=[problem_text(p) for p in exc.problems], code=422)
    stem = workspace().create(answers.data, raw)
    flash(f"Copied the example into the data folder as {stem}.yaml. It is a fictional State: change "
          "anything you like.", "success")
    return redirect(url_for("questionnaire.assessment_home", stem=stem))


def refuse(message: str, code: int = 422) -> Any:
    return render_index(upload_problems=[message], code=code)


@bp.post("/upload")
def upload() -> Any:
    file = request.files.get("file")
    if file is None or not file.filename:
        return refuse("Choose a file to upload.")
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
            answers = parse_answers(raw.decode("utf-8-sig"), workspace().kb, "uploaded file")
        except UnicodeDecodeError:
            return refuse("The file is not UTF-8 text: save it as UTF-8 and try again.")
        except LexgapError as exc:
            return render_index(upload_problems=[problem_text(p) for p in exc.problems], code=422)
        stem = workspace().create(answers.data, raw)
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
            return refuse(problem)
        try:
            answers = import_workbook(module, raw)
        except LexgapError as exc:
            return render_index(upload_problems=[problem_text(p) for p in exc.problems], code=422)
        stem = workspace().create(answers.data)
    else:
        return refuse("Upload an answers file (.yaml) or a filled questionnaire workbook (.xlsx).")
    flash(f"Uploaded and checked: saved as {stem}.yaml.", "success")
    return redirect(url_for("questionnaire.assessment_home", stem=stem))


def check_workbook_archive(raw: bytes) -> str | None:
    """A plain reason to refuse the upload before opening it as a workbook, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return "This is not an Excel workbook (.xlsx)."
    if total > MAX_WORKBOOK_UNPACKED:
        return "The workbook unpacks to more than 50 MB; it cannot be a filled questionnaire."
    return None


def import_workbook(module: Any, raw: bytes) -> Answers:
    """lexgap.workbook.import_workbook on the uploaded bytes (InputError listing every problem)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="lexgap-upload-") as tmp:
        path = Path(tmp) / "upload.xlsx"
        path.write_bytes(raw)
        result = module.import_workbook(path, workspace().kb)
    return result if isinstance(result, Answers) else Answers("workbook", result)
