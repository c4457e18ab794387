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
from urllib.parse import urlsplit

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
    return parts.scheme in ("http", "https") and bool(host_header) and parts.netloc.lower() == (host_header or "").lower()
