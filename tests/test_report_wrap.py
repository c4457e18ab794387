"""A long unbroken string (a URL, a citation without spaces) wraps inside its column of the PDF report
instead of printing over the next column and being cut at the page edge.

(A 20,000-character unbroken string wraps too, but WeasyPrint lays out the rest of such a string again for
every line: about two minutes of CPU, so the normal run uses 2,000 characters.)"""
from __future__ import annotations

import pytest

from .report_fixtures import make_assessment

LONG = {"url": "https://legislation.example.org/" + "consolidated/" * 40 + "act-31-2019.pdf",
        "2000 characters": "x" * 2_000}


def _with_citation(citation: str):
    assessment = make_assessment()
    first = assessment.answers[0]

    def patch(record):
        return record.model_copy(update={"citation": citation}) if record.question == first.question else record

    findings = [f.model_copy(update={"explanation": f.explanation.model_copy(
        update={"answers": [patch(a) for a in f.explanation.answers]})}) for f in assessment.findings]
    return assessment.model_copy(update={"answers": [patch(a) for a in assessment.answers], "findings": findings})


@pytest.mark.slow
@pytest.mark.parametrize("citation", list(LONG.values()), ids=list(LONG))
def test_a_long_unbroken_citation_stays_inside_the_page_and_its_column(citation):
    import weasyprint

    from lexgap.report import render_html
    from lexgap.render.fetcher import ASSETS, AssetsOnlyFetcher

    html = render_html(_with_citation(citation))
    document = weasyprint.HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=AssetsOnlyFetcher()).render()
    printed = 0
    for page in document.pages:
        for box, cell in _text_boxes(page._page_box, None):
            if len(box.text) < 8 or box.text not in citation:
                continue  # only the citation's pieces
            right = box.position_x + box.width
            assert right <= page.width + 0.5, f"{box.text[:40]!r} runs off the page"
            if cell is not None:
                edge = cell.position_x + cell.margin_width()
                assert right <= edge + 0.5, f"{box.text[:40]!r} runs over the next column"
            printed += 1
    assert printed


def _text_boxes(box, cell):
    """Every text box under `box`, with the table cell that holds it (or None)."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TableCellBox):
        cell = box
    if isinstance(box, boxes.TextBox):
        yield box, cell
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child, cell)
