"""The condition language: parsing, three-valued semantics, and the normal forms compiled to CLIPS."""
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lexgap.engine import conditions as c

QUESTIONS = {"q.a": ["yes", "partial", "no"], "q.b": [0, 4, 10], "q.c": [[], ["x"], ["y"], ["x", "y"]]}

atoms = st.one_of(
    st.builds(c.Compare, st.just("q.a"), st.sampled_from(["==", "!="]), st.sampled_from(["yes", "partial", "no"])),
    st.builds(c.Compare, st.just("q.b"), st.sampled_from([">=", "<", "==", ">"]), st.sampled_from([0, 4, 5])),
    st.builds(c.InSet, st.just("q.a"), st.sampled_from([("yes",), ("yes", "partial")])),
    st.builds(c.Has, st.just("q.c"), st.sampled_from(["x", "y"])),
    st.builds(c.Answered, st.sampled_from(list(QUESTIONS))),
)
nodes = st.recursive(atoms, lambda inner: st.one_of(
    st.builds(c.Not, inner),
    st.builds(lambda xs: c.And(tuple(xs)), st.lists(inner, min_size=2, max_size=3)),
    st.builds(lambda xs: c.Or(tuple(xs)), st.lists(inner, min_size=2, max_size=3)),
), max_leaves=6)
partial_answers = st.fixed_dictionaries({}, optional={q: st.sampled_from(v) for q, v in QUESTIONS.items()})


def facts(answers):
    return c.Facts(answers, {}, {})


@given(nodes)
def test_render_then_parse_gives_the_same_tree(node):
    assert c.parse(c.render(node)) == node


@given(nodes, partial_answers)
@settings(max_examples=300)
def test_kleene_value_is_sound_for_every_completion(node, answers):
    value = c.evaluate(node, facts(answers))
    missing = [q for q in QUESTIONS if q not in answers]
    completions = [dict(answers, **dict(zip(missing, combo)))
                   for combo in itertools.product(*(QUESTIONS[q] for q in missing))]
    results = {c.evaluate(node, facts(full)) for full in completions}
    if value is not None:
        # answered() is the one atom that reads absence; completing answers changes it by definition
        if not any(isinstance(a, c.Answered) for a in c.atoms(node)):
            assert results == {value}


@given(nodes, partial_answers)
@settings(max_examples=300)
def test_normal_forms_hold_exactly_when_the_condition_has_that_value(node, answers):
    f = facts(answers)

    def holds(conj):
        return all(c.atom_value(atom, f) is want for atom, want in conj)

    value = c.evaluate(node, f)
    assert any(holds(conj) for conj in c.dnf(node, True)) == (value is True)
    assert any(holds(conj) for conj in c.dnf(node, False)) == (value is False)


def test_unanswered_is_unknown_never_false():
    node = c.parse('q.a == "yes" and q.b >= 4')
    assert c.evaluate(node, facts({})) is None
    assert c.evaluate(node, facts({"q.a": "no"})) is False
    assert c.evaluate(c.parse('not q.a == "yes"'), facts({})) is None


def test_deciding_atoms_name_the_false_part():
    node = c.parse('q.a == "yes" and q.b >= 4')
    assert c.deciding_atoms(node, facts({"q.a": "yes", "q.b": 1})) == [c.Compare("q.b", ">=", 4)]
    assert c.deciding_atoms(node, facts({"q.a": "yes"})) == [c.Compare("q.b", ">=", 4)]


@pytest.mark.parametrize("text, message, offset", [
    ("q.a ==", "expected a quoted value or a number", 6),
    ("q.a == yes", "expected a quoted value or a number", 7),
    ("and q.a", "expected a question or concept id, found 'and'", 0),
    ('q.a == "x" q.b', "unexpected 'q.b'", 11),
    ('status(X) == "met"', "not a criterion id", 7),
    ('q.b >= "4"', "compares numbers", 7),
    ("q.a == $", "unexpected character '$'", 7),
    ('status(P01.01) == "done"', "not an outcome", 18),
    ("", "the condition is empty", 0),
])
def test_parse_errors_say_what_and_where(text, message, offset):
    with pytest.raises(c.ConditionError) as info:
        c.parse(text)
    assert message in str(info.value)
    assert info.value.offset == offset


def test_no_python_is_ever_evaluated():
    with pytest.raises(c.ConditionError):
        c.parse("__import__('os').system('true')")
