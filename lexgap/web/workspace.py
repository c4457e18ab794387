"""The engine side of the web app: one live `Session` per open answers file (and the file's version), and
which questions show. No web framework is imported here."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from ..api import Session
from ..engine import relevance
from ..engine.answers import Answers, parse_answers
from ..engine.assessment import Assessment
from ..engine.knowledge import KnowledgeBase, load_knowledge
from ..engine.models import Answer, AnswersFile, Question
from ..engine.yamlio import MAX_BYTES
from ..errors import InputError, Problem
from .answersio import checked_yaml, printed_order
from .forms import TEXT_FIELDS, Posted
from .storage import DataFolder, make_stem

VERSION_LENGTH = 16


def question_states(kb: KnowledgeBase, data: AnswersFile) -> dict[str, str]:
    """Each question's state on the form, given the answers:

    'shown'      it applies (no show_if, or its show_if holds), or it is answered and not ruled out;
    'hidden'     its show_if does not hold yet (or is undecided) and it has no answer;
    'set_aside'  it has an answer, but the answers it depends on rule it out (the engine ignores the answer).
    """
    facts = relevance.known_facts({q: a.value for q, a in data.answers.items()})
    states = {}
    for q in kb.questionnaire.questions:
        answered = q.id in data.answers
        truth = relevance.applies(kb, q.id, facts)
        if truth is True:
            states[q.id] = "shown"
        elif truth is False:
            states[q.id] = "set_aside" if answered else "hidden"
        else:
            states[q.id] = "shown" if answered else "hidden"
    return states


def controlling_numbers(kb: KnowledgeBase, question: Question) -> list[str]:
    questions = kb.questions
    return [questions[q].number for q in relevance.controlling(kb, question.id) if q in questions]


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

    def version(self, stem: str, session: Session | None = None) -> str:
        """The version of the answers file: a digest of its bytes (that `session` was read from, if given and
        still cached), which changes with every save, including saves by another program."""
        with self.engine_lock:
            cached = self._cache.get(stem)
            if session is not None and cached and cached[1] is session:
                return cached[0][:VERSION_LENGTH]
        return hashlib.sha256(self.read(stem)).hexdigest()[:VERSION_LENGTH]

    def save(self, stem: str, session: Session, *, create: bool = False) -> None:
        """Write the Session's answers to the file (backup + atomic rename) and keep the Session cached.

        If anything fails (the answers would not read back, the disk is full), nothing is written and the
        cached Session is dropped, so that the next `open` reads the file as it is: a refused save never
        lingers in memory."""
        with self.engine_lock:
            try:
                data = checked_yaml(session.answers.data, self.kb, f"{stem}.yaml").encode("utf-8")
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
            if old is None or not cleared:
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
