"""The only way WeasyPrint may load anything while rendering a report.

WeasyPrint's default fetcher reads any local file (and can attach it to the PDF) and follows redirects to any
host. Report text comes from answers written by anyone, so the PDF renderer uses this allow-list instead:
`data:` URLs and regular files inside the package's own assets folder; no network, no redirects. Anything
else raises, which WeasyPrint turns into a warning and an unloaded resource.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSETS = Path(__file__).resolve().parent.parent / "templates" / "assets"


class BlockedURL(ValueError):
    """A URL outside the report's allow-list."""


class AssetsOnlyFetcher(URLFetcher):
    """Serve `data:` URLs and files under `assets`; refuse everything else."""

    def __init__(self, assets: Path = ASSETS):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=3)
        self.assets = assets.resolve()

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self.asset_path(url)
        if path is None:
            raise BlockedURL(f"lexgap reports load only their own assets; refused {url[:120]!r}")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": kind})

    def asset_path(self, url: str) -> Path | None:
        """The asset file `url` names, or None when it names anything else."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
            return None
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.assets) or not path.is_file():
            return None
        return path
