"""What every blueprint of the web app shares: the workspace of the running app, error pages, and the
checks that turn a name in a URL into an open answers file."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..api import Session
from ..engine.yamlio import MAX_BYTES
from ..errors import LexgapError, Problem
from .storage import UnsafeName
from .workspace import Workspace

MAX_REQUEST = 8 * 1024 * 1024         # any request body, uploads included
MAX_YAML_UPLOAD = MAX_BYTES           # the strict YAML loader's own limit (2 MiB)
NOT_THERE = "There is no answers file by this name in the data folder."


def workspace() -> Workspace:
    """The data folder and rule pack of the app handling this request."""
    return current_app.extensions["lexgap"]


def wants_json() -> bool:
    """The page's own script asked (it sends X-Requested-With: lexgap), or the client accepts only JSON."""
    return request.headers.get("X-Requested-With") == "lexgap" or (
        request.accept_mimetypes.best == "application/json")


def error_page(code: int, title: str, message: str, problems: list[str] | None = None) -> str:
    return render_template("web/error.html.j2", code=code, title=title, message=message, problems=problems or [])


def problem_text(problem: Problem) -> str:
    place = f"line {problem.line}: " if problem.line else ""
    return f"{place}{problem.message}" + (f" — {problem.hint}" if problem.hint else "")


def check_stem(stem: str) -> None:
    """404 unless `stem` names an answers file directly in the data folder."""
    folder = workspace().folder
    try:
        folder.path(stem)
    except UnsafeName:
        abort(404, NOT_THERE)
    if not folder.exists(stem):
        abort(404, NOT_THERE)


def open_session(stem: str) -> Session:
    """The live Session of the answers file `stem`; a page listing its problems if it cannot be opened."""
    check_stem(stem)
    try:
        return workspace().open(stem)
    except LexgapError as exc:
        abort(Response(error_page(422, "This answers file cannot be opened",
                                  f"{stem}.yaml in the data folder has problems. Correct them in the file "
                                  "(or delete it) and reload this page; nothing was changed.",
                                  [problem_text(p) for p in exc.problems]), 422))
    except (OSError, ValueError) as exc:
        abort(Response(error_page(422, "This answers file cannot be read", str(exc)), 422))


def attachment(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def workbook_module() -> Any:
    """lexgap.workbook, or None when this installation cannot read or write workbooks."""
    try:
        import importlib

        return importlib.import_module("lexgap.workbook")
    except ImportError:
        return None


def init_app(app: Flask) -> None:
    """Error pages in plain words (JSON for the page's script) for refused, missing and failed requests."""

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
