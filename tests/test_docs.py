"""Docs that cannot drift: the CLI reference is generated from --help and kept in sync, every command is in
it with a description, and docs/rule-pack.md's worked example adds ids and numbers that are still free.

To regenerate docs/cli-reference.md after changing a command, run
    python3 -m tests.test_docs
and review the diff. (Model: sqlite-utils tests/test_docs.py and its generated docs/cli-reference.rst.)
"""
from __future__ import annotations

import re

import click
import yaml
from click.testing import CliRunner

from lexgap.cli import cli

from .conftest import ROOT

REFERENCE = ROOT / "docs" / "cli-reference.md"
WORKED_EXAMPLE = ROOT / "docs" / "rule-pack.md"
WIDTH = 100


def command_paths(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group below `group`, as the words typed after 'lexgap', in help order."""
    paths = []
    for name in group.list_commands(click.Context(group)):
        command = group.get_command(click.Context(group), name)
        if command is None or command.hidden:
            continue
        paths.append(prefix + (name,))
        if isinstance(command, click.Group):
            paths += command_paths(command, prefix + (name,))
    return paths


def help_text(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="lexgap", terminal_width=WIDTH)
    assert result.exit_code == 0, result.output
    return result.output


def cli_reference() -> str:
    parts = ["# Command-line reference",
             "",
             "Generated from `lexgap --help` by `python3 -m tests.test_docs`; do not edit by hand.",
             "tests/test_docs.py fails when this file and the commands disagree.",
             "",
             "## lexgap",
             "",
             "```",
             help_text(()).rstrip(),
             "```"]
    for path in command_paths():
        parts += ["", f"## lexgap {' '.join(path)}", "", "```", help_text(path).rstrip(), "```"]
    return "\n".join(parts) + "\n"


def test_cli_reference_is_in_sync_with_the_commands():
    assert REFERENCE.read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli-reference.md is stale: run python3 -m tests.test_docs and review the diff")


def test_every_command_is_documented_and_described():
    text = REFERENCE.read_text(encoding="utf-8")
    for path in command_paths():
        assert f"\n## lexgap {' '.join(path)}\n" in text, path
        command = cli
        for word in path:
            command = command.get_command(click.Context(command), word)
        assert (command.help or "").strip(), f"lexgap {' '.join(path)} has no description"
    assert {p[0] for p in command_paths()} >= {"assess", "compare", "diff", "explain", "interview", "questionnaire",
                                               "report", "rules", "schema", "serve", "validate"}


def test_the_worked_example_adds_ids_and_numbers_that_are_still_free(kb):
    blocks = re.findall(r"```yaml\n(.*?)```", WORKED_EXAMPLE.read_text(encoding="utf-8"), re.S)
    question = yaml.safe_load(blocks[0])[0]
    criterion = yaml.safe_load(blocks[1])[0]
    numbers = {q.number for q in kb.questionnaire.questions}
    assert question["id"] not in kb.questions, "the example's question id is already taken"
    assert question["number"] not in numbers, f"question number {question['number']} is already taken"
    assert criterion["id"] not in kb.criteria, f"criterion {criterion['id']} already exists"
    assert criterion["elements"], "the example criterion has no elements"
    assert all(b["instrument"] in kb.instruments for el in criterion["elements"] for b in el["basis"])
    assert criterion["recommendation"]["modality"] in kb.modality_labels
    assert set(criterion["recommendation"]["depends_on"]) <= set(kb.criteria)
    assert (ROOT / "lexgap" / "rules" / "res-74-174" / "CHANGELOG.md").exists()


if __name__ == "__main__":
    REFERENCE.write_text(cli_reference(), encoding="utf-8")
    print("wrote", REFERENCE)
