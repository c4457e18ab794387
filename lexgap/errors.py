"""Errors that reach users: each names the file, the place in it, what is wrong and what to do."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, located as precisely as we can."""

    file: str
    message: str
    hint: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        text = f"{place}: {self.message}" if place else self.message  # no file: a message already placed
        return f"{text} — {self.hint}" if self.hint else text


class LexgapError(Exception):
    """Base of every error lexgap reports to a user. `exit_code` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | Problem | str):
        items: list[Problem] | list[Problem | str] = [problems] if isinstance(problems, (Problem, str)) else problems
        self.problems: list[Problem] = [
            p if isinstance(p, Problem) else Problem(file="lexgap", message=p) for p in items
        ]
        super().__init__("\n".join(str(p) for p in self.problems))


class InputError(LexgapError):
    """An answers file, workbook or other user input is not valid."""

    exit_code = 3


class PackError(LexgapError):
    """The rule pack or questionnaire is not valid: a knowledge-base error, not the user's."""

    exit_code = 4


class MissingFileError(LexgapError):
    """A file the user named does not exist or cannot be read."""

    exit_code = 5


@dataclass
class ProblemList:
    """Collects problems across a whole validation pass so users see all of them at once."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str | Path, message: str, hint: str = "", pos: tuple[int, int] | None = None) -> None:
        line, column = pos if pos else (None, None)
        self.problems.append(Problem(str(file), message, hint, line, column))

    def raise_if_any(self, kind: type[LexgapError]) -> None:
        if self.problems:
            raise kind(self.problems)
