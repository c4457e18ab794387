"""The gap report's content, order, formats, determinism and atomic writing (HTML, Markdown, JSON)."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from lexgap import report
from lexgap.engine.assessment import Assessment
from lexgap.errors import InputError, LexgapError
from lexgap.report import view
from lexgap.report.charts import paragraph_chart

from .report_fixtures import make_assessment


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    return make_assessment()


@pytest.fixture(scope="module")
def html(assessment) -> str:
    return report.render_html(assessment, annexes=report.ANNEXES)


@pytest.fixture(scope="module")
def markdown(assessment) -> str:
    return report.render_markdown(assessment, annexes=report.ANNEXES)


def headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html)]


def test_sections_come_in_the_order_the_specification_gives(html):
    order = ["Contents", "1. Executive summary", "The five most serious gaps", "Key recommendations",
             "2. Action plan", "3. Findings by paragraph", *[f"Paragraph {n}." for n in range(1, 22)],
             "4. Information gaps", "5. Consistency warnings", "6. Crosswalk", "Annex A.", "Annex B.",
             "Annex C.", "Annex D."]
    found = headings(html)
    positions = [next(i for i, h in enumerate(found) if h.startswith(title)) for title in order]
    assert positions == sorted(positions)
    assert html.index('class="cover"') < html.index('id="contents"')


def test_cover_carries_the_assessment_facts(html, assessment):
    cover = html[html.index('class="cover"'):html.index('id="contents"')]
    for text in ("Republic of Veridia (fictional)", "Fictional State", "15 June 2026", "A. Mensah (UNODC)",
                 "Draft: not for circulation", "res-74-174 version 1.0.0", "lexgap 0.1.0",
                 assessment.assessment.confidentiality):
        assert text in cover


def test_final_reports_say_final(assessment):
    final = make_assessment(status="final")
    cover = report.render_html(final).split('id="contents"')[0]
    assert ">Final<" in cover and "Draft" not in cover


def test_every_finding_appears_with_its_evidence_and_explanation(html, assessment):
    for f in assessment.findings:
        row = html[html.index(f'<div class="finding" id="{f.criterion}">'):]
        row = row[:row.index("</div>")]
        assert f.title.replace("'", "&#39;") in row
        for answer in f.explanation.answers:
            if answer.citation:
                assert answer.citation.replace("'", "&#39;") in row
        for question in f.explanation.settle:
            assert question.number in row


def test_engagement_paragraphs_show_their_engagement_level_apart_from_the_legal_score(html, assessment):
    for p in assessment.paragraphs:
        section = html[html.index(f'id="paragraph-{p.number}"'):]
        section = section[:section.index("</section>")]
        if p.assessment == "engagement":
            assert "Engagement: <span class=\"level\">" in section and "kept out of the legal-gap score" in section
        else:
            assert "Level: <span class=\"level\">" in section


def test_top_gaps_put_binding_obligations_first():
    gaps = view.top_gaps(make_assessment())
    assert len(gaps) == view.TOP_GAPS
    assert all(f.status in ("partial", "not_met") for f in gaps)
    binding = [f.binding == "binding" for f in gaps]
    assert binding == sorted(binding, reverse=True)


def test_action_plan_is_in_rank_order_with_dependencies_first_and_numbered_as_shown(assessment, html):
    plan = view.plan(assessment)
    shown = [r for g in plan for r in g.recommendations]
    assert sorted(r.id for r in shown) == sorted(r.id for r in assessment.recommendations)
    ids = [r.id for r in shown]
    for position, rec in enumerate(shown):
        assert all(ids.index(dep) < position for dep in rec.depends_on if dep in ids)
    numbers = [int(n) for n in re.findall(r"<h3>Recommendation (\d+)\.", html)]
    assert numbers == list(range(1, len(shown) + 1))
    labels = view.build(assessment).recommendation_labels
    assert [labels[r.id] for r in shown] == [f"Recommendation {i}" for i in range(1, len(shown) + 1)]


def test_dependencies_first_moves_a_prerequisite_forward(assessment):
    first, second = assessment.recommendations[:2]
    late = first.model_copy(update={"depends_on": [second.id]})
    assert [r.id for r in view.dependencies_first([late, second])] == [second.id, first.id]


def test_instruments_catalogue_lists_each_cited_article_once(assessment):
    cited = {(a.instrument, a.article) for f in assessment.findings for a in f.basis}
    entries = view.catalogue(assessment.findings)
    assert len(entries) == len(cited)
    assert {e.label for e in entries} == {a.label for f in assessment.findings for a in f.basis}


def test_information_gaps_and_warnings_are_listed(html, markdown, assessment):
    for gap in assessment.information_gaps:
        assert gap.question.number in html and gap.question.number in markdown
    for w in assessment.warnings:
        assert f'id="{w.id}"' in html and f"### {w.id}. " in markdown


def test_markdown_carries_the_same_content_as_html(html, markdown, assessment):
    plain_md = re.sub(r"\\(.)", r"\1", markdown)
    plain_html = html.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
    texts = [p.title for p in assessment.paragraphs] + [f.criterion for f in assessment.findings]
    texts += [r.title for r in assessment.recommendations] + [a.number for a in assessment.answers]
    texts += [g["term"] for g in view.fixed_text()["glossary"]] + [c.name for c in assessment.crosswalk.mnr]
    texts += [e.label for e in view.catalogue(assessment.findings)] + [assessment.crosswalk.icmec.verdict]
    for text in texts:
        assert text in plain_md, text
        assert text in plain_html, text


def test_json_is_the_assessment_itself(assessment):
    text = report.render_json(assessment)
    assert text == assessment.to_json()
    assert Assessment.model_validate_json(text) == assessment
    assert json.loads(text)["state"]["name"] == "Republic of Veridia"


def test_html_markdown_and_json_are_byte_identical_for_the_same_input():
    first, second = make_assessment(), make_assessment()
    for render in (report.render_html, report.render_markdown, report.render_json):
        assert render(first).encode() == render(second).encode()


def test_html_declares_language_title_and_inline_styles_only(html):
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert "<title>Republic of Veridia (fictional): gap analysis" in html
    assert "<link" not in html and "<script" not in html and "<img" not in html


def test_chart_is_legible_in_grey_scale(assessment):
    svg = str(paragraph_chart(assessment.paragraphs))
    assert svg.count('fill="url(#hatch)"') >= len(assessment.paragraphs) - 1
    assert 'fill="url(#dots)"' in svg
    assert "<title>" in svg and 'role="img"' in svg
    texts = re.findall(r"<text [^>]*>", svg)
    assert texts and all("font-family=" in t for t in texts)
    for p in assessment.paragraphs:
        assert f">{p.number}</text>" in svg


@pytest.mark.parametrize("name, fmt, expected", [
    ("r.pdf", None, "pdf"), ("r.HTML", None, "html"), ("r.htm", None, "html"), ("r.md", None, "md"),
    ("r.json", None, "json"), ("r.txt", "markdown", "md"), ("r", "PDF", "pdf"), ("r.docx", None, "docx")])
def test_format_comes_from_the_option_or_the_extension(name, fmt, expected):
    assert report.report_format(name, fmt) == expected


@pytest.mark.parametrize("name, fmt", [("report.txt", None), ("report", None), ("report.pdf", "odt")])
def test_unknown_formats_are_refused_plainly(name, fmt):
    with pytest.raises(InputError):
        report.report_format(name, fmt)


@pytest.mark.parametrize("suffix", [".html", ".md", ".json"])
def test_write_report_writes_the_rendered_text(tmp_path, assessment, suffix):
    out = report.write_report(assessment, tmp_path / f"veridia{suffix}")
    render = {".html": report.render_html, ".md": report.render_markdown, ".json": report.render_json}[suffix]
    assert out.read_text(encoding="utf-8") == render(assessment)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_a_failing_render_leaves_an_existing_report_untouched(tmp_path, assessment, monkeypatch):
    out = tmp_path / "veridia.html"
    out.write_text("previous report")

    def broken(*_: object) -> str:
        raise RuntimeError("template failed")

    monkeypatch.setattr(report, "render_html", broken)
    with pytest.raises(RuntimeError):
        report.write_report(assessment, out)
    assert out.read_text() == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["veridia.html"]


def test_a_failing_write_leaves_an_existing_report_untouched(tmp_path, assessment, monkeypatch):
    out = tmp_path / "veridia.md"
    out.write_text("previous report")

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("lexgap.files.os.replace", full_disk)
    with pytest.raises(LexgapError, match="No space left"):
        report.write_report(assessment, out)
    assert out.read_text() == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["veridia.md"]


def test_writing_into_a_missing_folder_is_a_plain_error(tmp_path, assessment):
    with pytest.raises(LexgapError, match="cannot write the report"):
        report.write_report(assessment, tmp_path / "missing" / "veridia.json")


def test_importing_the_report_package_does_not_import_weasyprint():
    code = "import sys, lexgap, lexgap.report; print('weasyprint' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def bundled_examples() -> list:
    from .conftest import example_files

    return [p for p in example_files() if p.parent.name == "examples"]


@pytest.mark.skipif(not bundled_examples(), reason="no bundled example answers file yet")
@pytest.mark.parametrize("example", bundled_examples(), ids=lambda p: p.name)
def test_bundled_examples_render_in_every_format(example, tmp_path):
    import lexgap

    assessment = lexgap.assess(example)
    html, markdown = report.render_html(assessment), report.render_markdown(assessment)
    for p in assessment.paragraphs:
        assert f'id="paragraph-{p.number}"' in html and f"### Paragraph {p.number}. " in markdown
    assert report.render_json(assessment) == assessment.to_json()
