"""The workflow commands: regional comparison, progress between two assessments, the questionnaire as a
spreadsheet and back, and the terminal interview.

They are click objects, registered in lexgap/cli.py:

    from .commands import compare_cmd, diff_cmd, interview_cmd, questionnaire_export, questionnaire_import
    cli.add_command(compare_cmd)
    cli.add_command(diff_cmd)
    cli.add_command(interview_cmd)
    questionnaire.add_command(questionnaire_export)
    questionnaire.add_command(questionnaire_import)

Importing this package is cheap: the library modules are imported inside each command.
"""
from __future__ import annotations

from .compare import compare_cmd
from .diff import diff_cmd
from .interview import interview_cmd
from .questionnaire import questionnaire_export, questionnaire_import

__all__ = ["compare_cmd", "diff_cmd", "interview_cmd", "questionnaire_export", "questionnaire_import"]
