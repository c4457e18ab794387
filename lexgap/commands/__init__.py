"""Every lexgap command, one module per family; `register` adds them to the root group (lexgap/cli.py).

    rules.py          rules validate, list, show, compile, test
    questionnaire.py  questionnaire list, export, import
    answers.py        validate, schema, assess, explain, report
    compare.py        compare      (many States side by side)
    diff.py           diff         (one State between two assessments)
    migrate.py        migrate      (an answers file carried over to a new pack version)
    interview.py      interview    (the questionnaire at the terminal)
    serve.py          serve        (the web app)

Shared options are in options.py; base.py holds what commands share: lexgap's errors caught once, in the
root group (LexgapGroup), the exit codes, and the checks every output file passes before any work.
Importing this package is cheap: the library modules are imported inside each command.
"""
from __future__ import annotations

import click

from .answers import assess_cmd, explain_cmd, report_cmd, schema_cmd, validate_cmd
from .compare import compare_cmd
from .diff import diff_cmd
from .interview import interview_cmd
from .migrate import migrate_cmd
from .questionnaire import questionnaire
from .rules import rules
from .serve import serve

COMMANDS = [rules, questionnaire, validate_cmd, schema_cmd, assess_cmd, explain_cmd, report_cmd, compare_cmd,
            diff_cmd, migrate_cmd, interview_cmd, serve]


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
