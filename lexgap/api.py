"""The library API that the CLI, a notebook or a web app call."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Literal

from .engine.answers import Answers, check_value, load_answers
from .engine.assessment import Assessment
from .engine.build import build_assessment, visible_values
from .engine.clips_runtime import Runner
from .engine.knowledge import KnowledgeBase, load_knowledge
from .engine.models import Answer
from .errors import InputError, Problem


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
        """Give or change one answer; raise InputError (with a plain message) if it is not valid."""
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
                kept[key] = given
        updated = dict(self.answers.data.answers)
        updated[question] = Answer.model_validate(kept)
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

def load_assessment_json(path: str | Path) -> Assessment:
    """An Assessment saved with `lexgap assess --format json` (or `report -o X.json`)."""
    from pydantic import ValidationError

    from .engine.yamlio import read_text

    text = read_text(path, max_bytes=32 * 1024 * 1024)
    try:
        if '"schema_version": 1,' in text or '"schema_version":1,' in text:
            return _upgrade_v1(text)
        return Assessment.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the top level"
        raise InputError(Problem(str(path), f"this is not a lexgap assessment ({where}: {first['msg']})",
                                 "give an answers file (.yaml) or the JSON written by 'lexgap assess --format "
                                 "json'")) from None


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
    import json

    if Path(path).suffix.lower() != ".json":
        return False
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return False  # the answers loader reports it, with the line and column
    return isinstance(data, dict) and "findings" in data and "pack" in data


def load_input(path: str | Path, pack: str | Path | None = None
               ) -> tuple[Assessment, Literal["answers", "assessment"]]:
    """An Assessment from an answers file (assessed now with `pack`) or from a saved assessment (.json).
    Returns the assessment and its source ('answers' or 'assessment')."""
    if is_assessment_json(path):
        return load_assessment_json(path), "assessment"
    return assess(path, pack), "answers"
