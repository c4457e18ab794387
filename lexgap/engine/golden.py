"""Golden cases for a rule pack: answers in, expected outcomes out (tests/*.yaml in the pack folder).

    cases:
      - name: Possession only with intent to distribute
        answers: {offences.possession: partial}
        expect: {P01.05: partial, P01.05.possession: partial}   # criteria and elements (criterion.element)
        concepts: {definitional_gate: unknown}      # optional; true, false or unknown
        binding: {P01.05: recommended, P01.05.possession: binding}   # optional; criteria and elements
        warnings: []                                # optional; the exact list of rule ids
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Literal

from pydantic import Field

from ..errors import InputError, PackError
from .knowledge import KnowledgeBase
from .models import Outcome, Strict, Text
from .reference import Evaluation
from .validation import validate
from .yamlio import load


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
    if problems:
        raise PackError(problems)
    return data.cases


def check_case(kb: KnowledgeBase, case: GoldenCase, run: Callable[[dict], Evaluation]) -> list[str]:
    """The differences between what the case expects and what `run` concludes (empty when it passes)."""
    unknown_ids = [c for c in list(case.expect) + list(case.binding) if c not in kb.criteria and c not in kb.elements]
    unknown_ids += [q for q in case.answers if q not in kb.questions]
    unknown_ids += [c for c in case.concepts if c not in kb.concepts]
    if unknown_ids:
        return [f"unknown id(s) in the case: {', '.join(unknown_ids)}"]
    from .build import applicable

    result = run(applicable(kb, dict(case.answers))[0])
    diffs = []
    for cid, expected in case.expect.items():
        actual = (result.decisions[cid] if cid in result.decisions else result.elements[cid]).status
        if actual != expected:
            diffs.append(f"{cid}: expected {expected}, got {actual}")
    for concept, expected in case.concepts.items():
        value = result.concepts.get(concept)
        actual = "unknown" if value is None else ("true" if value else "false")
        if actual != expected:
            diffs.append(f"concept {concept}: expected {expected}, got {actual}")
    for cid, expected in case.binding.items():
        actual = (result.decisions[cid] if cid in result.decisions else result.elements[cid]).binding
        if actual != expected:
            diffs.append(f"{cid} binding: expected {expected}, got {actual}")
    if case.warnings is not None and sorted(case.warnings) != sorted(result.warnings):
        diffs.append(f"warnings: expected {sorted(case.warnings)}, got {sorted(result.warnings)}")
    return diffs


def evaluator(kb: KnowledgeBase, reference: bool = False) -> Callable[[dict], Evaluation]:
    """The function golden cases run: the CLIPS engine, or the plain-Python reference evaluator."""
    from . import reference as ref

    if reference:
        return lambda values: ref.evaluate(kb, values)
    from .clips_runtime import run_once

    def run(values: dict) -> Evaluation:
        raw = run_once(kb, ref.known_answers(values))
        result = Evaluation(concepts=dict(raw.concepts), warnings=list(raw.warnings))
        for cid, crit in kb.criteria.items():
            status, rule = raw.findings.get(cid, ("unknown", ""))
            result.decisions[cid] = ref.Decision(status, rule, binding=raw.binding.get(cid, "recommended"))
        for eid in kb.element_logic:
            status, rule = raw.elements.get(eid, ("unknown", ""))
            binding, under = raw.element_binding.get(eid, ("recommended", []))
            result.elements[eid] = ref.Decision(status, rule, binding, under)
        return result

    return run


def run_all(kb: KnowledgeBase, run: Callable[[dict], Evaluation], only: str | None = None) -> list[tuple[str, str, list[str]]]:
    """Run every golden case of the pack; return (file, case name, differences) for each case."""
    out = []
    for path in case_files(kb):
        if only and not path.stem.startswith(only):
            continue
        try:
            cases = load_cases(path)
        except (InputError, PackError) as exc:
            out.append((path.name, "(file)", [str(exc)]))
            continue
        for case in cases:
            out.append((path.name, case.name, check_case(kb, case, run)))
    return out
