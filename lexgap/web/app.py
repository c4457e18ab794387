"""The Flask app of `lexgap serve`: start page, questionnaire, live status, downloads.

`create_app(data_dir)` is a short factory (as in Flask's tutorial): it configures the app, puts the
`Workspace` (data folder + rule pack) in `app.extensions["lexgap"]`, installs the request checks of
`security` and the error pages of `common`, and registers the blueprints `start`, `questionnaire`, `details`
and `downloads`, whose views reach the workspace through `current_app`. Pages are server-rendered from
lexgap/templates/web/ with autoescape on for every template; the only script is
lexgap/templates/web/static/lexgap.js, and everything works without it (plain form posts). See docs/web.md.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
from flask import Flask

from ..engine.assessment import LEVEL_LABELS
from ..report.templating import FILTERS, GLOBALS
from . import common, security
from .common import MAX_REQUEST, MAX_YAML_UPLOAD, workbook_module
from .pdfworker import PdfWorker
from .storage import DataFolder
from .progress import LEVEL_MARKS
from .workspace import Workspace

__all__ = ["MAX_REQUEST", "MAX_YAML_UPLOAD", "WebApp", "create_app", "session_cookie_name"]

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE_DIR / "templates"
STATIC = TEMPLATES / "web" / "static"
EXAMPLES = PACKAGE_DIR / "questionnaires" / "examples"


class WebApp(Flask):
    """Flask with autoescape on for every template (Flask's default leaves `.j2` files unescaped)."""

    jinja_options = {**Flask.jinja_options, "trim_blocks": True, "lstrip_blocks": True}

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        return True


def session_cookie_name(port: int | None) -> str:
    """The session cookie of the instance serving on `port`. Browsers keep cookies per host, not per port:
    two `lexgap serve` on 127.0.0.1 with one cookie name would overwrite each other's session (and its CSRF
    token, signed with each instance's own key)."""
    return "lexgap_session" if port is None else f"lexgap_session_{port}"


def create_app(data_dir: str | Path, pack: str | None = None, *, allowed_hosts: frozenset[str] | None =
               security.LOOPBACK_HOSTS, pdf_in_worker: bool = True, pdf_timeout: float = 120.0,
               testing: bool = False, examples_dir: str | Path = EXAMPLES, port: int | None = None) -> WebApp:
    """The web app over the answers files in `data_dir` (created if missing).

    `allowed_hosts`: host names the app answers to (None: any, for a deliberate non-loopback bind).
    `port`: the port it serves on, which names its session cookie (see `session_cookie_name`); when the port
    is only known once the server listens, set `app.config["SESSION_COOKIE_NAME"]` then.
    `pdf_in_worker`: render PDFs in a separate process with `pdf_timeout` seconds (else in-process).
    `examples_dir`: bundled example answers files (fictional States) that can be copied into the folder.
    """
    folder = DataFolder(data_dir)
    folder.create()
    workspace = Workspace(folder, pack)
    app = WebApp(__name__, template_folder=str(TEMPLATES), static_folder=str(STATIC), static_url_path="/static")
    app.config.update(
        SECRET_KEY=folder.secret_key(),
        SESSION_COOKIE_NAME=session_cookie_name(port),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(days=30),
        MAX_CONTENT_LENGTH=MAX_REQUEST,
        MAX_FORM_MEMORY_SIZE=4 * 1024 * 1024,
        MAX_FORM_PARTS=5000,
        TESTING=testing,
        SEND_FILE_MAX_AGE_DEFAULT=0,
        LEXGAP_ALLOWED_HOSTS=allowed_hosts,
        LEXGAP_EXAMPLES=str(examples_dir),
    )
    app.jinja_env.undefined = jinja2.StrictUndefined
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(GLOBALS)
    app.extensions["lexgap"] = workspace
    app.extensions["lexgap_pdf"] = PdfWorker(pdf_timeout) if pdf_in_worker else None

    security.init_app(app)
    common.init_app(app)
    from . import details, downloads, questionnaire, start

    for blueprint in (start.bp, questionnaire.bp, details.bp, downloads.bp):
        app.register_blueprint(blueprint)

    @app.context_processor
    def common_context() -> dict[str, Any]:
        return {"LEVEL_LABELS": LEVEL_LABELS, "LEVEL_MARKS": LEVEL_MARKS, "pack": common.workspace().kb.pack,
                "workbook": workbook_module() is not None}

    return app
