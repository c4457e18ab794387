"""The terminal interview: which questions it asks, and `lexgap interview` driven through CliRunner's input,
interrupted mid-way and resumed with nothing lost."""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lexgap.cli import cli
from lexgap.engine.answers import Answers, load_answers
from lexgap.engine.build import applicable
from lexgap.engine.models import AnswersFile
from lexgap.engine.relevance import facts_of, open_questions, pending, shown
from lexgap.interview import parse_typed

from .conftest import example_files
from .strategies import draw_value
from .test_compare import answers_data

HEADER_INPUT = ["Veridia", "XV", "Jane Doe; National focal point", "2026-03-01", "y"]


def answers_file(kb, values: dict) -> AnswersFile:
    data = answers_data(kb, 0, only=set())
    data["state"].update(name="Veridia", code="XV")
    data["answers"] = {q: {"value": v} for q, v in values.items()}
    return AnswersFile.model_validate(data)


def assess(kb, values: dict):
    import lexgap

    return lexgap.assess(Answers("veridia.yaml", answers_file(kb, values)))


def typed_answer(q) -> tuple[str, object]:
    """What the test 'types' for a question, and the value it stands for."""
    if q.type == "yes_no":
        return "y", "yes"
    if q.type == "single_choice":
        return "1", q.options[0].value
    if q.type == "multiple_choice":
        return "1,2", [o.value for o in q.options[:2]]
    if q.type == "number":
        value = int(q.minimum if q.minimum is not None else 0) + 1
        return str(value), value
    if q.type == "date":
        return "2020-01-31", "2020-01-31"
    return "some text", "some text"


def asks_citation(q, value) -> bool:
    return q.citation == "required" and value not in ("unknown", "no", [])


def plan(kb, count: int, given: dict | None = None) -> tuple[list[str], dict, list[str]]:
    """The input lines that answer the next `count` questions the interview will ask, the values they give,
    and the ids of the questions in the order they will be asked (computed with the library itself)."""
    values = dict(given or {})
    lines: list[str] = []
    order: list[str] = []
    for _ in range(count):
        todo = pending(kb, answers_file(kb, values), assess(kb, values))
        if not todo:
            break
        q = todo[0]
        text, value = typed_answer(q)
        lines.append(text)
        if asks_citation(q, value):
            lines.append(f"Act {len(order) + 1}, art. 2")
        values[q.id] = value
        order.append(q.id)
    return lines, values, order


def run(*args, input_lines: list[str], cwd: Path):
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, ["interview"] + [str(a) for a in args], input="\n".join(input_lines) + "\n")
    finally:
        os.chdir(old)


# --- which questions ------------------------------------------------------------------------------------------

def outcome(kb, values: dict):
    from lexgap.engine import reference

    known, _ = applicable(kb, values)
    evaluation = reference.evaluate(kb, known)
    return {c: (d.status, d.binding) for c, d in evaluation.decisions.items()}, evaluation.warnings


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), share=st.sampled_from([0.1, 0.4, 0.7, 0.95]))
def test_a_question_not_asked_can_no_longer_change_any_finding(kb, seed, share):
    rng = random.Random(seed)
    values = answers_data(kb, seed, share=share)["answers"]
    a = assess(kb, values)
    facts = facts_of(kb, values, a)
    still_open = open_questions(kb, facts)
    base = outcome(kb, values)
    for q in kb.questionnaire.questions:
        if q.id in values or q.id in still_open or not shown(kb, q, facts):
            continue
        for _ in range(3):
            value = draw_value(q, rng)
            assert outcome(kb, {**values, q.id: value}) == base, (q.id, value)


def test_the_interview_leaves_out_questions_that_no_longer_matter(kb):
    left_out = 0
    for seed in range(12):
        values = answers_data(kb, seed, share=0.9)["answers"]
        data = answers_file(kb, values)
        a = assess(kb, values)
        facts = facts_of(kb, values, a)
        todo = {q.id for q in pending(kb, data, a)}
        for q in kb.questionnaire.questions:
            if q.id in values:
                assert q.id not in todo
            elif not shown(kb, q, facts) or q.id not in open_questions(kb, facts):
                assert q.id not in todo
                left_out += 1
            else:
                assert q.id in todo
    assert left_out > 0


def test_questions_whose_show_if_fails_are_never_pending(kb):
    q, node = next((kb.questions[q], n) for q, n in kb.show_if.items())
    from lexgap.engine import conditions as cond

    controlling = min(cond.questions(node))
    cq = kb.questions[controlling]
    for option in ([o.value for o in cq.options] if cq.options else ["yes", "partial", "no"]):
        values = {controlling: option if cq.type != "multiple_choice" else [option]}
        facts = facts_of(kb, values, assess(kb, values))
        todo = {p.id for p in pending(kb, answers_file(kb, values), assess(kb, values))}
        if cond.evaluate(node, facts) is False:
            assert q.id not in todo


def test_typed_answers_are_read_per_question_type(kb):
    questions = kb.questionnaire.questions
    yes_no = next(q for q in questions if q.type == "yes_no")
    assert parse_typed(yes_no, " P ") == ("partial", None) and parse_typed(yes_no, "u") == ("unknown", None)
    assert parse_typed(yes_no, "maybe")[1].startswith("type y (yes)")
    choice = next(q for q in questions if q.type == "single_choice")
    assert parse_typed(choice, "2") == (choice.options[1].value, None)
    assert parse_typed(choice, choice.options[0].label.upper()) == (choice.options[0].value, None)
    assert "1 to" in parse_typed(choice, "99")[1]
    multi = next(q for q in questions if q.type == "multiple_choice")
    assert parse_typed(multi, "2, 1") == ([multi.options[0].value, multi.options[1].value], None)
    assert parse_typed(multi, "0") == ([], None)
    assert "twice" in parse_typed(multi, "1,1")[1]
    number = next(q for q in questions if q.type == "number")
    assert "number alone" in parse_typed(number, "18 years")[1]
    if number.maximum is not None:
        assert "largest allowed" in parse_typed(number, str(int(number.maximum) + 1))[1]


# --- the command -------------------------------------------------------------------------------------------------

def test_interview_saves_after_every_answer_and_resumes_with_nothing_lost(kb, tmp_path):
    first_lines, first_values, first_order = plan(kb, 6)
    result = run("-o", "veridia.yaml", input_lines=HEADER_INPUT + first_lines, cwd=tmp_path)
    # the input ends after six answers: as if the adviser's terminal closed
    assert result.exit_code == 130, result.output
    assert "Every answer given is saved in veridia.yaml" in result.stderr
    assert "lexgap interview --resume veridia.yaml" in result.stderr
    saved = load_answers(tmp_path / "veridia.yaml", kb).data
    assert saved.state.name == "Veridia" and saved.state.code == "XV" and saved.state.fictional
    assert saved.assessment.assessors == ["Jane Doe", "National focal point"]
    assert {q: a.value for q, a in saved.answers.items()} == first_values
    cited = [q for q in first_order if asks_citation(kb.questions[q], first_values[q])]
    assert all(saved.answers[q].citation for q in cited)
    assert "criteria decided" in result.stdout  # the running status of the question's paragraphs

    more_lines, all_values, more_order = plan(kb, 5, first_values)
    result = run("--resume", "veridia.yaml", input_lines=more_lines, cwd=tmp_path)
    assert result.exit_code == 130
    assert "Continuing Veridia: 6 answers so far" in result.stdout
    for q in first_order:  # nothing asked twice
        assert f"Question {kb.questions[q].number} " not in result.stdout
    assert f"Question {kb.questions[more_order[0]].number} " in result.stdout
    resumed = load_answers(tmp_path / "veridia.yaml", kb).data
    assert {q: a.value for q, a in resumed.answers.items()} == all_values
    for q in first_order:
        assert resumed.answers[q] == saved.answers[q]


def test_an_interrupt_while_saving_loses_at_most_that_answer(kb, tmp_path, monkeypatch):
    lines, values, order = plan(kb, 4)
    calls = {"n": 0}
    real_replace = os.replace

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 4:  # header, answers 1 and 2 saved; Ctrl-C strikes while saving answer 3
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    result = run("-o", "veridia.yaml", input_lines=HEADER_INPUT + lines, cwd=tmp_path)
    assert result.exit_code == 130
    saved = load_answers(tmp_path / "veridia.yaml", kb).data
    assert {q: a.value for q, a in saved.answers.items()} == {q: values[q] for q in order[:2]}
    assert [p.name for p in tmp_path.iterdir()] == ["veridia.yaml"]  # no temporary file left behind


def test_guidance_skip_back_and_stop(kb, tmp_path):
    _, values, order = plan(kb, 2)
    first, second = (kb.questions[q] for q in order)
    first_text, _ = typed_answer(first)
    answer_lines = [first_text] + (["Act 1, art. 2"] if asks_citation(first, values[first.id]) else [])
    script = HEADER_INPUT + ["?"] + answer_lines + ["b", "u", "s", "st", "q"]
    result = run("-o", "veridia.yaml", input_lines=script, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"Guidance: {first.guidance[:40]}" in out
    assert f"Back to question {first.number}" in out
    assert "Skipped for now" in out and "Status of every paragraph so far" in out
    assert "Stopped. 1 answers are saved in veridia.yaml" in out
    saved = load_answers(tmp_path / "veridia.yaml", kb).data
    assert {q: a.value for q, a in saved.answers.items()} == {first.id: "unknown"}
    result = run("--resume", "veridia.yaml", input_lines=["q"], cwd=tmp_path)
    assert f"Question {second.number} " in result.stdout  # a skipped question is asked again next time


def test_invalid_answers_are_explained_and_asked_again(kb, tmp_path):
    _, _, order = plan(kb, 1)
    q = kb.questions[order[0]]
    result = run("-o", "veridia.yaml", input_lines=HEADER_INPUT + ["", "nonsense-answer", "q"], cwd=tmp_path)
    assert result.exit_code == 0
    assert "Type an answer" in result.stdout and "type " in result.stdout.split("nonsense-answer")[-1]
    assert load_answers(tmp_path / "veridia.yaml", kb).data.answers == {}
    assert q.number in result.stdout


def test_a_whole_interview_answered_unknown_ends(kb, tmp_path):
    result = run("-o", "veridia.yaml", input_lines=HEADER_INPUT + ["u"] * (len(kb.questions) + 5), cwd=tmp_path)
    assert result.exit_code == 0, result.output[-2000:]
    assert "Done: every question that can change a finding has been answered" in result.stdout
    saved = load_answers(tmp_path / "veridia.yaml", kb).data
    assert saved.answers and all(a.value == "unknown" for a in saved.answers.values())
    facts = facts_of(kb, {q: a.value for q, a in saved.answers.items()}, assess(kb, {}))
    relevant = open_questions(kb, facts_of(kb, {}, assess(kb, {})))
    for q in kb.questionnaire.questions:  # "unknown" settles nothing: every question that applies was asked
        if shown(kb, q, facts) and q.id in relevant:
            assert q.id in saved.answers, q.id


def test_interview_refusals(kb, tmp_path):
    mine = tmp_path / "answers.yaml"
    mine.write_text("# my notes\n", encoding="utf-8")
    result = run(input_lines=[], cwd=tmp_path)
    assert result.exit_code == 1 and "already exists" in result.stderr and "--resume answers.yaml" in result.stderr
    assert mine.read_text(encoding="utf-8") == "# my notes\n"
    result = run("--resume", "missing.yaml", input_lines=[], cwd=tmp_path)
    assert result.exit_code == 5 and "missing.yaml" in result.stderr
    result = run("--resume", "answers.yaml", input_lines=[], cwd=tmp_path)
    assert result.exit_code == 3 and "answers.yaml" in result.stderr and "Traceback" not in result.output
    lines, _, _ = plan(kb, 1)
    run("-o", "veridia.yaml", input_lines=HEADER_INPUT + lines, cwd=tmp_path)
    result = run("--resume", "veridia.yaml", "-o", "answers.yaml", input_lines=[], cwd=tmp_path)
    assert result.exit_code == 1 and mine.read_text(encoding="utf-8") == "# my notes\n"
    result = run("-o", "notes.txt", input_lines=[], cwd=tmp_path)
    assert result.exit_code == 1 and ".yaml" in result.stderr


def test_stopping_before_the_first_save_says_so(tmp_path):
    result = run("-o", "new.yaml", input_lines=["Veridia"], cwd=tmp_path)
    assert result.exit_code == 130 and "before anything was saved" in result.stderr
    assert not (tmp_path / "new.yaml").exists()


def test_resuming_into_a_new_file_keeps_the_original(kb, tmp_path):
    lines, values, _ = plan(kb, 2)
    run("-o", "veridia.yaml", input_lines=HEADER_INPUT + lines, cwd=tmp_path)
    before = (tmp_path / "veridia.yaml").read_text(encoding="utf-8")
    result = run("--resume", "veridia.yaml", "-o", "veridia-v2.yaml", input_lines=["q"], cwd=tmp_path)
    assert result.exit_code == 0
    assert (tmp_path / "veridia.yaml").read_text(encoding="utf-8") == before
    assert {q: a.value for q, a in load_answers(tmp_path / "veridia-v2.yaml", kb).data.answers.items()} == values


@pytest.mark.skipif(not example_files(), reason="the bundled examples are not there yet")
def test_resuming_a_bundled_example(kb, tmp_path):
    import shutil

    source = example_files()[0]
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    before = load_answers(copy, kb).data
    lines, values, order = plan(kb, 1, {q: a.value for q, a in before.answers.items()})
    result = run("--resume", copy.name, input_lines=lines + ["q"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    after = load_answers(copy, kb).data
    for q, a in before.answers.items():
        assert after.answers[q] == a
    assert set(after.answers) == set(before.answers) | set(order)


def test_a_typed_answer_is_never_taken_for_a_citation():
    from lexgap.interview import looks_like_an_answer

    for typed in ("1", "1,3", "y", "n", "p", "yes", "unknown", " 2 "):
        assert looks_like_an_answer(typed.strip())
    for typed in ("Penal Code, art. 210", "Act No. 31/2019, s. 4", "Criminal Code art. 288(4)"):
        assert not looks_like_an_answer(typed)


def test_a_plain_fact_question_does_not_offer_partly(kb):
    from lexgap.interview import answer_hint, parse_typed

    plain = kb.questions["treaty.eu_member"].model_copy(update={"partial": False})
    assert "partly" not in answer_hint(plain)
    value, problem = parse_typed(plain, "p")
    assert value is None and "plain fact" in problem
    assert parse_typed(plain, "y") == ("yes", None)


def test_lines_are_wrapped_at_word_boundaries(capsys, monkeypatch):
    import shutil

    from lexgap.interview import echo_wrapped

    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=None: __import__("os").terminal_size((50, 20)))
    echo_wrapped("Soliciting a child through information and communication technologies is an offence",
                 indent="  ")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 1 and all(len(line) <= 50 for line in lines)
    words = " ".join(line.strip() for line in lines).split()
    assert words == "Soliciting a child through information and communication technologies is an offence".split()
