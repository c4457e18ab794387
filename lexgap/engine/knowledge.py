"""Loading a rule pack and its questionnaire, with every cross-reference checked.

A pack folder holds pack.yaml, concepts.yaml, consistency.yaml, packages.yaml and paragraphs/Pnn.yaml.
Its questionnaire is lexgap/questionnaires/<id>.yaml (or questionnaire.yaml inside the pack folder).
All problems found are reported together, each with its file, line and column.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from ..errors import InputError, PackError, Problem
from . import conditions as cond
from .elements import ElementLogic, check_elements, element_id, limitation_nodes
from .models import (YES_NO_VALUES, Concept, ConceptFile, ConceptStatements, ConsistencyFile, Criterion, Element, Pack,
                     PackageFile, Paragraph, Questionnaire)
from .validation import near, validate
from .yamlio import Document, load

PACKAGE_DIR = Path(__file__).resolve().parent.parent
RULES_DIR = PACKAGE_DIR / "rules"
QUESTIONNAIRES_DIR = PACKAGE_DIR / "questionnaires"
DEFAULT_PACK = "res-74-174"


@dataclass
class CriterionLogic:
    """A criterion's own parsed condition (its elements' conditions are in `element_logic`)."""

    applies: cond.Node | None = None


@dataclass
class KnowledgeBase:
    """A validated rule pack with its questionnaire: what the engine compiles and the reports cite."""

    root: Path
    pack: Pack
    paragraphs: list[Paragraph]
    questionnaire: Questionnaire
    concepts: dict[str, Any]
    consistency: list[Any]
    packages: list[Any]
    content_hash: str
    logic: dict[str, CriterionLogic] = field(default_factory=dict)
    concept_logic: dict[str, cond.Node] = field(default_factory=dict)
    concept_order: list[str] = field(default_factory=list)
    warning_logic: dict[str, cond.Node] = field(default_factory=dict)
    party_logic: dict[str, cond.Node] = field(default_factory=dict)
    show_if: dict[str, cond.Node] = field(default_factory=dict)
    element_logic: dict[str, ElementLogic] = field(default_factory=dict)
    limitation_logic: dict[str, list[cond.Node | None]] = field(default_factory=dict)

    # The pack never changes once loaded, so these lookups are built once.
    @cached_property
    def criteria(self) -> dict[str, Criterion]:
        return {c.id: c for p in self.paragraphs for c in p.criteria}

    @cached_property
    def elements(self) -> dict[str, Element]:
        """Every element by its full id ('P01.04.possession'), in pack order."""
        return {element_id(c.id, e.id): e for p in self.paragraphs for c in p.criteria for e in c.elements}

    @cached_property
    def questions(self) -> dict[str, Any]:
        return {q.id: q for q in self.questionnaire.questions}

    @cached_property
    def instruments(self) -> dict[str, Any]:
        return {i.id: i for i in self.pack.instruments}

    @cached_property
    def _paragraph_by_criterion(self) -> dict[str, Paragraph]:
        return {c.id: p for p in self.paragraphs for c in p.criteria}

    def paragraph_of(self, criterion_id: str) -> Paragraph:
        return self._paragraph_by_criterion[criterion_id]


def resolve_pack_dir(pack: str | Path | None) -> Path:
    """A pack given as None (the bundled default), a bundled pack id, or a folder path."""
    if pack is None:
        return RULES_DIR / DEFAULT_PACK
    candidate = Path(pack)
    if candidate.is_dir():
        return candidate
    bundled = RULES_DIR / str(pack)
    if bundled.is_dir():
        return bundled
    available = sorted(p.name for p in RULES_DIR.iterdir() if (p / "pack.yaml").exists())
    raise PackError(Problem(str(pack), "no rule pack folder or bundled pack by this name",
                            f"give a folder that holds pack.yaml, or one of: {', '.join(available)}"))


def load_knowledge(pack: str | Path | None = None, draft: bool = False) -> KnowledgeBase:
    """Load and check a rule pack (default: the bundled pack for resolution 74/174).

    `draft` skips the completeness checks (every paragraph present, every question read) so that a pack
    can be checked while it is being written.
    """
    return _load_cached(resolve_pack_dir(pack), draft)


@lru_cache(maxsize=8)
def _load_cached(root: Path, draft: bool) -> KnowledgeBase:
    return _Loader(root, draft).run()


class _Loader:
    def __init__(self, root: Path, draft: bool):
        self.root = root
        self.draft = draft
        self.problems: list[Problem] = []
        self.docs: dict[str, Document] = {}
        self.digest = hashlib.sha256()

    def doc(self, path: Path, required: bool = True) -> Document | None:
        if not path.exists():
            if required:
                self.problems.append(Problem(str(path), "this file of the rule pack is missing",
                                             "restore it, or check that the folder is a complete rule pack"))
            return None
        try:
            doc = load(path)
        except InputError as exc:
            self.problems.extend(exc.problems)
            return None
        self.digest.update(str(path.relative_to(path.parents[1] if path.parent.name == "paragraphs" else path.parent)).encode())
        self.digest.update(path.read_bytes())
        self.docs[str(path)] = doc
        return doc

    def model(self, path: Path, model: type, required: bool = True) -> tuple[Any, Document | None]:
        doc = self.doc(path, required)
        if doc is None:
            return None, None
        value, problems = validate(doc, model)
        self.problems.extend(problems)
        return value, doc

    def run(self) -> KnowledgeBase:
        pack, pack_doc = self.model(self.root / "pack.yaml", Pack)
        if pack is None:
            raise PackError(self.problems)
        paragraphs: list[tuple[Paragraph, Document]] = []
        files = sorted((self.root / "paragraphs").glob("*.yaml"))
        if not files:
            self.problems.append(Problem(str(self.root / "paragraphs"), "the rule pack has no paragraph files",
                                         "add one YAML file per operative paragraph"))
        for path in files:
            para, doc = self.model(path, Paragraph)
            if para is not None:
                paragraphs.append((para, doc))
        concepts, concepts_doc = self.model(self.root / "concepts.yaml", ConceptFile)
        consistency, consistency_doc = self.model(self.root / "consistency.yaml", ConsistencyFile)
        packages, packages_doc = self.model(self.root / "packages.yaml", PackageFile)
        q_path = self.root / "questionnaire.yaml"
        if not q_path.exists():
            q_path = QUESTIONNAIRES_DIR / f"{pack.questionnaire}.yaml"
        questionnaire, q_doc = self.model(q_path, Questionnaire)
        q_locs = [(q_doc, i) for i in range(len(questionnaire.questions))] if questionnaire else []
        if self.problems:
            raise PackError(self.problems)
        paragraphs.sort(key=lambda pd: pd[0].paragraph)
        all_concepts = [(c, concepts_doc, ("concepts", i)) for i, c in enumerate(concepts.concepts)]
        for para, doc in paragraphs:
            all_concepts += [(c, doc, ("concepts", i)) for i, c in enumerate(para.concepts)]
        all_concepts += [(party_concept(inst), pack_doc, ("instruments", i, "party_when"))
                         for i, inst in enumerate(pack.instruments) if inst.party_when]
        kb = KnowledgeBase(
            root=self.root, pack=pack, paragraphs=[p for p, _ in paragraphs], questionnaire=questionnaire,
            concepts={c.id: c for c, _, _ in all_concepts}, consistency=list(consistency.rules),
            packages=list(packages.packages), content_hash=self.digest.hexdigest()[:16],
        )
        checker = _Checker(kb, pack_doc, paragraphs, all_concepts, consistency_doc, packages_doc, q_doc, q_locs)
        checker.draft = self.draft
        checker.check(self.problems)
        if self.problems:
            raise PackError(self.problems)
        return kb


def party_concept(instrument: Any) -> Concept:
    """The concept 'the State is party to X', made from an instrument's party_when condition."""
    return Concept(
        id=f"party_{instrument.id.lower().replace('-', '_')}",
        title=f"The State is bound by the {instrument.short_title}",
        when=instrument.party_when,
        statements=ConceptStatements(holds=f"The State is bound by the {instrument.short_title}.",
                                     fails=f"The State is not bound by the {instrument.short_title}."),
    )


class _Checker:
    """Cross-reference checks over a loaded pack; fills the KnowledgeBase's parsed conditions."""

    def __init__(self, kb: KnowledgeBase, pack_doc: Document, paragraphs: list[tuple[Paragraph, Document]],
                 concepts: list[tuple[Concept, Document, tuple[Any, ...]]], consistency_doc: Document,
                 packages_doc: Document, q_doc: Document, q_locs: list[tuple[Document, int]]):
        self.kb = kb
        self.pack_doc = pack_doc
        self.paragraphs = paragraphs
        self.concept_sources = concepts
        self.q_locs = q_locs
        self.consistency_doc = consistency_doc
        self.packages_doc = packages_doc
        self.q_doc = q_doc
        self.problems: list[Problem] = []
        self.read_questions: set[str] = set()
        self.draft = False

    def check(self, problems: list[Problem]) -> None:
        self.check_instruments()
        self.check_questionnaire()
        self.check_concepts()
        self.check_paragraphs()
        self.check_consistency()
        self.check_packages()
        self.check_unread_questions()
        problems.extend(self.problems)

    # -- helpers --

    def add(self, doc: Document, path: tuple[Any, ...], message: str, hint: str = "") -> None:
        self.problems.append(doc.problem(path, message, hint))

    def parse(self, doc: Document, path: tuple[Any, ...], text: str, *, allow_status: bool = False,
              allow_concepts: bool = True) -> cond.Node | None:
        try:
            node = cond.parse(text)
        except cond.ConditionError as exc:
            self.add(doc, path, f"the condition does not parse: {exc} (at character {exc.offset + 1} of "
                                f"'{text}')", "see docs/conditions.md for the condition language")
            return None
        ok = True
        questions = self.kb.questions
        for atom in cond.atoms(node):
            if isinstance(atom, cond.ConceptRef):
                if atom.concept in questions:
                    self.add(doc, path, f"'{atom.concept}' is a question, used here without a comparison",
                             f"write {atom.concept} == \"yes\" (or the value you mean)")
                    ok = False
                elif not allow_concepts or atom.concept not in self.kb.concepts:
                    what = "concepts cannot be used here" if not allow_concepts else "no such concept"
                    self.add(doc, path, f"'{atom.concept}' in the condition: {what}",
                             near(atom.concept, list(self.kb.concepts) + list(questions))
                             or "define it in concepts.yaml or correct the name")
                    ok = False
            elif isinstance(atom, cond.Status):
                if not allow_status:
                    self.add(doc, path, "status(...) can only be used in consistency rules",
                             "use derived_from to build a criterion on other criteria")
                    ok = False
                elif atom.criterion not in self.kb.criteria:
                    self.add(doc, path, f"status({atom.criterion}): no such criterion", "correct the id")
                    ok = False
            else:
                ok &= self.check_atom(doc, path, atom)
        if ok:
            self.read_questions.update(cond.questions(node))
            return node
        return None

    def check_atom(self, doc: Document, path: tuple[Any, ...], atom: cond.Atom) -> bool:
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

    def unique(self, doc: Document, items: list[Any], base: tuple[Any, ...], what: str,
               seen: dict[str, str] | None = None) -> None:
        seen = {} if seen is None else seen
        for i, item in enumerate(items):
            if item.id in seen:
                self.add(doc, base + (i, "id"), f"duplicate {what} id '{item.id}' (also in {seen[item.id]})",
                         "give each a permanent, unique id")
            else:
                seen[item.id] = doc.file

    # -- checks --

    def check_instruments(self) -> None:
        doc = self.pack_doc
        self.unique(doc, self.kb.pack.instruments, ("instruments",), "instrument")
        for i, inst in enumerate(self.kb.pack.instruments):
            refs = [a.ref for a in inst.articles]
            for j, ref in enumerate(refs):
                if ref in refs[:j]:
                    self.add(doc, ("instruments", i, "articles", j, "ref"),
                             f"article '{ref}' of {inst.id} is listed twice", "keep one entry")

    def qadd(self, index: int, path: tuple[Any, ...], message: str, hint: str = "") -> None:
        doc, i = self.q_locs[index]
        self.add(doc, ("questions", i) + path, message, hint)

    def check_questionnaire(self) -> None:
        doc, qn = self.q_doc, self.kb.questionnaire
        if qn.pack != self.kb.pack.id:
            self.add(doc, ("pack",), f"the questionnaire is for pack '{qn.pack}', not '{self.kb.pack.id}'",
                     "use the questionnaire that belongs to this pack")
        sections = {s.id for s in qn.sections}
        ids: dict[str, str] = {}
        numbers: dict[str, str] = {}
        paragraphs = {p.paragraph for p, _ in self.paragraphs}
        for i, q in enumerate(qn.questions):
            if q.id in ids:
                self.qadd(i, ("id",), f"duplicate question id '{q.id}' (also in {ids[q.id]})",
                          "give each question a permanent, unique id")
            ids.setdefault(q.id, self.q_locs[i][0].file)
            if q.section not in sections:
                self.qadd(i, ("section",), f"unknown section '{q.section}'",
                          near(q.section, sections) or f"sections are: {', '.join(sorted(sections))}")
            if q.number in numbers:
                self.qadd(i, ("number",), f"question number {q.number} is also used by {numbers[q.number]}",
                          "give each question its own printed number")
            numbers.setdefault(q.number, q.id)
            for p in q.paragraphs:
                if p not in paragraphs and not self.draft:
                    self.qadd(i, ("paragraphs",), f"paragraph {p} does not exist in the pack", "")
            if q.type in ("single_choice", "multiple_choice") and len(q.options) < 2:
                self.qadd(i, ("options",), f"a {q.type} question needs at least two options", "")
            if q.type not in ("single_choice", "multiple_choice") and q.options:
                self.qadd(i, ("options",), f"a {q.type} question takes no options",
                          "remove the options or change the type")
            values = [o.value for o in q.options]
            if "unknown" in values or len(set(values)) != len(values):
                self.qadd(i, ("options",), "option values must be unique and not 'unknown'",
                          "'unknown' is always available as an answer")
            qdoc, qi = self.q_locs[i]
            for j, ref in enumerate(q.references):
                self.check_reference(qdoc, ("questions", qi, "references", j), ref.instrument, ref.article)
        for i, q in enumerate(qn.questions):
            if q.show_if:
                qdoc, qi = self.q_locs[i]
                node = self.parse(qdoc, ("questions", qi, "show_if"), q.show_if, allow_concepts=False)
                if node is not None:
                    self.kb.show_if[q.id] = node
                    if q.id in cond.questions(node):
                        self.qadd(i, ("show_if",), "a question cannot depend on itself", "")
        self.read_questions.clear()  # show_if conditions do not count as serving a criterion

    def check_reference(self, doc: Document, path: tuple[Any, ...], instrument: str, article: str) -> None:
        inst = self.kb.instruments.get(instrument)
        if inst is None:
            self.add(doc, path + ("instrument",), f"unknown instrument '{instrument}'",
                     near(instrument, self.kb.instruments) or "add it to the catalogue in pack.yaml")
        elif article not in {a.ref for a in inst.articles}:
            self.add(doc, path + ("article",), f"article '{article}' of {instrument} is not in the catalogue",
                     near(article, [a.ref for a in inst.articles]) or f"add it under {instrument} in pack.yaml")

    def check_concepts(self) -> None:
        seen: dict[str, str] = {}
        for concept, doc, path in self.concept_sources:
            if concept.id in seen:
                self.add(doc, path + ("id",), f"duplicate concept id '{concept.id}' (also in {seen[concept.id]})",
                         "give each concept a unique id")
            seen.setdefault(concept.id, doc.file)
            if concept.id in self.kb.questions:
                self.add(doc, path + ("id",), f"'{concept.id}' is also a question id", "rename the concept")
            where = path if path[-1] == "party_when" else path + ("when",)
            node = self.parse(doc, where, concept.when)
            if node is not None:
                self.kb.concept_logic[concept.id] = node
        for inst in self.kb.pack.instruments:
            name = f"party_{inst.id.lower().replace('-', '_')}"
            if name in self.kb.concept_logic:
                self.kb.party_logic[inst.id] = self.kb.concept_logic[name]
        self.kb.concept_order = self.order_concepts()

    def order_concepts(self) -> list[str]:
        deps = {c: cond.concepts(n) for c, n in self.kb.concept_logic.items()}
        order: list[str] = []
        state: dict[str, int] = {}

        def visit(c: str, trail: list[str]) -> None:
            if state.get(c) == 2:
                return
            if state.get(c) == 1:
                cycle = trail[trail.index(c):] + [c]
                _, doc, path = next(src for src in self.concept_sources if src[0].id == c)
                self.add(doc, path + ("when",), "concepts depend on each other in a cycle: "
                         f"{' → '.join(cycle)}", "break the cycle: a concept cannot rest on itself")
                return
            state[c] = 1
            for d in sorted(deps.get(c, ())):
                visit(d, trail + [c])
            state[c] = 2
            order.append(c)

        for c in sorted(deps):
            visit(c, [])
        return order

    def check_paragraphs(self) -> None:
        seen: dict[str, str] = {}
        numbers = [p.paragraph for p, _ in self.paragraphs]
        expected = list(range(1, self.kb.pack.resolution.operative_paragraphs + 1))
        if sorted(numbers) != expected and not self.draft:
            missing = sorted(set(expected) - set(numbers))
            extra = sorted(n for n in set(numbers) if n not in expected or numbers.count(n) > 1)
            self.problems.append(Problem(str(self.kb.root / "paragraphs"),
                                         f"the pack must cover operative paragraphs 1–{expected[-1]} once each "
                                         f"(missing: {missing or 'none'}; extra or repeated: {extra or 'none'})",
                                         "add or rename paragraph files"))
        for para, doc in self.paragraphs:
            self.unique(doc, para.criteria, ("criteria",), "criterion", seen)
            for i, crit in enumerate(para.criteria):
                self.check_criterion(doc, ("criteria", i), para, crit)
        self.check_depends_cycles()

    def check_criterion(self, doc: Document, path: tuple[Any, ...], para: Paragraph, crit: Criterion) -> None:
        if not crit.id.startswith(f"P{para.paragraph:02d}."):
            self.add(doc, path + ("id",), f"criterion {crit.id} is in the file of paragraph {para.paragraph}",
                     f"criterion ids of this paragraph start with P{para.paragraph:02d}.")
        logic = CriterionLogic()
        if crit.applies_when:
            logic.applies = self.parse(doc, path + ("applies_when",), crit.applies_when)
            if not crit.statements.not_applicable:
                self.add(doc, path + ("statements",), "the criterion has applies_when but no "
                         "'not_applicable' statement", "add statements.not_applicable")
        self.kb.element_logic.update(check_elements(self, doc, path, crit, logic.applies))
        self.kb.limitation_logic[crit.id] = limitation_nodes(self, doc, path, crit)
        if crit.derived_from:
            for j, other in enumerate(crit.derived_from.criteria):
                target = self.kb.criteria.get(other)
                if target is None:
                    self.add(doc, path + ("derived_from", "criteria", j), f"no such criterion '{other}'", "")
                elif target.derived_from is not None:
                    self.add(doc, path + ("derived_from", "criteria", j),
                             f"'{other}' is itself derived; derive only from criteria decided by answers", "")
        for j, dep in enumerate(crit.recommendation.depends_on):
            if dep not in self.kb.criteria or dep == crit.id:
                self.add(doc, path + ("recommendation", "depends_on", j), f"depends on unknown criterion '{dep}'"
                         if dep != crit.id else "a criterion cannot depend on itself", "correct the id")
        self.kb.logic[crit.id] = logic

    def check_depends_cycles(self) -> None:
        graph = {cid: [d for d in c.recommendation.depends_on if d in self.kb.criteria]
                 for cid, c in self.kb.criteria.items()}
        state: dict[str, int] = {}

        def visit(c: str, trail: list[str]) -> None:
            if state.get(c) == 2:
                return
            if state.get(c) == 1:
                cycle = trail[trail.index(c):] + [c]
                para_doc = self.doc_of(c)
                self.problems.append(para_doc.problem(("criteria",), "the reform order has a cycle: "
                                     f"{' → '.join(cycle)}", "remove one depends_on link"))
                return
            state[c] = 1
            for d in graph[c]:
                visit(d, trail + [c])
            state[c] = 2

        for c in sorted(graph):
            visit(c, [])

    def doc_of(self, criterion_id: str) -> Document:
        return next(doc for para, doc in self.paragraphs if any(c.id == criterion_id for c in para.criteria))

    def check_consistency(self) -> None:
        doc = self.consistency_doc
        self.unique(doc, self.kb.consistency, ("rules",), "consistency rule")
        for i, rule in enumerate(self.kb.consistency):
            node = self.parse(doc, ("rules", i, "when"), rule.when, allow_status=True)
            if node is not None:
                self.kb.warning_logic[rule.id] = node

    def check_packages(self) -> None:
        doc = self.packages_doc
        self.unique(doc, self.kb.packages, ("packages",), "package")
        owner: dict[str, str] = {}
        for i, pkg in enumerate(self.kb.packages):
            for j, cid in enumerate(pkg.criteria):
                if cid not in self.kb.criteria:
                    self.add(doc, ("packages", i, "criteria", j), f"no such criterion '{cid}'", "correct the id")
                elif cid in owner:
                    self.add(doc, ("packages", i, "criteria", j),
                             f"criterion {cid} is already in package {owner[cid]}",
                             "a criterion belongs to one reform package at most; remove it from one of them")
                else:
                    owner[cid] = pkg.id
        self.check_package_order(owner)

    def check_package_order(self, owner: dict[str, str]) -> None:
        """Packages are reformed in the order of their criteria's dependencies, so those must not loop."""
        after: dict[str, set[str]] = {p.id: set() for p in self.kb.packages}
        for cid, pid in owner.items():
            for dep in self.kb.criteria[cid].recommendation.depends_on:
                if owner.get(dep) not in (None, pid):
                    after[pid].add(owner[dep])
        state: dict[str, int] = {}

        def visit(pid: str, path: list[str]) -> None:
            state[pid] = 1
            for nxt in sorted(after[pid]):
                if state.get(nxt) == 1:
                    cycle = " → ".join(path[path.index(nxt):] + [nxt]) if nxt in path else f"{pid} → {nxt}"
                    i = next(k for k, p in enumerate(self.kb.packages) if p.id == pid)
                    self.add(self.packages_doc, ("packages", i, "criteria"),
                             f"reform packages depend on each other in a loop: {cycle}",
                             "move the criterion that closes the loop to another package, or out of packages")
                elif nxt not in state:
                    visit(nxt, path + [nxt])
            state[pid] = 2

        for pid in sorted(after):
            if pid not in state:
                visit(pid, [pid])

    def check_unread_questions(self) -> None:
        if self.draft:
            return
        for i, q in enumerate(self.kb.questionnaire.questions):
            if q.id not in self.read_questions:
                self.qadd(i, ("id",), f"no criterion, concept or rule reads question '{q.id}'",
                          "use it in a condition, or remove it from the questionnaire")
