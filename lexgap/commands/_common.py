"""What the workflow commands share: plain error reporting, exit codes, and safe, atomic file writing.

Exit codes of the workflow commands (documented in docs/workflows.md):

    0  done
    1  refused: an output file exists (add --force), two different States (diff --force), mixed pack
       versions (compare --allow-mixed-versions); nothing was written
    2  usage error (click): a missing argument or an unknown option
    3  an input is not valid (answers file, workbook, assessment); nothing was written
    4  the rule pack is not valid (a knowledge-base problem, not the user's)
    5  a file named on the command line does not exist or cannot be read
    6  compare: the outputs were written, but some files were left out (each is named on stderr)
  130  interview: interrupted; every answer given before the interruption is saved
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from ..errors import LexgapError, Problem

EXIT_LEFT_OUT = 6
EXIT_INTERRUPTED = 130


class Refused(LexgapError):
    """lexgap declines to do something that could lose work or mislead (overwrite, compare unlike things)."""

    exit_code = 1


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Print lexgap errors as 'error: file: message — what to do' and exit with their code; a traceback
    only with the root command's --debug."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        try:
            return fn(*args, **kwargs)
        except LexgapError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            ctx.exit(exc.exit_code)

    return wrapper


def refuse_overwrite(path: Path, force: bool, what: str = "file") -> None:
    """Refuse to replace an existing file unless --force was given."""
    if path.is_dir():
        raise Refused(Problem(str(path), "this is a folder", f"give the name of the {what} to write, "
                              f"e.g. {path / ('answers.yaml' if what == 'answers file' else 'out')}"))
    if path.exists() and not force:
        raise Refused(Problem(str(path), f"this {what} already exists; lexgap never overwrites a file "
                              "without being asked", "choose another name, or add --force to replace it"))


def check_folder(path: Path, what: str = "file") -> None:
    """Fail before any work when the folder an output goes to does not exist."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise LexgapError(Problem(str(path), f"the folder '{folder}' does not exist, so the {what} cannot be "
                                  "written there", "create the folder first, or give another path"))


def stderr_is_terminal() -> bool:
    stream = click.get_text_stream("stderr")
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def progress(total: int, label: str, minimum: int = 10):
    """A progress bar on stderr for long batches; silent (a no-op) when stderr is not a terminal."""
    if total < minimum or not stderr_is_terminal():
        return _NoBar()
    return click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)


class _NoBar:
    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None
