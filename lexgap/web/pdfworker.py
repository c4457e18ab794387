"""PDF reports made in a separate worker process, with a time limit.

WeasyPrint takes seconds and much memory for a full report; running it in a worker keeps the web server
responsive, lets a runaway layout be stopped (the worker is terminated and a new one started on the next
request), and keeps WeasyPrint out of the server process. The worker receives the Assessment as JSON and
only the answers file as an attachment; it renders through lexgap.report, whose templates escape every value
and whose URL fetcher serves only the package's own assets.
"""
from __future__ import annotations

import atexit
import multiprocessing
import threading
from multiprocessing.pool import Pool

DEFAULT_TIMEOUT = 120.0


class PdfTimeout(Exception):
    """The PDF was not ready within the time limit."""


def _render(assessment_json: str, attachments: list[tuple[str, bytes]]) -> bytes:
    from ..engine.assessment import Assessment
    from ..report import render_pdf

    return render_pdf(Assessment.model_validate_json(assessment_json), attachments)


class PdfWorker:
    """One worker process (started on first use) that renders PDFs one at a time."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT):
        self.timeout = timeout
        self._pool: Pool | None = None
        self._lock = threading.Lock()
        atexit.register(self.close)

    def _get_pool(self) -> Pool:
        if self._pool is None:
            self._pool = multiprocessing.get_context("spawn").Pool(processes=1, maxtasksperchild=25)
        return self._pool

    def render(self, assessment_json: str, attachments: list[tuple[str, bytes]]) -> bytes:
        with self._lock:
            pool = self._get_pool()
            result = pool.apply_async(_render, (assessment_json, attachments))
            try:
                return result.get(self.timeout)
            except multiprocessing.TimeoutError:
                pool.terminate()
                pool.join()
                self._pool = None
                raise PdfTimeout(f"the PDF was not ready after {self.timeout:g} seconds") from None

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()
            pool.join()


def render_inline(assessment_json: str, attachments: list[tuple[str, bytes]]) -> bytes:
    """Render in this process (for tests and for platforms where a worker cannot start)."""
    return _render(assessment_json, attachments)
