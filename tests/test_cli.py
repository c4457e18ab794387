"""The command line, through click's CliRunner: success, refusals and exit codes."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lexgap.cli import cli

from .conftest import EXAMPLES, example_files

ARCADIA = str(EXAMPLES / "arcadia.yaml")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_help_lists_the_commands():
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("assess", "explain", "rules", "questionnaire", "validate", "schema"):
        assert command in result.output


def test_rules_validate_passes_on_the_bundled_pack():
    result = invoke("rules", "validate")
    assert result.exit_code == 0, result.stderr
    assert "valid" in result.output


def test_rules_list_json_covers_every_paragraph_with_grounded_criteria(kb):
    result = invoke("rules", "list", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert len(rows) >= 100
    assert {r["paragraph"] for r in rows} == set(range(1, 22))
    articles = {f"{i.id} {a.ref}" for i in kb.pack.instruments for a in i.articles}
    for row in rows:
        assert row["basis"] and all(b in articles for b in row["basis"]), row["id"]
        assert row["recommendation"]["text"]
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert result.output == invoke("rules", "list", "--format", "json").output


def test_every_substantive_paragraph_has_three_criteria(kb):
    for paragraph in kb.paragraphs:
        if paragraph.assessment == "legal":
            assert len(paragraph.criteria) >= 3, paragraph.paragraph


def test_rules_list_filters_by_paragraph_and_refuses_unknown_ones():
    result = invoke("rules", "list", "--paragraph", "1")
    assert result.exit_code == 0 and "P01.01" in result.output and "P02.01" not in result.output
    result = invoke("rules", "list", "--paragraph", "99")
    assert result.exit_code == 2 and "no paragraph 99" in result.stderr


def test_rules_test_with_a_filter_that_matches_nothing_says_so():
    result = invoke("rules", "test", "--only", "ZZ")
    assert result.exit_code == 2 and "no case file starts with 'ZZ'" in result.stderr and "P01" in result.stderr


def test_rules_show_and_a_near_miss():
    assert "Simple possession" in invoke("rules", "show", "P01.05").output
    assert "evidence need not be kept" in invoke("rules", "show", "W05").output
    assert "P01.05" in invoke("rules", "show", "PKG.CRIMINAL_LAW").output
    result = invoke("rules", "show", "P01.5")
    assert result.exit_code == 2 and "did you mean" in result.stderr


def test_rules_compile_emits_clips_modules():
    result = invoke("rules", "compile", "--emit", "clips")
    assert result.exit_code == 0
    for module in ("CONCEPTS", "CRITERIA", "DERIVED", "RECOMMEND", "CONSISTENCY"):
        assert f"(defmodule {module}" in result.output


def test_rules_test_runs_the_golden_cases():
    result = invoke("rules", "test")
    assert result.exit_code == 0, result.stderr
    assert " passed, 0 failed (on clips and reference)" in result.output
    assert "coverage: every outcome, concept and consistency rule is exercised" in result.output


def test_rules_test_fails_a_pack_whose_cases_leave_outcomes_unreached(tmp_path):
    import shutil

    from lexgap.engine.knowledge import RULES_DIR

    pack = tmp_path / "pack"
    shutil.copytree(RULES_DIR / "res-74-174", pack)
    (pack / "tests" / "P02.yaml").unlink()
    result = invoke("rules", "test", "--pack", str(pack), "--evaluator", "reference")
    assert result.exit_code == 1
    assert "0 failed (on reference)" in result.output
    assert "no golden case asserts these outcomes" in result.stderr and "P02.01: " in result.stderr
    partial = invoke("rules", "test", "--pack", str(pack), "--only", "P01", "--evaluator", "reference")
    assert partial.exit_code == 0 and "coverage: not checked" in partial.output


def test_rules_validate_says_which_questionnaire_it_read(tmp_path):
    result = invoke("rules", "validate")
    assert result.exit_code == 0
    assert "res-74-174.yaml, installed with lexgap and named in pack.yaml" in result.output
    from lexgap.engine.knowledge import QUESTIONNAIRES_DIR

    given = invoke("rules", "validate", "--questionnaire", str(QUESTIONNAIRES_DIR / "res-74-174.yaml"))
    assert given.exit_code == 0 and "(given with --questionnaire)" in given.output


def test_questionnaire_list_json_is_stable():
    result = invoke("questionnaire", "list", "--format", "json")
    questions = json.loads(result.output)
    assert len({q["id"] for q in questions}) == len(questions) > 50
    assert invoke("questionnaire", "list", "--section", "nowhere").exit_code == 2


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_every_bundled_example_validates(path):
    result = invoke("validate", str(path))
    assert result.exit_code == 0, result.stderr
    assert "(fictional)" in result.output


def test_validate_reports_every_file_and_exits_non_zero_on_any_bad_one(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("state: {name: X}\n")
    result = invoke("validate", ARCADIA, str(bad))
    assert result.exit_code == 3
    assert "valid" in result.output and "bad.yaml" in result.stderr


def test_schema_prints_json_schema():
    schema = json.loads(invoke("schema", "answers").output)
    assert schema["$schema"].endswith("2020-12/schema")
    assert invoke("schema", "nonsense").exit_code == 2


def test_assess_formats():
    table = invoke("assess", ARCADIA)
    assert table.exit_code == 0, table.stderr
    assert "fictional" in table.output and "OP21" in table.output
    first = invoke("assess", ARCADIA, "--format", "json").output
    assert json.loads(first)["findings"]
    assert first == invoke("assess", ARCADIA, "--format", "json").output


def test_explain_names_rule_answers_and_articles():
    result = invoke("explain", ARCADIA, "P01.05")
    assert result.exit_code == 0, result.stderr
    assert "Decided by rule:" in result.output and "Instrument articles:" in result.output
    result = invoke("explain", ARCADIA, "P01.005")
    assert result.exit_code == 2 and "did you mean 'P01.05'" in result.stderr


def test_missing_file_is_a_plain_message_and_debug_shows_the_traceback(tmp_path):
    result = invoke("assess", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 5
    assert "no such file" in result.stderr and "Traceback" not in result.stderr
    debug = invoke("--debug", "assess", str(tmp_path / "nope.yaml"))
    assert debug.exception is not None and not isinstance(debug.exception, SystemExit)


def test_commands_never_modify_the_answers_file(tmp_path):
    copy = tmp_path / "a.yaml"
    copy.write_bytes((EXAMPLES / "arcadia.yaml").read_bytes())
    before = copy.read_bytes()
    for args in (["validate"], ["assess"], ["assess", "--format", "json"]):
        invoke(*args[:1], str(copy), *args[1:])
    invoke("explain", str(copy), "P01.01")
    assert copy.read_bytes() == before


# --- no command writes onto its input or over an existing file without --force ----------------------------------

def _copy_example(tmp_path):
    answers = tmp_path / "my.yaml"
    answers.write_bytes((EXAMPLES / "arcadia.yaml").read_bytes())
    return answers


@pytest.mark.parametrize("spelling", ["same", "dot", "dotdot", "symlink", "hardlink"])
def test_report_never_writes_onto_its_input_however_spelled(tmp_path, monkeypatch, spelling):
    import os

    answers = _copy_example(tmp_path)
    before = answers.read_bytes()
    monkeypatch.chdir(tmp_path)
    target = {"same": "my.yaml", "dot": "./my.yaml", "dotdot": f"../{tmp_path.name}/my.yaml",
              "symlink": "link.md", "hardlink": "hard.md"}[spelling]
    if spelling == "symlink":
        os.symlink("my.yaml", "link.md")
    if spelling == "hardlink":
        os.link("my.yaml", "hard.md")
    result = invoke("report", "my.yaml", "-o", target, "--format", "md", "--force")
    assert result.exit_code == 1, result.output
    assert "never overwrites an input" in result.stderr and "Traceback" not in result.stderr
    assert answers.read_bytes() == before


def test_every_writing_command_refuses_an_existing_output_without_force(tmp_path):
    answers = _copy_example(tmp_path)
    old = tmp_path / "old.yaml"
    old.write_bytes((EXAMPLES / "arcadia-2023.yaml").read_bytes())
    region = EXAMPLES / "region"
    existing = tmp_path / "existing"
    commands = {
        "report": (["report", str(answers), "-o", "{out}.md"], ".md"),
        "compare -o": (["compare", str(region), "-o", "{out}.json"], ".json"),
        "compare --csv": (["compare", str(region), "--csv", "{out}.csv"], ".csv"),
        "compare --xlsx": (["compare", str(region), "--xlsx", "{out}.xlsx"], ".xlsx"),
        "diff": (["diff", str(old), str(answers), "-o", "{out}.json"], ".json"),
        "questionnaire export": (["questionnaire", "export", "--xlsx", "{out}.xlsx"], ".xlsx"),
        "interview": (["interview", "-o", "{out}.yaml"], ".yaml"),
    }
    for name, (args, suffix) in commands.items():
        out = existing.with_suffix(suffix)
        out.write_text("keep me\n")
        filled = [a.replace("{out}" + suffix, str(out)) for a in args]
        result = invoke(*filled)
        assert result.exit_code == 1, (name, result.output)
        assert "already exists" in result.stderr and "--force" in result.stderr, name
        assert out.read_text() == "keep me\n", name
    for name in ("report", "compare -o", "diff", "questionnaire export"):
        args, suffix = commands[name]
        out = existing.with_suffix(suffix)
        result = invoke(*[a.replace("{out}" + suffix, str(out)) for a in args], "--force")
        assert result.exit_code == 0, (name, result.output, result.stderr)
        assert out.read_text(errors="replace") != "keep me\n", name


def test_compare_and_diff_refuse_to_write_onto_an_input_even_with_force(tmp_path):
    answers = _copy_example(tmp_path)
    old = tmp_path / "old.yaml"
    old.write_bytes((EXAMPLES / "arcadia-2023.yaml").read_bytes())
    before = answers.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(answers)
    for args in (["compare", str(old), str(answers), "--csv", str(link), "--force"],
                 ["diff", str(old), str(answers), "-o", str(tmp_path / "." / "my.yaml"), "--force"]):
        result = invoke(*args)
        assert result.exit_code == 1 and "never overwrites an input" in result.stderr, args
    assert answers.read_bytes() == before


def test_force_means_one_thing_everywhere():
    from lexgap.commands import COMMANDS

    def walk(command):
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                yield from walk(sub)
        else:
            yield command

    import click

    helps = {c.name: next((p.help for p in c.params if p.name == "force"), None)
             for top in COMMANDS for c in walk(top)}
    assert {h for h in helps.values() if h} == {"Replace the output file(s) if they already exist."}
    assert {name for name, h in helps.items() if h} == {"report", "compare", "diff", "export", "import", "migrate",
                                                        "interview"}


# --- one command line (issue 13) ---------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["P01.05", "p01.05", "P1.5", "p1.05"])
def test_explain_accepts_the_usual_spellings_of_a_criterion_id(spelling):
    result = invoke("explain", ARCADIA, spelling)
    assert result.exit_code == 0, result.stderr
    assert result.output.startswith("P01.05 ")


def test_assess_on_a_workbook_says_to_import_it(tmp_path):
    book = tmp_path / "q.xlsx"
    book.write_bytes(b"PK\x03\x04 not really a workbook")
    result = invoke("assess", str(book))
    assert result.exit_code == 3
    assert "lexgap questionnaire import" in result.stderr and "q.yaml" in result.stderr


def test_validate_reports_structural_and_answer_problems_together(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nstate: {name: X, fictional: maybe}\nanswers:\n  nope.q: 'yes'\n")
    result = invoke("validate", str(bad))
    assert result.exit_code == 3
    for part in ("'fictional'", "'assessment' is missing", "unknown question id 'nope.q'"):
        assert part in result.stderr, part
