"""Answer values drawn from the questionnaire: Hypothesis strategies for property tests, and a seeded
drawer for generated States (workflow tests and benchmarks)."""
from __future__ import annotations

import datetime as dt
import random
import string

from hypothesis import strategies as st


def draw_value(q, rng: random.Random):
    """One valid answer to question `q`, drawn with `rng` per question type as `answer_value` draws them."""
    if q.type == "yes_no":
        return rng.choice(["yes", "partial", "no", "unknown"] if q.partial else ["yes", "no", "unknown"])
    if q.type == "single_choice":
        return rng.choice([o.value for o in q.options] + ["unknown"])
    if q.type == "multiple_choice":
        values = [o.value for o in q.options]
        chosen = set(rng.sample(values, rng.randint(0, len(values))))
        return [v for v in values if v in chosen]
    if q.type == "number":
        low = int(q.minimum if q.minimum is not None else 0)
        high = int(q.maximum if q.maximum is not None else 100)
        return rng.randint(low, high)
    if q.type == "date":
        return (dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 100))).isoformat()
    return "".join(rng.choice(string.ascii_letters + " ") for _ in range(rng.randint(0, 20)))


def answer_value(question):
    if question.type == "yes_no":
        return st.sampled_from(["yes", "partial", "no", "unknown"] if question.partial else ["yes", "no", "unknown"])
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
