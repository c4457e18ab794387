"""Request checks for a local web app: CSRF tokens, Host and Origin checks, and response headers.

- CSRF: a random token lives in the signed session cookie (SameSite=Strict, HttpOnly); every POST must echo
  it in the `csrf_token` form field or the `X-CSRF-Token` header, compared in constant time. Other pages in
  the user's browser (any site, or another local program's page) can make the browser POST here, but they
  cannot read the token.
- Host: when bound to a loopback address, only requests addressed to 127.0.0.1, localhost or ::1 are
  served. This defeats DNS rebinding (a web site whose name suddenly resolves to 127.0.0.1 reading
  the assessments through the user's browser).
- Origin: a POST that carries an Origin header must come from this very app.
- Headers: a Content-Security-Policy that allows only the app's own scripts, styles and forms; no framing,
  referrer only to the app itself (with "no-referrer" Chromium sends "Origin: null" on the app's own
  forms), no sniffing; pages holding answers are not cached.
"""
from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from flask import Flask, Response

View = TypeVar("View", bound=Callable[..., Any])

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_KEY = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: object, given: object) -> bool:
    return (isinstance(expected, str) and isinstance(given, str) and len(expected) > 0
            and hmac.compare_digest(expected.encode(), given.encode()))


def host_name(host_header: str) -> str:
    """'127.0.0.1:8174' -> '127.0.0.1'; '[::1]:80' -> '::1'; lower-cased."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host_header: str | None, allowed: frozenset[str] | None) -> bool:
    """True when the request's Host names one of `allowed` (None: any host is accepted)."""
    if allowed is None:
        return True
    if not host_header:
        return False
    return host_name(host_header) in allowed


def origin_allowed(origin: str | None, host_header: str | None) -> bool:
    """A POST's Origin header, when present, must be this app's own scheme://host:port."""
    if origin is None:
        return True
    parts = urlsplit(origin)
    return (parts.scheme in ("http", "https") and bool(host_header)
            and parts.netloc.lower() == (host_header or "").lower())


def soft_csrf(view: View) -> View:
    """Mark a view that handles a failed CSRF check itself (`g.csrf_failed`) instead of being refused: the
    answers form shows what was typed again, unsaved, with a fresh token."""
    view._lexgap_soft_csrf = True  # type: ignore[attr-defined]
    return view


def csrf_token() -> str:
    """This browser session's token (made on first use), for the forms of the page being rendered."""
    from flask import session

    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = new_token()
        session[SESSION_KEY] = token
        session.permanent = True
    return token


def init_app(app: Flask) -> None:
    """Check Host, Origin and the CSRF token before every request and add the security headers after it.

    The hosts served are `app.config["LEXGAP_ALLOWED_HOSTS"]` (None: any)."""
    from flask import current_app, g, request, session

    from .common import error_page

    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["CSRF_FIELD"] = CSRF_FIELD

    @app.before_request
    def check_request() -> Any:
        g.csrf_failed = False
        if not host_allowed(request.host, current_app.config.get("LEXGAP_ALLOWED_HOSTS")):
            return error_page(400, "This address is not served",
                              "lexgap serve answers only to http://127.0.0.1 and http://localhost. Open the "
                              "address that lexgap printed when it started."), 400
        if request.method in SAFE_METHODS:
            return None
        if not origin_allowed(request.headers.get("Origin"), request.host):
            return error_page(403, "Request refused",
                              "The form was sent from another web site or page. Nothing was changed."), 403
        given = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
        if not tokens_match(session.get(SESSION_KEY), given):
            view = current_app.view_functions.get(request.endpoint or "")
            if getattr(view, "_lexgap_soft_csrf", False):
                g.csrf_failed = True
                return None
            return error_page(400, "The page had expired",
                              "For your security, forms are only accepted from pages this app has just shown. "
                              "Nothing was changed. Go back, reload the page and send the form again."), 400
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" would make Chromium send "Origin: null"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response
