"""Compiling a rule pack into CLIPS constructs, one module per phase.

    MAIN         templates and the pack's static facts (reform order, package membership)
    CONCEPTS     treaty status and other concepts, chained on answers and on each other
    CRITERIA     one rule per way a criterion can be met, partially met, not met or not applicable,
                 a fallback that marks the rest unknown, and the binding status of each criterion
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
from .knowledge import KnowledgeBase

MODULES = ("CONCEPTS", "CRITERIA", "DERIVED", "RECOMMEND", "CONSISTENCY")

TEMPLATES = """
(defmodule MAIN (export ?ALL))
(deftemplate MAIN::answer (slot q (type SYMBOL)) (slot value (type SYMBOL NUMBER STRING)) (multislot values))
(deftemplate MAIN::concept (slot id (type SYMBOL)) (slot value (type SYMBOL) (allowed-symbols TRUE FALSE))
   (slot rule (type SYMBOL)))
(deftemplate MAIN::finding (slot id (type SYMBOL))
   (slot status (type SYMBOL) (allowed-symbols met partial not_met unknown not_applicable)) (slot rule (type SYMBOL)))
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
   (logical (finding (id ?c) (status not_met|partial)))
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


def _criterion_rules(kb: KnowledgeBase, cid: str, support: Support) -> list[str]:
    logic = kb.logic[cid]
    crit = kb.criteria[cid]
    rules: list[str] = []
    applies: list[tuple[cond.Literal, ...]] = cond.dnf(logic.applies, True) if logic.applies is not None else [()]
    if logic.applies is not None:
        for k, conj in enumerate(cond.dnf(logic.applies, False), 1):
            rules.append(_defrule("CRITERIA", f"{cid}-not-applicable-{k}", conj,
                                  f"(assert (finding (id {cid}) (status not_applicable) (rule {cid}-not-applicable-{k})))",
                                  support))

    def emit(kind: str, status: str, conjunctions: list, extra: tuple[str, ...] = ()) -> None:
        for k, conj in enumerate(conjunctions, 1):
            name = f"{cid}-{kind}-{k}"
            rules.append(_defrule("CRITERIA", name, conj,
                                  f"(assert (finding (id {cid}) (status {status}) (rule {name})))", support, extra=extra))

    if crit.derived_from is None:
        assert logic.met is not None  # checked by the loader
        met_true = cond.dnf(logic.met, True)
        met_false = cond.dnf(logic.met, False)
        partial_true = cond.dnf(logic.partial, True) if logic.partial is not None else []
        partial_false: list[tuple[cond.Literal, ...]] = (cond.dnf(logic.partial, False) if logic.partial is not None
                                                          else [()])
        if logic.cap is not None:
            cap_false = cond.dnf(logic.cap, False)
            emit("met", "met", _product(applies, met_true), _absent(cap_false))
            emit("capped", "partial", _product(applies, met_true, cap_false))
        else:
            emit("met", "met", _product(applies, met_true))
        emit("partial", "partial", _product(applies, partial_true), _absent(met_true))
        emit("not-met", "not_met", _product(applies, met_false, partial_false))
    rules.append(
        f"(defrule CRITERIA::{cid}-undecided\n   (declare (salience {UNKNOWN_SALIENCE}))\n"
        f"   (logical (not (finding (id {cid}) (status ~unknown))))\n"
        f"   => (assert (finding (id {cid}) (status unknown) (rule {cid}-undecided))))"
        if crit.derived_from is None else "")
    rules.extend(_binding_rules(kb, cid, support))
    return [r for r in rules if r]


def _binding_rules(kb: KnowledgeBase, cid: str, support: Support) -> list[str]:
    crit = kb.criteria[cid]
    if not crit.obligation.binding_for:
        return []
    logic = kb.logic[cid]
    rules = []
    not_binding = cond.dnf(logic.not_binding, True) if logic.not_binding is not None else []
    for inst in crit.obligation.binding_for:
        party = f"party_{inst.lower().replace('-', '_')}"
        lit = ((cond.ConceptRef(party), True),)
        rules.append(_defrule("CRITERIA", f"{cid}-binding-{inst}", lit,
                              f"(assert (binding (id {cid}) (value binding)))", support, extra=_absent(not_binding)))
        for k, conj in enumerate(not_binding, 1):
            rules.append(_defrule("CRITERIA", f"{cid}-reserved-{inst}-{k}", lit + conj,
                                  f"(assert (binding (id {cid}) (value recommended)))", support))
    none = tuple((cond.ConceptRef(f"party_{i.lower().replace('-', '_')}"), False) for i in crit.obligation.binding_for)
    rules.append(_defrule("CRITERIA", f"{cid}-not-binding", none,
                          f"(assert (binding (id {cid}) (value recommended)))", support))
    rules.append(
        f"(defrule CRITERIA::{cid}-binding-undecided\n   (declare (salience {UNKNOWN_SALIENCE}))\n"
        f"   (logical (not (binding (id {cid}) (value ~unknown))))\n"
        f"   => (assert (binding (id {cid}) (value unknown))))")
    return rules


def _derived_rules(kb: KnowledgeBase, cid: str, support: Support) -> list[str]:
    crit = kb.criteria[cid]
    derivation = crit.derived_from
    assert derivation is not None
    inputs = derivation.criteria
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
    if derivation.partial == "any":
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
    rules.extend(_binding_rules(kb, cid, support))
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
    parts.append("(defmodule CRITERIA (import MAIN ?ALL))")
    for cid, crit in kb.criteria.items():
        if crit.derived_from is None:
            parts.extend(_criterion_rules(kb, cid, support))
    parts.append("(defmodule DERIVED (import MAIN ?ALL))")
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
