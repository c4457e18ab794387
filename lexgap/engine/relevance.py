"""Which questions apply and which still matter: one home for show_if and for the questions that can still
change a finding, shared by the engine's builder, the terminal interview and the web app.

A question applies when its show_if condition holds over the answers known so far ('unknown' and empty
answers are not known). An answered question whose show_if is false is set aside: the engine does not
evaluate its answer, and the builder reports it. A question still matters when its answer can change a
finding (its outcome or binding status) or a consistency warning: some condition that reads it, directly or
through a concept, is undecided and the question is among the atoms that would settle it. Conditions use
three-valued logic, which is monotone, so a question that no longer matters never will again.
"""
from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from . import conditions as cond
from .models import AnswersFile, Question

if TYPE_CHECKING:
    from .assessment import Assessment
    from .knowledge import KnowledgeBase


def known_facts(values: dict[str, Any]) -> cond.Facts:
    """Facts made of the known answers alone (no concepts or outcomes yet)."""
    return cond.Facts({q: v for q, v in values.items() if v is not None and v != "unknown"}, {}, {})


def applies(kb: KnowledgeBase, question_id: str, facts: cond.Facts) -> bool | None:
    """True when the question has no show_if or it holds; False when it fails; None while undecided."""
    node = kb.show_if.get(question_id)
    return True if node is None else cond.evaluate(node, facts)


def controlling(kb: KnowledgeBase, question_id: str) -> list[str]:
    """The ids of the questions whose answers decide whether this question applies, sorted."""
    node = kb.show_if.get(question_id)
    return [] if node is None else sorted(cond.questions(node))


def applicable(kb: KnowledgeBase, values: dict[str, object]) -> tuple[dict[str, object], dict[str, list[str]]]:
    """The known answers to questions that apply given the other answers, and those set aside
    (question id -> the questions whose answers hide it)."""
    facts = known_facts(values)
    known = facts.answers
    hidden = {q: controlling(kb, q) for q in known if applies(kb, q, facts) is False}
    return {q: v for q, v in known.items() if q not in hidden}, hidden


def facts_of(kb: KnowledgeBase, values: dict[str, Any], assessment: Assessment) -> cond.Facts:
    """The facts conditions are evaluated on: the applicable answers, and the assessment's conclusions."""
    known, _hidden = applicable(kb, values)
    return cond.Facts(known, {c.id: c.value for c in assessment.concepts},
                      {f.criterion: f.status for f in assessment.findings})


def _collect(kb: KnowledgeBase, node: cond.Node | None, facts: cond.Facts, out: set[str], seen: set[str]) -> None:
    """Add the unanswered questions that could still decide `node` (when it is undecided)."""
    if node is None:
        return
    for atom in cond.atoms(node):  # answered(q) flips when q is answered: never settled while q is open
        if isinstance(atom, cond.Answered) and atom.question not in facts.answers:
            out.add(atom.question)
    if cond.evaluate(node, facts) is not None:
        return
    for atom in cond.deciding_atoms(node, facts):
        if isinstance(atom, cond.ConceptRef):
            if atom.concept not in seen and facts.concepts.get(atom.concept) is None:
                seen.add(atom.concept)
                _collect(kb, kb.concept_logic.get(atom.concept), facts, out, seen)
        elif isinstance(atom, cond.Status):
            continue  # the criterion it reads is examined on its own
        elif atom.question not in facts.answers:
            out.add(atom.question)


def open_questions(kb: KnowledgeBase, facts: cond.Facts) -> set[str]:
    """Questions whose answer can still change a finding (an element's outcome or binding status) or a
    warning."""
    out: set[str] = set()
    for logic in kb.element_logic.values():
        seen: set[str] = set()
        applies_now = cond.evaluate(logic.applies, facts) if logic.applies is not None else True
        if applies_now is False:
            continue
        _collect(kb, logic.applies, facts, out, seen)
        met = cond.evaluate(logic.met, facts) if logic.met is not None else None
        _collect(kb, logic.met, facts, out, seen)
        if logic.partial is not None and met is not True:
            _collect(kb, logic.partial, facts, out, seen)
        for instrument, unless in logic.binds:
            party = kb.party_logic.get(instrument)
            if party is None:
                continue
            _collect(kb, party, facts, out, seen)
            if cond.evaluate(party, facts) is not False:
                _collect(kb, unless, facts, out, seen)
    for cid, crit in kb.criteria.items():
        criterion_applies = kb.logic[cid].applies
        if crit.derived_from is not None and criterion_applies is not None:
            _collect(kb, criterion_applies, facts, out, set())
    for node in kb.warning_logic.values():
        _collect(kb, node, facts, out, set())
    return out


def shown(kb: KnowledgeBase, q: Question, facts: cond.Facts) -> bool:
    """Whether the question applies given the answers so far (its show_if holds)."""
    return applies(kb, q.id, facts) is True


def pending(kb: KnowledgeBase, answers: AnswersFile, assessment: Assessment, skipped: AbstractSet[str] = frozenset()
            ) -> list[Question]:
    """The questions still to ask, in printed order."""
    facts = facts_of(kb, {q: a.value for q, a in answers.answers.items()}, assessment)
    relevant = open_questions(kb, facts)
    return [q for q in kb.questionnaire.questions
            if q.id not in answers.answers and q.id not in skipped and q.id in relevant and shown(kb, q, facts)]
