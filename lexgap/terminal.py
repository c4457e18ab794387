"""Printing user text to a terminal safely: a State name, a citation or a file name may hold escape
sequences that clear the screen, recolour the output or reverse the text.

`printable` shows each control character as a visible `\\uXXXX` escape. That is the JSON escape of the
same character, so JSON printed through it reads back unchanged. Every CLI message goes through `echo`."""
from __future__ import annotations

import re
from typing import Any

import click

# C0 and C1 controls and DEL, except tab and line ends, and the bidirectional overrides and isolates
# ("Trojan source") that make a terminal show text in another order than it is.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def printable(text: str) -> str:
    """`text` with every control character shown as \\uXXXX; newlines and tabs stay."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def echo(message: Any = "", *, err: bool = False, nl: bool = True) -> None:
    """click.echo, made safe for a terminal (see `printable`)."""
    click.echo(printable("" if message is None else str(message)), err=err, nl=nl)
