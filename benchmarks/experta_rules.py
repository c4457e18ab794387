"""lexgap's compiled rule set, translated to experta (benchmark only; lexgap itself never imports this).

The translation is generated from the pack with the same DNF (lexgap.engine.conditions.dnf) and the same
rule structure as the CLIPS compiler (lexgap/engine/compile.py): one experta rule per CLIPS defrule, with
the same name, the same patterns and the same facts asserted (element, element-binding, finding, concept,
binding, warning, gap, blocks, package-open). The generic rules that derive a criterion from its elements
(compile.CRITERIA_RULES, compile.DERIVED_BINDING_RULES) are written out by hand below, like RECOMMEND.
`check_same_rules` compares the rule names with those of the CLIPS environment, so a change in compile.py
that this file does not follow is noticed instead of benchmarked.

How each CLIPS construct is rendered:

    (answer (q X) (value yes))                          Answer(q="X", value=P(clips_eq("yes")))
    (answer (q X) (value ?v&:(numberp ?v)&:(>= ?v 18)))  Answer(q="X", value=P(number >= 18))
    (answer (q X) (values $? a $?))                     Answer(q="X", values=P("a" in values))
    (not (and P1 P2))                                   NOT(AND(P1, P2))
    (declare (salience s)) in module M                  salience = TIER[M] + s * 10**6 + (rule number)

experta has no modules, no focus stack and no truth maintenance, so the phases are emulated with salience
tiers (CONCEPTS > ELEMENTS > CRITERIA > DERIVED > RECOMMEND > CONSISTENCY, each with its fallbacks last).
This is exact for a fresh run: within the pack's language every `not` pattern only looks at facts of an
earlier tier, which are complete before the tier's first rule fires (status() is allowed only in
consistency rules, derived criteria are built only on criteria decided by answers). It is not a
replacement for truth maintenance: retracting an answer in experta would leave the conclusions standing.

experta 1.9.4 (the last release, 2019) pins frozendict==1.2, whose `class frozendict(collections.Mapping)`
fails on Python >= 3.10. `import_experta()` aliases the abstract base classes that moved to
collections.abc before the import, so the pinned frozendict 1.2 imports unchanged.
"""
from __future__ import annotations

import collections
import collections.abc
import operator
from dataclasses import dataclass
from typing import Any

from lexgap.engine import conditions as cond
from lexgap.engine.compile import BINDING_UNKNOWN_SALIENCE, UNKNOWN_SALIENCE, _product  # the compiler's helpers
from lexgap.engine.elements import party_id
from lexgap.engine.knowledge import KnowledgeBase

_ABC_ALIASES = ("Mapping", "MutableMapping", "Sequence", "MutableSequence", "Iterable", "Iterator",
                "Callable", "Hashable", "Set", "MutableSet", "Container", "Sized")

# CLIPS module -> base salience in experta. A rule's CLIPS salience inside its module (0, or -100 for the
# "undecided" fallbacks) is added, scaled, so a module's fallbacks still fire after all of its other rules.
TIERS = {"CONCEPTS": 6 * 10**9, "ELEMENTS": 5 * 10**9, "CRITERIA": 4 * 10**9, "DERIVED": 3 * 10**9,
         "RECOMMEND": 2 * 10**9, "CONSISTENCY": 1 * 10**9}
CLIPS_SALIENCE_SCALE = 10**6


def experta_salience(module: str, clips_salience: int, index: int) -> int:
    """The tier, the CLIPS salience, and a number unique to the rule.

    The unique part works around an agenda bug in experta 1.9.4: DepthStrategy removes an activation by
    bisecting on its key (salience, fact ids) and then looks only at the neighbouring slots, so when
    more than about three activations share a key (e.g. every "undecided" fallback, all matching only
    InitialFact), a retracted activation can stay on the agenda and fire although its `NOT` no longer
    holds. With a salience unique per rule, keys are unique per (rule, facts) and removal is exact.
    Within a CLIPS module the rules of one salience fire in no particular order, so this changes no result.
    """
    assert 0 <= index < CLIPS_SALIENCE_SCALE and abs(clips_salience) < 1000
    return TIERS[module] + clips_salience * CLIPS_SALIENCE_SCALE + index

experta: Any = None


def import_experta() -> Any:
    """Import experta 1.9.4 on Python >= 3.10 (the collections.abc workaround); return the module."""
    global experta
    if experta is None:
        for name in _ABC_ALIASES:
            if not hasattr(collections, name):
                setattr(collections, name, getattr(collections.abc, name))
        import experta as module
        experta = module
    return experta


# --- the rule set as data, built exactly like compile.py builds the CLIPS text ---------------------------

@dataclass(frozen=True)
class Spec:
    """One rule. lhs items: ("lit", literal) | ("absent", conjunction) | ("never",)
    | ("no-decided-finding", cid) | ("no-decided-binding", cid); rhs: (template, slots) pairs."""

    module: str
    name: str
    salience: int
    lhs: tuple
    rhs: tuple


def _rule(module: str, name: str, literals: tuple, asserts: list[tuple[str, dict]], subject: str,
          salience: int = 0, extra: tuple = ()) -> Spec:
    """Mirror of compile._defrule: literal patterns, extra `not` patterns, the fact asserted."""
    lhs = tuple(("lit", lit) for lit in literals) + tuple(extra)
    return Spec(module, name, salience, lhs or (("never",),), tuple(asserts))


def _absent(conjunctions: list) -> tuple:
    return tuple(("absent", conj) for conj in conjunctions)


def _finding(cid: str, status: str, rule: str) -> tuple[str, dict]:
    return ("finding", {"id": cid, "status": status, "rule": rule})


def _element(eid: str, crit: str, status: str, rule: str) -> tuple[str, dict]:
    return ("element", {"id": eid, "criterion": crit, "status": status, "rule": rule})


def _element_specs(kb: KnowledgeBase, eid: str) -> list[Spec]:
    """Mirror of compile._element_rules and compile._element_binding_rules."""
    logic = kb.element_logic[eid]
    crit = logic.criterion
    specs: list[Spec] = []

    def emit(kind: str, status: str, conjunctions: list, extra: tuple = ()) -> None:
        for k, conj in enumerate(conjunctions, 1):
            name = f"{eid}-{kind}-{k}"
            specs.append(_rule("ELEMENTS", name, conj, [_element(eid, crit, status, name)], eid, extra=extra))

    applies = cond.dnf(logic.applies, True) if logic.applies is not None else [()]
    if logic.applies is not None:
        emit("not-applicable", "not_applicable", cond.dnf(logic.applies, False))
    met_true = cond.dnf(logic.met, True)
    partial_false = cond.dnf(logic.partial, False) if logic.partial is not None else [()]
    emit("met", "met", _product(applies, met_true))
    if logic.partial is not None:
        emit("partial", "partial", _product(applies, cond.dnf(logic.partial, True)), _absent(met_true))
    emit("not-met", "not_met", _product(applies, cond.dnf(logic.met, False), partial_false))
    specs.append(Spec("ELEMENTS", f"{eid}-undecided", UNKNOWN_SALIENCE, (("no-decided-element", eid),),
                      (_element(eid, crit, "unknown", f"{eid}-undecided"),)))
    for k, (inst, unless) in enumerate(logic.binds, 1):
        party = cond.ConceptRef(party_id(inst))
        free = cond.dnf(unless, False) if unless is not None else [()]
        binding = ("element-binding", {"id": eid, "instrument": inst, "value": "binding"})
        unknown = ("element-binding", {"id": eid, "instrument": "none", "value": "unknown"})
        for j, conj in enumerate(free, 1):
            specs.append(_rule("ELEMENTS", f"{eid}-binds-{inst}-{k}-{j}", ((party, True),) + conj, [binding], eid))
        not_binding = ("no-element-binding", eid, ("binding",))
        specs.append(Spec("ELEMENTS", f"{eid}-party-unknown-{inst}-{k}", BINDING_UNKNOWN_SALIENCE,
                          (("no-concept", party.concept), not_binding), (unknown,)))
        if unless is not None:
            decided = _absent(cond.dnf(unless, True)) + _absent(free)
            specs.append(Spec("ELEMENTS", f"{eid}-reservation-unknown-{inst}-{k}", BINDING_UNKNOWN_SALIENCE,
                              (("lit", (party, True)),) + decided + (not_binding,), (unknown,)))
    specs.append(Spec("ELEMENTS", f"{eid}-not-binding", UNKNOWN_SALIENCE,
                      (("no-element-binding", eid, ("binding", "unknown")),),
                      (("element-binding", {"id": eid, "instrument": "none", "value": "recommended"}),)))
    return specs


def _party(inst: str) -> str:
    return party_id(inst)


def _derived_specs(kb: KnowledgeBase, cid: str) -> list[Spec]:
    crit = kb.criteria[cid]
    inputs = crit.derived_from.criteria
    logic = kb.logic[cid]
    specs: list[Spec] = []
    if logic.applies is not None:
        for k, conj in enumerate(cond.dnf(logic.applies, False), 1):
            name = f"{cid}-not-applicable-{k}"
            specs.append(_rule("DERIVED", name, conj, [_finding(cid, "not_applicable", name)], cid))
    applies = cond.dnf(logic.applies, True) if logic.applies is not None else [()]

    def status_lit(c: str, statuses: set[str]) -> cond.Literal:
        return (cond.Status(c, frozenset(statuses)), True)

    all_na = tuple(status_lit(c, {"not_applicable"}) for c in inputs)
    some_not_na = _absent([all_na])
    all_met = tuple(status_lit(c, {"met", "not_applicable"}) for c in inputs)
    cases = [("derived-not-applicable", "not_applicable", [all_na], ()),
             ("derived-met", "met", [all_met], some_not_na)]
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
            specs.append(_rule("DERIVED", name, conj, [_finding(cid, status, name)], cid, extra=extra))
    specs.append(Spec("DERIVED", f"{cid}-undecided", UNKNOWN_SALIENCE, (("no-decided-finding", cid),),
                      (_finding(cid, "unknown", f"{cid}-derived-undecided"),)))
    return specs


def rule_specs(kb: KnowledgeBase) -> list[Spec]:
    """Every pack-specific rule, in the order compile._compile emits them (RECOMMEND is fixed, below)."""
    specs: list[Spec] = []
    for concept_id in kb.concept_order:
        node = kb.concept_logic[concept_id]
        for value, word in ((True, "TRUE"), (False, "FALSE")):
            for k, conj in enumerate(cond.dnf(node, value), 1):
                name = f"{concept_id}-{'holds' if value else 'fails'}-{k}"
                fact = ("concept", {"id": concept_id, "value": word, "rule": name})
                specs.append(_rule("CONCEPTS", name, conj, [fact], concept_id))
    for eid in kb.element_logic:
        specs.extend(_element_specs(kb, eid))
    criteria = kb.criteria
    for cid, crit in criteria.items():
        if crit.derived_from is not None:
            specs.extend(_derived_specs(kb, cid))
    for rule in kb.consistency:
        for k, conj in enumerate(cond.dnf(kb.warning_logic[rule.id], True), 1):
            specs.append(_rule("CONSISTENCY", f"{rule.id}-{k}", conj, [("warning", {"id": rule.id})], rule.id))
    return specs


RECOMMEND_NAMES = ("gap", "gap-blocks-dependent", "package-open")
CRITERIA_NAMES = ("elements-met", "elements-not-met", "elements-partial", "elements-not-applicable",
                  "elements-undecided", "binding-gap", "binding-held", "binding-gap-unknown", "binding-held-unknown",
                  "binding-none")
DERIVED_NAMES = ("binding-gap", "binding-held", "binding-gap-unknown", "binding-held-unknown", "binding-none")


def static_facts(kb: KnowledgeBase) -> list[tuple[str, dict]]:
    """The deffacts MAIN::pack-structure."""
    out = [("depends", {"criterion": c.id, "on": d}) for c in kb.criteria.values()
           for d in c.recommendation.depends_on]
    out += [("package-member", {"package": p.id, "criterion": c}) for p in kb.packages for c in p.criteria]
    out += [("derived-input", {"criterion": c.id, "input": i})
            for c in kb.criteria.values() if c.derived_from for i in c.derived_from.criteria]
    return out


# --- experta rendering -----------------------------------------------------------------------------------

def clips_eq(a: object, b: object) -> bool:
    """Equality as CLIPS matches a constant: symbols by name, numbers only within one type (18 != 18.0)."""
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return type(a) is type(b) and a == b


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


_OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
_NEGATE = {"==": "!=", "!=": "==", ">=": "<", "<=": ">", ">": "<=", "<": ">="}


class EngineSet:
    """The experta fact classes and the engine class generated for one pack."""

    def __init__(self, kb: KnowledgeBase):
        ex = import_experta()
        self.ex = ex
        self.kb = kb

        def fact_class(name: str) -> type:
            return type(name, (ex.Fact,), {})

        self.classes = {t: fact_class(cls) for t, cls in (
            ("answer", "Answer"), ("concept", "Concept"), ("finding", "Finding"), ("binding", "Binding"),
            ("element", "Element"), ("element-binding", "ElementBinding"), ("derived-input", "DerivedInput"),
            ("warning", "WarningFact"), ("gap", "Gap"), ("depends", "Depends"),
            ("blocks", "Blocks"), ("package-member", "PackageMember"), ("package-open", "PackageOpen"))}
        self.specs = rule_specs(kb)
        self.engine_class = self._engine_class()

    # patterns

    def _literal(self, lit: cond.Literal) -> Any:
        """One CLIPS pattern of compile._pattern, as an experta pattern (maybe wrapped in NOT)."""
        ex, C = self.ex, self.classes
        P = ex.P
        atom, holds = lit
        if isinstance(atom, cond.ConceptRef):
            return C["concept"](id=atom.concept, value="TRUE" if holds else "FALSE")
        if isinstance(atom, cond.Status):
            statuses = frozenset(atom.statuses)
            if holds:
                return C["finding"](id=atom.criterion, status=P(lambda s, st=statuses: s in st))
            excluded = statuses | {"unknown"}
            return C["finding"](id=atom.criterion, status=P(lambda s, ex_=excluded: s not in ex_))
        if isinstance(atom, cond.Answered):
            pattern = C["answer"](q=atom.question)
            return pattern if holds else ex.NOT(pattern)
        if isinstance(atom, cond.Has):
            if holds:
                return C["answer"](q=atom.question, values=P(lambda vs, v=atom.value: v in vs))
            return C["answer"](q=atom.question, value="list", values=P(lambda vs, v=atom.value: v not in vs))
        if isinstance(atom, cond.InSet):
            values = tuple(atom.values)
            if holds:
                test = (lambda x, vs=values: any(clips_eq(x, v) for v in vs))
            else:
                test = (lambda x, vs=values: not any(clips_eq(x, v) for v in vs))
            return C["answer"](q=atom.question, value=P(test))
        op = atom.op if holds else _NEGATE[atom.op]
        lit_value = atom.value
        if op == "==":
            return C["answer"](q=atom.question, value=P(lambda x, v=lit_value: clips_eq(x, v)))
        if op == "!=":
            return C["answer"](q=atom.question,
                               value=P(lambda x, v=lit_value: not clips_eq(x, v) and x != "list"))
        fn = _OPS[op]
        return C["answer"](q=atom.question, value=P(lambda x, f=fn, v=lit_value: _is_number(x) and f(x, v)))

    def _lhs_item(self, item: tuple) -> Any:
        ex, C = self.ex, self.classes
        kind = item[0]
        if kind == "lit":
            return self._literal(item[1])
        if kind == "absent":
            conj = item[1]
            inner = [self._literal(lit) for lit in conj]
            return ex.NOT(ex.AND(*inner)) if len(inner) > 1 else ex.NOT(inner[0])
        if kind == "never":
            return ex.NOT(C["finding"](id="NEVER"))
        if kind == "no-decided-finding":
            return ex.NOT(C["finding"](id=item[1], status=ex.P(lambda s: s != "unknown")))
        if kind == "no-decided-element":
            return ex.NOT(C["element"](id=item[1], status=ex.P(lambda s: s != "unknown")))
        if kind == "no-concept":
            return ex.NOT(C["concept"](id=item[1]))
        if kind == "no-element-binding":
            return ex.NOT(C["element-binding"](id=item[1], value=ex.P(lambda v, vs=item[2]: v in vs)))
        raise ValueError(kind)

    def _rhs(self, asserts: tuple) -> Any:
        made = [(self.classes[t], slots) for t, slots in asserts]

        def rhs(engine: Any, **_: Any) -> None:
            for cls, slots in made:
                engine.declare(cls(**slots))

        return rhs

    def _engine_class(self) -> type:
        ex, C = self.ex, self.classes
        MATCH, TEST = ex.MATCH, ex.TEST
        attrs: dict[str, Any] = {}
        for i, spec in enumerate(self.specs):
            fn = self._rhs(spec.rhs)
            fn.__name__ = f"r{i:05d}"
            attrs[fn.__name__] = ex.Rule(*[self._lhs_item(x) for x in spec.lhs],
                                         salience=experta_salience(spec.module, spec.salience, i))(fn)
        attrs.update(self._criteria_rules())
        tier = TIERS["RECOMMEND"]

        # (defrule RECOMMEND::gap (logical (finding (id ?c) (status not_met|partial))
        #    (not (derived-input (criterion ?c)))) => (assert (gap (id ?c))))
        @ex.Rule(C["finding"](id=MATCH.c, status=ex.P(lambda s: s in ("not_met", "partial"))),
                 ex.NOT(C["derived-input"](criterion=MATCH.c)), salience=tier + 3)
        def gap(self: Any, c: str) -> None:
            self.declare(C["gap"](id=c))

        @ex.Rule(C["gap"](id=MATCH.c), C["depends"](criterion=MATCH.d, on=MATCH.c), C["gap"](id=MATCH.d),
                 salience=tier + 2)
        def gap_blocks_dependent(self: Any, c: str, d: str) -> None:
            self.declare(C["blocks"](criterion=c, dependent=d))

        @ex.Rule(C["package-member"](package=MATCH.p, criterion=MATCH.a), C["gap"](id=MATCH.a),
                 C["package-member"](package=MATCH.p, criterion=MATCH.b), TEST(lambda a, b: a != b),
                 C["gap"](id=MATCH.b), salience=tier + 1)
        def package_open(self: Any, p: str, a: str, b: str) -> None:
            self.declare(C["package-open"](id=p))

        attrs.update(gap=gap, gap_blocks_dependent=gap_blocks_dependent, package_open=package_open)
        statics = [(C[t], slots) for t, slots in static_facts(self.kb)]

        @ex.DefFacts()
        def pack_structure(self: Any) -> Any:
            for cls, slots in statics:
                yield cls(**slots)

        attrs["pack_structure"] = pack_structure
        return type("LexgapExpertaEngine", (ex.KnowledgeEngine,), attrs)

    def _criteria_rules(self) -> dict[str, Any]:
        """compile.CRITERIA_RULES and compile.DERIVED_BINDING_RULES: a criterion from its elements."""
        ex, C = self.ex, self.classes
        MATCH, P, NOT = ex.MATCH, ex.P, ex.NOT
        tier = TIERS["CRITERIA"]
        scale = CLIPS_SALIENCE_SCALE

        def finding(status: str, name: str) -> Any:
            def rhs(engine: Any, c: str) -> None:
                engine.declare(C["finding"](id=c, status=status, rule=name))
            return rhs

        def binding(value: str, var: str = "c") -> Any:
            def rhs(engine: Any, **kw: Any) -> None:
                engine.declare(C["binding"](id=kw[var], value=value))
            return rhs

        gap = P(lambda s: s in ("not_met", "partial"))
        held = P(lambda s: s in ("met", "unknown", "not_applicable"))
        rules = {
            "c_met": ex.Rule(C["element"](criterion=MATCH.c, status="met"),
                             NOT(C["element"](criterion=MATCH.c,
                                              status=P(lambda s: s not in ("met", "not_applicable")))),
                             salience=tier + 9)(finding("met", "elements-met")),
            "c_not_met": ex.Rule(C["element"](criterion=MATCH.c, status="not_met"),
                                 NOT(C["element"](criterion=MATCH.c,
                                                  status=P(lambda s: s not in ("not_met", "not_applicable")))),
                                 salience=tier + 8)(finding("not_met", "elements-not-met")),
            "c_partial": ex.Rule(C["element"](criterion=MATCH.c, status=P(lambda s: s in ("met", "partial"))),
                                 C["element"](criterion=MATCH.c, status=gap),
                                 salience=tier + 7)(finding("partial", "elements-partial")),
            "c_na": ex.Rule(C["element"](criterion=MATCH.c, status="not_applicable"),
                            NOT(C["element"](criterion=MATCH.c, status=P(lambda s: s != "not_applicable"))),
                            salience=tier + 6)(finding("not_applicable", "elements-not-applicable")),
            "c_undecided": ex.Rule(C["element"](criterion=MATCH.c),
                                   NOT(C["finding"](id=MATCH.c, status=P(lambda s: s != "unknown"))),
                                   salience=tier - 100 * scale)(finding("unknown", "elements-undecided")),
            "c_binding_gap": ex.Rule(C["finding"](id=MATCH.c, status=gap),
                                     C["element"](id=MATCH.e, criterion=MATCH.c, status=gap),
                                     C["element-binding"](id=MATCH.e, value="binding"),
                                     salience=tier + 5)(binding("binding")),
            "c_binding_held": ex.Rule(C["finding"](id=MATCH.c, status=held),
                                      C["element"](id=MATCH.e, criterion=MATCH.c),
                                      C["element-binding"](id=MATCH.e, value="binding"),
                                      salience=tier + 4)(binding("binding")),
            "c_binding_gap_unknown": ex.Rule(C["finding"](id=MATCH.c, status=gap),
                                             C["element"](id=MATCH.e, criterion=MATCH.c, status=gap),
                                             C["element-binding"](id=MATCH.e, value="unknown"),
                                             NOT(C["binding"](id=MATCH.c, value="binding")),
                                             salience=tier - 150 * scale + 3)(binding("unknown")),
            "c_binding_held_unknown": ex.Rule(C["finding"](id=MATCH.c, status=held),
                                              C["element"](id=MATCH.e, criterion=MATCH.c),
                                              C["element-binding"](id=MATCH.e, value="unknown"),
                                              NOT(C["binding"](id=MATCH.c, value="binding")),
                                              salience=tier - 150 * scale + 2)(binding("unknown")),
            "c_binding_none": ex.Rule(C["finding"](id=MATCH.c), C["element"](criterion=MATCH.c),
                                      NOT(C["binding"](id=MATCH.c, value=P(lambda v: v in ("binding", "unknown")))),
                                      salience=tier - 200 * scale + 1)(binding("recommended")),
        }
        dtier = TIERS["DERIVED"]
        rules.update({
            "d_binding_gap": ex.Rule(C["derived-input"](criterion=MATCH.d, input=MATCH.c),
                                     C["finding"](id=MATCH.d, status=gap), C["finding"](id=MATCH.c, status=gap),
                                     C["binding"](id=MATCH.c, value="binding"),
                                     salience=dtier + 5)(binding("binding", "d")),
            "d_binding_held": ex.Rule(C["derived-input"](criterion=MATCH.d, input=MATCH.c),
                                      C["finding"](id=MATCH.d, status=held), C["binding"](id=MATCH.c, value="binding"),
                                      salience=dtier + 4)(binding("binding", "d")),
            "d_binding_gap_unknown": ex.Rule(C["derived-input"](criterion=MATCH.d, input=MATCH.c),
                                             C["finding"](id=MATCH.d, status=gap), C["finding"](id=MATCH.c, status=gap),
                                             C["binding"](id=MATCH.c, value="unknown"),
                                             NOT(C["binding"](id=MATCH.d, value="binding")),
                                             salience=dtier - 150 * scale + 3)(binding("unknown", "d")),
            "d_binding_held_unknown": ex.Rule(C["derived-input"](criterion=MATCH.d, input=MATCH.c),
                                              C["finding"](id=MATCH.d, status=held),
                                              C["binding"](id=MATCH.c, value="unknown"),
                                              NOT(C["binding"](id=MATCH.d, value="binding")),
                                              salience=dtier - 150 * scale + 2)(binding("unknown", "d")),
            "d_binding_none": ex.Rule(C["derived-input"](criterion=MATCH.d), C["finding"](id=MATCH.d),
                                      NOT(C["binding"](id=MATCH.d, value=P(lambda v: v in ("binding", "unknown")))),
                                      salience=dtier - 200 * scale + 1)(binding("recommended", "d")),
        })
        return rules

    # running

    def rule_names(self) -> set[tuple[str, str]]:
        return ({(s.module, s.name) for s in self.specs} | {("RECOMMEND", n) for n in RECOMMEND_NAMES}
                | {("CRITERIA", n) for n in CRITERIA_NAMES} | {("DERIVED", n) for n in DERIVED_NAMES})

    def new_engine(self) -> Any:
        return self.engine_class()

    def answer_fact(self, question: str, value: object) -> Any:
        """Like clips_runtime.Runner.set: a list becomes value `list` plus the values multislot."""
        if isinstance(value, (list, tuple)):
            return self.classes["answer"](q=question, value="list", values=tuple(value))
        return self.classes["answer"](q=question, value=value, values=())

    def run(self, engine: Any, values: dict[str, object]) -> dict[str, Any]:
        """reset, assert the answers, run, and read the facts back like Runner.collect."""
        engine.reset()
        for question, value in values.items():
            if value is None or value == "unknown":
                continue
            engine.declare(self.answer_fact(question, value))
        engine.run()
        return self.collect(engine)

    def collect(self, engine: Any) -> dict[str, Any]:
        C = self.classes
        findings: dict[str, tuple[str, str]] = {}
        out: dict[str, Any] = {"concepts": {}, "binding": {}, "warnings": [], "gaps": [], "blocks": [],
                               "packages_open": [], "elements": {}, "element_binding": {}}
        for fact in engine.facts.values():
            cls = type(fact)
            if cls is C["element"]:
                eid, status, rule = fact["id"], fact["status"], fact["rule"]
                if eid not in out["elements"] or rule < out["elements"][eid][1]:
                    out["elements"][eid] = (status, rule)
            elif cls is C["element-binding"]:
                value, under = out["element_binding"].get(fact["id"], (fact["value"], []))
                if fact["value"] == "binding":
                    value, under = "binding", sorted(set(under) | {fact["instrument"]})
                out["element_binding"][fact["id"]] = (value, under)
            elif cls is C["finding"]:
                cid, status, rule = fact["id"], fact["status"], fact["rule"]
                if cid not in findings or rule < findings[cid][1]:
                    findings[cid] = (status, rule)
            elif cls is C["concept"]:
                out["concepts"][fact["id"]] = fact["value"] == "TRUE"
            elif cls is C["binding"]:
                out["binding"][fact["id"]] = fact["value"]
            elif cls is C["warning"]:
                out["warnings"].append(fact["id"])
            elif cls is C["gap"]:
                out["gaps"].append(fact["id"])
            elif cls is C["blocks"]:
                out["blocks"].append((fact["criterion"], fact["dependent"]))
            elif cls is C["package-open"]:
                out["packages_open"].append(fact["id"])
        for key in ("warnings", "gaps", "blocks", "packages_open"):
            out[key].sort()
        out["findings"] = findings
        return out


def clips_rule_names(env: Any) -> set[tuple[str, str]]:
    """(module, name) of every rule in a clipspy Environment (env.rules() lists only the current module)."""
    return {tuple(str(n).split("::", 1)) for n in env.eval("(get-defrule-list *)")}


def check_same_rules(engines: EngineSet, env: Any) -> tuple[set, set]:
    """Rules only in CLIPS, rules only in the experta translation (both empty when they correspond)."""
    clips_names = clips_rule_names(env)
    ours = engines.rule_names()
    return clips_names - ours, ours - clips_names
