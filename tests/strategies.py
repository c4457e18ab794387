"""Hypothesis strategies that draw answer sets from the questionnaire."""
from __future__ import annotations

from hypothesis import strategies as st


def answer_value(question):
    if question.type == "yes_no":
        return st.sampled_from(["yes", "partial", "no", "unknown"])
    if question.type == "single_choice":
        return st.sampled_from([o.value for o in question.options] + ["unknown"])
    if question.type == "multiple_choice":
        values = [o.value for o in question.options]
        return st.lists(st.sampled_from(values), unique=True).map(lambda vs: sorted(vs, key=values.index))
    if question.type == "number":
        low = int(question.minimum if question.minimum is not None else 0)
        high = int(question.maximum if question.maximum is not None else 100)
        return st.integers(min_value=low, max_value=high)
    if question.type == "date":
        return st.dates().map(lambda d: d.isoformat())
    return st.text(max_size=20)


def answer_sets(kb):
    """Random partial answer sets: any question may be missing."""
    return st.fixed_dictionaries({}, optional={q.id: answer_value(q) for q in kb.questionnaire.questions})
