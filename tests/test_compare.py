"""Regional comparison: the pure comparison, the batch, the writers and `lexgap compare` through CliRunner."""
from __future__ import annotations

import copy
import csv
import io
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexgap.cli import cli
from lexgap.compare import (
    MixedVersionsError,
    StateResult,
    assess_files,
    collect_files,
    compare,
    render_html,
    render_markdown,
    spreadsheet_safe,
    state_result,
    to_csv,
    to_xlsx,
)
from lexgap.errors import InputError

from .conftest import EXAMPLES
from .strategies import draw_value

HEADER = {"state": {"name": "Benchland", "fictional": True, "region": "Testland"},
          "assessment": {"date": "2026-01-01", "assessors": ["lexgap tests"], "status": "draft",
                         "pack": "res-74-174", "pack_version": "1.0.0"}}


# --- generated States (shared with the other workflow tests) -----------------------------------------------

def answers_data(kb, seed: int, share: float = 0.9, name: str | None = None, code: str | None = None,
                 only: set[str] | None = None, **state) -> dict:
    """An answers file's content: each question answered with probability `share` (or only those in `only`)."""
    rng = random.Random(seed)
    data = copy.deepcopy(HEADER)
    data["state"].update({"name": name or f"State {seed}", **state})
    if code:
        data["state"]["code"] = code
    data["assessment"]["pack"] = kb.pack.id
    data["assessment"]["pack_version"] = kb.pack.version
    answers = {}
    for q in kb.questionnaire.questions:
        if (only is None and rng.random() < share) or (only is not None and q.id in only):
            answers[q.id] = draw_value(q, rng)
    data["answers"] = answers
    return data


def write_state(folder: Path, kb, seed: int, **kw) -> Path:
    from lexgap.engine.models import AnswersFile
    from lexgap.answers_yaml import answers_to_yaml

    data = answers_data(kb, seed, **kw)
    data["answers"] = {q: {"value": v} for q, v in data["answers"].items()}
    path = folder / f"state-{seed}.yaml"
    path.write_text(answers_to_yaml(AnswersFile.model_validate(data), kb), encoding="utf-8")
    return path


def region(folder: Path, kb, n: int, start: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [write_state(folder, kb, seed, code=f"X{chr(64 + seed % 26 + 1)}{chr(65 + seed // 26)}")
            for seed in range(start, start + n)]


def results_for(paths: list[Path]) -> list[StateResult]:
    import lexgap

    return [state_result(lexgap.assess(p), p) for p in paths]


def invoke(*args: str):
    return CliRunner().invoke(cli, ["compare"] + [str(a) for a in args])


@pytest.fixture(scope="module")
def five(kb, tmp_path_factory) -> list[Path]:
    return region(tmp_path_factory.mktemp("region"), kb, 5)


@pytest.fixture(scope="module")
def five_results(five) -> list[StateResult]:
    return results_for(five)


# --- the pure comparison ------------------------------------------------------------------------------------

def test_ranking_uses_the_confirmed_score_and_never_ranks_low_coverage(kb, tmp_path, five_results):
    treaty_only = {q.id for q in kb.questionnaire.questions if q.section == kb.questionnaire.questions[0].section}
    thin = results_for([write_state(tmp_path, kb, 99, name="Thinly Answered", only=treaty_only)])[0]
    assert not compare(five_results + [thin]).ranking  # ranking is made only on request
    assert all("only on request" in s.rank_note for s in compare(five_results).states)
    c = compare(five_results + [thin], rank=True)
    rows = {s.name: s for s in c.states}
    assert thin.summary.legal_coverage < thin.min_coverage
    assert rows["Thinly Answered"].rank is None
    assert "not ranked" in rows["Thinly Answered"].rank_note and "insufficient information" in rows[
        "Thinly Answered"].summary
    ranked = [s for s in c.states if s.rank is not None]
    assert ranked and all(s.legal_coverage >= c.min_coverage for s in ranked)
    ordered = sorted(ranked, key=lambda s: s.rank)
    assert [s.key for s in ordered] == c.ranking
    scores = [s.legal_confirmed_score for s in ordered]
    assert scores == sorted(scores, reverse=True)
    for a, b in zip(ordered, ordered[1:]):  # competition ranking: equal scores share a rank
        assert (a.rank == b.rank) == (round(a.legal_confirmed_score, 4) == round(b.legal_confirmed_score, 4))


@pytest.mark.parametrize("share", [2 / 3, 0.5])
def test_common_gaps_are_gaps_in_a_set_share_of_the_states_that_decide_them(five_results, share):
    c = compare(five_results) if share == 2 / 3 else compare(five_results, common_share=share)
    assert c.common_share == round(share, 4)
    by_id = {g.criterion: g for g in c.common_gaps}
    for row in c.criteria:
        statuses = [s for s in row.statuses if s is not None]
        applicable = [s for s in statuses if s != "not_applicable"]
        decided = [s for s in applicable if s != "unknown"]
        gaps = [s for s in applicable if s in ("not_met", "partial")]
        expected = bool(gaps) and len(gaps) >= share * len(decided) - 1e-9
        assert row.common_gap == expected == (row.criterion in by_id), row.criterion
        if expected:
            g = by_id[row.criterion]
            assert g.not_met + g.partial == len(gaps) and g.unknown == statuses.count("unknown")
            assert g.applicable == len(applicable)


def test_priorities_are_recommendations_shared_by_a_third_of_the_states_or_more(five_results):
    c = compare(five_results)
    assert c.priority_threshold == 2
    counts: dict[str, int] = {}
    for r in five_results:
        for rec in r.recommendations:
            counts[rec.id] = counts.get(rec.id, 0) + 1
    assert {p.id for p in c.priorities} == {rid for rid, n in counts.items() if n >= 2}
    assert [p.count for p in c.priorities] == sorted((p.count for p in c.priorities), reverse=True)
    for p in c.priorities:
        assert p.count == counts[p.id] == len(p.states) and p.regional_format


def test_paragraph_averages_and_icmec_verdicts(five_results):
    c = compare(five_results)
    for p in c.paragraphs:
        cells = [x for x in p.cells if x is not None and x.level != "not_applicable"]
        scored = [x.score for x in cells if x.score is not None and x.coverage >= c.min_coverage]
        assert p.scored_states == len(scored)
        if scored:
            assert p.average_score == pytest.approx(sum(scored) / len(scored), abs=1e-4)
        else:
            assert p.average_score is None
    for row, r in zip(c.states, sorted(five_results, key=lambda r: r.state.name.casefold())):
        assert row.icmec_sufficient == r.icmec.sufficient and row.icmec_verdict == r.icmec.verdict
        assert row.name in row.summary


def test_comparison_is_pure_and_accepts_assessments(five, five_results):
    import lexgap

    assert compare(five_results).to_json() == compare(list(reversed(five_results))).to_json()
    direct = compare([lexgap.assess(p) for p in five])
    assert [s.legal_confirmed_score for s in direct.states] == [s.legal_confirmed_score
                                                               for s in compare(five_results).states]


def test_mixed_pack_versions_are_refused_unless_allowed(five_results):
    older = [five_results[0].model_copy(update={"pack_version": "0.9.0",
                                                "answers_pack_version": "0.9.0"})] + five_results[1:]
    with pytest.raises(MixedVersionsError) as caught:
        compare(older)
    text = str(caught.value)
    assert five_results[0].file in text and "0.9.0" in text and "--allow-mixed-versions" in text
    c = compare(older, allow_mixed_versions=True)
    assert c.mixed_versions and not c.ranking
    assert all(not row.comparable for row in c.criteria) and all(not g.comparable for g in c.common_gaps)
    assert all(s.rank is None and "different pack versions" in s.rank_note for s in c.states)


def test_different_rule_packs_are_never_compared(five_results):
    other = [five_results[0].model_copy(update={"pack_id": "another-pack"})] + five_results[1:]
    with pytest.raises(MixedVersionsError, match="different rule packs"):
        compare(other, allow_mixed_versions=True)


def test_a_second_assessment_of_the_same_state_is_left_out(five_results):
    twin = five_results[0].model_copy(update={"file": "again.yaml"})
    c = compare(five_results + [twin])
    assert len(c.states) == len(five_results)
    assert [lo.file for lo in c.left_out] == ["again.yaml"]
    assert "second assessment" in c.left_out[0].problems[0] and "lexgap diff" in c.left_out[0].problems[0]


def test_nothing_to_compare_is_an_input_error():
    with pytest.raises(InputError):
        compare([])


# --- the batch ----------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_batch_in_two_processes_equals_one_process(kb, tmp_path):
    paths = region(tmp_path / "r", kb, 9)
    broken = tmp_path / "r" / "broken.yaml"
    broken.write_text("state: [unclosed\n", encoding="utf-8")
    files, problems = collect_files([tmp_path / "r"])
    assert not problems and len(files) == 10
    parallel, left_parallel = assess_files(files, jobs=2)
    sequential, left_sequential = assess_files(files, jobs=1)
    assert [r.model_dump() for r in parallel] == [r.model_dump() for r in sequential]
    assert [lo.file for lo in left_parallel] == [lo.file for lo in left_sequential] == [str(broken)]
    assert str(broken) in left_parallel[0].problems[0] and ":1:" in left_parallel[0].problems[0]
    assert len(parallel) == len(paths)


def test_collect_files_expands_folders_and_names_what_is_missing(kb, tmp_path):
    paths = region(tmp_path / "r", kb, 2)
    (tmp_path / "r" / ".hidden.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "r" / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    files, problems = collect_files([tmp_path / "r", paths[0], tmp_path / "nope.yaml", tmp_path / "empty"])
    assert files == paths
    assert [p.file for p in problems] == [str(tmp_path / "nope.yaml"), str(tmp_path / "empty")]


# --- writers --------------------------------------------------------------------------------------------------

def test_csv_has_one_row_per_state_and_is_safe_in_a_spreadsheet(kb, tmp_path):
    paths = [write_state(tmp_path, kb, 1, name="=HYPERLINK(\"http://x\",\"y\")"), write_state(tmp_path, kb, 2)]
    c = compare(results_for(paths))
    text = to_csv(c)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    header, body = rows[0], rows[1:]
    assert len(body) == 2 and len({len(r) for r in rows}) == 1
    assert header[:2] == ["state", "code"] and "legal_confirmed_score_pct" in header and "P01.01" in header
    assert "OP1_score_pct" in header and header[-1] == "summary"
    names = [r[0] for r in body]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in names
    assert spreadsheet_safe("+1") == "'+1" and spreadsheet_safe(5) == 5 and spreadsheet_safe("Arcadia") == "Arcadia"


def test_xlsx_has_a_sheet_per_table_and_text_stays_text(kb, tmp_path):
    from openpyxl import load_workbook

    paths = [write_state(tmp_path, kb, 1, name="=1+1"), write_state(tmp_path, kb, 2)]
    c = compare(results_for(paths))
    target = tmp_path / "r.xlsx"
    target.write_bytes(to_xlsx(c))
    wb = load_workbook(target)
    assert wb.sheetnames == ["States", "Heat map", "Coverage", "Averages", "Common gaps", "Priorities", "ICMEC",
                             "Criteria", "Notes"]
    cells = [wb["States"].cell(row=r, column=1) for r in (2, 3)]
    assert "=1+1" in [cell.value for cell in cells]
    assert all(cell.data_type == "s" for cell in cells)
    assert wb["Criteria"].max_row == len(c.criteria) + 1


def test_html_and_markdown_escape_what_states_wrote(kb, tmp_path):
    paths = [write_state(tmp_path, kb, 1, name="<script>alert(1)</script> | *x*"), write_state(tmp_path, kb, 2)]
    c = compare(results_for(paths))
    html = render_html(c)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    md = render_markdown(c)
    assert "<script>" not in md and "\\|" in md and "\\*x\\*" in md
    for section in ("Heat map", "Regional averages", "Common gaps", "technical-assistance priorities",
                    "sufficient legislation", "States and criteria"):
        assert section in html and section in md


# --- the command ------------------------------------------------------------------------------------------------

def test_compare_command_writes_every_output(five, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = invoke(*five, "-o", out / "regional.html", "--csv", out / "r.csv", "--xlsx", out / "r.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no progress bar off a terminal
    assert "5 States compared" in result.stdout
    assert (out / "regional.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (out / "r.csv").exists() and (out / "r.xlsx").exists()
    result = invoke(five[0].parent, "-o", out / "regional.json")
    data = json.loads((out / "regional.json").read_text(encoding="utf-8"))
    assert result.exit_code == 0 and len(data["states"]) == 5 and data["min_coverage"] > 0
    result = invoke(five[0].parent, "-o", out / "regional.md")
    assert result.exit_code == 0 and (out / "regional.md").read_text(encoding="utf-8").startswith("**")


def test_compare_without_outputs_prints_a_summary(five):
    result = invoke(*five)
    assert result.exit_code == 0
    assert "RANK" in result.stdout and "CONFIRMED" in result.stdout


def test_a_file_that_fails_is_named_and_left_out(five, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("state:\n  name: Nowhere\nassessment: {}\nanswers:\n  offences.nonsense: yes\n", encoding="utf-8")
    result = invoke(*five, bad, tmp_path / "missing.yaml", "--csv", tmp_path / "r.csv")
    assert result.exit_code == 6
    assert str(bad) in result.stderr and "missing.yaml" in result.stderr and "Traceback" not in result.output
    assert "left out 2 file(s)" in result.stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 6


def test_nothing_comparable_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("not: [valid\n", encoding="utf-8")
    result = invoke(bad, "--csv", tmp_path / "r.csv")
    assert result.exit_code == 3 and not (tmp_path / "r.csv").exists()
    assert str(bad) in result.stderr
    assert result.stderr.count(str(bad)) == 1, "each problem names its file once"
    result = invoke(tmp_path / "nothing-here")
    assert result.exit_code == 5 and "no such file" in result.stderr


def test_mixed_versions_refused_by_the_command(five, tmp_path):
    import lexgap

    old = lexgap.assess(five[0])
    data = json.loads(old.to_json())
    data["pack"]["version"] = "0.9.0"
    data["assessment"]["pack_version"] = "0.9.0"
    saved = tmp_path / "old.json"
    saved.write_text(json.dumps(data), encoding="utf-8")
    result = invoke(saved, *five[1:], "--csv", tmp_path / "r.csv")
    assert result.exit_code == 1 and "0.9.0" in result.stderr and str(saved) in result.stderr
    assert not (tmp_path / "r.csv").exists()
    result = invoke(saved, *five[1:], "--csv", tmp_path / "r.csv", "--allow-mixed-versions")
    assert result.exit_code == 0, result.output
    assert "ranked" not in result.stdout


def test_outputs_never_replace_an_input_and_formats_are_checked(five, tmp_path):
    result = invoke(*five, "--csv", five[0])
    assert result.exit_code == 1 and "never overwrites" in result.stderr
    assert five[0].read_text(encoding="utf-8").startswith("schema_version") or "state" in five[0].read_text()
    result = invoke(*five, "-o", tmp_path / "regional.docx")
    assert result.exit_code == 3 and ".pdf, .html, .md or .json" in result.stderr
    result = invoke(*five, "--csv", tmp_path / "no-such-folder" / "r.csv")
    assert result.exit_code == 1 and "does not exist" in result.stderr
    result = invoke()
    assert result.exit_code == 2
    result = invoke(*five, "--format", "pdf")
    assert result.exit_code == 2 and "--format needs -o FILE" in result.stderr


@pytest.mark.slow
def test_regional_pdf(five, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    result = invoke(*five[:3], "-o", tmp_path / "regional.pdf")
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(tmp_path / "regional.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Heat map" in text and "Common gaps" in text and "ICMEC" in text
    assert "regional.csv" in reader.attachments


@pytest.mark.skipif(not any((EXAMPLES / "region").glob("*.yaml")), reason="the bundled region is not there yet")
def test_the_bundled_region(tmp_path):
    result = invoke(EXAMPLES / "region", "-o", tmp_path / "regional.html", "--csv", tmp_path / "r.csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 1 + len(list((EXAMPLES / "region").glob("*.yaml")))
    html = (tmp_path / "regional.html").read_text(encoding="utf-8")
    assert "fictional" in html


def test_states_sort_and_label_by_short_name_with_a_key_and_short_paragraph_titles(five_results):
    from lexgap.compare import render_html

    named = [r.model_copy(update={"state": r.state.model_copy(update={
        "name": f"Republic of {chr(90 - i)}land", "short_name": f"{chr(90 - i)}land"})})
        for i, r in enumerate(five_results)]
    c = compare(named)
    assert [s.label for s in c.states] == sorted(s.label for s in c.states)
    assert all(s.label == s.name.removeprefix("Republic of ") for s in c.states)
    html = render_html(c)
    assert "Key: <strong>Vland</strong> Republic of Vland" in html
    assert all(p.short_title and f'<span class="short">{p.short_title}</span>' in html for p in c.paragraphs)
    assert 'class="band' in html and "darkest where the gap is widest" in html
