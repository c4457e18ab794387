"""Limits on what lexgap reads and prints: problems listed, control characters on a terminal, values
given through the API. (The located messages for bad files are in tests/bad_inputs/.)"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexgap.api import Session
from lexgap.cli import cli
from lexgap.errors import MAX_PROBLEMS, InputError, LexgapError, Problem
from lexgap.terminal import printable

from .conftest import EXAMPLES

EXAMPLE = EXAMPLES / "arcadia.yaml"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_an_error_lists_at_most_max_problems_then_counts_the_rest():
    exc = LexgapError([Problem("a.yaml", f"problem {i}", line=i) for i in range(MAX_PROBLEMS + 31_900)])
    assert exc.total == MAX_PROBLEMS + 31_900
    assert len(exc.problems) == MAX_PROBLEMS + 1
    assert str(exc.problems[-1]) == ("a.yaml: and 31,900 more problems, not listed (lexgap lists the first 100) "
                                     "— correct the problems above, then check the file again to see the rest")
    assert len(LexgapError([Problem("a", "x")] * MAX_PROBLEMS).problems) == MAX_PROBLEMS


def _unknown_fields_file(tmp_path: Path, n: int) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    extra = "".join(f"  field_{i:05d}: 1\n" for i in range(n))
    path = tmp_path / "many.yaml"
    path.write_text(text.replace("assessment:\n", "assessment:\n" + extra, 1), encoding="utf-8")
    return path


def test_thirty_two_thousand_unknown_keys_are_reported_in_seconds_not_minutes(tmp_path):
    path = _unknown_fields_file(tmp_path, 32_000)
    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["validate", str(path)])
    elapsed = time.perf_counter() - start
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[0].endswith("unknown field 'field_00000' — allowed here: date, assessors, status, pack, "
                             "pack_version, sources, confidentiality, language")
    assert "and 31,900 more problems" in lines[-1]
    assert elapsed < 30, f"took {elapsed:.1f} s (67 s before the fix, under 2 s after on an idle machine)"


def test_printable_shows_control_characters_and_keeps_json_readable():
    assert printable("a\tb\nc\r\n") == "a\tb\nc\r\n"
    assert printable("x\x1b[2J\x9b\u202e\ry\x07") == "x\\u001b[2J\\u009b\\u202e\\u000dy\\u0007"
    text = json.dumps({"name": "A\x9b\u202eB\x1b"}, ensure_ascii=False)
    assert json.loads(printable(text)) == {"name": "A\x9b\u202eB\x1b"}


@pytest.fixture
def escaped_state(tmp_path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "escaped.yaml"
    path.write_text(text.replace("name: Republic of Arcadia", 'name: "Arcadia\\e[2J\\e[31m\\x9b\\u202e"', 1),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("args", [["validate", "FILE"], ["assess", "FILE"], ["assess", "FILE", "--format", "markdown"],
                                  ["assess", "FILE", "--format", "json"], ["explain", "FILE", "P01.01"]])
def test_escape_sequences_in_a_state_name_never_reach_the_terminal(escaped_state, args):
    args = [str(escaped_state) if a == "FILE" else a for a in args]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert not UNSAFE.search(result.output)
    if "json" in args:
        assert json.loads(result.output)["state"]["name"] == "Arcadia\x1b[2J\x1b[31m\x9b\u202e"
    elif args[0] in ("validate", "assess"):
        assert "Arcadia\\u001b" in result.output and "\\u009b" in result.output


@pytest.fixture(scope="module")
def session() -> Session:
    return Session(EXAMPLE)


@pytest.mark.parametrize("question, value, texts, message", [
    ("offences.possession", b"yes", {}, "offences.possession (question 2.4): a value of type bytes cannot be an "
     "answer — give text (an option's value, yes, no, partial, unknown or a date), a number or a list of options"),
    ("definitions.child_age", float("nan"), {}, "definitions.child_age (question 1.1): nan is not a number lexgap "
     "can use — give a figure"),
    ("definitions.child_age", 10 ** 5000, {}, "definitions.child_age (question 1.1): this number is too large "
     "to be an answer — check the figure"),
    ("definitions.csam_scope", [b"x"], {}, "definitions.csam_scope (question 1.4): a list of answers may hold "
     "only the options' values (text) — choose from the question's options"),
    ("offences.possession", "yes", {"citation": "   "}, "offences.possession (question 2.4): 'citation' is "
     "blank — write the citation, or leave 'citation' out"),
    ("offences.possession", "yes", {"note": b"x"}, "offences.possession (question 2.4): the note must be text, "
     "not bytes — give the note as text, or None"),
], ids=["bytes", "nan", "huge-int", "list-of-bytes", "blank-citation", "bytes-note"])
def test_set_answer_refuses_what_is_not_an_answer_plainly_and_changes_nothing(session, question, value, texts,
                                                                               message):
    before = session.answers.data
    with pytest.raises(InputError) as info:
        session.set_answer(question, value, **texts)
    assert str(info.value) == f"{EXAMPLE}: {message}"
    assert session.answers.data is before
