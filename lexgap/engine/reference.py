"""A plain-Python evaluator of the pack's conditions: the reference the CLIPS engine is checked against.

It applies the same three-valued semantics as the compiled rules (docs/conditions.md). The CLIPS engine
is what lexgap uses; this module exists to cross-check it, to explain findings at the level of single
conditions, and as the benchmark's baseline.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import conditions as cond
from .knowledge import KnowledgeBase
from .elements import ElementLogic, criterion_binding, criterion_status, element_binding, party_id
from .models import Criterion


@dataclass
class Decision:
    """How one criterion or element was decided."""

    status: str
    rule: str
    binding: str = "recommended"
    instruments: list[str] = field(default_factory=list)


@dataclass
class Evaluation:
    """The outcome of evaluating a pack against one set of answers."""

    concepts: dict[str, bool | None] = field(default_factory=dict)
    elements: dict[str, Decision] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def statuses(self) -> dict[str, str]:
        return {k: d.status for k, d in self.decisions.items()}


def known_answers(values: dict[str, object]) -> dict[str, object]:
    """Drop unknown answers: for every condition, 'unknown' is the same as no answer."""
    return {q: v for q, v in values.items() if v is not None and v != "unknown"}


def evaluate(kb: KnowledgeBase, values: dict[str, object]) -> Evaluation:
    """Evaluate every concept, element, criterion and consistency rule of the pack for one set of answers."""
    answers = known_answers(values)
    result = Evaluation()
    facts = cond.Facts(answers, result.concepts, {})
    for concept_id in kb.concept_order:
        result.concepts[concept_id] = cond.evaluate(kb.concept_logic[concept_id], facts)
    for eid, logic in kb.element_logic.items():
        result.elements[eid] = _element(logic, facts)
    by_criterion: dict[str, list[Decision]] = {}
    for eid, logic in kb.element_logic.items():
        by_criterion.setdefault(logic.criterion, []).append(result.elements[eid])
    for cid, crit in kb.criteria.items():
        if crit.derived_from is None:
            decisions = by_criterion[cid]
            status = criterion_status(d.status for d in decisions)
            binding = criterion_binding(status, ((d.status, d.binding) for d in decisions))
            result.decisions[cid] = Decision(status, f"elements-{status}", binding)
    statuses = result.statuses()
    facts = cond.Facts(answers, result.concepts, statuses)
    for cid, crit in kb.criteria.items():
        if crit.derived_from is not None:
            result.decisions[cid] = _derive(kb, crit, result, facts)
    facts = cond.Facts(answers, result.concepts, result.statuses())
    result.warnings = sorted(w for w, node in kb.warning_logic.items() if cond.evaluate(node, facts) is True)
    return result


def _element(logic: ElementLogic, facts: cond.Facts) -> Decision:
    binding, instruments = element_binding(obligations(logic, facts))
    return Decision(_element_status(logic, facts), "", binding, instruments)


def obligations(logic: ElementLogic, facts: cond.Facts) -> dict[str, tuple[bool | None, bool | None]]:
    """For each instrument whose article binds: (is the State a party?, does a permitted reservation apply?).
    Two binding articles of one instrument: it binds unless a reservation applies to both."""
    out: dict[str, tuple[bool | None, bool | None]] = {}
    for instrument, unless in logic.binds:
        party = facts.concepts.get(party_id(instrument))
        reserved = False if unless is None else cond.evaluate(unless, facts)
        if instrument in out:
            reserved = _and(out[instrument][1], reserved)
        out[instrument] = (party, reserved)
    return out


def _and(a: bool | None, b: bool | None) -> bool | None:
    """Kleene 'and'."""
    if a is False or b is False:
        return False
    return True if a is True and b is True else None


def _element_status(logic: ElementLogic, facts: cond.Facts) -> str:
    if logic.applies is not None:
        applies = cond.evaluate(logic.applies, facts)
        if applies is False:
            return "not_applicable"
        if applies is None:
            return "unknown"
    met = cond.evaluate(logic.met, facts) if logic.met is not None else None
    if met is True:
        return "met"
    partial = cond.evaluate(logic.partial, facts) if logic.partial is not None else False
    if partial is True:
        return "partial"
    if met is False and partial is False:
        return "not_met"
    return "unknown"


def _derive(kb: KnowledgeBase, crit: Criterion, result: Evaluation, facts: cond.Facts) -> Decision:
    logic = kb.logic[crit.id]
    assert crit.derived_from is not None
    if logic.applies is not None:
        applies = cond.evaluate(logic.applies, facts)
        if applies is False:
            return Decision("not_applicable", "not-applicable")
        if applies is None:
            return Decision("unknown", "undecided")
    inputs = [result.decisions[c] for c in crit.derived_from.criteria]
    statuses = [d.status for d in inputs]
    considered = [s for s in statuses if s != "not_applicable"]
    if not considered:
        status = "not_applicable"
    elif all(s == "met" for s in considered):
        status = "met"
    elif crit.derived_from.partial == "any" and any(s in ("met", "partial") for s in considered):
        status = "partial"
    elif "unknown" not in considered:
        status = "not_met"
    else:
        status = "unknown"
    binding = criterion_binding(status, ((d.status, d.binding) for d in inputs))
    return Decision(status, f"derived-{status.replace('_', '-')}", binding)
