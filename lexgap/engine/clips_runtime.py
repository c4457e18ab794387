"""Running compiled rule packs in CLIPS (clipspy): environments, answer facts, results.

Environments are built once per pack and process from the compiled text, saved as a binary image, and
every later environment loads that image (well under a millisecond). CLIPS output never reaches the
terminal: a router keeps it, and a CLIPS error becomes a PackError, since it always means a fault in the
rule pack or in lexgap, never in the user's answers.
"""
from __future__ import annotations

import atexit
import itertools
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import clips
import clips._clips
import clips.facts
from clips._clips import lib
from clips.common import ENVIRONMENT_DATA

from ..errors import PackError, Problem
from . import diskcache
from .compile import MODULES, compile_pack, constructs
from .knowledge import KnowledgeBase


def _release_fact(self: clips.facts.Fact) -> None:
    """clipspy <= 1.0.6 calls ReleaseFact with two arguments and swallows the TypeError, so every fact
    Python ever touched stays retained (about 170 bytes each, forever). Release it correctly, and only
    while its environment is alive: a fact can outlive the Environment object that destroyed it."""
    try:
        if self._env in ENVIRONMENT_DATA:
            lib.ReleaseFact(self._fact)
    except (AttributeError, TypeError):
        pass


clips.facts.Fact.__del__ = _release_fact  # tests/test_engine_memory.py guards this patch


class _Capture(clips.Router):
    """Keeps everything CLIPS prints, so nothing bypasses Python's streams."""

    def __init__(self) -> None:
        super().__init__("lexgap-capture", 10)
        self.lines: list[str] = []

    def query(self, name: str) -> bool:
        return name in ("stdout", "stderr", "stdwrn")

    def write(self, name: str, message: str) -> None:
        if len(self.lines) < 1000:
            self.lines.append(message)


_IMAGES: dict[str, Path] = {}
_IMAGE_DIR: Path | None = None


def _image_dir() -> Path:
    global _IMAGE_DIR
    if _IMAGE_DIR is None:
        _IMAGE_DIR = Path(tempfile.mkdtemp(prefix="lexgap-clips-"))
        atexit.register(shutil.rmtree, _IMAGE_DIR, True)
    return _IMAGE_DIR


def new_environment(kb: KnowledgeBase) -> tuple[clips.Environment, _Capture]:
    """A fresh CLIPS environment holding the compiled pack: loaded from its binary image (kept in this
    process, and in the on-disk cache for later processes), else built from the compiled text."""
    env = clips.Environment()
    capture = _Capture()
    env.add_router(capture)
    image = _IMAGES.get(kb.content_hash)
    cached = None
    if image is None:
        cached = diskcache.entry(f"clips-{_image_key(kb)}.bin")
        image = cached
    if image is not None and image.exists():
        try:
            env.load(str(image), binary=True)
        except clips.CLIPSError:  # an image CLIPS cannot read: build afresh, in a clean environment
            env = clips.Environment()
            capture = _Capture()
            env.add_router(capture)
        else:
            _IMAGES[kb.content_hash] = image
            return env, capture
    routers = list(env.routers())
    for construct in constructs(compile_pack(kb)):
        try:
            with routers_paused(routers):
                env.build(construct)
        except clips.CLIPSError:
            try:  # again with the routers on, for CLIPS's own message
                env.build(construct)
            except clips.CLIPSError as exc:
                first_line = construct.splitlines()[0][:120]
                raise PackError(Problem(
                    str(kb.root), f"the compiled rule base was refused by CLIPS at '{first_line}': {exc}",
                    "this is a fault in the rule pack or in lexgap; please report it with the output of "
                    "'lexgap rules compile --emit clips'")) from None
    if cached is not None:
        diskcache.write_atomically(cached, lambda tmp: env.save(str(tmp), binary=True))
    if cached is not None and cached.exists():
        _IMAGES[kb.content_hash] = cached
    else:
        path = _image_dir() / f"{kb.content_hash}.bin"
        env.save(str(path), binary=True)
        _IMAGES[kb.content_hash] = path
    return env, capture


def _image_key(kb: KnowledgeBase) -> str:
    """What a binary image depends on: the pack, lexgap's compiler (in the code digest) and the CLIPS
    library that wrote it."""
    library = Path(clips._clips.__file__)
    try:
        stat = library.stat()
        build = f"{library}:{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        build = str(library)
    return diskcache.files_digest(kb.content_hash, build)


@contextmanager
def routers_paused(routers: list[clips.Router]) -> Iterator[None]:
    """CLIPS consults every router for each character it reads from a command or construct and each line
    it writes; with Python routers active that is a call into Python each time (most of the cost of
    building the rule base, and a large share of a run). Pause them for text lexgap generated itself."""
    for router in routers:
        router.deactivate()
    try:
        yield
    finally:
        for router in routers:
            router.activate()


@dataclass
class RawResult:
    """The facts CLIPS derived, read back without interpretation."""

    elements: dict[str, tuple[str, str]] = field(default_factory=dict)
    element_binding: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    findings: dict[str, tuple[str, str]] = field(default_factory=dict)
    concepts: dict[str, bool] = field(default_factory=dict)
    concept_rules: dict[str, str] = field(default_factory=dict)
    binding: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    blocks: list[tuple[str, str]] = field(default_factory=list)
    packages_open: list[str] = field(default_factory=list)


RESULT_TEMPLATES = ("element", "element-binding", "finding", "concept", "binding", "warning", "gap", "blocks",
                    "package-open")
# CLIPS's fact-file format: one fact per line, slots in template order, every value here one symbol.
_FACT = re.compile(r"^\(([a-z-]+) \([a-z]+ (\S+)\)(?: \([a-z]+ (\S+)\))?(?: \([a-z]+ (\S+)\))?"
                   r"(?: \([a-z]+ (\S+)\))?\)$", re.M)


_LINES: dict[str, tuple[str, str, str, str, str] | None] = {}
_LINES_KEPT = 20_000


def _fact_lines(text: str) -> list[tuple[str, str, str, str, str]]:
    """_FACT.findall(text), line by line: a pack's result facts are a few thousand distinct lines, repeated
    from one run to the next, so each line is matched once and then looked up (about three times faster).
    The memo is bounded: past _LINES_KEPT lines it starts afresh."""
    if len(_LINES) > _LINES_KEPT:
        _LINES.clear()
    out: list[tuple[str, str, str, str, str]] = []
    for line in text.split("\n"):
        if line in _LINES:
            fact = _LINES[line]
        else:
            match = _FACT.fullmatch(line)
            fact = _LINES[line] = None if match is None else _five(match.groups())
        if fact is not None:
            out.append(fact)
    return out


def _five(groups: tuple[str | None, ...]) -> tuple[str, str, str, str, str]:
    a, b, c, d, e = (g or "" for g in groups)
    return a, b, c, d, e


def parse_facts(text: str) -> RawResult:
    """Read the result facts from the file CLIPS's save-facts wrote. Where two rules derived the same
    conclusion, the rule whose name sorts first is the one reported, so the result never depends on the
    order in which rules fired."""
    raw = RawResult()
    findings, concepts, concept_rules, binding = raw.findings, raw.concepts, raw.concept_rules, raw.binding
    elements, element_binding = raw.elements, raw.element_binding
    for template, first, second, third, fourth in _fact_lines(text):
        if template == "element":
            if first not in elements or fourth < elements[first][1]:
                elements[first] = (third, fourth)
        elif template == "element-binding":
            value, under = element_binding.get(first, (third, []))
            if third == "binding":
                value = "binding"
                under = sorted(set(under) | {second})
            element_binding[first] = (value, under)
        elif template == "finding":
            if first not in findings or third < findings[first][1]:
                findings[first] = (second, third)
        elif template == "binding":
            binding[first] = second
        elif template == "concept":
            if first not in concept_rules or third < concept_rules[first]:
                concepts[first], concept_rules[first] = second == "TRUE", third
        elif template == "warning":
            raw.warnings.append(first)
        elif template == "gap":
            raw.gaps.append(first)
        elif template == "blocks":
            raw.blocks.append((first, second))
        elif template == "package-open":
            raw.packages_open.append(first)
    raw.warnings.sort()
    raw.gaps.sort()
    raw.blocks.sort()
    raw.packages_open.sort()
    return raw


_RUNNER_IDS = itertools.count(1)


def _clips_value(value: object) -> object:
    """A single answer value as clipspy should assert it: words become symbols, numbers stay numbers."""
    return clips.Symbol(value) if isinstance(value, str) else value


class Runner:
    """One CLIPS environment holding one State's answers; answers can be changed and the run repeated."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.env, self.capture = new_environment(kb)
        self.env.reset()
        self._answer = self.env.find_template("answer")
        self._routers = list(self.env.routers())
        self._pid = 0  # the results file is named per process: a forked worker must not share it
        self._focus = f"(focus {' '.join(MODULES)})"

    def reset(self) -> None:
        """Forget every answer and everything derived from them."""
        self.env.reset()

    def set(self, question: str, value: object) -> None:
        """Assert (or replace) the answer to one question; None or 'unknown' removes it."""
        self.remove(question)
        self.load({question: value})

    def load(self, values: dict[str, object]) -> None:
        """Assert answers to questions that have none yet. Values made only of plain symbols and numbers
        go to CLIPS in one command; anything else (free text, dates) through clipspy's typed API, so
        that no text a user wrote is ever parsed as CLIPS."""
        plain = []
        for question, value in values.items():
            if value is None or value == "unknown":
                continue
            text = _plain_fact(question, value)
            if text is not None:
                plain.append(text)
            elif isinstance(value, (list, tuple)):
                self._answer.assert_fact(q=clips.Symbol(question), value=clips.Symbol("list"),
                                         values=[clips.Symbol(v) for v in value])
            else:
                self._answer.assert_fact(q=clips.Symbol(question), value=_clips_value(value))
        if plain:
            with self._routers_paused():
                done = self.env.eval(f"(assert {' '.join(plain)})")
            if isinstance(done, str) and done == "FALSE":  # CLIPS answers the symbol FALSE when it refuses
                raise PackError(Problem(str(self.kb.root), "CLIPS refused the answers of this assessment",
                                        "this is a fault in lexgap; please report it"))

    def remove(self, question: str) -> None:
        if not _SYMBOL.fullmatch(question):
            raise ValueError(f"not a question id: {question!r}")
        with self._routers_paused():
            self.env.eval(f"(do-for-all-facts ((?a answer)) (eq ?a:q {question}) (retract ?a))")

    def run(self) -> RawResult:
        with self._routers_paused():
            self.env.eval(self._focus)
        self.env.run()
        return self.collect()

    def collect(self) -> RawResult:
        """All result facts in one CLIPS call: CLIPS writes them in its fact-file format to a private
        temporary file, which is parsed here (about 30 times faster than reading facts slot by slot
        through clipspy). The file holds only derived ids and statuses, never the answers themselves, and
        is removed once read."""
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._facts_file = _image_dir() / f"facts-{self._pid}-{next(_RUNNER_IDS)}.clp"
            self._save = f'(save-facts "{self._facts_file}" visible {" ".join(RESULT_TEMPLATES)})'
        with self._routers_paused():
            self.env.eval(self._save)
        text = self._facts_file.read_text(encoding="utf-8")
        self._facts_file.unlink()  # a long-running server creates many Runners; leave nothing behind
        return parse_facts(text)

    def _routers_paused(self) -> AbstractContextManager[None]:
        return routers_paused(self._routers)


_SYMBOL = re.compile(r"[A-Za-z][A-Za-z0-9_.]*")
_NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,15})?")


def _plain_fact(question: str, value: object) -> str | None:
    """The answer fact as CLIPS text, if every part of it is a plain symbol or number; otherwise None."""
    if not _SYMBOL.fullmatch(question):
        return None
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, str) and _SYMBOL.fullmatch(v) for v in value):
            return f"(answer (q {question}) (value list) (values {' '.join(value)}))"
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and _NUMBER.fullmatch(repr(value)):
        return f"(answer (q {question}) (value {value!r}))"
    if isinstance(value, str) and _SYMBOL.fullmatch(value):
        return f"(answer (q {question}) (value {value}))"
    return None


def run_once(kb: KnowledgeBase, values: dict[str, object]) -> RawResult:
    """Evaluate one set of answers in a fresh environment."""
    runner = Runner(kb)
    runner.load(values)
    return runner.run()
