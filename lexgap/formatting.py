"""How lexgap writes a share as a percentage, and which output format a file name asks for: one home each."""
from __future__ import annotations

from pathlib import Path

from .errors import InputError, Problem

MISSING = "–"
FORMAT_ALIASES = {"markdown": "md", "txt": "text", "htm": "html"}


def pct(value: float | None, missing: str = MISSING) -> str:
    """0.625 -> '62%' (rounded half to even); None -> `missing` (an en dash unless a sentence needs words)."""
    return missing if value is None else f"{round(value * 100)}%"


def output_format(path: str | Path | None, fmt: str | None, formats: dict[str, str],
                  default: str | None = None) -> str:
    """The output format: `fmt` when given (after FORMAT_ALIASES), else from the extension of `path` through
    `formats` ('.md' -> 'md'), else `default`. InputError when none of these gives a format `formats` knows."""
    names = list(dict.fromkeys(formats.values()))
    if fmt is not None:
        name = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        if name not in names:
            raise InputError(Problem(str(path or fmt), f"unknown format {fmt!r}", f"use {_either(names)}"))
        return name
    if path is None:
        if default is None:
            raise InputError(Problem(str(fmt), "no output file and no format given", "give -o FILE"))
        return default
    suffix = Path(path).suffix.lower()
    if suffix not in formats:
        first: dict[str, str] = {}
        for ext, name in formats.items():
            first.setdefault(name, ext)
        raise InputError(Problem(str(path), "cannot tell the format from the file extension",
                                 f"name the file {_either(list(first.values()))}, or give --format"))
    return formats[suffix]


def _either(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
