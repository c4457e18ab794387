"""The element model: a finding never says more than the law says.

- Every element has a basis cited at sub-paragraph level and sentences for met and missing.
- Overreach is impossible: for every instrument I and criterion C, if every element of C that binds under I
  is met, C is not a binding gap under I (a property over random answers, on both evaluators' rule).
- Every sentence a bundled example's report states about the State's law is true of its answers: each
  element's sentence is the one for its status, that status follows from the answers it cites, and the
  finding's text is made of those sentences only.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings

from lexgap.api import assess
from lexgap.engine import conditions as cond
from lexgap.engine.answers import load_answers
from lexgap.engine.assessment import is_gap_status as is_gap
from lexgap.engine.elements import criterion_binding, criterion_status, element_id
from lexgap.engine.reference import evaluate, known_answers

from .conftest import example_files
from .strategies import answer_sets

# An article reference at the level that creates a duty: "3(1)(c)", "9(2)", "20(1)(e)", "C3", "OP5";
# a bare article number is accepted only where the instrument does not divide the article.
SUB_PARAGRAPH = re.compile(r"^(\d+[a-z]?(\(\d+\))*(\([a-z]+\))*|[A-Z]+\d+(\.\d+)?|R\.?\d+|general|preamble|OP\d+)$")


def test_every_element_has_a_basis_and_sentences(kb):
    assert kb.elements, "the pack has no elements"
    for eid, el in kb.elements.items():
        assert el.basis, eid
        assert el.statements.met.strip() and el.statements.not_met.strip(), eid
        if el.partial_when:
            assert el.statements.partial, f"{eid} can be partly met but has no partial sentence"
        for b in el.basis:
            if b.binds:  # a duty is cited at the level that creates it
                assert SUB_PARAGRAPH.match(b.article), f"{eid}: '{b.article}' of {b.instrument}"


def test_a_binding_article_belongs_to_a_treaty_the_state_can_be_party_to(kb):
    for eid, el in kb.elements.items():
        for b in el.basis:
            if b.binds:
                assert kb.instruments[b.instrument].party_when, f"{eid}: {b.instrument} cannot bind"


@pytest.mark.parametrize("statuses, expected", [
    (["met", "met"], "met"), (["not_met", "not_met"], "not_met"), (["met", "not_met"], "partial"),
    (["partial"], "partial"), (["met", "unknown"], "unknown"), (["not_met", "unknown"], "unknown"),
    (["met", "not_met", "unknown"], "partial"), (["not_applicable", "met"], "met"),
    (["not_applicable"], "not_applicable"), ([], "not_applicable"),
])
def test_the_criterion_rule(statuses, expected):
    assert criterion_status(statuses) == expected


def test_a_met_binding_element_does_not_make_a_binding_gap():
    assert criterion_binding("partial", [("met", "binding"), ("not_met", "recommended")]) == "recommended"
    assert criterion_binding("partial", [("met", "recommended"), ("not_met", "binding")]) == "binding"
    assert criterion_binding("met", [("met", "binding")]) == "binding"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=__import__("hypothesis").strategies.data())
def test_no_binding_gap_under_an_instrument_whose_elements_are_all_met(kb, data):
    values = data.draw(answer_sets(kb))
    result = evaluate(kb, values)
    for cid, crit in kb.criteria.items():
        if crit.derived_from:
            continue
        decision = result.decisions[cid]
        if not (is_gap(decision.status) and decision.binding == "binding"):
            continue
        elements = [result.elements[element_id(cid, e.id)] for e in crit.elements]
        binding_missing = [e for e in elements if is_gap(e.status) and e.binding == "binding"]
        assert binding_missing, f"{cid} is a binding gap with no missing binding element"
        for instrument in {i for e in binding_missing for i in e.instruments}:
            under = [e for e in elements if instrument in e.instruments]
            assert any(is_gap(e.status) for e in under), f"{cid} binding under {instrument} with all met"


@pytest.fixture(scope="module")
def examples(kb):
    return [(path, load_answers(path, kb), assess(path)) for path in example_files()]


def test_every_sentence_about_the_law_is_true_of_the_answers(kb, examples):
    for path, answers, assessment in examples:
        values = known_answers(answers.values)
        result = evaluate(kb, answers.values)
        facts = cond.Facts(values, result.concepts, result.statuses())
        for finding in assessment.findings:
            crit = kb.criteria[finding.criterion]
            sentences = []
            for el, out in zip(crit.elements, finding.elements):
                logic = kb.element_logic[out.id]
                assert out.status == result.elements[out.id].status, f"{path.name} {out.id}"
                if out.status == "met":
                    assert cond.evaluate(logic.met, facts) is True
                    assert out.statement == el.statements.met
                elif out.status == "partial":
                    assert logic.partial is not None and cond.evaluate(logic.partial, facts) is True
                    assert cond.evaluate(logic.met, facts) is not True
                    assert out.statement == el.statements.partial
                elif out.status == "not_met":
                    assert cond.evaluate(logic.met, facts) is False
                    assert out.statement == el.statements.not_met
                else:
                    assert out.statement == "", f"{path.name} {out.id} states something while {out.status}"
                cited = {a.citation for a in answers.data.answers.values() if a.citation}
                assert set(out.citations) <= cited
                if out.statement:
                    sentences.append(out.statement)
                    # no other status's sentence of this element appears in the finding
                    for other in (el.statements.met, el.statements.partial, el.statements.not_met):
                        if other and other != out.statement and other not in out.statement:
                            assert other not in finding.statement, f"{path.name} {out.id}: '{other}'"
            for sentence in sentences:
                assert sentence in finding.statement, f"{path.name} {finding.criterion}"
            if finding.binding == "binding" and is_gap(finding.status) and finding.scored:
                assert any(e.binding == "binding" and is_gap(e.status) for e in finding.elements)
                assert finding.binding_instruments


def test_recommendations_list_only_missing_elements(examples):
    for path, _, assessment in examples:
        by_id = {f.criterion: f for f in assessment.findings}
        for rec in assessment.recommendations:
            for item in rec.items:
                missing = {e.id for e in by_id[item.criterion].elements if is_gap(e.status)}
                assert {m.id for m in item.missing} == missing, f"{path.name} {rec.id}"
                for m in item.missing:
                    assert m.obligation.startswith(("Required by", "Recommended", "Required if")), m.obligation
            assert rec.binding == any(m.binding for item in rec.items for m in item.missing), (path.name, rec.id)


def test_no_binding_duty_rests_on_an_unchecked_article(kb):
    """'Unchecked is never printed behind a binding finding': an article cited with binds: true has been read
    against an official text (checked: true in the catalogue, with its source)."""
    unchecked = []
    for eid, el in kb.elements.items():
        for b in el.basis:
            if b.binds:
                art = next(a for a in kb.instruments[b.instrument].articles if a.ref == b.article)
                if not art.checked:
                    unchecked.append(f"{eid}: {b.instrument} {b.article}")
    assert not unchecked, "binding articles not checked against an official text:\n" + "\n".join(unchecked)
