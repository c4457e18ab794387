"""Golden cases for a rule pack: answers in, expected outcomes out (tests/*.yaml in the pack folder).

    cases:
      - name: Possession only with intent to distribute
        answers: {offences.possession: partial}
        expect: {P01.05: partial, P01.05.possession: partial}   # criteria and elements (criterion.element)
        concepts: {definitional_gate: unknown}      # optional; true, false or unknown
        binding: {P01.05: recommended, P01.05.possession: binding}   # optional; criteria and elements
        warnings: []                                # optional; the exact list of rule ids

`gate` is the whole check, shared by `lexgap rules test` and the pytest suite: every case on both
evaluators, every outcome of every criterion reached, every concept and consistency rule exercised.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal

from pydantic import Field

from ..errors import InputError, PackError
from .knowledge import KnowledgeBase
from .models import Criterion, Element, Outcome, Strict, Text
from .reference import Evaluation
from .validation import validate
from .yamlio import load


EVALUATORS = ("clips", "reference")


class GoldenCase(Strict):
    name: Text
    description: Text | None = None
    answers: dict[str, str | int | float | list[str]] = Field(default_factory=dict)
    expect: dict[str, Outcome] = Field(default_factory=dict)
    concepts: dict[str, Literal["true", "false", "unknown"]] = Field(default_factory=dict)
    binding: dict[str, Literal["binding", "recommended", "unknown"]] = Field(default_factory=dict)
    warnings: list[str] | None = None


class GoldenFile(Strict):
    cases: list[GoldenCase] = Field(min_length=1)


def case_files(kb: KnowledgeBase) -> list[Path]:
    return sorted((kb.root / "tests").glob("*.yaml"))


def load_cases(path: Path) -> list[GoldenCase]:
    doc = load(path)
    data, problems = validate(doc, GoldenFile)
    if problems or data is None:
        raise PackError(problems)
    return data.cases


def check_case(kb: KnowledgeBase, case: GoldenCase, run: Callable[[dict], Evaluation]) -> list[str]:
    """The differences between what the case expects and what `run` concludes (empty when it passes)."""
    return run_case(kb, case, run)[0]


def run_case(kb: KnowledgeBase, case: GoldenCase,
             run: Callable[[dict], Evaluation]) -> tuple[list[str], Evaluation | None]:
    """Run one case: its differences from what `run` concludes, and the conclusions (None when the case
    names an id the pack does not have)."""
    unknown_ids = [c for c in list(case.expect) + list(case.binding) if c not in kb.criteria and c not in kb.elements]
    unknown_ids += [q for q in case.answers if q not in kb.questions]
    unknown_ids += [c for c in case.concepts if c not in kb.concepts]
    if unknown_ids:
        return [f"unknown id(s) in the case: {', '.join(unknown_ids)}"], None
    from .relevance import applicable

    result = run(applicable(kb, dict(case.answers))[0])
    diffs = []
    for cid, expected in case.expect.items():
        actual = (result.decisions[cid] if cid in result.decisions else result.elements[cid]).status
        if actual != expected:
            diffs.append(f"{cid}: expected {expected}, got {actual}")
    for concept, wanted in case.concepts.items():
        value = result.concepts.get(concept)
        truth = "unknown" if value is None else ("true" if value else "false")
        if truth != wanted:
            diffs.append(f"concept {concept}: expected {wanted}, got {truth}")
    for cid, wanted_binding in case.binding.items():
        binding = (result.decisions[cid] if cid in result.decisions else result.elements[cid]).binding
        if binding != wanted_binding:
            diffs.append(f"{cid} binding: expected {wanted_binding}, got {binding}")
    if case.warnings is not None and sorted(case.warnings) != sorted(result.warnings):
        diffs.append(f"warnings: expected {sorted(case.warnings)}, got {sorted(result.warnings)}")
    return diffs, result


def evaluator(kb: KnowledgeBase, reference: bool = False) -> Callable[[dict], Evaluation]:
    """The function golden cases run: the CLIPS engine, or the plain-Python reference evaluator."""
    from . import reference as ref

    if reference:
        return lambda values: ref.evaluate(kb, values)
    from .clips_runtime import run_once

    def run(values: dict) -> Evaluation:
        raw = run_once(kb, ref.known_answers(values))
        result = Evaluation(concepts=dict(raw.concepts), warnings=list(raw.warnings))
        for cid in kb.criteria:
            status, rule = raw.findings.get(cid, ("unknown", ""))
            result.decisions[cid] = ref.Decision(status, rule, binding=raw.binding.get(cid, "recommended"))
        for eid in kb.element_logic:
            status, rule = raw.elements.get(eid, ("unknown", ""))
            binding, under = raw.element_binding.get(eid, ("recommended", []))
            result.elements[eid] = ref.Decision(status, rule, binding, under)
        return result

    return run


@dataclass
class CaseResult:
    """One golden case run on one evaluator."""

    file: str
    case: str
    evaluator: str
    diffs: list[str]
    case_data: GoldenCase | None = None
    evaluation: Evaluation | None = None


@dataclass
class GateReport:
    """Everything `lexgap rules test` (and the pytest suite) checks: each case on each evaluator, and, when
    every case file ran, that the cases reach every outcome and exercise every concept and warning."""

    results: list[CaseResult] = field(default_factory=list)
    evaluators: tuple[str, ...] = EVALUATORS
    coverage_checked: bool = True
    unreached: list[str] = field(default_factory=list)
    unexercised: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if r.diffs]

    @property
    def passed(self) -> bool:
        return not self.failed and not self.unreached and not self.unexercised


def run_cases(kb: KnowledgeBase, evaluators: tuple[str, ...] = EVALUATORS,
              only: str | None = None) -> list[CaseResult]:
    """Run every golden case of the pack (or of the case files whose name starts with `only`) on each
    evaluator; a case file that does not load is one failed result."""
    runs = {name: evaluator(kb, reference=name == "reference") for name in evaluators}
    out = []
    for path in case_files(kb):
        if only and not path.stem.startswith(only):
            continue
        try:
            cases = load_cases(path)
        except (InputError, PackError) as exc:
            out.append(CaseResult(path.name, "(file)", evaluators[0], [str(exc)]))
            continue
        for case in cases:
            for name, run in runs.items():
                diffs, evaluation = run_case(kb, case, run)
                out.append(CaseResult(path.name, case.name, name, diffs, case, evaluation))
    return out


def outcomes(criterion: Criterion) -> set[str]:
    """The outcomes a criterion can have, each of which some golden case must assert."""
    needed = {"met", "not_met", "unknown"}
    if (len(criterion.elements) > 1 or any(e.partial_when for e in criterion.elements)
            or (criterion.derived_from and criterion.derived_from.partial == "any")):
        needed.add("partial")
    if criterion.applies_when:
        needed.add("not_applicable")
    return needed


def element_outcomes(element: Element) -> set[str]:
    """The outcomes an element can have, each of which some golden case must assert (unknown excepted:
    the criterion's own unknown case covers it)."""
    needed = {"met", "not_met"}
    if element.partial_when:
        needed.add("partial")
    if element.applies_when:
        needed.add("not_applicable")
    return needed


def unreached_outcomes(kb: KnowledgeBase, results: list[CaseResult]) -> list[str]:
    """'P01.05: partial' for each outcome a criterion or element can have that no case asserts and reaches."""
    reached: dict[str, set[str]] = {c: set() for c in list(kb.criteria) + list(kb.elements)}
    for r in results:
        if r.case_data is None or r.evaluation is None:
            continue
        for cid in r.case_data.expect:
            decision = r.evaluation.decisions.get(cid) or r.evaluation.elements.get(cid)
            if decision is not None:
                reached[cid].add(decision.status)
    needed = {cid: outcomes(crit) for cid, crit in kb.criteria.items()}
    needed.update({eid: element_outcomes(el) for eid, el in kb.elements.items()})
    return [f"{cid}: {', '.join(sorted(need - reached[cid]))}" for cid, need in needed.items() if need - reached[cid]]


def unexercised(kb: KnowledgeBase, cases: list[GoldenCase]) -> list[str]:
    """The authored concepts and the consistency rules that no case asserts."""
    seen_concepts = {c for case in cases for c in case.concepts}
    seen_warnings = {w for case in cases for w in (case.warnings or [])}
    concepts = sorted(c for c in kb.concepts if not c.startswith("party_") and c not in seen_concepts)
    rules = sorted(r.id for r in kb.consistency if r.id not in seen_warnings)
    return [f"concept {c}" for c in concepts] + [f"consistency rule {r}" for r in rules]


def gate(kb: KnowledgeBase, evaluators: tuple[str, ...] = EVALUATORS, only: str | None = None) -> GateReport:
    """The lawyer's whole gate over a pack's golden cases (what `lexgap rules test` runs)."""
    report = GateReport(run_cases(kb, evaluators, only), evaluators, coverage_checked=only is None)
    if report.coverage_checked:
        report.unreached = unreached_outcomes(kb, report.results)
        cases = {id(r.case_data): r.case_data for r in report.results if r.case_data is not None}
        report.unexercised = unexercised(kb, list(cases.values()))
    return report
