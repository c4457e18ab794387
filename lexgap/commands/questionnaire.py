"""`lexgap questionnaire ...`: list the questions, and the questionnaire as a workbook and back."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..errors import Problem
from ..files import write_atomic
from ..terminal import echo
from .base import Refused, check_outputs, echo_json, table
from .options import FORCE, FORMAT_TABLE_JSON, PACK


@click.group()
def questionnaire() -> None:
    """The questions a State answers."""


@questionnaire.command("list")
@PACK
@click.option("--section", help="Only this section (e.g. offences).")
@FORMAT_TABLE_JSON
def questionnaire_list(pack: str | None, section: str | None, fmt: str) -> None:
    """List the questions in printed order."""
    from ..engine.knowledge import load_knowledge

    kb = load_knowledge(pack)
    questions = [q for q in kb.questionnaire.questions if section is None or q.section == section]
    if section is not None and not questions:
        sections = ", ".join(s.id for s in kb.questionnaire.sections)
        raise click.BadParameter(f"no section '{section}'; sections are: {sections}", param_hint="--section")
    if fmt == "json":
        echo_json([q.model_dump(exclude_none=True) for q in questions])
        return
    table([[q.number, q.id, q.type, q.text] for q in questions], ["NO.", "ID", "TYPE", "QUESTION"])
    echo(f"\n{len(questions)} questions")


@questionnaire.command("export")
@click.option("--xlsx", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write (.xlsx).")
@click.option("--answers", type=click.Path(dir_okay=False, path_type=Path),
              help="An answers file whose answers prefill the workbook.")
@FORCE
@PACK
def questionnaire_export(out: Path, answers: Path | None, force: bool, pack: str | None) -> None:
    """Write the questionnaire as an Excel workbook a focal point can fill in without training: instructions,
    the State and assessment, one row per question with guidance, drop-down lists, and columns for the
    citation, note and source.

    \b
    Example:
      lexgap questionnaire export --xlsx veridia-questionnaire.xlsx
      lexgap questionnaire export --xlsx veridia-update.xlsx --answers veridia.yaml
    """
    from ..engine.answers import load_answers
    from ..engine.knowledge import load_knowledge
    from ..workbook import export_workbook

    if out.suffix.lower() != ".xlsx":
        raise Refused(Problem(str(out), "the workbook must be an .xlsx file", f"name it {out.with_suffix('.xlsx')}"))
    check_outputs([(out, "workbook")], [answers], force)
    kb = load_knowledge(pack)
    loaded = load_answers(answers, kb) if answers is not None else None
    write_atomic(out, export_workbook(kb, loaded), "workbook")
    prefilled = f", prefilled with {len(loaded.data.answers)} answers from {answers}" if loaded else ""
    echo(f"wrote {out}: {len(kb.questionnaire.questions)} questions{prefilled}. Send it to the focal point; "
         f"read it back with: lexgap questionnaire import {out} -o ANSWERS.yaml")


@questionnaire.command("import")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The answers file to write (.yaml).")
@FORCE
@PACK
def questionnaire_import(workbook: Path, out: Path, force: bool, pack: str | None) -> None:
    """Read a filled workbook back into an answers file. Every answer is checked again (drop-down lists can be
    bypassed); if any row is not valid, nothing is written and every problem is listed by sheet and row.

    \b
    Example:
      lexgap questionnaire import veridia-filled.xlsx -o veridia.yaml
    """
    from ..engine.answers import parse_answers
    from ..engine.knowledge import load_knowledge
    from ..answers_yaml import answers_to_yaml
    from ..workbook import import_workbook

    if out.suffix.lower() not in (".yaml", ".yml"):
        raise Refused(Problem(str(out), "the answers file must be a .yaml file", f"name it {out.with_suffix('.yaml')}"))
    check_outputs([(out, "answers file")], [workbook], force)
    kb = load_knowledge(pack)
    data = import_workbook(workbook, kb)
    text = answers_to_yaml(data, kb, [f"Imported from {workbook.name} by 'lexgap questionnaire import' on "
                                      f"{dt.date.today().isoformat()}.", f"Check it with: lexgap validate {out.name}"])
    parse_answers(text, kb, str(out))  # what is written always loads
    write_atomic(out, text, "answers file")
    echo(f"wrote {out}: {len(data.answers)} answers for {data.state.name} (from {workbook})")
