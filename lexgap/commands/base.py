"""What the commands share: lexgap's errors caught once (LexgapGroup), exit codes, the checks every output
file passes before any work (check_outputs), tables and progress bars.

Exit codes (documented in docs/workflows.md):

    0  done
    1  refused: an output file exists (add --force) or is one of the inputs, two different States
       (diff --allow-different-states), mixed pack versions (compare --allow-mixed-versions); nothing was
       written
    2  usage error (click): a missing argument or an unknown option
    3  an input is not valid (answers file, workbook, assessment); nothing was written
    4  the rule pack is not valid (a knowledge-base problem, not the user's)
    5  a file named on the command line does not exist or cannot be read
    6  compare: the outputs were written, but some files were left out (each is named on stderr)
  130  interview: interrupted; every answer given before the interruption is saved
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from ..errors import LexgapError, Problem
from ..terminal import echo

EXIT_LEFT_OUT = 6
EXIT_INTERRUPTED = 130


class Refused(LexgapError):
    """lexgap declines to do something that could lose work or mislead (overwrite, compare unlike things)."""

    exit_code = 1


class Failed(click.ClickException):
    """A LexgapError on its way out of the command line: click shows it and exits with its code, as it does
    for its own errors (click.ClickException in Command.main)."""

    def __init__(self, error: LexgapError):
        super().__init__(str(error))
        self.error = error
        self.exit_code = error.exit_code

    def show(self, file: Any = None) -> None:
        for problem in self.error.problems:
            echo(f"error: {problem}", err=True)


class LexgapGroup(click.Group):
    """The root command group: every lexgap error raised by any command is caught here, once, and printed
    as 'error: file: message — what to do'; a traceback only with --debug."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LexgapError as exc:
            if ctx.params.get("debug"):
                raise
            raise Failed(exc) from exc


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file, however spelled (./, .., symlinks, hard links)."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def check_outputs(outputs: Iterable[tuple[Path | None, str]], inputs: Iterable[Path | None], force: bool) -> None:
    """Before any work, refuse every output (path, what it is) that is one of the inputs, that another output
    also names, that is a folder or lies in a missing folder, or that exists while --force was not given."""
    given = [(Path(p), what) for p, what in outputs if p is not None]
    sources = [Path(p) for p in inputs if p is not None]
    for i, (path, what) in enumerate(given):
        for source in sources:
            if same_file(path, source):
                spelled = f", {source}," if str(source) != str(path) else ""
                which = "the input file" if len(sources) == 1 else "one of the input files"
                raise Refused(Problem(str(path), f"this is {which}{spelled} and lexgap never overwrites an input, "
                                      "even with --force", f"write the {what} under another name"))
        for other, _ in given[:i]:
            if same_file(path, other):
                raise Refused(Problem(str(path), f"two outputs are the same file ({other} and {path})",
                                      "give each output its own file name"))
        if path.is_dir():
            raise Refused(Problem(str(path), "this is a folder", f"give the name of the {what} to write, e.g. "
                                  f"{path / ('answers.yaml' if what == 'answers file' else 'out')}"))
        check_folder(path, what)
        if path.exists() and not force:
            raise Refused(Problem(str(path), f"this {what} already exists; lexgap never overwrites a file "
                                  "without being asked", "choose another name, or add --force to replace it"))


def check_folder(path: Path, what: str = "file") -> None:
    """Fail before any work when the folder an output goes to does not exist."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise LexgapError(Problem(str(path), f"the folder '{folder}' does not exist, so the {what} cannot be "
                                  "written there", "create the folder first, or give another path"))


def echo_json(data: Any) -> None:
    echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))


def table(rows: list[list[str]], headers: list[str]) -> None:
    """A plain fixed-width table; the last column is left unpadded."""
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers) - 1)]
    for row in [headers] + rows:
        cells = [str(c).ljust(w) for c, w in zip(row, widths)] + [str(row[-1])]
        echo("  ".join(cells).rstrip())


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
