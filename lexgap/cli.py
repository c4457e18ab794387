"""The lexgap command line: the root group, where lexgap's errors are caught once (LexgapGroup), with every
command of lexgap/commands/ registered. A thin layer over the library; heavy imports happen inside commands."""
from __future__ import annotations

import click

from .commands import register
from .commands.base import LexgapGroup


@click.group(cls=LexgapGroup)
@click.option("--debug", is_flag=True, help="Show full tracebacks (for reporting bugs).")
@click.version_option(package_name="lexgap")
def cli(debug: bool) -> None:
    """lexgap: legislative gap analysis against GA resolution 74/174 on child sexual exploitation and
    sexual abuse online.

    \b
    Start with:
      lexgap rules list                   the criteria of the bundled rule pack
      lexgap validate ANSWERS.yaml        check a State's answers file
      lexgap assess ANSWERS.yaml          findings, scores and recommendations
      lexgap explain ANSWERS.yaml P01.05  why a criterion is (not) met
      lexgap report ANSWERS.yaml -o report.pdf
    """


register(cli)


def main() -> None:
    cli(prog_name="lexgap")
