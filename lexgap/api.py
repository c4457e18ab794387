"""The library API that the CLI, a notebook or a web app call."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from .engine.answers import Answers, check_value, load_answers
from .engine.assessment import Assessment
from .engine.build import build_assessment, visible_values
from .engine.clips_runtime import Runner
from .engine.knowledge import KnowledgeBase, load_knowledge
from .engine.models import Answer
from .engine.validation import describe
from .errors import InputError, LexgapError, Problem


def _inputs(answers: Answers | str | Path, pack: str | Path | None) -> tuple[KnowledgeBase, Answers]:
    kb = load_knowledge(pack)
    if not isinstance(answers, Answers):
        answers = load_answers(answers, kb)
    return kb, answers


def assess(answers: Answers | str | Path, pack: str | Path | None = None) -> Assessment:
    """Assess one State's answers (a path or loaded Answers) against a rule pack (default: bundled)."""
    kb, answers = _inputs(answers, pack)
    runner = _reusable_runner(kb)
    runner.reset()
    return Session(answers, pack, _runner=runner).assessment


_LOCAL = threading.local()


def _reusable_runner(kb: KnowledgeBase) -> Runner:
    """One CLIPS environment per thread and pack, reset between one-off assessments (building a new
    environment costs more than the whole inference)."""
    runners = _LOCAL.__dict__.setdefault("runners", {})
    if kb.content_hash not in runners:
        runners[kb.content_hash] = Runner(kb)
    return runners[kb.content_hash]


class Session:
    """A live assessment: change answers one at a time; CLIPS truth maintenance retracts whatever rested
    on an answer that changed, so the current assessment is always consistent with the current answers."""

    def __init__(self, answers: Answers | str | Path, pack: str | Path | None = None, *,
                 _runner: Runner | None = None):
        self.kb, self.answers = _inputs(answers, pack)
        self._runner = _runner or Runner(self.kb)
        self._asserted: dict[str, object] = {}
        self._sync()

    def _sync(self) -> None:
        values, self._input_warnings = visible_values(self.kb, self.answers)
        changed = {q: v for q, v in values.items() if self._asserted.get(q, object()) != v}
        for qid in [q for q in self._asserted if q not in values or q in changed]:
            self._runner.remove(qid)
            del self._asserted[qid]
        self._runner.load(changed)
        self._asserted.update(changed)

    def set_answer(self, question: str, value: object, *, citation: str | None = None,
                   note: str | None = None, source: str | None = None) -> None:
        """Give or change one answer; raise InputError (with a plain message) if it is not valid, and then
        leave the session as it was. A citation, note or source of None keeps the current one."""
        q = self.kb.questions.get(question)
        if q is None:
            raise InputError(Problem(self.answers.file, f"unknown question id '{question}'",
                                     "see 'lexgap questionnaire list' for the ids"))
        problem = check_value(q, value)
        if problem:
            raise InputError(Problem(self.answers.file, f"{question} (question {q.number}): {problem[0]}", problem[1]))
        old = self.answers.data.answers.get(question)
        kept = old.model_dump() if old else {}
        kept.update({"value": value})
        for key, given in (("citation", citation), ("note", note), ("source", source)):
            if given is not None:
                if not isinstance(given, str):
                    raise InputError(Problem(self.answers.file, f"{question} (question {q.number}): the {key} "
                                             f"must be text, not {type(given).__name__}",
                                             f"give the {key} as text, or None"))
                kept[key] = given
        updated = dict(self.answers.data.answers)
        try:
            updated[question] = Answer.model_validate(kept)
        except ValidationError as exc:
            raise InputError([Problem(self.answers.file, f"{question} (question {q.number}): {message}", hint)
                              for message, hint in describe(exc, Answer)]) from None
        self.answers = Answers(self.answers.file, self.answers.data.model_copy(update={"answers": updated}))
        self._sync()

    def retract_answer(self, question: str) -> None:
        """Withdraw an answer: the question becomes unanswered again."""
        updated = {q: a for q, a in self.answers.data.answers.items() if q != question}
        self.answers = Answers(self.answers.file, self.answers.data.model_copy(update={"answers": updated}))
        self._sync()

    @property
    def assessment(self) -> Assessment:
        raw = self._runner.run()
        values = dict(self._asserted)
        return build_assessment(self.kb, self.answers, values, raw, self._input_warnings)


# --- saved assessments ------------------------------------------------------------------------------------

MAX_JSON_BYTES = 32 * 1024 * 1024
_NOT_ASSESSMENT_HINT = "give an answers file (.yaml) or the JSON written by 'lexgap assess --format json'"


def _read_json(path: str | Path) -> tuple[str, object]:
    """A .json input's text (bounded in size, checked before reading) and its data; InputError if it is
    too deeply nested to read, None as data if it is not JSON (the answers loader then says where)."""
    import json

    from .engine.yamlio import read_text

    text = read_text(path, MAX_JSON_BYTES, "JSON")
    try:
        return text, json.loads(text)
    except RecursionError:
        raise _too_deep(path) from None
    except ValueError:
        return text, None


def _too_deep(path: str | Path) -> InputError:
    return InputError(Problem(str(path), "lists and objects in this JSON file are nested too deeply to be read",
                              _NOT_ASSESSMENT_HINT))


def _assessment_from(text: str, path: str | Path) -> Assessment:
    from pydantic import ValidationError

    try:
        if '"schema_version": 1,' in text or '"schema_version":1,' in text:
            return _upgrade_v1(text)
        return Assessment.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        if first["type"] == "json_invalid" and "recursion limit" in first["msg"]:
            raise _too_deep(path) from None
        if first["type"] == "json_invalid":
            raise InputError(Problem(str(path), f"this JSON file cannot be read ({first['msg']})",
                                     _NOT_ASSESSMENT_HINT)) from None
        where = ".".join(str(p) for p in first["loc"]) or "the top level"
        raise InputError(Problem(str(path), f"this is not a lexgap assessment ({where}: {first['msg']})",
                                 _NOT_ASSESSMENT_HINT)) from None


def _looks_like_assessment(data: object) -> bool:
    return isinstance(data, dict) and "findings" in data and "pack" in data


def load_assessment_json(path: str | Path) -> Assessment:
    """An Assessment saved with `lexgap assess --format json` (or `report -o X.json`)."""
    text, _ = _read_json(path)
    return _assessment_from(text, path)


def _upgrade_v1(text: str) -> Assessment:
    """A saved assessment of pack 1.x (schema_version 1, no elements): read as version 2 with no elements, so
    that diff and compare can still compare it per criterion (they say so)."""
    import json

    data = json.loads(text)
    if isinstance(data, dict) and data.get("schema_version") == 1:
        data["schema_version"] = 2
    return Assessment.model_validate(data)


def is_assessment_json(path: str | Path) -> bool:
    """A .json file holding an Assessment (rather than an answers file written as JSON)."""
    if Path(path).suffix.lower() != ".json":
        return False
    try:
        return _looks_like_assessment(_read_json(path)[1])
    except LexgapError:
        return False  # the answers loader reports it


def load_input(path: str | Path, pack: str | Path | None = None
               ) -> tuple[Assessment, Literal["answers", "assessment"]]:
    """An Assessment from an answers file (assessed now with `pack`) or from a saved assessment (.json).
    Returns the assessment and its source ('answers' or 'assessment'). The file is read once."""
    if Path(path).suffix.lower() == ".json":
        text, data = _read_json(path)
        if _looks_like_assessment(data):
            return _assessment_from(text, path), "assessment"
    return assess(path, pack), "answers"
