"""Answers files written as YAML that lexgap reads back into identical answers."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

from .engine.knowledge import KnowledgeBase
from .engine.models import AnswersFile

_STRICT_SPECIAL = [re.compile(p) for p in (
    r"^(?:true|True|TRUE|false|False|FALSE)$", r"^[-+]?[0-9]+$",
    r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", r"^(?:~|null|Null|NULL|)$", r"^<<$")]


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "'" if any(p.match(value) for p in _STRICT_SPECIAL) else None
    if "\n" in value or value != value.strip():
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    flow = all(isinstance(v, (str, int, float)) and not (isinstance(v, str) and "\n" in v) for v in value)
    flow = flow and sum(len(str(v)) + 2 for v in value) <= 70  # long items read better one per line
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=100)


def yaml_text(data: Any) -> str:
    """Any plain data as YAML in the style of answers files (strings quoted where YAML would misread them)."""
    return _dump(data)


def answers_to_yaml(data: AnswersFile, kb: KnowledgeBase, header: Iterable[str] = ()) -> str:
    """An answers file as YAML that lexgap reads back into identical answers: state and assessment first,
    then the answers in printed order, each under a comment with its question number and text."""
    lines = [f"# {line}".rstrip() for line in header]
    state = data.state.model_dump(exclude_defaults=True)
    state = {"name": state.pop("name"), **state}
    assessment = data.assessment.model_dump(exclude_defaults=True)
    head = {"schema_version": 1, "state": state, "assessment": assessment}
    lines.append(_dump(head).rstrip("\n"))
    if not data.answers:
        lines.append("answers: {}")
        return "\n".join(lines) + "\n"
    lines.append("answers:")
    order = {q.id: i for i, q in enumerate(kb.questionnaire.questions)}
    for qid in sorted(data.answers, key=lambda q: (order.get(q, len(order)), q)):
        answer = data.answers[qid]
        q = kb.questions.get(qid)
        if q is not None:
            title = " ".join(q.text.split())
            lines.append(f"  # {q.number} {title if len(title) <= 96 else title[:93] + '...'}")
        fields = answer.model_dump(exclude_none=True)
        fields.pop("value", None)
        body: Any = answer.value if not fields else {"value": answer.value, **fields}
        block = _dump({qid: body}).rstrip("\n")
        lines += ["  " + line for line in block.split("\n")]
    return "\n".join(lines) + "\n"
