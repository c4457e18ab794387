"""Fuzzing: mutated copies of the bundled example answers files (types, keys, indentation, injected unicode
and control characters, other encodings) through the API and the CLI, and random values through
Session.set_answer. Every outcome must be a result or a plain lexgap error: never a traceback, a hang or
unbounded memory, and nothing unsafe printed to a terminal.

The normal run tries a few hundred examples. The long run tries more than 10,000:

    python3 -m pytest -m fuzz tests/test_fuzz.py -p no:cacheprovider

and prints its figures (examples, outcomes, tracebacks, hangs, slowest example, peak memory).
"""
from __future__ import annotations

import re
import resource
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lexgap import api
from lexgap.cli import cli
from lexgap.errors import LexgapError

from .conftest import example_files

EXAMPLES = [p.read_text(encoding="utf-8") for p in example_files()]
HANG_SECONDS = 30  # an example that takes longer counts as a hang
UNSAFE = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")
OK_EXIT_CODES = {0, 1, 3, 4, 5}

TRICKY = ["\x00", "\x07", "\x1b[2J", "\x1b]0;title\x07", "\x85", "\x9b31m", "\u2028", "\u202e", "\ufeff", "\t",
          "\r", "\r\n", "é", "€", "😀", "\U0010fffd", ": ", "- ", "[", "]", "{", "}", "'", '"', "#", "&a", "*a",
          "!!python/object:os.system", "|", ">", "\\", "%YAML 1.1", "---", "...", "<<: ", "? "]
SCALARS = ["123", "-0", "1.5", "1e400", "9" * 200, "0x1F", "0777", "[a, b]", "{a: 1}", "[]", "{}", "null", "~",
           "true", "false", "yes", "NO", "''", '""', "2026-13-45", "2026-02-29", ".nan", ".inf", "x" * 3000,
           "[" * 60 + "]" * 60, "{a: " * 60 + "1" + "}" * 60]
SAFE_TEXT = st.characters(blacklist_categories=("Cs",))
INJECTED = st.one_of(st.sampled_from(TRICKY), st.text(SAFE_TEXT, min_size=1, max_size=6))


def _key_paths(data, path=()):
    """Every path into the parsed example, for data-level mutations."""
    yield path
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _key_paths(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _key_paths(v, path + (i,))


PARSED = [yaml.safe_load(t) for t in EXAMPLES]
PATHS = [[p for p in _key_paths(d) if p] for d in PARSED]
NEW_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(SAFE_TEXT, max_size=20),
                       st.lists(st.text(SAFE_TEXT, max_size=5), max_size=3),
                       st.dictionaries(st.text(SAFE_TEXT, max_size=5), st.integers(), max_size=2),
                       st.sampled_from(SCALARS))


@st.composite
def data_mutation(draw) -> bytes:
    """A bundled example with a value retyped, a key renamed or removed, or a key added, written as YAML."""
    import copy

    n = draw(st.integers(0, len(EXAMPLES) - 1))
    data = copy.deepcopy(PARSED[n])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS[n]))
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            last = path[-1]
            action = draw(st.sampled_from(["retype", "rename", "delete", "add"]))
            if action == "retype":
                parent[last] = draw(NEW_VALUES)
            elif action == "rename" and isinstance(parent, dict):
                parent[draw(st.text(SAFE_TEXT, min_size=1, max_size=12))] = parent.pop(last)
            elif action == "delete":
                del parent[last]
            elif isinstance(parent, dict):
                parent[draw(st.text(SAFE_TEXT, min_size=1, max_size=12))] = draw(NEW_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # the path was removed by an earlier mutation
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")


@st.composite
def text_mutation(draw) -> bytes:
    """A bundled example with lines re-indented, deleted, duplicated, retyped or sprinkled with characters."""
    lines = draw(st.sampled_from(EXAMPLES)).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        action = draw(st.sampled_from(["indent", "dedent", "delete", "duplicate", "inject", "retype", "rekey"]))
        if action == "indent":
            lines[i] = " " * draw(st.integers(1, 9)) + line
        elif action == "dedent":
            lines[i] = line.lstrip()
        elif action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, line)
        elif action == "inject":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(INJECTED) + line[at:]
        elif ": " in line:
            key, _, value = line.partition(": ")
            if action == "retype":
                lines[i] = f"{key}: {draw(st.sampled_from(SCALARS))}"
            else:
                indent = key[: len(key) - len(key.lstrip())]
                lines[i] = f"{indent}{draw(st.text(SAFE_TEXT, min_size=1, max_size=12))}: {value}"
        if not lines:
            lines = [""]
    text = "\n".join(lines)
    encoding = draw(st.sampled_from(["utf-8"] * 12 + ["utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1"]))
    raw = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 19)) == 0:
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    return raw


MUTATED = st.one_of(text_mutation(), data_mutation())


@dataclass
class Figures:
    """What a fuzz run saw."""

    examples: int = 0
    outcomes: Counter = field(default_factory=Counter)
    tracebacks: list[str] = field(default_factory=list)
    hangs: int = 0
    slowest: float = 0.0

    def summary(self, what: str) -> str:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return (f"fuzz {what}: {self.examples} examples, outcomes {dict(self.outcomes)}, "
                f"{len(self.tracebacks)} tracebacks, {self.hangs} hangs, slowest {self.slowest:.2f} s, "
                f"peak memory of the test process {peak:.0f} MB")


class _Hang(Exception):
    pass


def _timed(figures: Figures, action) -> None:
    def alarm(signum, frame):
        raise _Hang()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_SECONDS)
    start = time.perf_counter()
    try:
        figures.outcomes[action()] += 1
    except _Hang:
        figures.hangs += 1
    except Exception as exc:  # noqa: BLE001 - the thing being counted
        figures.tracebacks.append(f"{type(exc).__name__}: {exc}"[:300])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        figures.examples += 1
        figures.slowest = max(figures.slowest, time.perf_counter() - start)


def _through_api(path: Path, raw: bytes) -> str:
    path.write_bytes(raw)
    try:
        api.assess(path)
        return "assessed"
    except LexgapError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        return type(exc).__name__


def _through_cli(path: Path, raw: bytes) -> str:
    path.write_bytes(raw)
    runner = CliRunner()
    for args in (["validate", str(path)], ["assess", str(path), "--format", "table"]):
        result = runner.invoke(cli, args)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code in OK_EXIT_CODES, (args, result.exit_code, result.output)
        assert "Traceback" not in result.output
        bad = UNSAFE.search(result.output)
        assert bad is None, f"{bad.group()!r} printed by {args[0]}"
        if result.exit_code != 0:
            return f"exit {result.exit_code}"
    return "exit 0"


def _fuzz(strategy, check, n: int, what: str, capsys) -> Figures:
    figures = Figures()

    @settings(max_examples=n, deadline=None, database=None, derandomize=n <= 500,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(raw):
        _timed(figures, lambda: check(raw))

    run()
    with capsys.disabled():
        print("\n" + figures.summary(what))
    assert figures.tracebacks == [], figures.tracebacks[:5]
    assert figures.hangs == 0
    return figures


@pytest.mark.slow
def test_mutated_examples_through_the_api(tmp_path, capsys):
    _fuzz(MUTATED, lambda raw: _through_api(tmp_path / "mutated.yaml", raw), 200, "API", capsys)


@pytest.mark.slow
def test_mutated_examples_through_the_cli(tmp_path, capsys):
    _fuzz(MUTATED, lambda raw: _through_cli(tmp_path / "mutated.yaml", raw), 60, "CLI", capsys)


# --- random values through Session.set_answer ----------------------------------------------------------

ANY_VALUE = st.one_of(NEW_VALUES, st.binary(max_size=8), st.lists(NEW_VALUES, max_size=3),
                      st.builds(object), st.integers(min_value=10 ** 120, max_value=10 ** 5000))
TEXTS = st.one_of(st.none(), st.text(SAFE_TEXT, max_size=30), st.sampled_from(TRICKY + ["", "   "]),
                  st.binary(max_size=4))


@pytest.fixture(scope="module")
def session():
    return api.Session(example_files()[0])


def _set_answer(session, qids, choice) -> str:
    index, value, citation, note = choice
    qid = qids[index % len(qids)]
    before = session.answers.data
    try:
        session.set_answer(qid, value, citation=citation, note=note)
        return "accepted"
    except LexgapError:
        assert session.answers.data is before, "a refused answer changed the session"
        return "refused"


@pytest.mark.slow
def test_random_values_through_set_answer(session, capsys):
    qids = sorted(session.kb.questions)
    _fuzz(st.tuples(st.integers(0, 10 ** 6), ANY_VALUE, TEXTS, TEXTS),
          lambda choice: _set_answer(session, qids, choice), 300, "Session.set_answer", capsys)


# --- the long run: pytest -m fuzz -------------------------------------------------------------------------

@pytest.mark.fuzz
def test_ten_thousand_mutated_examples_through_the_api(tmp_path, capsys):
    _fuzz(MUTATED, lambda raw: _through_api(tmp_path / "mutated.yaml", raw), 10_000, "API (long)", capsys)


@pytest.mark.fuzz
def test_two_thousand_mutated_examples_through_the_cli(tmp_path, capsys):
    _fuzz(MUTATED, lambda raw: _through_cli(tmp_path / "mutated.yaml", raw), 2_000, "CLI (long)", capsys)


@pytest.mark.fuzz
def test_ten_thousand_random_values_through_set_answer(session, capsys):
    qids = sorted(session.kb.questions)
    _fuzz(st.tuples(st.integers(0, 10 ** 6), ANY_VALUE, TEXTS, TEXTS),
          lambda choice: _set_answer(session, qids, choice), 10_000, "Session.set_answer (long)", capsys)
