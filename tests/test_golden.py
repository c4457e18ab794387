"""Golden cases of the bundled pack (answers in, expected outcomes out), run on both evaluators,
plus the coverage gate: every criterion reaches each outcome it can have in some case."""
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


def test_every_criterion_reaches_every_outcome_it_can_have(kb):
    reached: dict[str, set[str]] = {c: set() for c in kb.criteria}
    run = golden.evaluator(kb)
    for _, case in CASES:
        result = run(case.answers)
        for cid, decision in result.decisions.items():
            if cid in case.expect:
                reached[cid].add(decision.status)
    missing = []
    for cid, crit in kb.criteria.items():
        needed = {"met", "not_met", "unknown"}
        if crit.partial_when or (crit.derived_from and crit.derived_from.partial == "any"):
            needed.add("partial")
        if crit.applies_when:
            needed.add("not_applicable")
        if needed - reached[cid]:
            missing.append(f"{cid}: {', '.join(sorted(needed - reached[cid]))}")
    assert not missing, "golden cases never assert these outcomes:\n" + "\n".join(missing)


def test_every_concept_and_warning_is_exercised(kb):
    seen_concepts = {c for _, case in CASES for c in case.concepts}
    seen_warnings = {w for _, case in CASES for w in (case.warnings or [])}
    authored = {c for c in kb.concepts if not c.startswith("party_")}
    assert authored - seen_concepts == set()
    assert {r.id for r in kb.consistency} - seen_warnings == set()
