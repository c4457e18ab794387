"""Golden cases of the bundled pack (answers in, expected outcomes out), run on both evaluators,
plus the coverage gate: every criterion reaches each outcome it can have in some case. The gate is
lexgap.engine.golden.gate, the same function `lexgap rules test` runs."""
from __future__ import annotations

import pytest

from lexgap.engine import golden
from lexgap.engine.knowledge import load_knowledge


def _cases():
    kb = load_knowledge()
    return [(path.name, case) for path in golden.case_files(kb) for case in golden.load_cases(path)]


CASES = _cases()


@pytest.mark.parametrize("evaluator", ["clips", "reference"])
@pytest.mark.parametrize("file, case", CASES, ids=[f"{f}::{c.name}" for f, c in CASES])
def test_golden_case(kb, file, case, evaluator):
    diffs = golden.check_case(kb, case, golden.evaluator(kb, reference=evaluator == "reference"))
    assert not diffs, "\n".join(diffs)


def test_a_wrong_case_fails(kb):
    file, case = CASES[0]
    criterion = next(iter(case.expect))
    wrong_status = "met" if case.expect[criterion] != "met" else "not_met"
    wrong = case.model_copy(update={"expect": {criterion: wrong_status}})
    assert golden.check_case(kb, wrong, golden.evaluator(kb)) == [
        f"{criterion}: expected {wrong_status}, got {case.expect[criterion]}"]


@pytest.fixture(scope="module")
def gate(kb):
    return golden.gate(kb)


def test_every_criterion_reaches_every_outcome_it_can_have(gate):
    assert gate.coverage_checked
    assert not gate.unreached, "golden cases never assert these outcomes:\n" + "\n".join(gate.unreached)


def test_every_concept_and_warning_is_exercised(gate):
    assert not gate.unexercised, "golden cases never assert these:\n" + "\n".join(gate.unexercised)


def test_the_gate_runs_every_case_on_both_evaluators(gate):
    assert {r.evaluator for r in gate.results} == {"clips", "reference"}
    assert len(gate.results) == 2 * len(CASES)
    assert gate.passed


def test_a_new_criterion_without_golden_cases_fails_the_gate(kb):
    """The gap the issue names: a criterion no case reaches fails `rules test`, not only pytest."""
    from dataclasses import replace

    crit = next(iter(kb.criteria.values()))
    extra = crit.model_copy(update={"id": crit.id[:4] + "99"})
    para = kb.paragraph_of(crit.id)
    bigger = replace(kb, paragraphs=[p.model_copy(update={"criteria": p.criteria + [extra]}) if p is para else p
                                     for p in kb.paragraphs])
    results = [r for r in golden.run_cases(kb, ("reference",)) if r.evaluation is not None]
    assert f"{extra.id}: " + ", ".join(sorted(golden.outcomes(extra))) in golden.unreached_outcomes(bigger, results)


def test_an_unused_concept_is_reported(kb):
    cases = [case for _, case in CASES if not case.concepts]
    assert any(line.startswith("concept ") for line in golden.unexercised(kb, cases))
