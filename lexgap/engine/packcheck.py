"""The cross-reference checks of a rule pack, one function per check.

`check_pack` reads a loaded KnowledgeBase (it never changes it) and returns the problems found together with
the parsed conditions (`Logic`) that the loader stores on the finished KnowledgeBase. Cycles are found with
graphlib; each is reported once, from its smallest id, as 'a → b → a' (a rests on b, which rests on a).
"""
from __future__ import annotations

import graphlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from . import conditions as cond
from .elements import ElementLogic, check_elements, limitation_nodes, party_id
from .models import YES_NO_VALUES, Concept, Criterion, Paragraph
from .validation import near
from .yamlio import Document

if TYPE_CHECKING:
    from .knowledge import KnowledgeBase

Path_ = tuple[Any, ...]


@dataclass
class CriterionLogic:
    """A criterion's own parsed condition (its elements' conditions are in `element_logic`)."""

    applies: cond.Node | None = None


@dataclass
class Sources:
    """Where each part of the pack was read from, so that every problem names its file, line and column."""

    pack: Document
    paragraphs: list[tuple[Paragraph, Document]]
    concepts: list[tuple[Concept, Document, Path_]]
    consistency: Document
    packages: Document
    questionnaire: Document
    modalities: Document


@dataclass(kw_only=True)
class Logic:
    """The parsed conditions of a checked pack; KnowledgeBase extends it, so the fields are declared once."""

    logic: dict[str, CriterionLogic] = field(default_factory=dict)
    concept_logic: dict[str, cond.Node] = field(default_factory=dict)
    concept_order: list[str] = field(default_factory=list)
    warning_logic: dict[str, cond.Node] = field(default_factory=dict)
    party_logic: dict[str, cond.Node] = field(default_factory=dict)
    show_if: dict[str, cond.Node] = field(default_factory=dict)
    element_logic: dict[str, ElementLogic] = field(default_factory=dict)
    limitation_logic: dict[str, list[cond.Node | None]] = field(default_factory=dict)


@dataclass
class Check:
    """What the checks share: the pack (read-only), its sources, the problems and the parsed conditions."""

    kb: KnowledgeBase
    src: Sources
    draft: bool
    problems: list[Problem] = field(default_factory=list)
    out: Logic = field(default_factory=Logic)
    read_questions: set[str] = field(default_factory=set)

    def add(self, doc: Document, path: Path_, message: str, hint: str = "") -> None:
        self.problems.append(doc.problem(path, message, hint))

    def question_at(self, index: int, path: Path_, message: str, hint: str = "") -> None:
        self.add(self.src.questionnaire, ("questions", index) + path, message, hint)

    def parse(self, doc: Document, path: Path_, text: str, *, allow_status: bool = False,
              allow_concepts: bool = True) -> cond.Node | None:
        """Parse a condition and check every name it uses; None (and problems) when it is wrong."""
        try:
            node = cond.parse(text)
        except cond.ConditionError as exc:
            self.add(doc, path, f"the condition does not parse: {exc} (at character {exc.offset + 1} of "
                                f"'{text}')", "see docs/conditions.md for the condition language")
            return None
        ok = all([self.check_atom(doc, path, atom, allow_status, allow_concepts) for atom in cond.atoms(node)])
        if not ok:
            return None
        self.read_questions.update(cond.questions(node))
        return node

    def check_atom(self, doc: Document, path: Path_, atom: cond.Atom, allow_status: bool, allow_concepts: bool
                   ) -> bool:
        questions = self.kb.questions
        if isinstance(atom, cond.ConceptRef):
            if atom.concept in questions:
                self.add(doc, path, f"'{atom.concept}' is a question, used here without a comparison",
                         f"write {atom.concept} == \"yes\" (or the value you mean)")
                return False
            if not allow_concepts:
                self.add(doc, path, f"'{atom.concept}' in the condition: concepts cannot be used here",
                         "a show_if condition reads only the answers to other questions")
                return False
            if atom.concept not in self.kb.concepts:
                self.add(doc, path, f"'{atom.concept}' in the condition: no such concept",
                         near(atom.concept, list(self.kb.concepts) + list(questions))
                         or "define it in concepts.yaml or correct the name")
                return False
            return True
        if isinstance(atom, cond.Status):
            if not allow_status:
                self.add(doc, path, "status(...) can only be used in consistency rules",
                         "use derived_from to build a criterion on other criteria")
                return False
            if atom.criterion not in self.kb.criteria:
                self.add(doc, path, f"status({atom.criterion}): no such criterion", "correct the id")
                return False
            return True
        return self.check_comparison(doc, path, atom)

    def check_comparison(self, doc: Document, path: Path_, atom: cond.Compare | cond.InSet | cond.Has | cond.Answered
                         ) -> bool:
        """A test on a question's answer: the question exists and the value is one it can take."""
        q = self.kb.questions.get(atom.question)
        if q is None:
            self.add(doc, path, f"the condition reads question '{atom.question}', which is not in the "
                                "questionnaire", near(atom.question, self.kb.questions) or
                     "add the question to the questionnaire or correct the id")
            return False
        if isinstance(atom, cond.Answered):
            return True
        if isinstance(atom, cond.Has):
            values: tuple[Any, ...] = (atom.value,)
            if q.type != "multiple_choice":
                self.add(doc, path, f"'has' applies to multiple-choice questions; '{q.id}' is {q.type}",
                         "compare with == instead")
                return False
        elif q.type == "multiple_choice":
            self.add(doc, path, f"'{q.id}' is a multiple-choice question: test it with 'has'",
                     f"write {q.id} has \"option\"")
            return False
        elif isinstance(atom, cond.InSet):
            values = atom.values
        else:
            values = (atom.value,)
            if atom.op in (">=", "<=", ">", "<") and q.type != "number":
                self.add(doc, path, f"'{atom.op}' compares numbers; '{q.id}' is {q.type}", "use == or in")
                return False
        allowed: tuple[Any, ...] | None
        if q.type == "yes_no":
            allowed = tuple(v for v in YES_NO_VALUES if v != "unknown")
        elif q.type in ("single_choice", "multiple_choice"):
            allowed = tuple(o.value for o in q.options)
        else:
            allowed = None
        for value in values:
            if q.type == "number" and not isinstance(value, (int, float)):
                self.add(doc, path, f"'{q.id}' is a number question; {value!r} is text", "compare with a number")
                return False
            if allowed is not None and value not in allowed:
                self.add(doc, path, f"'{q.id}' can never be {value!r}: its answers are {', '.join(allowed)}",
                         "use one of the question's answer values (the condition could never hold)")
                return False
        return True

    def unique(self, doc: Document, items: list[Any], base: Path_, what: str,
               seen: dict[str, str] | None = None) -> None:
        seen = {} if seen is None else seen
        for i, item in enumerate(items):
            if item.id in seen:
                self.add(doc, base + (i, "id"), f"duplicate {what} id '{item.id}' (also in {seen[item.id]})",
                         "give each a permanent, unique id")
            else:
                seen[item.id] = doc.file

    def reference(self, doc: Document, path: Path_, instrument: str, article: str) -> None:
        inst = self.kb.instruments.get(instrument)
        if inst is None:
            self.add(doc, path + ("instrument",), f"unknown instrument '{instrument}'",
                     near(instrument, self.kb.instruments) or "add it to the catalogue in pack.yaml")
        elif article not in {a.ref for a in inst.articles}:
            self.add(doc, path + ("article",), f"article '{article}' of {instrument} is not in the catalogue",
                     near(article, [a.ref for a in inst.articles]) or f"add it under {instrument} in pack.yaml")


def cycles(graph: Mapping[str, Iterable[str]]) -> tuple[list[str], list[list[str]]]:
    """A dependency order of `graph` (node → the nodes it rests on) and every cycle found, each as
    [a, b, ..., a] starting from its smallest node.

    The order is deterministic and independent of how the pack files list things: depth first over sorted
    ids, each node after the nodes it rests on (the order the compiled CLIPS rules are written in)."""
    edges = {node: set(deps) & set(graph) for node, deps in graph.items()}
    found: list[list[str]] = []
    while True:
        try:
            graphlib.TopologicalSorter(edges).prepare()
            break
        except graphlib.CycleError as exc:
            loop = list(reversed(exc.args[1][:-1]))  # graphlib lists each node before the one resting on it
            start = loop.index(min(loop))
            loop = loop[start:] + loop[:start]
            found.append(loop + [loop[0]])
            edges[loop[-1]].discard(loop[0])  # break this cycle and look for the next one
    order: list[str] = []
    placed: set[str] = set()
    for root in sorted(edges):
        if root in placed:
            continue
        stack = [(root, iter(sorted(edges[root])))]
        placed.add(root)
        while stack:
            node, deps = stack[-1]
            nxt = next((d for d in deps if d not in placed), None)
            if nxt is None:
                stack.pop()
                order.append(node)
            else:
                placed.add(nxt)
                stack.append((nxt, iter(sorted(edges[nxt]))))
    return order, sorted(found)


# -- the checks, in the order they run --

def check_instruments(c: Check) -> None:
    """Instrument ids are unique, and no article is listed twice."""
    doc = c.src.pack
    c.unique(doc, c.kb.pack.instruments, ("instruments",), "instrument")
    for i, inst in enumerate(c.kb.pack.instruments):
        refs = [a.ref for a in inst.articles]
        for j, ref in enumerate(refs):
            if ref in refs[:j]:
                c.add(doc, ("instruments", i, "articles", j, "ref"),
                      f"article '{ref}' of {inst.id} is listed twice", "keep one entry")


def check_questions(c: Check) -> None:
    """The questionnaire belongs to the pack; ids and numbers are unique; sections, paragraphs, options
    and references exist."""
    doc, qn = c.src.questionnaire, c.kb.questionnaire
    if qn.pack != c.kb.pack.id:
        c.add(doc, ("pack",), f"the questionnaire is for pack '{qn.pack}', not '{c.kb.pack.id}'",
              "use the questionnaire that belongs to this pack")
    sections = {s.id for s in qn.sections}
    ids: dict[str, str] = {}
    numbers: dict[str, str] = {}
    paragraphs = {p.paragraph for p, _ in c.src.paragraphs}
    for i, q in enumerate(qn.questions):
        if q.id in ids:
            c.question_at(i, ("id",), f"duplicate question id '{q.id}' (also in {ids[q.id]})",
                          "give each question a permanent, unique id")
        ids.setdefault(q.id, doc.file)
        if q.section not in sections:
            c.question_at(i, ("section",), f"unknown section '{q.section}'",
                          near(q.section, sections) or f"sections are: {', '.join(sorted(sections))}")
        if q.number in numbers:
            c.question_at(i, ("number",), f"question number {q.number} is also used by {numbers[q.number]}",
                          "give each question its own printed number")
        numbers.setdefault(q.number, q.id)
        for p in q.paragraphs:
            if p not in paragraphs and not c.draft:
                c.question_at(i, ("paragraphs",), f"paragraph {p} does not exist in the pack", "")
        if q.type in ("single_choice", "multiple_choice") and len(q.options) < 2:
            c.question_at(i, ("options",), f"a {q.type} question needs at least two options", "")
        if q.type not in ("single_choice", "multiple_choice") and q.options:
            c.question_at(i, ("options",), f"a {q.type} question takes no options",
                          "remove the options or change the type")
        values = [o.value for o in q.options]
        if "unknown" in values or len(set(values)) != len(values):
            c.question_at(i, ("options",), "option values must be unique and not 'unknown'",
                          "'unknown' is always available as an answer")
        for j, ref in enumerate(q.references):
            c.reference(doc, ("questions", i, "references", j), ref.instrument, ref.article)


def check_show_if(c: Check) -> None:
    """show_if conditions parse, read only questions, and no question depends on itself."""
    for i, q in enumerate(c.kb.questionnaire.questions):
        if q.show_if:
            node = c.parse(c.src.questionnaire, ("questions", i, "show_if"), q.show_if, allow_concepts=False)
            if node is not None:
                c.out.show_if[q.id] = node
                if q.id in cond.questions(node):
                    c.question_at(i, ("show_if",), "a question cannot depend on itself",
                                  "make it depend on the answers to other questions")
    c.read_questions.clear()  # show_if conditions do not count as serving a criterion


def check_concepts(c: Check) -> None:
    """Concept ids are unique and distinct from question ids, and their conditions are sound."""
    seen: dict[str, str] = {}
    for concept, doc, path in c.src.concepts:
        if concept.id in seen:
            c.add(doc, path + ("id",), f"duplicate concept id '{concept.id}' (also in {seen[concept.id]})",
                  "give each concept a unique id")
        seen.setdefault(concept.id, doc.file)
        if concept.id in c.kb.questions:
            c.add(doc, path + ("id",), f"'{concept.id}' is also a question id", "rename the concept")
        where = path if path[-1] == "party_when" else path + ("when",)
        node = c.parse(doc, where, concept.when)
        if node is not None:
            c.out.concept_logic[concept.id] = node
    for inst in c.kb.pack.instruments:
        name = party_id(inst.id)
        if name in c.out.concept_logic:
            c.out.party_logic[inst.id] = c.out.concept_logic[name]


def check_concept_cycles(c: Check) -> None:
    """No concept rests on itself, directly or through others; sets the order concepts are decided in."""
    order, found = cycles({cid: cond.concepts(node) for cid, node in c.out.concept_logic.items()})
    for loop in found:
        _, doc, path = next(src for src in c.src.concepts if src[0].id == loop[0])
        c.add(doc, path + ("when",), f"concepts depend on each other in a cycle: {' → '.join(loop)}",
              "break the cycle: a concept cannot rest on itself")
    c.out.concept_order = order


def check_paragraph_set(c: Check) -> None:
    """A complete pack covers every operative paragraph of the resolution once."""
    numbers = [p.paragraph for p, _ in c.src.paragraphs]
    expected = list(range(1, c.kb.pack.resolution.operative_paragraphs + 1))
    if sorted(numbers) != expected and not c.draft:
        missing = sorted(set(expected) - set(numbers))
        extra = sorted(n for n in set(numbers) if n not in expected or numbers.count(n) > 1)
        c.problems.append(Problem(str(c.kb.root / "paragraphs"),
                                  f"the pack must cover operative paragraphs 1–{expected[-1]} once each "
                                  f"(missing: {missing or 'none'}; extra or repeated: {extra or 'none'})",
                                  "add or rename paragraph files"))


def check_criteria(c: Check) -> None:
    """Criterion ids are unique across paragraphs, and each criterion is sound (check_criterion)."""
    seen: dict[str, str] = {}
    for para, doc in c.src.paragraphs:
        c.unique(doc, para.criteria, ("criteria",), "criterion", seen)
        for i, crit in enumerate(para.criteria):
            check_criterion(c, doc, ("criteria", i), para, crit)


def check_criterion(c: Check, doc: Document, path: Path_, para: Paragraph, crit: Criterion) -> None:
    """One criterion: its id, elements (lexgap/engine/elements.py), limitations and links to other criteria."""
    if not crit.id.startswith(f"P{para.paragraph:02d}."):
        c.add(doc, path + ("id",), f"criterion {crit.id} is in the file of paragraph {para.paragraph}",
              f"criterion ids of this paragraph start with P{para.paragraph:02d}.")
    logic = CriterionLogic()
    if crit.applies_when:
        logic.applies = c.parse(doc, path + ("applies_when",), crit.applies_when)
        if not crit.statements.not_applicable:
            c.add(doc, path + ("statements",), "the criterion has applies_when but no 'not_applicable' "
                  "statement", "add statements.not_applicable")
    c.out.element_logic.update(check_elements(c, doc, path, crit, logic.applies))
    c.out.limitation_logic[crit.id] = limitation_nodes(c, doc, path, crit)
    if crit.derived_from:
        for j, other in enumerate(crit.derived_from.criteria):
            target = c.kb.criteria.get(other)
            if target is None:
                c.add(doc, path + ("derived_from", "criteria", j), f"no such criterion '{other}'", "")
            elif target.derived_from is not None:
                c.add(doc, path + ("derived_from", "criteria", j),
                      f"'{other}' is itself derived; derive only from criteria decided by answers", "")
    for j, dep in enumerate(crit.recommendation.depends_on):
        if dep not in c.kb.criteria or dep == crit.id:
            c.add(doc, path + ("recommendation", "depends_on", j), f"depends on unknown criterion '{dep}'"
                  if dep != crit.id else "a criterion cannot depend on itself", "correct the id")
    c.out.logic[crit.id] = logic


def check_reform_order(c: Check) -> None:
    """The depends_on links between criteria' recommendations never loop."""
    graph = {cid: [d for d in crit.recommendation.depends_on if d in c.kb.criteria and d != cid]
             for cid, crit in c.kb.criteria.items()}
    for loop in cycles(graph)[1]:
        doc = next(doc for para, doc in c.src.paragraphs if any(x.id == loop[0] for x in para.criteria))
        c.problems.append(doc.problem(("criteria",), f"the reform order has a cycle: {' → '.join(loop)}",
                                      "remove one depends_on link"))


def check_consistency(c: Check) -> None:
    """Consistency rule ids are unique and their conditions sound."""
    doc = c.src.consistency
    c.unique(doc, c.kb.consistency, ("rules",), "consistency rule")
    for i, rule in enumerate(c.kb.consistency):
        node = c.parse(doc, ("rules", i, "when"), rule.when, allow_status=True)
        if node is not None:
            c.out.warning_logic[rule.id] = node


def package_owner(kb: KnowledgeBase) -> dict[str, str]:
    """The reform package of each criterion that has one (the first, when a criterion is listed twice)."""
    owner: dict[str, str] = {}
    for pkg in kb.packages:
        for cid in pkg.criteria:
            if cid in kb.criteria:
                owner.setdefault(cid, pkg.id)
    return owner


def check_packages(c: Check) -> None:
    """Package ids are unique; each criterion exists and is in one package at most."""
    doc = c.src.packages
    c.unique(doc, c.kb.packages, ("packages",), "package")
    owner: dict[str, str] = {}
    for i, pkg in enumerate(c.kb.packages):
        for j, cid in enumerate(pkg.criteria):
            if cid not in c.kb.criteria:
                c.add(doc, ("packages", i, "criteria", j), f"no such criterion '{cid}'", "correct the id")
            elif cid in owner:
                c.add(doc, ("packages", i, "criteria", j), f"criterion {cid} is already in package {owner[cid]}",
                      "a criterion belongs to one reform package at most; remove it from one of them")
            else:
                owner[cid] = pkg.id


def check_modalities(c: Check) -> None:
    """Modality ids are unique, and every recommendation and package names one of them."""
    doc = c.src.modalities
    c.unique(doc, c.kb.modalities, ("modalities",), "modality")
    known = list(dict.fromkeys(m.id for m in c.kb.modalities))
    hint = f"use one of the ids in modalities.yaml: {', '.join(known)}"
    for para, pdoc in c.src.paragraphs:
        for i, crit in enumerate(para.criteria):
            if crit.recommendation.modality not in known:
                c.add(pdoc, ("criteria", i, "recommendation", "modality"),
                      f"unknown modality '{crit.recommendation.modality}'",
                      near(crit.recommendation.modality, known) or hint)
    for i, pkg in enumerate(c.kb.packages):
        if pkg.modality not in known:
            c.add(c.src.packages, ("packages", i, "modality"), f"unknown modality '{pkg.modality}'",
                  near(pkg.modality, known) or hint)


def check_package_order(c: Check) -> None:
    """Packages are reformed in the order of their criteria's dependencies, so those must not loop."""
    owner = package_owner(c.kb)
    after: dict[str, set[str]] = {p.id: set() for p in c.kb.packages}
    for cid, pid in owner.items():
        for dep in c.kb.criteria[cid].recommendation.depends_on:
            if owner.get(dep) not in (None, pid):
                after[pid].add(owner[dep])
    for loop in cycles(after)[1]:
        i = next(k for k, p in enumerate(c.kb.packages) if p.id == loop[-2])
        c.add(c.src.packages, ("packages", i, "criteria"),
              f"reform packages depend on each other in a loop: {' → '.join(loop)}",
              "move the criterion that closes the loop to another package, or out of packages")


def check_unread_questions(c: Check) -> None:
    """In a complete pack, every question is read by some criterion, concept or consistency rule."""
    if c.draft:
        return
    for i, q in enumerate(c.kb.questionnaire.questions):
        if q.id not in c.read_questions:
            c.question_at(i, ("id",), f"no criterion, concept or rule reads question '{q.id}'",
                          "use it in a condition, or remove it from the questionnaire")


CHECKS: list[Callable[[Check], None]] = [
    check_instruments, check_questions, check_show_if, check_concepts, check_concept_cycles,
    check_paragraph_set, check_criteria, check_reform_order, check_consistency, check_packages,
    check_package_order, check_modalities, check_unread_questions,
]


def check_pack(kb: KnowledgeBase, sources: Sources, draft: bool = False) -> tuple[list[Problem], Logic]:
    """Every cross-reference problem of a loaded pack, and its parsed conditions. `kb` is not changed."""
    c = Check(kb, sources, draft)
    for check in CHECKS:
        check(c)
    return c.problems, c.out
