"""Progress between two assessments of one State: `lexgap.diff` and `lexgap diff` through CliRunner."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexgap.cli import cli
from lexgap.diff import DifferentStatesError, classify, diff, render_text

from .conftest import example_files
from .test_compare import answers_data


def write(path: Path, kb, data: dict) -> Path:
    from lexgap.engine.models import AnswersFile
    from lexgap.answers_yaml import answers_to_yaml

    data = dict(data, answers={q: {"value": v} for q, v in data["answers"].items()})
    path.write_text(answers_to_yaml(AnswersFile.model_validate(data), kb), encoding="utf-8")
    return path


def reform(kb, data: dict, value: str) -> dict:
    """The same State after answering every yes/no question with `value`."""
    changed = json.loads(json.dumps(data))
    for q in kb.questionnaire.questions:
        if q.type == "yes_no":
            changed["answers"][q.id] = value
    return changed


@pytest.fixture(scope="module")
def pair(kb, tmp_path_factory):
    folder = tmp_path_factory.mktemp("diff")
    before = answers_data(kb, 7, share=0.8, name="Veridia", code="XV")
    old = reform(kb, before, "no")
    new = reform(kb, before, "yes")
    new["assessment"]["date"] = "2027-01-01"
    return write(folder / "veridia-2026.yaml", kb, old), write(folder / "veridia-2027.yaml", kb, new)


def invoke(*args):
    return CliRunner().invoke(cli, ["diff"] + [str(a) for a in args])


def test_classify_orders_outcomes_and_keeps_information_apart():
    assert classify("not_met", "partial") == classify("partial", "met") == classify("not_met", "met") == "improved"
    assert classify("met", "not_met") == classify("met", "partial") == "regressed"
    assert classify("met", "met") == classify("unknown", "unknown") == "unchanged"
    assert classify("unknown", "not_met") == "now_decided" and classify("met", "unknown") == "no_longer_decided"
    assert classify("not_applicable", "met") == "now_applies"
    assert classify("met", "not_applicable") == "no_longer_applies"
    assert classify(None, "met") == "added" and classify("met", None) == "removed"


def test_diff_matches_the_two_assessments(pair):
    import lexgap

    old, new = (lexgap.assess(p) for p in pair)
    progress = diff(old, new, old_file="old", new_file="new")
    order = {"not_met": 0, "partial": 1, "met": 2}
    before = {f.criterion: f.status for f in old.findings}
    after = {f.criterion: f.status for f in new.findings}
    improved = {c for c in before if before[c] in order and after[c] in order and order[after[c]] > order[before[c]]}
    regressed = {c for c in before if before[c] in order and after[c] in order and order[after[c]] < order[before[c]]}

    def element_moves(cid: str) -> set[str]:
        o = {e.id: e.status for e in old.finding(cid).elements}
        n = {e.id: e.status for e in new.finding(cid).elements}
        return {"up" if order[n[e]] > order[o[e]] else "down" for e in o.keys() & n.keys()
                if o[e] in order and n[e] in order and o[e] != n[e]}

    same = {c for c in before if before[c] == after[c]}
    improved |= {c for c in same if element_moves(c) == {"up"}}
    regressed |= {c for c in same if element_moves(c) == {"down"}}
    assert {c.criterion for c in progress.improved} == improved and improved
    assert {c.criterion for c in progress.regressed} == regressed
    assert {c.criterion for c in progress.unchanged} == same - improved - regressed
    for c in progress.improved + progress.regressed:
        assert c.elements or c.old != c.new
    assert len(progress.improved) + len(progress.regressed) + len(progress.unchanged) + len(progress.information) \
        == len(before)
    old_gaps = {c for r in old.recommendations for c in r.criteria}
    new_gaps = {c for r in new.recommendations for c in r.criteria}
    assert {r.id for r in progress.closed} == {r.id for r in old.recommendations if not set(r.criteria) & new_gaps}
    assert {r.id for r in progress.opened} == {r.id for r in new.recommendations if set(r.criteria) - old_gaps}
    assert len(progress.opened) + len(progress.continuing) == len(new.recommendations)
    for p in progress.paragraphs:
        o = next(x for x in old.paragraphs if x.number == p.number)
        n = next(x for x in new.paragraphs if x.number == p.number)
        assert (p.old_score, p.new_score, p.old_coverage, p.new_coverage) == (o.score, n.score, o.coverage, n.coverage)
        if o.score is not None and n.score is not None:
            assert p.score_change == pytest.approx(n.score - o.score, abs=1e-4)
    assert progress.new.legal_confirmed_score > progress.old.legal_confirmed_score
    text = render_text(progress)
    assert "Improved (" in text and "Recommendations closed" in text and "Paragraphs" in text


def test_same_answers_mean_no_change(pair):
    import lexgap

    a = lexgap.assess(pair[0])
    progress = diff(a, a)
    assert not progress.improved and not progress.regressed and not progress.information
    assert not progress.closed and not progress.opened
    assert any("nothing has changed" in n for n in progress.notes)


def test_two_different_states_are_refused_unless_forced(kb, pair, tmp_path):
    import lexgap

    other = write(tmp_path / "arcadia.yaml", kb, answers_data(kb, 8, name="Arcadia", code="XA"))
    with pytest.raises(DifferentStatesError) as caught:
        diff(lexgap.assess(pair[0]), lexgap.assess(other), old_file="a", new_file="b")
    message = str(caught.value)
    assert "Veridia" in message and "Arcadia" in message and "--allow-different-states" in message
    forced = diff(lexgap.assess(pair[0]), lexgap.assess(other), allow_different_states=True)
    assert forced.forced_different_states and any("--allow-different-states" in n for n in forced.notes)


def test_diff_command_text_and_files(pair, tmp_path):
    result = invoke(*pair)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Progress of Veridia") and "Improved (" in result.stdout
    for name in ("progress.md", "progress.html", "progress.json", "progress.txt"):
        result = invoke(*pair, "-o", tmp_path / name)
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).stat().st_size > 0
    data = json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))
    assert data["improved"] and "score_change" in data["paragraphs"][0]
    assert "<h1>Progress of Veridia</h1>" in (tmp_path / "progress.html").read_text(encoding="utf-8")


def test_diff_reads_a_saved_assessment(pair, tmp_path):
    import lexgap

    saved = tmp_path / "veridia-2026.json"
    saved.write_text(lexgap.assess(pair[0]).to_json(), encoding="utf-8")
    from_yaml = invoke(*pair, "--format", "json")
    from_json = invoke(saved, pair[1], "--format", "json")
    assert from_json.exit_code == 0, from_json.output
    a, b = json.loads(from_yaml.stdout), json.loads(from_json.stdout)
    assert a["improved"] == b["improved"] and a["closed"] == b["closed"]


def test_diff_command_refusals(kb, pair, tmp_path):
    other = write(tmp_path / "arcadia.yaml", kb, answers_data(kb, 8, name="Arcadia", code="XA"))
    result = invoke(pair[0], other)
    assert result.exit_code == 1 and "different" not in result.stdout and "Arcadia" in result.stderr
    assert "Traceback" not in result.output
    assert invoke(pair[0], other, "--allow-different-states").exit_code == 0
    result = invoke(*pair, "-o", pair[0])
    assert result.exit_code == 1 and "never overwrites" in result.stderr
    result = invoke(pair[0], tmp_path / "nope.yaml")
    assert result.exit_code == 5 and "nope.yaml" in result.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("state: [\n", encoding="utf-8")
    result = invoke(pair[0], broken)
    assert result.exit_code == 3 and "broken.yaml:" in result.stderr
    result = invoke(*pair, "--format", "pdf")
    assert result.exit_code == 1 and "-o FILE.pdf" in result.stderr
    result = invoke(*pair, "-o", tmp_path / "progress.docx")
    assert result.exit_code == 3 and ".txt, .md, .html, .pdf or .json" in result.stderr


def test_a_new_assessment_dated_before_the_old_one_is_pointed_out(pair):
    result = invoke(pair[1], pair[0])
    assert result.exit_code == 0
    assert "dated before" in result.stdout


@pytest.mark.skipif(len(example_files()) < 2, reason="the bundled examples are not there yet")
def test_diff_on_the_bundled_examples():
    import lexgap

    files = example_files()
    assessed = [(p, lexgap.assess(p)) for p in files]
    result = invoke(files[0], files[0])
    assert result.exit_code == 0 and "nothing has changed" in result.stdout
    for (p, a), (q, b) in zip(assessed, assessed[1:]):
        result = invoke(p, q)
        if (a.state.code or a.state.name) == (b.state.code or b.state.name):
            assert result.exit_code == 0, result.output
        else:
            assert result.exit_code == 1 and a.state.name in result.stderr
            assert invoke(p, q, "--allow-different-states").exit_code == 0


def test_progress_reads_per_element_with_titles_and_numbers_that_add_up():
    import re

    import lexgap
    from lexgap.diff import render_html, render_markdown

    from .conftest import EXAMPLES

    old, new = lexgap.assess(EXAMPLES / "arcadia-2023.yaml"), lexgap.assess(EXAMPLES / "arcadia.yaml")
    progress = diff(old, new, old_file=str(EXAMPLES / "arcadia-2023.yaml"), new_file=str(EXAMPLES / "arcadia.yaml"))
    assert any(c.elements for c in progress.improved)
    text = render_text(progress)
    for before, after, change in re.findall(r"(\d+)% → (\d+)% \(([+-]\d+) points\)", text):
        assert int(after) - int(before) == int(change)
    html, markdown = render_html(progress), render_markdown(progress)
    for document in (text, markdown, re.sub(r"<[^>]+>", " ", html)):
        assert not re.search(r"\bPKG\.[A-Z_]+|\bR-P\d\d\.\d\d", document)
        assert str(EXAMPLES) not in document
    assert 'class="cover"' in html and new.assessment.confidentiality in html
    assert new.assessment.confidentiality in markdown
