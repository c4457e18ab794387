"""`lexgap migrate`: carry an answers file written for an earlier pack version over to the current one."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import Problem
from ._common import Refused, check_folder, friendly, refuse_overwrite

PACK = click.option("--pack", metavar="PACK", help="Rule pack folder or bundled id (default: res-74-174).")


@click.command("migrate")
@click.argument("answers", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The carried-over answers file to write (.yaml); never the file being read.")
@click.option("--force", is_flag=True, help="Replace the output file if it already exists.")
@PACK
@friendly
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

    if out.resolve() == answers.resolve():
        raise Refused(Problem(str(out), "this is the answers file being read; lexgap never writes over its input",
                              "write the carried-over answers under another name"))
    refuse_overwrite(out, force, "answers file")
    check_folder(out, "answers file")
    kb = load_knowledge(pack)
    data, report = migrate_file(kb, answers)
    checked = parse_answers(yaml_text(data), kb, str(answers))
    text = answers_to_yaml(checked.data, kb, header=[
        f"Carried over from pack {report.from_version} to {report.to_version} by 'lexgap migrate' from "
        f"{answers.name}."])
    write_atomic(out, text, "answers file")
    click.echo(f"Wrote {out}: {len(report.mapped)} answer(s) mapped to new questions, "
               f"{len(report.kept_as_notes)} kept as notes to review.")
    for line in report.lines:
        click.echo(f"  {line}")
