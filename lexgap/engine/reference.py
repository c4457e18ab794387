"""A plain-Python evaluator of the pack's conditions: the reference the CLIPS engine is checked against.

It applies the same three-valued semantics as the compiled rules (docs/conditions.md). The CLIPS engine
is what lexgap uses; this module exists to cross-check it, to explain findings at the level of single
conditions, and as the benchmark's baseline.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import conditions as cond
from .knowledge import KnowledgeBase
from .models import Criterion


@dataclass
class Decision:
    """How one criterion was decided."""

    status: str
    rule: str
    capped: bool = False
    binding: str = "recommended"


@dataclass
class Evaluation:
    """The outcome of evaluating a pack against one set of answers."""

    concepts: dict[str, bool | None] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def facts(self, answers: dict[str, object]) -> cond.Facts:
        return cond.Facts(answers, self.concepts, {k: d.status for k, d in self.decisions.items()})


def known_answers(values: dict[str, object]) -> dict[str, object]:
    """Drop unknown answers: for every condition, 'unknown' is the same as no answer."""
    return {q: v for q, v in values.items() if v is not None and v != "unknown"}


def evaluate(kb: KnowledgeBase, values: dict[str, object]) -> Evaluation:
    """Evaluate every concept, criterion and consistency rule of the pack for one set of answer values."""
    answers = known_answers(values)
    result = Evaluation()
    for concept_id in kb.concept_order:
        result.concepts[concept_id] = cond.evaluate(kb.concept_logic[concept_id], result.facts(answers))
    criteria = kb.criteria
    for cid, crit in criteria.items():
        if crit.derived_from is None:
            result.decisions[cid] = _decide(kb, crit, result.facts(answers))
    for cid, crit in criteria.items():
        if crit.derived_from is not None:
            result.decisions[cid] = _derive(kb, crit, result)
    for cid, crit in criteria.items():
        result.decisions[cid].binding = binding_status(kb, crit, result.facts(answers))
    facts = result.facts(answers)
    result.warnings = sorted(w for w, node in kb.warning_logic.items() if cond.evaluate(node, facts) is True)
    return result


def _decide(kb: KnowledgeBase, crit: Criterion, facts: cond.Facts) -> Decision:
    logic = kb.logic[crit.id]
    if logic.applies is not None:
        applies = cond.evaluate(logic.applies, facts)
        if applies is False:
            return Decision("not_applicable", "not-applicable")
        if applies is None:
            return Decision("unknown", "undecided")
    assert logic.met is not None  # a criterion decided by answers has met_when (checked by the loader)
    met = cond.evaluate(logic.met, facts)
    if met is True:
        if logic.cap is not None and cond.evaluate(logic.cap, facts) is False:
            return Decision("partial", "capped", capped=True)
        return Decision("met", "met")
    partial = cond.evaluate(logic.partial, facts) if logic.partial is not None else False
    if partial is True:
        return Decision("partial", "partial")
    if met is False and partial is False:
        return Decision("not_met", "not-met")
    return Decision("unknown", "undecided")


def _derive(kb: KnowledgeBase, crit: Criterion, result: Evaluation) -> Decision:
    logic = kb.logic[crit.id]
    facts = result.facts({})
    if logic.applies is not None:
        applies = cond.evaluate(logic.applies, facts)
        if applies is False:
            return Decision("not_applicable", "not-applicable")
        if applies is None:
            return Decision("unknown", "undecided")
    derivation = crit.derived_from
    assert derivation is not None
    statuses = [result.decisions[c].status for c in derivation.criteria]
    considered = [s for s in statuses if s != "not_applicable"]
    if not considered:
        return Decision("not_applicable", "derived-not-applicable")
    if all(s == "met" for s in considered):
        return Decision("met", "derived-met")
    if derivation.partial == "any" and any(s in ("met", "partial") for s in considered):
        return Decision("partial", "derived-partial")
    if "unknown" not in considered:
        return Decision("not_met", "derived-not-met")
    return Decision("unknown", "derived-undecided")


def binding_status(kb: KnowledgeBase, crit: Criterion, facts: cond.Facts) -> str:
    """'binding' if the State is party to an instrument that requires the criterion, 'recommended' if it
    is party to none, 'unknown' if its treaty status is not known."""
    if not crit.obligation.binding_for:
        return "recommended"
    party = cond.evaluate(cond.Or(tuple(kb.party_logic[i] for i in crit.obligation.binding_for)), facts)
    if party is None:
        return "unknown"
    if party is False:
        return "recommended"
    logic = kb.logic[crit.id]
    if logic.not_binding is not None and cond.evaluate(logic.not_binding, facts) is True:
        return "recommended"
    return "binding"
