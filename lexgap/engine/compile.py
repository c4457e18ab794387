"""Compiling a rule pack into CLIPS constructs, one module per phase.

    MAIN         templates and the pack's static facts (reform order, package membership)
    CONCEPTS     treaty status and other concepts, chained on answers and on each other
    ELEMENTS     one rule per way an element can be met, partially met, not met or not applicable,
                 a fallback that marks the rest unknown; and whether each element binds the State
    CRITERIA     a criterion's status and binding status from its elements (one set of generic rules:
                 the rule written in lexgap/engine/elements.py)
    DERIVED      criteria built on other criteria
    RECOMMEND    gaps, which gaps block others, which reform packages are open
    CONSISTENCY  warnings about contradictory or risky combinations

Each condition is compiled twice, for when it is true and when it is false (conditions.dnf), so an
unanswered question matches neither and stays unknown. Every derived fact is asserted under `logical`
support and names the rule that derived it; the questions, concepts and findings each rule matches are
recorded as the rule is written (`Compiled.support`): that is the explanation the reports show.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import conditions as cond
from .elements import party_id
from .knowledge import KnowledgeBase

MODULES = ("CONCEPTS", "ELEMENTS", "CRITERIA", "DERIVED", "RECOMMEND", "CONSISTENCY")

TEMPLATES = """
(defmodule MAIN (export ?ALL))
(deftemplate MAIN::answer (slot q (type SYMBOL)) (slot value (type SYMBOL NUMBER STRING)) (multislot values))
(deftemplate MAIN::concept (slot id (type SYMBOL)) (slot value (type SYMBOL) (allowed-symbols TRUE FALSE))
   (slot rule (type SYMBOL)))
(deftemplate MAIN::finding (slot id (type SYMBOL))
   (slot status (type SYMBOL) (allowed-symbols met partial not_met unknown not_applicable)) (slot rule (type SYMBOL)))
(deftemplate MAIN::element (slot id (type SYMBOL)) (slot criterion (type SYMBOL))
   (slot status (type SYMBOL) (allowed-symbols met partial not_met unknown not_applicable)) (slot rule (type SYMBOL)))
(deftemplate MAIN::element-binding (slot id (type SYMBOL)) (slot instrument (type SYMBOL))
   (slot value (type SYMBOL) (allowed-symbols binding recommended unknown)))
(deftemplate MAIN::derived-input (slot criterion (type SYMBOL)) (slot input (type SYMBOL)))
(deftemplate MAIN::binding (slot id (type SYMBOL)) (slot value (type SYMBOL) (allowed-symbols binding recommended unknown)))
(deftemplate MAIN::warning (slot id (type SYMBOL)))
(deftemplate MAIN::gap (slot id (type SYMBOL)))
(deftemplate MAIN::depends (slot criterion (type SYMBOL)) (slot on (type SYMBOL)))
(deftemplate MAIN::blocks (slot criterion (type SYMBOL)) (slot dependent (type SYMBOL)))
(deftemplate MAIN::package-member (slot package (type SYMBOL)) (slot criterion (type SYMBOL)))
(deftemplate MAIN::package-open (slot id (type SYMBOL)))
""".strip()

RECOMMEND_RULES = """
(defrule RECOMMEND::gap
   (logical (finding (id ?c) (status not_met|partial)) (not (derived-input (criterion ?c))))
   => (assert (gap (id ?c))))
(defrule RECOMMEND::gap-blocks-dependent
   (logical (gap (id ?c)) (depends (criterion ?d) (on ?c)) (gap (id ?d)))
   => (assert (blocks (criterion ?c) (dependent ?d))))
(defrule RECOMMEND::package-open
   (logical (package-member (package ?p) (criterion ?a)) (gap (id ?a))
            (package-member (package ?p) (criterion ?b&~?a)) (gap (id ?b)))
   => (assert (package-open (id ?p))))
""".strip()

UNKNOWN_SALIENCE = -100
BINDING_UNKNOWN_SALIENCE = -50  # after the rules that show an element binds, before the fallbacks


class _Rule:
    """Builds the text of one rule from literals, naming fresh variables as it goes. Patterns inside a
    `(not ...)` get their own prefix, so that their variables never bind to the rule's own."""

    def __init__(self, prefix: str = "v") -> None:
        self.prefix = prefix
        self.n = 0

    def var(self) -> str:
        self.n += 1
        return f"?{self.prefix}{self.n}"


def _sym(value: object) -> str:
    if isinstance(value, (int, float)):
        return repr(value)
    return str(value)


def _pattern(lit: cond.Literal, rule: _Rule) -> str:
    atom, holds = lit
    if isinstance(atom, cond.ConceptRef):
        return f"(concept (id {atom.concept}) (value {'TRUE' if holds else 'FALSE'}))"
    if isinstance(atom, cond.Status):
        statuses = sorted(atom.statuses)
        if holds:
            return f"(finding (id {atom.criterion}) (status {'|'.join(statuses)}))"
        excluded = "&".join(f"~{s}" for s in statuses + ["unknown"])
        return f"(finding (id {atom.criterion}) (status {excluded}))"
    if isinstance(atom, cond.Answered):
        return f"(answer (q {atom.question}))" if holds else f"(not (answer (q {atom.question})))"
    if isinstance(atom, cond.Has):
        if holds:
            return f"(answer (q {atom.question}) (values $? {atom.value} $?))"
        v = rule.var()
        return f"(answer (q {atom.question}) (value list) (values ${v}&:(not (member$ {atom.value} ${v}))))"
    if isinstance(atom, cond.InSet):
        values = [_sym(v) for v in atom.values]
        test = "|".join(values) if holds else "&".join(f"~{v}" for v in values)
        return f"(answer (q {atom.question}) (value {test}))"
    op = atom.op if holds else {"==": "!=", "!=": "==", ">=": "<", "<=": ">", ">": "<=", "<": ">="}[atom.op]
    if op == "==":
        return f"(answer (q {atom.question}) (value {_sym(atom.value)}))"
    if op == "!=":
        return f"(answer (q {atom.question}) (value ~{_sym(atom.value)}&~list))"
    v = rule.var()
    return f"(answer (q {atom.question}) (value {v}&:(numberp {v})&:({op} {v} {_sym(atom.value)})))"


def _support(literals: tuple[cond.Literal, ...]) -> tuple[list[str], list[str], list[str]]:
    questions: list[str] = []
    concepts: list[str] = []
    findings: list[str] = []
    for atom, _ in literals:
        if isinstance(atom, cond.ConceptRef):
            target, name = concepts, atom.concept
        elif isinstance(atom, cond.Status):
            target, name = findings, atom.criterion
        else:
            target, name = questions, atom.question
        if name not in target:
            target.append(name)
    return questions, concepts, findings


def _defrule(module: str, name: str, literals: tuple[cond.Literal, ...], asserts: str, support: Support,
             salience: int = 0, extra: tuple[str, ...] = ()) -> str:
    """One rule; what it matched (its questions, concepts and findings) goes into `support`."""
    rule = _Rule()
    patterns = [_pattern(lit, rule) for lit in literals] + list(extra)
    support[name] = _support(literals)
    declare = f"\n   (declare (salience {salience}))" if salience else ""
    lhs = "\n            ".join(patterns) if patterns else "(not (finding (id NEVER)))"
    return f"(defrule {module}::{name}{declare}\n   (logical {lhs})\n   => {asserts})"


def _product(*parts: list[tuple[cond.Literal, ...]]) -> list[tuple[cond.Literal, ...]]:
    out: list[tuple[cond.Literal, ...]] = [()]
    for part in parts:
        merged = []
        for a in out:
            for b in part:
                m = cond._merge(a, b)
                if m is not None:
                    merged.append(m)
        out = merged
    return out


def _absent(conjunctions: list[tuple[cond.Literal, ...]]) -> tuple[str, ...]:
    """Patterns saying that none of these conjunctions currently holds."""
    out = []
    for k, conj in enumerate(conjunctions, 1):
        rule = _Rule(f"n{k}x")
        inner = " ".join(_pattern(lit, rule) for lit in conj)
        out.append(f"(not (and {inner}))" if len(conj) > 1 else f"(not {inner})")
    return tuple(out)


def _element_rules(kb: KnowledgeBase, eid: str, support: Support) -> list[str]:
    logic = kb.element_logic[eid]
    crit = logic.criterion
    rules: list[str] = []

    def emit(kind: str, status: str, conjunctions: list[tuple[cond.Literal, ...]],
             extra: tuple[str, ...] = ()) -> None:
        for k, conj in enumerate(conjunctions, 1):
            name = f"{eid}-{kind}-{k}"
            rules.append(_defrule("ELEMENTS", name, conj, f"(assert (element (id {eid}) (criterion {crit}) "
                                  f"(status {status}) (rule {name})))", support, extra=extra))

    applies: list[tuple[cond.Literal, ...]] = cond.dnf(logic.applies, True) if logic.applies is not None else [()]
    if logic.applies is not None:
        emit("not-applicable", "not_applicable", cond.dnf(logic.applies, False))
    assert logic.met is not None
    met_true = cond.dnf(logic.met, True)
    partial_false: list[tuple[cond.Literal, ...]] = (cond.dnf(logic.partial, False) if logic.partial is not None
                                                      else [()])
    emit("met", "met", _product(applies, met_true))
    if logic.partial is not None:
        emit("partial", "partial", _product(applies, cond.dnf(logic.partial, True)), _absent(met_true))
    emit("not-met", "not_met", _product(applies, cond.dnf(logic.met, False), partial_false))
    rules.append(
        f"(defrule ELEMENTS::{eid}-undecided\n   (declare (salience {UNKNOWN_SALIENCE}))\n"
        f"   (logical (not (element (id {eid}) (status ~unknown))))\n"
        f"   => (assert (element (id {eid}) (criterion {crit}) (status unknown) (rule {eid}-undecided))))")
    rules.extend(_element_binding_rules(kb, eid, support))
    return rules


def _element_binding_rules(kb: KnowledgeBase, eid: str, support: Support) -> list[str]:
    """Whether the element binds the State: under an instrument when the State is a party and no permitted
    reservation or option applies; unknown while either is unknown; recommended otherwise."""
    rules: list[str] = []
    for k, (inst, unless) in enumerate(kb.element_logic[eid].binds, 1):
        party = cond.ConceptRef(party_id(inst))
        free: list[tuple[cond.Literal, ...]] = cond.dnf(unless, False) if unless is not None else [()]
        for j, conj in enumerate(free, 1):
            rules.append(_defrule("ELEMENTS", f"{eid}-binds-{inst}-{k}-{j}", ((party, True),) + conj,
                                  f"(assert (element-binding (id {eid}) (instrument {inst}) (value binding)))",
                                  support))
        not_binding = f"(not (element-binding (id {eid}) (value binding)))"
        rules.append(_defrule("ELEMENTS", f"{eid}-party-unknown-{inst}-{k}", (),
                              f"(assert (element-binding (id {eid}) (instrument none) (value unknown)))", support,
                              salience=BINDING_UNKNOWN_SALIENCE,
                              extra=(f"(not (concept (id {party.concept})))", not_binding)))
        if unless is not None:
            decided = _absent(cond.dnf(unless, True)) + _absent(free)
            rules.append(_defrule("ELEMENTS", f"{eid}-reservation-unknown-{inst}-{k}", ((party, True),),
                                  f"(assert (element-binding (id {eid}) (instrument none) (value unknown)))",
                                  support, salience=BINDING_UNKNOWN_SALIENCE, extra=decided + (not_binding,)))
    rules.append(
        f"(defrule ELEMENTS::{eid}-not-binding\n   (declare (salience {UNKNOWN_SALIENCE}))\n"
        f"   (logical (not (element-binding (id {eid}) (value binding|unknown))))\n"
        f"   => (assert (element-binding (id {eid}) (instrument none) (value recommended))))")
    return rules


# A criterion from its elements, and its binding status: the rule of lexgap/engine/elements.py.
CRITERIA_RULES = """
(defrule CRITERIA::elements-met
   (logical (element (criterion ?c) (status met))
            (not (element (criterion ?c) (status ~met&~not_applicable))))
   => (assert (finding (id ?c) (status met) (rule elements-met))))
(defrule CRITERIA::elements-not-met
   (logical (element (criterion ?c) (status not_met))
            (not (element (criterion ?c) (status ~not_met&~not_applicable))))
   => (assert (finding (id ?c) (status not_met) (rule elements-not-met))))
(defrule CRITERIA::elements-partial
   (logical (element (criterion ?c) (status met|partial)) (element (criterion ?c) (status partial|not_met)))
   => (assert (finding (id ?c) (status partial) (rule elements-partial))))
(defrule CRITERIA::elements-not-applicable
   (logical (element (criterion ?c) (status not_applicable))
            (not (element (criterion ?c) (status ~not_applicable))))
   => (assert (finding (id ?c) (status not_applicable) (rule elements-not-applicable))))
(defrule CRITERIA::elements-undecided
   (declare (salience -100))
   (logical (element (criterion ?c)) (not (finding (id ?c) (status ~unknown))))
   => (assert (finding (id ?c) (status unknown) (rule elements-undecided))))
(defrule CRITERIA::binding-gap
   (logical (finding (id ?c) (status not_met|partial)) (element (id ?e) (criterion ?c) (status not_met|partial))
            (element-binding (id ?e) (value binding)))
   => (assert (binding (id ?c) (value binding))))
(defrule CRITERIA::binding-held
   (logical (finding (id ?c) (status met|unknown|not_applicable)) (element (id ?e) (criterion ?c))
            (element-binding (id ?e) (value binding)))
   => (assert (binding (id ?c) (value binding))))
(defrule CRITERIA::binding-gap-unknown
   (declare (salience -150))
   (logical (finding (id ?c) (status not_met|partial)) (element (id ?e) (criterion ?c) (status not_met|partial))
            (element-binding (id ?e) (value unknown)) (not (binding (id ?c) (value binding))))
   => (assert (binding (id ?c) (value unknown))))
(defrule CRITERIA::binding-held-unknown
   (declare (salience -150))
   (logical (finding (id ?c) (status met|unknown|not_applicable)) (element (id ?e) (criterion ?c))
            (element-binding (id ?e) (value unknown)) (not (binding (id ?c) (value binding))))
   => (assert (binding (id ?c) (value unknown))))
(defrule CRITERIA::binding-none
   (declare (salience -200))
   (logical (finding (id ?c)) (element (criterion ?c)) (not (binding (id ?c) (value binding|unknown))))
   => (assert (binding (id ?c) (value recommended))))
""".strip()

# A derived criterion's binding status from its inputs, by the same rule.
DERIVED_BINDING_RULES = """
(defrule DERIVED::binding-gap
   (logical (derived-input (criterion ?d) (input ?c)) (finding (id ?d) (status not_met|partial))
            (finding (id ?c) (status not_met|partial)) (binding (id ?c) (value binding)))
   => (assert (binding (id ?d) (value binding))))
(defrule DERIVED::binding-held
   (logical (derived-input (criterion ?d) (input ?c)) (finding (id ?d) (status met|unknown|not_applicable))
            (binding (id ?c) (value binding)))
   => (assert (binding (id ?d) (value binding))))
(defrule DERIVED::binding-gap-unknown
   (declare (salience -150))
   (logical (derived-input (criterion ?d) (input ?c)) (finding (id ?d) (status not_met|partial))
            (finding (id ?c) (status not_met|partial)) (binding (id ?c) (value unknown))
            (not (binding (id ?d) (value binding))))
   => (assert (binding (id ?d) (value unknown))))
(defrule DERIVED::binding-held-unknown
   (declare (salience -150))
   (logical (derived-input (criterion ?d) (input ?c)) (finding (id ?d) (status met|unknown|not_applicable))
            (binding (id ?c) (value unknown)) (not (binding (id ?d) (value binding))))
   => (assert (binding (id ?d) (value unknown))))
(defrule DERIVED::binding-none
   (declare (salience -200))
   (logical (derived-input (criterion ?d)) (finding (id ?d)) (not (binding (id ?d) (value binding|unknown))))
   => (assert (binding (id ?d) (value recommended))))
""".strip()


def _derived_rules(kb: KnowledgeBase, cid: str, support: Support) -> list[str]:
    crit = kb.criteria[cid]
    assert crit.derived_from is not None
    inputs = crit.derived_from.criteria
    rules = []
    logic = kb.logic[cid]
    if logic.applies is not None:
        for k, conj in enumerate(cond.dnf(logic.applies, False), 1):
            rules.append(_defrule("DERIVED", f"{cid}-not-applicable-{k}", conj,
                                  f"(assert (finding (id {cid}) (status not_applicable) (rule {cid}-not-applicable-{k})))",
                                  support))
    applies: list[tuple[cond.Literal, ...]] = cond.dnf(logic.applies, True) if logic.applies is not None else [()]

    def status_lit(c: str, statuses: set[str]) -> cond.Literal:
        return (cond.Status(c, frozenset(statuses)), True)

    all_na = tuple(status_lit(c, {"not_applicable"}) for c in inputs)
    some_not_na = _absent([all_na])
    all_met = tuple(status_lit(c, {"met", "not_applicable"}) for c in inputs)
    cases: list[tuple[str, str, list[tuple[cond.Literal, ...]], tuple[str, ...]]] = [
        ("derived-not-applicable", "not_applicable", [all_na], ()),
        ("derived-met", "met", [all_met], some_not_na),
    ]
    if crit.derived_from.partial == "any":
        cases.append(("derived-partial", "partial",
                      [(status_lit(c, {"met", "partial"}),) for c in inputs], _absent([all_met])))
        cases.append(("derived-not-met", "not_met",
                      [tuple(status_lit(c, {"not_met", "not_applicable"}) for c in inputs)], some_not_na))
    else:
        decided = tuple(status_lit(c, {"met", "partial", "not_met", "not_applicable"}) for c in inputs)
        cases.append(("derived-not-met", "not_met", [decided], _absent([all_met])))
    for kind, status, conjunctions, extra in cases:
        for k, conj in enumerate(_product(applies, conjunctions), 1):
            name = f"{cid}-{kind}-{k}"
            rules.append(_defrule("DERIVED", name, conj,
                                  f"(assert (finding (id {cid}) (status {status}) (rule {name})))", support, extra=extra))
    rules.append(
        f"(defrule DERIVED::{cid}-undecided\n   (declare (salience {UNKNOWN_SALIENCE}))\n"
        f"   (logical (not (finding (id {cid}) (status ~unknown))))\n"
        f"   => (assert (finding (id {cid}) (status unknown) (rule {cid}-derived-undecided))))")
    return rules


Support = dict[str, tuple[list[str], list[str], list[str]]]


@dataclass(frozen=True)
class Compiled:
    """The pack as CLIPS source, and for every rule the questions, concepts and findings it matches (the
    explanation of whatever the rule derives: known when the rule is written, so never asserted as facts)."""

    text: str
    support: Support


def compile_pack(kb: KnowledgeBase) -> str:
    """The whole pack as CLIPS source text (readable; `lexgap rules compile --emit clips` prints it)."""
    return compiled(kb).text


def compiled(kb: KnowledgeBase) -> Compiled:
    if kb.content_hash not in _COMPILED:
        _COMPILED[kb.content_hash] = _compile(kb)
    return _COMPILED[kb.content_hash]


_COMPILED: dict[str, Compiled] = {}


def _compile(kb: KnowledgeBase) -> Compiled:
    support: Support = {}
    parts = [f";;; lexgap rule pack {kb.pack.id} {kb.pack.version} ({kb.content_hash})", TEMPLATES]
    static = [f"(depends (criterion {c.id}) (on {d}))"
              for c in kb.criteria.values() for d in c.recommendation.depends_on]
    static += [f"(package-member (package {p.id}) (criterion {c}))" for p in kb.packages for c in p.criteria]
    static += [f"(derived-input (criterion {c.id}) (input {i}))"
               for c in kb.criteria.values() if c.derived_from for i in c.derived_from.criteria]
    if static:
        parts.append("(deffacts MAIN::pack-structure\n   " + "\n   ".join(static) + ")")
    parts.append("(defmodule CONCEPTS (import MAIN ?ALL))")
    for concept_id in kb.concept_order:
        node = kb.concept_logic[concept_id]
        for value, word in ((True, "TRUE"), (False, "FALSE")):
            for k, conj in enumerate(cond.dnf(node, value), 1):
                name = f"{concept_id}-{'holds' if value else 'fails'}-{k}"
                parts.append(_defrule("CONCEPTS", name, conj,
                                      f"(assert (concept (id {concept_id}) (value {word}) (rule {name})))", support))
    parts.append("(defmodule ELEMENTS (import MAIN ?ALL))")
    for eid in kb.element_logic:
        parts.extend(_element_rules(kb, eid, support))
    parts.append("(defmodule CRITERIA (import MAIN ?ALL))")
    parts.append(CRITERIA_RULES)
    parts.append("(defmodule DERIVED (import MAIN ?ALL))")
    parts.append(DERIVED_BINDING_RULES)
    for cid, crit in kb.criteria.items():
        if crit.derived_from is not None:
            parts.extend(_derived_rules(kb, cid, support))
    parts.append("(defmodule RECOMMEND (import MAIN ?ALL))")
    parts.append(RECOMMEND_RULES)
    parts.append("(defmodule CONSISTENCY (import MAIN ?ALL))")
    for rule in kb.consistency:
        for k, conj in enumerate(cond.dnf(kb.warning_logic[rule.id], True), 1):
            parts.append(_defrule("CONSISTENCY", f"{rule.id}-{k}", conj, f"(assert (warning (id {rule.id})))",
                                  support))
    return Compiled("\n\n".join(parts) + "\n", support)


def constructs(text: str) -> list[str]:
    """Split compiled source into top-level constructs for Environment.build()."""
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(";"))
    out, depth, start, in_string = [], 0, None, False
    for i, ch in enumerate(text):
        if ch == '"' and (i == 0 or text[i - 1] != "\\"):
            in_string = not in_string
        if in_string:
            continue
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and start is not None:
                out.append(text[start:i + 1])
                start = None
    return out
