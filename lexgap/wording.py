"""Questions and their conditions in plain words, for the workbook, the interview and the web app."""
from __future__ import annotations

from .engine import conditions as cond
from .engine.knowledge import KnowledgeBase
from .workbook.layout import YES_NO_LABELS


def describe_condition(kb: KnowledgeBase, node: cond.Node) -> str:
    """A show_if condition in plain words, with question numbers and option labels."""
    questions = kb.questions

    def label(qid: str, value: object) -> str:
        q = questions.get(qid)
        if q is None:
            return str(value)
        if q.type == "yes_no":
            return YES_NO_LABELS.get(str(value), str(value))
        return {o.value: o.label for o in q.options}.get(str(value), str(value))

    def number(qid: str) -> str:
        q = questions.get(qid)
        return f"question {q.number}" if q else qid

    def walk(n: cond.Node) -> str:
        if isinstance(n, cond.Compare):
            if n.op in ("==", "!="):
                verb = "is" if n.op == "==" else "is not"
                return f"the answer to {number(n.question)} {verb} “{label(n.question, n.value)}”"
            return f"the answer to {number(n.question)} is {n.op} {n.value}"
        if isinstance(n, cond.InSet):
            return (f"the answer to {number(n.question)} is "
                    + " or ".join(f"“{label(n.question, v)}”" for v in n.values))
        if isinstance(n, cond.Has):
            return f"the answer to {number(n.question)} includes “{label(n.question, n.value)}”"
        if isinstance(n, cond.Answered):
            return f"{number(n.question)} is answered"
        if isinstance(n, cond.Not):
            return f"not ({walk(n.item)})"
        if isinstance(n, (cond.And, cond.Or)):
            joiner = " and " if isinstance(n, cond.And) else " or "
            return joiner.join(walk(i) if not isinstance(i, (cond.And, cond.Or)) else f"({walk(i)})"
                               for i in n.items)
        return cond.render(n)

    return walk(node)
