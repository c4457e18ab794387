"""`lexgap diff`: progress of one State between two assessments."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import Problem
from ..files import write_atomic
from ._common import Refused, check_folder, friendly

PACK = click.option("--pack", metavar="PACK", help="Rule pack folder or bundled id (default: res-74-174).")


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the comparison to a file: .txt, .md, .html, .pdf or .json (default: print it).")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html", "pdf", "json"]),
              help="Output format (default: from the file extension, or text).")
@click.option("--force", is_flag=True, help="Compare even though the two files name different States.")
@PACK
@friendly
def diff_cmd(old: Path, new: Path, out: Path | None, fmt: str | None, force: bool, pack: str | None) -> None:
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

    if out is not None and out.resolve() in (old.resolve(), new.resolve()):
        raise Refused(Problem(str(out), "this is one of the two files being compared; lexgap never overwrites an "
                              "input", "write the comparison under another name"))
    kind = d.output_format(out, fmt)
    if kind == "pdf" and out is None:
        raise Refused(Problem("diff", "a PDF cannot be printed to the terminal", "give -o FILE.pdf"))
    if out is not None:
        check_folder(out, "comparison")
    old_assessment, _ = load_input(old, pack)
    new_assessment, _ = load_input(new, pack)
    progress = d.diff(old_assessment, new_assessment, old_file=str(old), new_file=str(new), force=force)
    data = d.render(progress, kind)
    if out is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    write_atomic(out, data, "comparison")
    click.echo(f"wrote {out}: {len(progress.improved)} improved, {len(progress.regressed)} regressed, "
               f"{len(progress.closed)} recommendation(s) closed, {len(progress.opened)} opened")
