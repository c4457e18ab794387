"""Regional comparison: many States' assessments side by side.

    from lexgap.compare import compare, state_result
    comparison = compare([state_result(lexgap.assess(p), p) for p in paths])

`compare` is a pure function over the States' results: heat map of scores and coverage per paragraph,
States x criteria matrix, regional averages, the common gaps, regional technical-assistance priorities, the
ICMEC verdict and a one-line summary per State. `state_result` reduces an Assessment to what a comparison
reads (a few kilobytes instead of a few hundred), so that a batch of 193 States can be assessed in worker
processes and sent back cheaply. `assess_files` runs that batch; the writers turn a comparison into CSV, XLSX,
JSON, HTML, Markdown or PDF.

Modules: model (what is read and produced), batch (files in, across processes), regional (the comparison),
tables (CSV, XLSX), render (HTML, Markdown, JSON, PDF).

Rules that keep the comparison honest:
  * a State whose legal coverage is below the pack's minimum coverage is never ranked;
  * ranking uses the confirmed score (unknown criteria earn nothing), never the score over decided criteria;
  * unknown criteria are never counted as gaps;
  * States assessed under different pack versions are compared only on request, and then every criterion
    is marked not comparable and no ranking is made.
"""
from __future__ import annotations

from .batch import assess_files, collect_files, default_jobs
from .model import LeftOut, MixedVersionsError, RegionalComparison, StateResult, state_result
from .regional import compare
from .render import render, render_html, render_markdown, render_pdf, report_format
from .tables import spreadsheet_safe, to_csv, to_xlsx

__all__ = ["LeftOut", "MixedVersionsError", "RegionalComparison", "StateResult", "assess_files", "collect_files",
           "compare", "default_jobs", "render", "render_html", "render_markdown", "render_pdf",
           "report_format", "spreadsheet_safe", "state_result", "to_csv", "to_xlsx"]
