"""The condition language: a small whitelisted grammar with three-valued (Kleene) semantics.

    condition  := disjunct ("or" disjunct)*
    disjunct   := negation ("and" negation)*
    negation   := "not" negation | primary
    primary    := "(" condition ")"
                | "answered" "(" QUESTION ")"
                | "status" "(" CRITERION ")" ("==" | "!=") STRING
                | "status" "(" CRITERION ")" "in" "(" STRING ("," STRING)* ")"
                | QUESTION ("==" | "!=" | ">=" | "<=" | ">" | "<") LITERAL
                | QUESTION "in" "(" LITERAL ("," LITERAL)* ")"
                | QUESTION "has" STRING
                | CONCEPT

Values are True, False or None (unknown). An unanswered question makes every comparison on it
unknown; `and` is false as soon as one side is false, `or` true as soon as one side is true, and
`not unknown` is unknown. Parsing never calls `eval`. See docs/conditions.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Union

Value = Union[str, int, float, None]
Truth = Union[bool, None]

STATUSES = ("met", "partial", "not_met", "unknown", "not_applicable")


class ConditionError(ValueError):
    """A condition that does not parse; `offset` is the character where the problem starts."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


# --- the syntax tree ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Compare:
    question: str
    op: str
    value: str | int | float


@dataclass(frozen=True)
class InSet:
    question: str
    values: tuple[str | int | float, ...]


@dataclass(frozen=True)
class Has:
    question: str
    value: str


@dataclass(frozen=True)
class Answered:
    question: str


@dataclass(frozen=True)
class ConceptRef:
    concept: str


@dataclass(frozen=True)
class Status:
    criterion: str
    statuses: frozenset[str]


@dataclass(frozen=True)
class Not:
    item: "Node"


@dataclass(frozen=True)
class And:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Node", ...]


Atom = Union[Compare, InSet, Has, Answered, ConceptRef, Status]
Node = Union[Atom, Not, And, Or]


# --- parsing --------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"[^"\\]*"|'[^'\\]*')
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op>==|!=|>=|<=|>|<|\(|\)|,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "has"}
CRITERION_ID = re.compile(r"^P\d{2}\.\d{2}$")


@dataclass
class _Token:
    kind: str
    text: str
    offset: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            bad = text[pos:].lstrip()
            where = len(text) - len(bad)
            raise ConditionError(f"unexpected character {bad[:1]!r}", where)
        kind = m.lastgroup or "op"
        start = m.start(kind)
        tokens.append(_Token(kind, m.group(kind), start))
        pos = m.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def take(self, text: str | None = None, kind: str | None = None) -> _Token:
        tok = self.tok
        if (text is not None and tok.text != text) or (kind is not None and tok.kind != kind):
            wanted = f"'{text}'" if text else {"name": "a question or concept id", "string": "a quoted value"}.get(
                kind or "", kind or "")
            found = f"'{tok.text}'" if tok.kind != "end" else "the end of the condition"
            raise ConditionError(f"expected {wanted}, found {found}", tok.offset)
        self.i += 1
        return tok

    def at(self, text: str) -> bool:
        return self.tok.text == text and self.tok.kind in ("name", "op")

    def parse(self) -> Node:
        node = self.disjunction()
        if self.tok.kind != "end":
            raise ConditionError(f"unexpected '{self.tok.text}' (missing 'and' or 'or'?)", self.tok.offset)
        return node

    def disjunction(self) -> Node:
        items = [self.conjunction()]
        while self.at("or"):
            self.take("or")
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conjunction(self) -> Node:
        items = [self.negation()]
        while self.at("and"):
            self.take("and")
            items.append(self.negation())
        return items[0] if len(items) == 1 else And(tuple(items))

    def negation(self) -> Node:
        if self.at("not"):
            self.take("not")
            return Not(self.negation())
        return self.primary()

    def literal(self) -> str | int | float:
        tok = self.tok
        if tok.kind == "string":
            self.i += 1
            return tok.text[1:-1]
        if tok.kind == "number":
            self.i += 1
            return float(tok.text) if "." in tok.text else int(tok.text)
        raise ConditionError("expected a quoted value or a number", tok.offset)

    def literal_list(self) -> tuple[str | int | float, ...]:
        self.take("(")
        values = [self.literal()]
        while self.at(","):
            self.take(",")
            values.append(self.literal())
        self.take(")")
        return tuple(values)

    def primary(self) -> Node:
        tok = self.tok
        if self.at("("):
            self.take("(")
            node = self.disjunction()
            self.take(")")
            return node
        if tok.kind != "name" or tok.text in _KEYWORDS:
            found = f"'{tok.text}'" if tok.kind != "end" else "the end of the condition"
            raise ConditionError(f"expected a question or concept id, found {found}", tok.offset)
        self.i += 1
        if tok.text == "answered" and self.at("("):
            self.take("(")
            name = self.take(kind="name").text
            self.take(")")
            return Answered(name)
        if tok.text == "status" and self.at("("):
            return self.status()
        if self.tok.kind == "op" and self.tok.text in ("==", "!=", ">=", "<=", ">", "<"):
            op = self.take().text
            value = self.literal()
            if op in (">=", "<=", ">", "<") and not isinstance(value, (int, float)):
                raise ConditionError(f"'{op}' compares numbers; {value!r} is text", self.tokens[self.i - 1].offset)
            return Compare(tok.text, op, value)
        if self.at("in"):
            self.take("in")
            return InSet(tok.text, self.literal_list())
        if self.at("has"):
            self.take("has")
            value = self.literal()
            if not isinstance(value, str):
                raise ConditionError("'has' takes a quoted option value", self.tokens[self.i - 1].offset)
            return Has(tok.text, value)
        return ConceptRef(tok.text)

    def status(self) -> Node:
        self.take("(")
        crit = self.take(kind="name")
        if not CRITERION_ID.match(crit.text):
            raise ConditionError(f"'{crit.text}' is not a criterion id like P05.03", crit.offset)
        self.take(")")
        if self.at("in"):
            self.take("in")
            values = self.literal_list()
            negate = False
        else:
            op = self.tok
            if op.text not in ("==", "!="):
                raise ConditionError("status(...) must be followed by ==, != or in", op.offset)
            self.i += 1
            values = (self.literal(),)
            negate = op.text == "!="
        for v in values:
            if v not in STATUSES:
                raise ConditionError(f"{v!r} is not an outcome; use one of {', '.join(STATUSES)}", op_offset(self))
        node: Node = Status(crit.text, frozenset(str(v) for v in values))
        return Not(node) if negate else node


def op_offset(parser: _Parser) -> int:
    return parser.tokens[parser.i - 1].offset


def parse(text: str) -> Node:
    """Parse a condition; raise ConditionError (with the character offset) if it is not well formed."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("the condition is empty", 0)
    return _Parser(text).parse()


# --- walking -----------------------------------------------------------------------------------

def atoms(node: Node) -> Iterable[Atom]:
    """Every atom of the condition, left to right."""
    if isinstance(node, (And, Or)):
        for item in node.items:
            yield from atoms(item)
    elif isinstance(node, Not):
        yield from atoms(node.item)
    else:
        yield node


def questions(node: Node) -> set[str]:
    return {a.question for a in atoms(node) if isinstance(a, (Compare, InSet, Has, Answered))}


def concepts(node: Node) -> set[str]:
    return {a.concept for a in atoms(node) if isinstance(a, ConceptRef)}


def criteria(node: Node) -> set[str]:
    return {a.criterion for a in atoms(node) if isinstance(a, Status)}


def render(node: Node) -> str:
    """The condition written back in the language's own syntax (normalised)."""
    def lit(v: object) -> str:
        return f'"{v}"' if isinstance(v, str) else repr(v)

    if isinstance(node, Compare):
        return f"{node.question} {node.op} {lit(node.value)}"
    if isinstance(node, InSet):
        return f"{node.question} in ({', '.join(lit(v) for v in node.values)})"
    if isinstance(node, Has):
        return f"{node.question} has {lit(node.value)}"
    if isinstance(node, Answered):
        return f"answered({node.question})"
    if isinstance(node, ConceptRef):
        return node.concept
    if isinstance(node, Status):
        values = sorted(node.statuses)
        if len(values) == 1:
            return f"status({node.criterion}) == {lit(values[0])}"
        return f"status({node.criterion}) in ({', '.join(lit(v) for v in values)})"
    if isinstance(node, Not):
        return f"not {_wrap(node.item)}"
    joiner = " and " if isinstance(node, And) else " or "
    return joiner.join(_wrap(i) for i in node.items)


def _wrap(node: Node) -> str:
    return f"({render(node)})" if isinstance(node, (And, Or)) else render(node)


# --- Kleene evaluation ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Facts:
    """What a condition can read: answers (value or list of values), concepts and criterion outcomes.

    An answer that is missing or "unknown" is simply absent from `answers`.
    """

    answers: dict[str, object]
    concepts: dict[str, Truth]
    statuses: dict[str, str]


def _compare(actual: object, op: str, expected: object) -> bool:
    if op == "==":
        return actual == expected
    if op == "!=":
        return actual != expected
    if not isinstance(actual, (int, float)) or isinstance(actual, bool):
        return False
    return {">=": actual >= expected, "<=": actual <= expected,  # type: ignore[operator]
            ">": actual > expected, "<": actual < expected}[op]  # type: ignore[operator]


def atom_value(atom: Atom, facts: Facts) -> Truth:
    if isinstance(atom, ConceptRef):
        return facts.concepts.get(atom.concept)
    if isinstance(atom, Status):
        status = facts.statuses.get(atom.criterion, "unknown")
        return None if status == "unknown" else status in atom.statuses
    if isinstance(atom, Answered):
        return atom.question in facts.answers
    if atom.question not in facts.answers:
        return None
    actual = facts.answers[atom.question]
    if isinstance(atom, Compare):
        return _compare(actual, atom.op, atom.value)
    if isinstance(atom, InSet):
        return actual in atom.values
    return isinstance(actual, (list, tuple)) and atom.value in actual


def evaluate(node: Node, facts: Facts) -> Truth:
    """Kleene three-valued evaluation."""
    if isinstance(node, Not):
        value = evaluate(node.item, facts)
        return None if value is None else not value
    if isinstance(node, And):
        values = [evaluate(i, facts) for i in node.items]
        return False if False in values else (None if None in values else True)
    if isinstance(node, Or):
        values = [evaluate(i, facts) for i in node.items]
        return True if True in values else (None if None in values else False)
    return atom_value(node, facts)


def deciding_atoms(node: Node, facts: Facts) -> list[Atom]:
    """The atoms that settle the condition's value: for a false `and`, its false parts; for an
    unknown one, its unknown parts; and so on. Used to explain a finding in a sentence."""
    value = evaluate(node, facts)
    if isinstance(node, Not):
        return deciding_atoms(node.item, facts)
    if isinstance(node, (And, Or)):
        parts = [i for i in node.items if evaluate(i, facts) == value]
        out: list[Atom] = []
        for part in parts:
            out.extend(a for a in deciding_atoms(part, facts) if a not in out)
        return out
    return [node]


# --- normal forms for rule compilation --------------------------------------------------------------

Literal = tuple[Atom, bool]  # (atom, True: the atom holds / False: the atom is known to fail)


def dnf(node: Node, want: bool = True) -> list[tuple[Literal, ...]]:
    """Ways for the condition to be `want` (true or false), as a disjunction of conjunctions of literals.

    Negation is pushed down to the atoms, so "known false" is always established positively by a
    fact, never by the absence of one: this is what keeps unanswered questions unknown.
    """
    if isinstance(node, Not):
        return dnf(node.item, not want)
    if isinstance(node, (And, Or)):
        conjunctive = isinstance(node, And) == want
        if not conjunctive:
            out: list[tuple[Literal, ...]] = []
            for item in node.items:
                out.extend(c for c in dnf(item, want) if c not in out)
            return out
        product: list[tuple[Literal, ...]] = [()]
        for item in node.items:
            merged = [_merge(p, c) for p in product for c in dnf(item, want)]
            product = [p for p in merged if p is not None]
        return _dedupe(product)
    return [((node, want),)]


def _merge(a: tuple[Literal, ...], b: tuple[Literal, ...]) -> tuple[Literal, ...] | None:
    out = list(a)
    for lit in b:
        if (lit[0], not lit[1]) in out:
            return None  # contradictory conjunction: can never hold
        if lit not in out:
            out.append(lit)
    return tuple(out)


def _dedupe(conjunctions: list[tuple[Literal, ...]]) -> list[tuple[Literal, ...]]:
    seen: list[tuple[Literal, ...]] = []
    for c in conjunctions:
        if not any(set(s) <= set(c) for s in seen):
            seen = [s for s in seen if not set(c) <= set(s)] + [c]
    return seen


def map_names(node: Node, rename: Callable[[str], str]) -> Node:
    """A copy of the condition with question ids renamed (used when a question id changes)."""
    if isinstance(node, Not):
        return Not(map_names(node.item, rename))
    if isinstance(node, And):
        return And(tuple(map_names(i, rename) for i in node.items))
    if isinstance(node, Or):
        return Or(tuple(map_names(i, rename) for i in node.items))
    if isinstance(node, Compare):
        return Compare(rename(node.question), node.op, node.value)
    if isinstance(node, InSet):
        return InSet(rename(node.question), node.values)
    if isinstance(node, Has):
        return Has(rename(node.question), node.value)
    if isinstance(node, Answered):
        return Answered(rename(node.question))
    return node
