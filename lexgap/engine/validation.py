"""Turning pydantic's validation errors into located, plain-language problems."""
from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, Iterable, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from .yamlio import Document

M = TypeVar("M", bound=BaseModel)


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The allowed field names at `loc` inside `model`, for 'did you mean' hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_of(field.annotation)
    return list(getattr(current, "model_fields", {}))


def _model_of(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _describe(error: Mapping[str, Any], model: type[BaseModel]) -> tuple[str, str]:
    loc = tuple(error["loc"])
    kind = error["type"]
    name = str(loc[-1]) if loc else "document"
    if kind == "missing":
        return f"'{name}' is missing", f"add '{name}:' here"
    if kind == "extra_forbidden":
        if " " in name:
            return (f"unexpected text '{name}' where a field name belongs",
                    "inside { }, a value that contains a comma must be put in quotes")
        allowed = _field_names(model, loc[:-1])
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed here: {', '.join(allowed)}"
        return f"unknown field '{name}'", hint
    if kind in ("literal_error", "enum"):
        return f"'{name}': {error['msg'].replace('Input should be', 'must be')}", "use one of the listed values"
    if kind == "string_pattern_mismatch":
        return f"'{name}' is not in the expected form ({error['input']!r})", _pattern_hint(name)
    if kind in ("model_type", "dict_type"):
        return f"'{name}' should be a mapping of keys to values", "write it as 'key: value' lines indented below"
    if kind == "list_type":
        return f"'{name}' should be a list", "write each item on its own line starting with '- '"
    if kind.startswith("date"):
        return f"'{name}' is not a valid date ({error['input']!r})", "write dates as YYYY-MM-DD"
    if kind in ("string_type",):
        return f"'{name}' should be text, not {type(error['input']).__name__}", "put the value in quotes"
    if kind in ("int_parsing", "float_parsing", "int_type", "float_type"):
        return f"'{name}' should be a number ({error['input']!r})", "write the number without quotes"
    if kind == "too_short":
        return f"'{name}' is empty", "give at least one entry"
    msg = error["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return f"'{name}': {msg}", "correct the value"


def _pattern_hint(name: str) -> str:
    return {
        "id": "ids look like P01.03 (criteria), child_under_18 (concepts) or offences.possession (questions)",
        "version": "write a version as three numbers, e.g. \"1.0.0\" (in quotes)",
        "pack_version": "write a version as three numbers, e.g. \"1.0.0\" (in quotes)",
        "code": "use an ISO 3166 code in capitals, e.g. XA",
        "value": "option values are lower-case words joined by underscores",
    }.get(name, "see the schema (lexgap schema) for the expected form")


def validate(doc: Document, model: type[M], data: Any = None, base: tuple[Any, ...] = ()
             ) -> tuple[M | None, list[Problem]]:
    """Validate `data` (default: the whole document) against `model`; return it or located problems."""
    payload = doc.data if data is None else data
    try:
        return model.model_validate(payload), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            message, hint = _describe(error, model)
            problems.append(doc.problem(base + _strip_union(loc), message, hint))
        return None, _dedupe(problems)


def _strip_union(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """pydantic puts union member names in locations ('str', 'list[str]'); drop them."""
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in ("str", "int", "float", "none"))))


def _dedupe(problems: Iterable[Problem]) -> list[Problem]:
    out: list[Problem] = []
    for p in problems:
        if p not in out:
            out.append(p)
    return out


def near(name: str, candidates: Iterable[str]) -> str:
    """A 'did you mean' hint, or an empty string."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.7)
    return f"did you mean '{close[0]}'?" if close else ""
