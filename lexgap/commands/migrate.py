"""`lexgap migrate`: carry an answers file written for an earlier pack version over to the current one."""
from __future__ import annotations

from pathlib import Path

import click

from ..terminal import echo
from .base import check_outputs
from .options import FORCE, PACK, output_option


@click.command("migrate")
@click.argument("answers", type=click.Path(dir_okay=False, path_type=Path))
@output_option("-o", "--output", "out", required=True,
               help="The carried-over answers file to write (.yaml); never the file being read.")
@FORCE
@PACK
def migrate_cmd(answers: Path, out: Path, force: bool, pack: str | None) -> None:
    """Carry ANSWERS, written for an earlier version of the rule pack, over to the current questions.

    Every old answer is kept: mapped to the new questions where the pack's migration says how, and
    otherwise kept word for word as a note on the nearest new question. The file read is never changed.
    """
    from ..answers_yaml import answers_to_yaml, yaml_text
    from ..engine.answers import parse_answers
    from ..engine.knowledge import load_knowledge
    from ..engine.migrate import migrate_file
    from ..files import write_atomic

    check_outputs([(out, "answers file")], [answers], force)
    kb = load_knowledge(pack)
    data, report = migrate_file(kb, answers)
    checked = parse_answers(yaml_text(data), kb, str(answers))
    original = answers.read_text(encoding="utf-8-sig").splitlines()
    kept = []  # the file's own opening comments (its schema line, what the assessors wrote) are kept
    for line in original:
        if not line.startswith("#"):
            break
        kept.append(line[1:].removeprefix(" ") if line.strip() != "#" else "")
    text = answers_to_yaml(checked.data, kb, header=kept + [
        f"Carried over from pack {report.from_version} to {report.to_version} by 'lexgap migrate' from "
        f"{answers.name}."])
    write_atomic(out, text, "answers file")
    echo(f"Wrote {out}: {len(report.mapped)} answer(s) mapped to new questions, "
               f"{len(report.kept_as_notes)} kept as notes to review.")
    for line in report.lines:
        echo(f"  {line}")
