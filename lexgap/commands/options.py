"""Options that several commands share, defined once."""
from __future__ import annotations

from pathlib import Path

import click

PACK = click.option("--pack", metavar="PACK", help="Rule pack folder or bundled id (default: res-74-174).")
FORCE = click.option("--force", is_flag=True, help="Replace the output file(s) if they already exist.")
DRAFT = click.option("--draft", is_flag=True,
                     help="Skip completeness checks (all paragraphs present, every question used) while writing a "
                          "pack.")
QUESTIONNAIRE = click.option("--questionnaire", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                             help="Questionnaire file to check the pack with (default: the pack folder's "
                                  "questionnaire.yaml, else the installed one its pack.yaml names).")
FORMAT_TABLE_JSON = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                                 show_default=True, help="Output format; json is stable and sorted.")


def output_option(*names: str, help: str, required: bool = False):  # noqa: A002 - click's own name
    """A file the command writes: checked with base.check_outputs before any work."""
    return click.option(*names, required=required, type=click.Path(dir_okay=False, path_type=Path), help=help)
