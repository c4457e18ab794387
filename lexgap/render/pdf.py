"""HTML to a tagged PDF (PDF/UA-1) with WeasyPrint, loading nothing but the package's own assets.

WeasyPrint is imported here, not at `import lexgap`, because it takes about half a second to import.
"""
from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable

import weasyprint

from .fetcher import ASSETS, AssetsOnlyFetcher

PDF_VARIANT = "pdf/ua-1"


def creation_time() -> dt.datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), otherwise now; always UTC, whole seconds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch.isdigit() else dt.datetime.now(
        dt.timezone.utc)
    return moment.replace(microsecond=0)


def html_to_pdf(html: str, attachments: Iterable[tuple[str, bytes]] = ()) -> bytes:
    """Lay out `html` and write it as a tagged PDF with `attachments` (file name, content) embedded."""
    fetcher = AssetsOnlyFetcher()
    document = weasyprint.HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher).render()
    when = creation_time()
    document.metadata.created = document.metadata.modified = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    files = [weasyprint.Attachment(file_obj=io.BytesIO(data), name=name, url_fetcher=fetcher,
                                   description="Input attached so that the report can be reproduced",
                                   created=when, modified=when, relationship="Source")
             for name, data in attachments]
    return document.write_pdf(pdf_variant=PDF_VARIANT, attachments=files)
