"""The engine side of the web app: one live `Session` per open answers file, answers read from forms,
which questions show, and the paragraph status beside the form. No web framework is imported here."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ..api import Session
from ..engine import conditions as cond
from ..engine.answers import Answers, check_value, parse_answers
from ..engine.assessment import LEVEL_LABELS, Assessment
from ..engine.knowledge import KnowledgeBase, load_knowledge
from ..engine.models import Answer, AnswersFile, Question
from ..engine.yamlio import MAX_BYTES
from ..errors import InputError, Problem
from .answersio import checked_yaml, printed_order
from .storage import DataFolder, make_stem

TEXT_FIELDS = ("citation", "note", "source")
FIELD_PREFIX = {"value": "v", "citation": "c", "note": "n", "source": "s", "unknown": "u"}
MAX_TEXT = 20_000
NONE_OF_THESE = "__none__"
NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$")
LEVEL_MARKS = {"aligned": "●", "partially_aligned": "◐", "not_aligned": "○", "insufficient_information": "?",
               "leading": "●", "active": "◐", "limited": "○", "none": "○", "not_applicable": "–"}


def field_name(kind: str, qid: str) -> str:
    """The form field of one part of one question's answer: 'v.offences.possession', 'c.offences.possession'."""
    return f"{FIELD_PREFIX[kind]}.{qid}"


@dataclass
class Posted:
    """One question's answer as read from a form: the value, the three texts, and what was typed."""

    question: Question
    value: Any = None
    texts: dict[str, str | None] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def empty(self) -> bool:
        return self.value is None and not any(self.texts.values())


def _text(form: Any, name: str) -> str:
    value = form.get(name, "")
    return value.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(value, str) else ""


def read_posted(form: Any, question: Question) -> Posted:
    """Read one question's fields from a submitted form (a MultiDict) and check the value."""
    qid = question.id
    posted = Posted(question)
    for kind in TEXT_FIELDS:
        text = _text(form, field_name(kind, qid))
        posted.raw[kind] = text
        posted.texts[kind] = text or None
        if len(text) > MAX_TEXT:
            posted.error = f"The {kind} is too long ({len(text):,} characters; at most {MAX_TEXT:,})."
    kind = question.type
    name = field_name("value", qid)
    unknown_ticked = form.get(field_name("unknown", qid)) == "unknown"
    posted.raw["unknown"] = unknown_ticked
    if kind in ("yes_no", "single_choice"):
        raw = _text(form, name)
        posted.raw["value"] = raw
        allowed = ("yes", "partial", "no") if kind == "yes_no" else tuple(o.value for o in question.options)
        if raw == "":
            posted.value = None
        elif raw == "unknown" or raw in allowed:
            posted.value = raw
        else:
            posted.error = "Choose one of the answers offered."
    elif kind == "multiple_choice":
        chosen = [v for v in form.getlist(name) if isinstance(v, str)]
        posted.raw["value"] = chosen
        options = [o.value for o in question.options]
        picked = [o for o in options if o in chosen]
        special = [v for v in chosen if v in ("unknown", NONE_OF_THESE)]
        if any(v not in options and v not in ("unknown", NONE_OF_THESE) for v in chosen):
            posted.error = "Tick only the options offered."
        elif len(special) > 1 or (special and picked):
            posted.error = "Tick the options that apply, or 'None of these', or 'Unknown' — not several of these."
        elif special == ["unknown"]:
            posted.value = "unknown"
        elif special == [NONE_OF_THESE]:
            posted.value = []
        else:
            posted.value = picked or None
    else:
        raw = _text(form, name)
        posted.raw["value"] = raw
        if unknown_ticked and raw:
            posted.error = "Either give an answer or tick 'Unknown', not both."
        elif unknown_ticked:
            posted.value = "unknown"
        elif raw == "":
            posted.value = None
        elif kind == "number":
            if not NUMBER.match(raw):
                posted.error = "Write a number with digits only (for example 18 or 2.5), without units or words."
            else:
                posted.value = float(raw) if "." in raw else int(raw)
        elif kind == "date":
            try:
                posted.value = dt.date.fromisoformat(raw).isoformat()
            except ValueError:
                posted.error = "Write the date as YYYY-MM-DD, for example 2024-03-31."
        else:
            posted.value = raw
    if posted.error is None and posted.value is not None:
        problem = check_value(question, posted.value)
        if problem:
            message, hint = problem
            posted.error = f"{message[:1].upper()}{message[1:]}: {hint}." if hint else f"{message}."
    return posted


def question_states(kb: KnowledgeBase, data: AnswersFile) -> dict[str, str]:
    """Each question's state on the form, given the answers:

    'shown'      it applies (no show_if, or its show_if holds), or it is answered and not ruled out;
    'hidden'     its show_if does not hold yet (or is undecided) and it has no answer;
    'set_aside'  it has an answer, but the answers it depends on rule it out (the engine ignores the answer).
    """
    known = {q: a.value for q, a in data.answers.items() if a.value is not None and a.value != "unknown"}
    facts = cond.Facts(known, {}, {})
    states = {}
    for q in kb.questionnaire.questions:
        node = kb.show_if.get(q.id)
        answered = q.id in data.answers
        if node is None:
            states[q.id] = "shown"
            continue
        truth = cond.evaluate(node, facts)
        if truth is True:
            states[q.id] = "shown"
        elif truth is False:
            states[q.id] = "set_aside" if answered else "hidden"
        else:
            states[q.id] = "shown" if answered else "hidden"
    return states


def controlling_numbers(kb: KnowledgeBase, question: Question) -> list[str]:
    node = kb.show_if.get(question.id)
    if node is None:
        return []
    questions = kb.questions
    return [questions[q].number for q in sorted(cond.questions(node)) if q in questions]


@dataclass
class ParagraphRow:
    number: int
    title: str
    level: str
    level_label: str
    mark: str
    score: float | None
    coverage: float
    assessment: str


def paragraph_rows(assessment: Assessment) -> list[ParagraphRow]:
    return [ParagraphRow(p.number, p.title, p.level, LEVEL_LABELS[p.level], LEVEL_MARKS.get(p.level, "?"),
                         p.score, p.coverage, p.assessment) for p in assessment.paragraphs]


def _pct(value: float | None) -> str:
    return "no score" if value is None else f"{round(value * 100)}%"


def status_changes(before: list[ParagraphRow], after: list[ParagraphRow]) -> list[str]:
    """Plain sentences for what changed between two paragraph status lists (for screen readers)."""
    old = {r.number: r for r in before}
    changes = []
    for row in after:
        was = old.get(row.number)
        if was is None:
            continue
        if was.level != row.level:
            changes.append(f"Paragraph {row.number}: {was.level_label} → {row.level_label}.")
        elif (was.score, was.coverage) != (row.score, row.coverage):
            changes.append(f"Paragraph {row.number}: score {_pct(row.score)}, coverage {_pct(row.coverage)}.")
    return changes


class Workspace:
    """The data folder plus the rule pack, with a small cache of live Sessions (one per answers file).

    The cache is keyed by the file's content hash, so a file changed outside the app is simply reloaded.
    CLIPS environments are not made for concurrent use, so every engine call holds `engine_lock`.
    """

    def __init__(self, folder: DataFolder, pack: str | None = None, cache_size: int = 8):
        self.folder = folder
        self.pack = pack
        self.kb = load_knowledge(pack)
        self.questions = printed_order(self.kb)
        self.engine_lock = threading.RLock()
        self.cache_size = cache_size
        self._cache: OrderedDict[str, tuple[str, Session]] = OrderedDict()
        self._create_lock = threading.Lock()

    # -- files ------------------------------------------------------------------------------------

    def read(self, stem: str) -> bytes:
        return self.folder.read_bytes(stem, MAX_BYTES)

    def open(self, stem: str) -> Session:
        """The live Session of an answers file (InputError if the file is not a valid answers file)."""
        raw = self.read(stem)
        digest = hashlib.sha256(raw).hexdigest()
        with self.engine_lock:
            cached = self._cache.get(stem)
            if cached and cached[0] == digest:
                self._cache.move_to_end(stem)
                return cached[1]
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise InputError(Problem(f"{stem}.yaml", f"the file is not UTF-8 text (byte {exc.start})",
                                         "save it as UTF-8 text")) from None
            answers = parse_answers(text, self.kb, f"{stem}.yaml")
            session = Session(answers, self.pack)
            self._remember(stem, digest, session)
            return session

    def _remember(self, stem: str, digest: str, session: Session) -> None:
        self._cache[stem] = (digest, session)
        self._cache.move_to_end(stem)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def forget(self, stem: str) -> None:
        with self.engine_lock:
            self._cache.pop(stem, None)

    def save(self, stem: str, session: Session, *, create: bool = False) -> None:
        """Write the Session's answers to the file (backup + atomic rename) and keep the Session cached."""
        text = checked_yaml(session.answers.data, self.kb, f"{stem}.yaml")
        data = text.encode("utf-8")
        with self.engine_lock:
            try:
                self.folder.write(stem, data, create=create)
            except BaseException:
                self._cache.pop(stem, None)
                raise
            self._remember(stem, hashlib.sha256(data).hexdigest(), session)

    def create(self, data: AnswersFile, original: bytes | None = None) -> str:
        """Save a new answers file (`original`'s bytes as they are, else `data` written out) under a free
        stem made from the State's name and the date; returns the stem."""
        base = make_stem(data.state.name, data.assessment.date.isoformat())
        with self._create_lock:
            stem = self.folder.free_stem(base)
            if original is not None:
                self.folder.write(stem, original, create=True)
                self.forget(stem)
            else:
                self.save(stem, self.new_session(data, stem), create=True)
        return stem

    def new_session(self, data: AnswersFile, stem: str) -> Session:
        with self.engine_lock:
            return Session(Answers(f"{stem}.yaml", data), self.pack)

    # -- answers ------------------------------------------------------------------------------------

    def apply(self, session: Session, posted: Posted) -> tuple[Session, bool]:
        """Apply one posted answer through the Session; returns the Session (a new one when a text field was
        cleared, which set_answer cannot do) and whether anything changed."""
        qid = posted.question.id
        with self.engine_lock:
            old = session.answers.data.answers.get(qid)
            if posted.empty:
                if old is None:
                    return session, False
                session.retract_answer(qid)
                return session, True
            wanted = {"value": posted.value, **posted.texts}
            if old is not None and all(getattr(old, k) == v for k, v in wanted.items()):
                return session, False
            cleared = old is not None and any(getattr(old, k) and not posted.texts[k] for k in TEXT_FIELDS)
            if not cleared:
                session.set_answer(qid, posted.value, **{k: v for k, v in posted.texts.items() if v})
                return session, True
            kept = old.model_dump()
            kept.update(wanted)
            answers = dict(session.answers.data.answers)
            answers[qid] = Answer.model_validate(kept)
            data = session.answers.data.model_copy(update={"answers": answers})
            return Session(Answers(session.answers.file, data), self.pack), True

    def assessment(self, session: Session) -> Assessment:
        with self.engine_lock:
            return session.assessment
