"""What-if: a draft bill's effect before it passes, without touching the answers file."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from lexgap.cli import cli
from lexgap.engine.assessment import is_gap_status as is_gap
from lexgap.errors import InputError
from lexgap.whatif import load_bill, what_if

EXAMPLES = Path(__file__).resolve().parent.parent / "lexgap" / "questionnaires" / "examples"
ARCADIA = EXAMPLES / "arcadia.yaml"
BILL = EXAMPLES / "bills" / "arcadia-2027-bill.yaml"


def test_the_bundled_bill_closes_elements_and_leaves_the_answers_file_alone(kb):
    before_text = ARCADIA.read_text(encoding="utf-8")
    before, after, effect = what_if(ARCADIA, BILL)
    assert ARCADIA.read_text(encoding="utf-8") == before_text
    closed = {c.element for c in effect.closes}
    assert closed, "the bundled bill closes nothing"
    for change in effect.closes:
        assert is_gap(change.before) and change.after in ("met", "not_applicable")
    after_elements = {e.id: e for f in after.findings for e in f.elements}
    before_elements = {e.id: e for f in before.findings for e in f.elements}
    for eid in closed:
        assert is_gap(before_elements[eid].status) and not is_gap(after_elements[eid].status)
    for change in effect.breaks:
        assert not is_gap(before_elements[change.element].status) or change.before == "partial"
    assert effect.binding_gaps_before == before.summary.binding_gaps
    assert effect.binding_gaps_after == after.summary.binding_gaps
    # the bill's citations appear in the assessment with it, as the provisions the answers rest on
    cited = {a.citation for a in after.answers if a.citation}
    assert any("Bill No. 7 of 2027" in c for c in cited)


def test_a_bill_with_a_wrong_question_is_refused_with_its_line(kb, tmp_path):
    bad = tmp_path / "bill.yaml"
    bad.write_text("schema_version: 1\nbill:\n  title: T\n  status: draft\n  date: 2027-01-01\nanswers:\n"
                   "  offences.posession: {value: 'yes', citation: 'Bill, art. 1'}\n", encoding="utf-8")
    try:
        load_bill(bad, kb)
    except InputError as exc:
        text = str(exc)
        assert "bill.yaml:7" in text and "offences.possession" in text
    else:
        raise AssertionError("a bill naming an unknown question was accepted")


def test_a_bill_answer_needs_the_bills_article(kb, tmp_path):
    bad = tmp_path / "bill.yaml"
    bad.write_text("schema_version: 1\nbill:\n  title: T\n  status: draft\n  date: 2027-01-01\nanswers:\n"
                   "  offences.possession: 'yes'\n", encoding="utf-8")
    try:
        load_bill(bad, kb)
    except InputError as exc:
        assert "citation" in str(exc)
    else:
        raise AssertionError("a bill answer without the bill's article was accepted")


def test_assess_what_if_on_the_command_line():
    runner = CliRunner()
    result = runner.invoke(cli, ["assess", str(ARCADIA), "--what-if", str(BILL)])
    assert result.exit_code == 0, result.output
    assert "With the bill: Penal Code and Victims of Crime (Amendment) Bill 2027" in result.output
    assert "It would close" in result.output
    as_json = runner.invoke(cli, ["assess", str(ARCADIA), "--what-if", str(BILL), "--format", "json"])
    data = json.loads(as_json.output)
    assert data["bill_effect"]["closes"] and data["assessment"]["findings"]
