"""`lexgap interview`: answer the questionnaire at the terminal."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import MissingFileError, Problem
from ..files import write_atomic
from .base import EXIT_INTERRUPTED, Refused, check_outputs, same_file
from .options import FORCE, PACK


@click.command("interview")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="The answers file to create (default: answers.yaml; with --resume: the resumed file).")
@click.option("--resume", type=click.Path(dir_okay=False, path_type=Path),
              help="Carry on with an answers file started earlier.")
@FORCE
@PACK
def interview_cmd(out: Path | None, resume: Path | None, force: bool, pack: str | None) -> None:
    """Answer the questionnaire one question at a time, in printed order. Only questions that apply and whose
    answer can still change a finding are asked. The file is saved after every answer, so an interruption
    loses nothing but the answer being typed; continue with --resume.

    At each question: ? shows the guidance, s skips it for now, b goes back to the previous question,
    st shows the status of every paragraph, q stops.

    \b
    Example:
      lexgap interview -o veridia.yaml
      lexgap interview --resume veridia.yaml
    """
    from ..engine.answers import Answers, load_answers
    from ..engine.knowledge import load_knowledge
    from ..interview import ask_header, start
    from ..answers_yaml import answers_to_yaml
    from ..formatting import pct as _pct

    kb = load_knowledge(pack)
    if resume is not None:
        if not resume.exists():
            raise MissingFileError(Problem(str(resume), "no such file", "check the name, or start a new interview "
                                           "with -o FILE"))
        target = out or resume
        if not same_file(target, resume):
            check_outputs([(target, "answers file")], [resume], force)
        answers = load_answers(resume, kb)
        if answers.migration is not None:
            m = answers.migration
            keep = resume.with_name(f"{resume.stem}.pack-{m.from_version}{resume.suffix}")
            click.echo(f"{resume} was written for version {m.from_version} of the rule pack. It is carried over to "
                       f"{m.to_version}: {len(m.mapped)} answer(s) mapped to the new questions, "
                       f"{len(m.kept_as_notes)} kept as notes on the nearest question.")
            for line in m.lines:
                click.echo(f"  {line}")
            if not click.confirm(f"Continue with the carried-over answers (the original is kept as {keep.name})?",
                                 default=True):
                raise Refused(Problem(str(resume), "not carried over; nothing was changed",
                                      f"carry it over yourself with: lexgap migrate {resume} -o NEW.yaml"))
            if same_file(target, resume):
                if keep.exists():
                    raise Refused(Problem(str(keep), "a copy of the original is already there",
                                          "move it away, or resume into another file with -o"))
                import shutil

                shutil.copy2(resume, keep)
                click.echo(f"Kept the original as {keep}.")
    else:
        target = out or Path("answers.yaml")
        if target.exists() and not force:
            raise Refused(Problem(str(target), "this file already exists; lexgap never overwrites a file without "
                                  "being asked", f"continue it with: lexgap interview --resume {target} — or choose "
                                  "another name with -o, or add --force to start again over it"))
        if target.suffix.lower() not in (".yaml", ".yml"):
            raise Refused(Problem(str(target), "the answers file must be a .yaml file",
                                  f"name it {target.with_suffix('.yaml')}"))
        check_outputs([(target, "answers file")], [], force)
        answers = None
    header = ["Answers given with 'lexgap interview'; saved after every answer.",
              f"Continue with: lexgap interview --resume {target.name}"]

    def save(data) -> None:
        write_atomic(target, answers_to_yaml(data, kb, header), "answers file")

    try:
        if answers is None:
            data = ask_header(kb)
            save(data)
            answers = Answers(str(target), data)
            click.echo(f"Saved the State and assessment details in {target}.")
        else:
            if resume is not None and (not same_file(target, resume) or answers.migration is not None):
                save(answers.data)
            click.echo(f"Continuing {answers.data.state.name}: {len(answers.data.answers)} answers so far, in "
                       f"{target}.")
        interview = start(kb, Answers(str(target), answers.data), target, save, pack)
        finished = interview.run()
    except (click.Abort, KeyboardInterrupt, EOFError):
        click.echo("", err=True)
        if target.exists():
            click.echo(f"Interview paused. Every answer given is saved in {target}. Continue with: "
                       f"lexgap interview --resume {target}", err=True)
        else:
            click.echo("Interview stopped before anything was saved; start again with: lexgap interview"
                       + (f" -o {target}" if out else ""), err=True)
        sys.exit(EXIT_INTERRUPTED)
    data = interview.answers
    if finished:
        a = interview.session.assessment
        click.echo("")
        click.echo(f"Done: every question that can change a finding has been answered ({len(data.answers)} answers, "
                   f"{len(interview.skipped)} skipped). Saved in {target}.")
        click.echo(f"Legal score {_pct(a.summary.legal_score)} at {_pct(a.summary.legal_coverage)} coverage. "
                   f"Next: lexgap report {target} -o report.pdf")
    else:
        click.echo(f"Stopped. {len(data.answers)} answers are saved in {target}. Continue with: "
                   f"lexgap interview --resume {target}")
