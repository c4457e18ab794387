"""`lexgap diff`: progress of one State between two assessments."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import Problem
from ..files import write_atomic
from ..terminal import echo
from .base import Refused, check_outputs
from .options import FORCE, PACK


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the comparison to a file: .txt, .md, .html, .pdf or .json (default: print it).")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html", "pdf", "json"]),
              help="Output format (default: from the file extension, or text).")
@click.option("--allow-different-states", is_flag=True,
              help="Compare even though the two files name different States.")
@click.option("--what-if", "bill", type=click.Path(dir_okay=False, path_type=Path),
              help="A draft bill file applied to NEW (an answers file): the progress the bill would bring.")
@FORCE
@PACK
def diff_cmd(old: Path, new: Path, out: Path | None, fmt: str | None, allow_different_states: bool, force: bool,
             pack: str | None, bill: Path | None) -> None:
    """Progress of one State between an OLD and a NEW assessment: criteria that improved, regressed or stayed,
    score and coverage change per paragraph, recommendations closed and opened.

    OLD and NEW are answers files (.yaml, assessed now with the current pack) or saved assessments (.json
    from 'lexgap assess --format json', as assessed at the time).

    \b
    Example:
      lexgap diff veridia-2024.json veridia-2026.yaml -o progress.html
    """
    from .. import diff as d
    from ..api import load_input

    check_outputs([(out, "comparison")], [old, new, bill], force)
    kind = d.output_format(out, fmt)
    if kind == "pdf" and out is None:
        raise Refused(Problem("diff", "a PDF cannot be printed to the terminal", "give -o FILE.pdf"))
    old_assessment, _ = load_input(old, pack)
    if bill is not None:
        from ..whatif import what_if

        _, new_assessment, _ = what_if(new, bill, pack)
    else:
        new_assessment, _ = load_input(new, pack)
    progress = d.diff(old_assessment, new_assessment, old_file=str(old), new_file=str(new),
                      allow_different_states=allow_different_states)
    data = d.render(progress, kind)
    if out is None:
        echo(data.decode("utf-8"), nl=False)
        return
    write_atomic(out, data, "comparison")
    echo(f"wrote {out}: {len(progress.improved)} improved, {len(progress.regressed)} regressed, "
         f"{len(progress.closed)} recommendation(s) closed, {len(progress.opened)} opened")
