"""The PDF report read back: headings, outline, tags, fonts, attachment, page numbers, dates, pixels."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from lexgap import report

from .report_fixtures import make_assessment

pytestmark = pytest.mark.slow  # PDF rendering: run by CI, left out of the quick loop (-m "not slow")

EPOCH = "1781740800"  # 2026-06-18T00:00:00Z
ANSWERS = b"state:\n  name: Republic of Veridia\n  fictional: true\n"


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pdf")
    answers = folder / "veridia.yaml"
    answers.write_bytes(ANSWERS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return report.write_report(make_assessment(), folder / "veridia.pdf", answers_path=answers,
                                   annexes=report.ANNEXES)


@pytest.fixture(scope="module")
def reader(pdf_path) -> PdfReader:
    return PdfReader(pdf_path)


@pytest.fixture(scope="module")
def pages(reader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def test_every_section_and_paragraph_heading_is_in_the_pdf(pages):
    text = "\n".join(pages)
    for n in range(1, 22):
        assert f"Paragraph {n}." in text
    for heading in ("1. Executive summary", "2. Action plan", "3. Findings by paragraph", "4. Information gaps",
                    "5. Consistency warnings", "6. Crosswalk", "Annex A.", "Annex B.", "Annex C.", "Annex D."):
        assert heading in text


def test_outline_has_the_sections_and_paragraphs(reader):
    def titles(items) -> list[str]:
        out = []
        for item in items:
            out += titles(item) if isinstance(item, list) else [item.title]
        return out

    outline = titles(reader.outline)
    assert "2. Action plan" in outline and "Annex D. Glossary" in outline
    assert sum(t.startswith("Paragraph ") for t in outline) == 21


def test_pdf_is_tagged_with_title_and_language(reader):
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en"
    assert reader.metadata.title.startswith("Republic of Veridia (fictional): gap analysis")
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()


def test_every_font_is_embedded_and_is_the_packaged_one(reader):
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)
            fonts[str(font["/BaseFont"])] = descriptor["/FontDescriptor"].get_object()
    assert fonts
    for name, descriptor in fonts.items():
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, name
        assert "Lexgap-Sans" in name


def test_the_only_attachment_is_the_answers_file(reader):
    assert dict(reader.attachments) == {"veridia.yaml": [ANSWERS]}


def test_pages_are_numbered_x_of_y_with_a_running_header(pages):
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in text
        assert "Republic of Veridia (fictional)" in text
        assert "For official use only" in text


def test_table_of_contents_gives_the_right_page_numbers(pages):
    toc = pages[1]
    for title in ("1. Executive summary", "2. Action plan", "Annex D. Glossary"):
        listed = int(re.search(re.escape(title) + r"[ .]*?(\d+)\s*$", toc, re.M).group(1))
        actual = next(i for i, text in enumerate(pages[2:], start=3) if title in text)
        assert listed == actual, title


def test_dates_follow_source_date_epoch(reader):
    assert reader.metadata["/CreationDate"].startswith("D:20260618000000")
    assert reader.metadata["/ModDate"].startswith("D:20260618000000")


def test_pdf_is_byte_identical_when_the_date_is_fixed(pdf_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = report.render_pdf(make_assessment(), [("veridia.yaml", ANSWERS)], annexes=report.ANNEXES)
    assert again == pdf_path.read_bytes()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_first_pages_render_to_pixels_that_are_not_blank(pdf_path, tmp_path):
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "4", str(pdf_path), str(tmp_path / "p")],
                   check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == 4
    for image in images:
        grey = Image.open(image).convert("L")
        dark = sum(grey.histogram()[:200]) / (grey.width * grey.height)
        assert 0.01 < dark < 0.6, image.name
