"""Running compiled rule packs in CLIPS (clipspy): environments, answer facts, results.

Environments are built once per pack and process from the compiled text, saved as a binary image, and
every later environment loads that image (well under a millisecond). CLIPS output never reaches the
terminal: a router keeps it, and a CLIPS error becomes a PackError, since it always means a fault in the
rule pack or in lexgap, never in the user's answers.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import clips
import clips.facts
from clips._clips import lib
from clips.common import ENVIRONMENT_DATA

from ..errors import PackError, Problem
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
    """A fresh CLIPS environment holding the compiled pack."""
    env = clips.Environment()
    capture = _Capture()
    env.add_router(capture)
    image = _IMAGES.get(kb.content_hash)
    if image is not None and image.exists():
        env.load(str(image), binary=True)
        return env, capture
    for construct in constructs(compile_pack(kb)):
        try:
            env.build(construct)
        except clips.CLIPSError as exc:
            first_line = construct.splitlines()[0][:120]
            raise PackError(Problem(str(kb.root), f"the compiled rule base was refused by CLIPS at "
                                    f"'{first_line}': {exc}", "this is a fault in the rule pack or in lexgap; "
                                    "please report it with the output of 'lexgap rules compile --emit clips'")) from None
    path = _image_dir() / f"{kb.content_hash}.bin"
    env.save(str(path), binary=True)
    _IMAGES[kb.content_hash] = path
    return env, capture


@dataclass
class RawResult:
    """The facts CLIPS derived, read back without interpretation."""

    findings: dict[str, tuple[str, str]] = field(default_factory=dict)
    because: dict[tuple[str, str], tuple[list[str], list[str], list[str]]] = field(default_factory=dict)
    concepts: dict[str, bool] = field(default_factory=dict)
    binding: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    blocks: list[tuple[str, str]] = field(default_factory=list)
    packages_open: list[str] = field(default_factory=list)


def _clips_value(value: object) -> object:
    if isinstance(value, str):
        return clips.Symbol(value)
    return value


class Runner:
    """One CLIPS environment holding one State's answers; answers can be changed and the run repeated."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.env, self.capture = new_environment(kb)
        self.env.reset()
        self._answer = self.env.find_template("answer")
        self._facts: dict[str, clips.facts.Fact] = {}

    def reset(self) -> None:
        """Forget every answer and everything derived from them."""
        self._facts.clear()
        self.env.reset()

    def set(self, question: str, value: object) -> None:
        """Assert (or replace) the answer to one question; None or 'unknown' removes it."""
        self.remove(question)
        if value is None or value == "unknown":
            return
        if isinstance(value, (list, tuple)):
            fact = self._answer.assert_fact(q=clips.Symbol(question), value=clips.Symbol("list"),
                                            values=[clips.Symbol(v) for v in value])
        else:
            fact = self._answer.assert_fact(q=clips.Symbol(question), value=_clips_value(value))
        self._facts[question] = fact

    def remove(self, question: str) -> None:
        fact = self._facts.pop(question, None)
        if fact is not None and fact.exists:
            fact.retract()

    def run(self) -> RawResult:
        self.env.eval(f"(focus {' '.join(MODULES)})")
        self.env.run()
        return self.collect()

    def collect(self) -> RawResult:
        raw = RawResult()
        for fact in self.env.facts():
            name = fact.template.name
            if name == "finding":
                cid, status, rule = str(fact["id"]), str(fact["status"]), str(fact["rule"])
                if cid not in raw.findings or rule < raw.findings[cid][1]:
                    raw.findings[cid] = (status, rule)
            elif name == "because":
                raw.because[(str(fact["subject"]), str(fact["rule"]))] = (
                    [str(v) for v in fact["questions"]], [str(v) for v in fact["concepts"]],
                    [str(v) for v in fact["findings"]])
            elif name == "concept":
                raw.concepts[str(fact["id"])] = str(fact["value"]) == "TRUE"
            elif name == "binding":
                raw.binding[str(fact["id"])] = str(fact["value"])
            elif name == "warning":
                raw.warnings.append(str(fact["id"]))
            elif name == "gap":
                raw.gaps.append(str(fact["id"]))
            elif name == "blocks":
                raw.blocks.append((str(fact["criterion"]), str(fact["dependent"])))
            elif name == "package-open":
                raw.packages_open.append(str(fact["id"]))
        raw.warnings.sort()
        raw.gaps.sort()
        raw.blocks.sort()
        raw.packages_open.sort()
        return raw


def run_once(kb: KnowledgeBase, values: dict[str, object]) -> RawResult:
    """Evaluate one set of answers in a fresh environment."""
    runner = Runner(kb)
    for question, value in values.items():
        runner.set(question, value)
    return runner.run()
