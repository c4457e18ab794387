"""The documents a ministry reads, read back: the brief and the full report in HTML, Markdown, Word and PDF.

Word documents are opened with python-docx and, where LibreOffice is installed, converted by it headless
(LEXGAP_REQUIRE_SOFFICE=1 makes that test fail instead of skipping when it is missing). PDF tests are slow:
they lay out the bundled Arcadia example.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from lexgap import report
from lexgap.cli import cli
from lexgap.report import view

from .conftest import EXAMPLES

INTERNAL_ID = re.compile(r"\bPKG\.[A-Z_]+|\bR-P\d\d\.\d\d")
ARCADIA = EXAMPLES / "arcadia.yaml"


@pytest.fixture(scope="module")
def arcadia():
    import lexgap

    return lexgap.assess(ARCADIA)


def reader_text(html: str) -> str:
    """What a reader sees of an HTML document: no tags, attributes or style sheet."""
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def docx_of(data: bytes):
    import docx

    return docx.Document(io.BytesIO(data))


def test_a_binding_gap_keeps_a_paragraph_from_aligned_and_the_rule_is_printed(arcadia):
    html = report.render_html(arcadia)
    s = arcadia.pack.scoring
    method = html[html.index('id="annex-method"'):]
    assert f"at least {round(s.levels['aligned'] * 100)}% and none of its criteria leaves a binding obligation" \
        in method
    assert f"less than {round(s.min_coverage * 100)}%" in method
    for section in view.build(arcadia).paragraphs:
        if section.binding_gaps:
            assert section.result.level != "aligned"
    card = html[html.index('class="scorecard"'):html.index('class="takeaway"')]
    assert f"with {arcadia.summary.binding_gaps} binding gap" in card


def test_the_full_report_shows_elements_obligations_and_follow_up(arcadia):
    html = report.render_html(arcadia)
    missing = [e for f in arcadia.findings for e in f.elements if e.status in ("partial", "not_met")]
    assert missing
    for e in missing:
        assert e.obligation.replace("'", "&#39;") in html
    met = [e for f in arcadia.findings for e in f.elements if e.status == "met" and e.citations]
    for e in met[:20]:
        assert e.citations[0].replace("'", "&#39;") in html
    for rec in arcadia.recommendations:
        assert rec.lead and rec.time_frame and rec.indicator
        block = html[html.index(f'<div class="rec" id="{rec.id}">'):]
        block = block[:block.index("</div>")]
        assert rec.lead.replace("'", "&#39;") in block and rec.indicator.replace("'", "&#39;") in block


def test_no_internal_ids_reach_the_reader(arcadia):
    for brief in (False, True):
        text = reader_text(report.render_html(arcadia, annexes=report.ANNEXES, brief=brief))
        assert not INTERNAL_ID.findall(text)
        assert not INTERNAL_ID.findall(report.render_markdown(arcadia, report.ANNEXES, brief))


def test_annexes_are_chosen_and_lettered_in_order(arcadia):
    default = report.render_html(arcadia)
    assert "Annex A. Method and scoring" in default and "Annex B. Glossary" in default
    assert 'id="annex-answers"' not in default
    every = report.render_html(arcadia, annexes=report.ANNEXES)
    titles = re.findall(r"<h1>(Annex [A-D]\. [^<]+)</h1>", every)
    assert [t[:8] for t in titles] == ["Annex A.", "Annex B.", "Annex C.", "Annex D."]
    assert titles[0].endswith("The answers, with citations and sources")
    assert "Annex" not in reader_text(report.render_html(arcadia, annexes=()))


def test_the_brief_has_the_figures_gaps_reforms_verdict_and_unknowns(arcadia):
    html = report.render_html(arcadia, brief=True)
    r = view.build(arcadia)
    for f in r.top_gaps:
        assert f.title.replace("'", "&#39;") in html
    for rec in r.gap_reforms:
        assert r.recommendation_labels[rec.id] in html
    assert arcadia.crosswalk.icmec.verdict.replace("'", "&#39;") in html
    assert "What is still unknown" in html and 'class="cover"' not in html


def test_word_report_reads_back_with_headings_tables_order_and_marking(arcadia):
    document = docx_of(report.render_docx(arcadia))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for title in ("1. Executive summary", "2. Action plan", "3. Findings by paragraph", "4. Information gaps",
                  "Annex A. Method and scoring"):
        assert title in headings
    assert [h for h in headings if h.startswith("Paragraph ")] == [
        f"Paragraph {p.number}. {p.title}" for p in sorted(arcadia.paragraphs, key=lambda p: p.number)]
    numbers = [int(m) for h in headings for m in re.findall(r"^Recommendation (\d+)\.", h)]
    assert numbers == list(range(1, len(arcadia.recommendations) + 1))
    assert [t.rows[0].cells[0].text for t in document.tables][:2] == ["Assessment date", "Para."]
    marking = arcadia.assessment.confidentiality
    assert document.sections[0].header.paragraphs[0].text == marking
    assert document.sections[0].footer.paragraphs[0].text == marking
    text = "\n".join(p.text for p in document.paragraphs)
    assert not INTERNAL_ID.findall(text)
    assert document.core_properties.title.startswith("Republic of Arcadia")


def test_word_documents_are_deterministic_with_a_fixed_date(arcadia, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1781827200")
    assert report.render_docx(arcadia, brief=True) == report.render_docx(arcadia, brief=True)


def test_report_command_writes_the_brief_and_chosen_annexes(tmp_path):
    runner = CliRunner()
    out = tmp_path / "brief.docx"
    result = runner.invoke(cli, ["report", str(ARCADIA), "--brief", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Where the State stands" in [p.text for p in docx_of(out.read_bytes()).paragraphs]
    md = tmp_path / "full.md"
    result = runner.invoke(cli, ["report", str(ARCADIA), "--annex", "answers", "-o", str(md)])
    assert result.exit_code == 0, result.output
    text = md.read_text(encoding="utf-8")
    assert "## Annex A. The answers, with citations and sources" in text and "Annex B." not in text
    refused = runner.invoke(cli, ["report", str(ARCADIA), "--brief", "--annex", "all", "-o",
                                   str(tmp_path / "x.md")])
    assert refused.exit_code != 0 and "the brief has no annexes" in refused.output
    assert not (tmp_path / "x.md").exists()


@pytest.mark.skipif(not shutil.which("soffice") and os.environ.get("LEXGAP_REQUIRE_SOFFICE") != "1",
                    reason="LibreOffice is not installed")
def test_libreoffice_opens_the_word_brief(arcadia, tmp_path):
    import pypdf

    source = tmp_path / "brief.docx"
    source.write_bytes(report.render_docx(arcadia, brief=True))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=240, env={**os.environ, "HOME": str(tmp_path)})
    pdf = pypdf.PdfReader(tmp_path / "brief.pdf")
    assert 1 <= len(pdf.pages) <= 5
    assert arcadia.state.name in pdf.pages[0].extract_text()


def test_pdf_lengths_full_report_and_brief(arcadia):
    import pypdf

    full = pypdf.PdfReader(io.BytesIO(report.render_pdf(arcadia)))
    outline = {item.title: full.get_destination_page_number(item) + 1 for item in full.outline
               if not isinstance(item, list)}
    first_annex = min(page for title, page in outline.items() if title.startswith("Annex"))
    assert first_annex - 1 <= 35
    brief = pypdf.PdfReader(io.BytesIO(report.render_pdf(arcadia, brief=True)))
    assert len(brief.pages) <= 4
    assert "The five most serious gaps" in "".join(p.extract_text() for p in brief.pages)


def test_the_web_app_offers_the_brief_as_html_and_word(tmp_path):
    from lexgap.web.app import create_app

    data = tmp_path / "data"
    data.mkdir()
    (data / "arcadia.yaml").write_bytes(ARCADIA.read_bytes())
    client = create_app(data, testing=True, pdf_in_worker=False).test_client()
    response = client.get("/a/arcadia/brief.docx")
    assert response.status_code == 200, response.data[:500]
    assert response.headers["Content-Disposition"] == 'attachment; filename="arcadia-brief.docx"'
    assert "Where the State stands" in [p.text for p in docx_of(response.data).paragraphs]
    response = client.get("/a/arcadia/brief.html")
    assert response.status_code == 200 and b"What is still unknown" in response.data
