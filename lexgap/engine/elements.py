"""The element model: a criterion is made of elements, and everything about it derives from them.

An element is one requirement with its own test over the answers, its own basis (the article that
creates or recommends it), its own obligation (the instruments whose parties it binds, and the
reservation or option under which it does not) and its own sentences. The rules below are the one
home of how a criterion's status and binding status follow from its elements; the CLIPS rules of
`compile.py` encode the same rules and the reference evaluator calls these functions, so the two
engines are checked against each other.

Status of a criterion (over its applicable elements):
    not applicable  when every element is not applicable (or the criterion does not apply);
    met             when every applicable element is met;
    not met         when every applicable element is not met;
    partially met   when some element is met or partly met and some is not met or partly met;
    unknown         otherwise: an unknown element could still change the outcome.

Binding status of a criterion:
    binding      a gap (not met or partially met) with a missing element that binds the State; or, when
                 the criterion is not a gap, some element binds the State;
    unknown      otherwise, when such an element's binding status is unknown (treaty status unanswered);
    recommended  otherwise.
An element binds the State under an instrument when the element's basis cites an article of it with
`binds: true`, the State is a party, and no permitted reservation or option (`unless`) applies.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from . import conditions as cond
from .assessment import is_gap_status

if TYPE_CHECKING:
    from .models import Criterion, Element

MISSING = ("not_met", "partial")


@dataclass
class ElementLogic:
    """An element's parsed conditions; `applies` includes the criterion's own applies_when."""

    criterion: str
    applies: cond.Node | None = None
    met: cond.Node | None = None
    partial: cond.Node | None = None
    binds: list[tuple[str, cond.Node | None]] = field(default_factory=list)


def element_id(criterion_id: str, local_id: str) -> str:
    return f"{criterion_id}.{local_id}"


def party_id(instrument: str) -> str:
    """The concept 'the State is bound by this instrument' (made from its party_when in pack.yaml)."""
    return f"party_{instrument.lower().replace('-', '_')}"


def criterion_status(statuses: Iterable[str]) -> str:
    """A criterion's status from its elements' statuses (see the module docstring)."""
    considered = [s for s in statuses if s != "not_applicable"]
    if not considered:
        return "not_applicable"
    if all(s == "met" for s in considered):
        return "met"
    if all(s == "not_met" for s in considered):
        return "not_met"
    if any(s in ("met", "partial") for s in considered) and any(s in MISSING for s in considered):
        return "partial"
    return "unknown"


def criterion_binding(status: str, elements: Iterable[tuple[str, str]]) -> str:
    """A criterion's binding status from (element status, element binding status) pairs."""
    pairs = list(elements)
    relevant = [b for s, b in pairs if s in MISSING] if is_gap_status(status) else [b for _, b in pairs]
    if "binding" in relevant:
        return "binding"
    if "unknown" in relevant:
        return "unknown"
    return "recommended"


def element_binding(obligations: dict[str, tuple[bool | None, bool | None]]) -> tuple[str, list[str]]:
    """An element's binding status and the instruments it binds the State under.

    `obligations` maps each instrument whose article binds to (is the State a party?, does a permitted
    reservation or option apply?), each True, False or None for unknown (False when the article allows none).
    """
    under = sorted(i for i, (party, reserved) in obligations.items() if party is True and reserved is False)
    if under:
        return "binding", under
    if any(party is None or (party is True and reserved is None) for party, reserved in obligations.values()):
        return "unknown", []
    return "recommended", []


def check_elements(checker: Any, doc: Any, path: tuple[Any, ...], crit: "Criterion",
                   applies: cond.Node | None) -> dict[str, ElementLogic]:
    """Check a criterion's elements (ids, articles, obligations, conditions, sentences) and parse them."""
    out: dict[str, ElementLogic] = {}
    seen: set[str] = set()
    if not crit.elements and crit.derived_from is None:
        checker.add(doc, path, f"criterion {crit.id} has no elements",
                    "list its requirements under 'elements', or derive it from other criteria")
    if crit.elements and crit.derived_from is not None:
        checker.add(doc, path + ("derived_from",), "a derived criterion takes its outcome from other criteria "
                    "and has no elements of its own", "remove either 'elements' or 'derived_from'")
    for j, el in enumerate(crit.elements):
        where = path + ("elements", j)
        if el.id in seen:
            checker.add(doc, where + ("id",), f"duplicate element id '{el.id}' in {crit.id}",
                        "give each element of a criterion its own id")
        seen.add(el.id)
        logic = ElementLogic(criterion=crit.id)
        own = checker.parse(doc, where + ("applies_when",), el.applies_when) if el.applies_when else None
        logic.applies = cond.And((applies, own)) if applies is not None and own is not None else (applies or own)
        logic.met = checker.parse(doc, where + ("met_when",), el.met_when)
        if logic.met is not None and not cond.dnf(logic.met, True):
            checker.add(doc, where + ("met_when",), "this condition contradicts itself and can never be met",
                        "check the and/not combinations")
        if el.partial_when:
            logic.partial = checker.parse(doc, where + ("partial_when",), el.partial_when)
            if not el.statements.partial:
                checker.add(doc, where + ("statements",), "the element can be partly met but has no 'partial' "
                            "sentence", "add statements.partial, true of the law when the element is partly met")
        _check_basis(checker, doc, where, el, logic)
        out[element_id(crit.id, el.id)] = logic
    return out


def _check_basis(checker: Any, doc: Any, where: tuple[Any, ...], el: "Element", logic: ElementLogic) -> None:
    for k, basis in enumerate(el.basis):
        checker.reference(doc, where + ("basis", k), basis.instrument, basis.article)
        if basis.unless and not basis.binds:
            checker.add(doc, where + ("basis", k, "unless"), "'unless' names when a binding article does not "
                        "bind; this article does not bind", "set binds: true, or remove 'unless'")
        if not basis.binds:
            continue
        inst = checker.kb.instruments.get(basis.instrument)
        if inst is not None and not inst.party_when:
            checker.add(doc, where + ("basis", k, "binds"), f"'{basis.instrument}' cannot bind a State: it is "
                        "not a treaty with 'party_when' in pack.yaml",
                        "set binds: false (good practice), or cite the treaty that creates the duty")
            continue
        unless = checker.parse(doc, where + ("basis", k, "unless"), basis.unless) if basis.unless else None
        logic.binds.append((basis.instrument, unless))


def limitation_nodes(checker: Any, doc: Any, path: tuple[Any, ...], crit: "Criterion") -> list[cond.Node | None]:
    nodes = []
    for j, lim in enumerate(crit.limitations):
        for k, other in enumerate(lim.criteria):
            if other not in checker.kb.criteria or other == crit.id:
                checker.add(doc, path + ("limitations", j, "criteria", k), f"limited by unknown criterion '{other}'",
                            "name another criterion of the pack")
        nodes.append(checker.parse(doc, path + ("limitations", j, "unless"), lim.unless))
    return nodes
