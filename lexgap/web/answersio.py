"""Answers files as the web app writes them: readable YAML that reads back to exactly the same data."""
from __future__ import annotations

import re
from typing import Any

import yaml

from ..engine.answers import Answers, parse_answers
from ..engine.knowledge import KnowledgeBase
from ..engine.models import AnswersFile

HEADER = "# Answers file written by 'lexgap serve'. Earlier versions are kept in .backups/ beside it.\n"

# Plain scalars that a YAML 1.1 or 1.2 reader would not read back as the same text.
_AMBIGUOUS = re.compile(
    r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N"
    r"|[-+]?[0-9_]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)"
    r"|<<|\d{4}-\d\d?-\d\d?.*)$")


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if value == "" or _AMBIGUOUS.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def _number_key(number: str) -> list[Any]:
    return [(0, int(p)) if p.isdigit() else (-1, p) for p in number.split(".")]


def to_yaml(data: AnswersFile, kb: KnowledgeBase) -> str:
    """The answers file as YAML: metadata first, answers in the questionnaire's printed order."""
    dumped = data.model_dump(mode="json", exclude_none=True)
    order = {q.id: i for i, q in enumerate(printed_order(kb))}
    # `value` always first and always written (null for an answer that so far has only a note or citation)
    dumped["answers"] = {qid: {"value": None, **dumped["answers"][qid]}
                         for qid in sorted(dumped["answers"], key=lambda q: (order.get(q, len(order)), q))}
    body = yaml.dump(dumped, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
    return HEADER + body


def checked_yaml(data: AnswersFile, kb: KnowledgeBase, name: str) -> str:
    """`to_yaml`, verified by reading it back through the strict loader; ValueError if it would differ."""
    text = to_yaml(data, kb)
    again = parse_answers(text, kb, name).data
    if again != data:
        raise ValueError("the answers would not read back unchanged; nothing was written")
    return text


def printed_order(kb: KnowledgeBase) -> list[Any]:
    """The questions in printed order: by section as the questionnaire lists them, then by number."""
    sections = {s.id: i for i, s in enumerate(kb.questionnaire.sections)}
    return sorted(kb.questionnaire.questions, key=lambda q: (sections.get(q.section, len(sections)),
                                                             _number_key(q.number)))


def with_answers(answers: Answers, data: AnswersFile) -> Answers:
    return Answers(answers.file, data)
