"""Reading a user's input file safely: only regular files, never more than a limit, and a plain message
for anything that is not UTF-8 text (naming the encoding found: UTF-16 from Notepad or Word, Windows-1252).

Every limit is checked before the content is read: a named pipe would block, /dev/zero never ends."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import InputError, MissingFileError, Problem

_BOMS = [  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"),
]
_SAVE_AS_UTF8 = ("save it again as UTF-8 (in most editors: Save As, then choose the encoding 'UTF-8'), "
                 "then try again")


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def read_limited(path: str | Path, max_bytes: int, what: str = "file", hint: str = "") -> bytes:
    """The bytes of the regular file `path`, refusing (before reading) folders, pipes, devices and files
    over `max_bytes`. `what` names the expected kind of file in messages ("YAML file", "workbook");
    `hint` is what to do about a file over the limit."""
    name = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise MissingFileError(Problem(name, "no such file", "check the path and the file name")) from None
    except OSError as exc:
        raise _unreadable(name, exc) from None
    kind = _kind(info.st_mode)
    if kind == "folder":
        raise InputError(Problem(name, "this is a folder, not a file", f"give the path of the {what} inside it"))
    if kind:
        raise InputError(Problem(name, f"this is a {kind}, not a regular file; lexgap reads only files "
                                 "stored on disk", "copy the content into an ordinary file and give that file's path"))
    _refuse_size(name, info.st_size, max_bytes, what, hint)
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may have grown since stat
    except OSError as exc:
        raise _unreadable(name, exc) from None
    if len(data) > max_bytes:  # it grew after stat, or stat did not know (/proc)
        _refuse_size(name, max_bytes + 1, max_bytes, what, hint, exact=False)
    return data


def _refuse_size(name: str, size: int, max_bytes: int, what: str, hint: str, exact: bool = True) -> None:
    if size > max_bytes:
        shown = f"{size:,} bytes" if exact else f"over {max_bytes:,} bytes"
        raise InputError(Problem(name, f"the file is too large ({shown}; lexgap reads a {what} of up to "
                                 f"{max_bytes:,} bytes)", hint or f"check that this is a {what}"))


def decode_text(raw: bytes, name: str, what: str = "YAML") -> str:
    """UTF-8 text (a UTF-8 byte-order mark is dropped), or InputError naming what the bytes are instead."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            raise InputError(Problem(name, f"this file is {encoding} text (it starts with a {encoding} "
                                     f"byte-order mark), but lexgap reads {what} files in UTF-8 only",
                                     _SAVE_AS_UTF8))
    guessed = _utf16_without_bom(raw)
    if guessed:
        raise InputError(Problem(name, f"this file looks like {guessed} text (every other byte is zero), "
                                 f"but lexgap reads {what} files in UTF-8 only", _SAVE_AS_UTF8))
    if b"\x00" in raw:
        raise InputError(Problem(name, f"this is a binary file, not a {what} text file",
                                 f"give the path of the {what} file" if what != "YAML"
                                 else "give the path of the .yaml file"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        guess = " (it may be Windows-1252 or Latin-1 text)" if 0x80 <= byte <= 0xFF else ""
        raise InputError(Problem(name, f"the file is not UTF-8 text: byte 0x{byte:02X} cannot be read{guess}",
                                 _SAVE_AS_UTF8, line, column)) from None


def _utf16_without_bom(raw: bytes) -> str | None:
    """'UTF-16' when the first bytes have zeros in every other place, as UTF-16 text of Latin letters has."""
    sample = raw[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, others in ((odd, even), (even, odd)):
        if zeros.count(0) >= 0.9 * len(zeros) and others.count(0) <= 0.1 * len(others):
            return "UTF-16"
    return None


def _unreadable(name: str, exc: OSError) -> MissingFileError:
    """The message for a file that exists but cannot be read."""
    if isinstance(exc, PermissionError):
        return MissingFileError(Problem(name, "the file cannot be read (permission denied)",
                                        "check the file's permissions"))
    return MissingFileError(Problem(name, f"the file cannot be read ({exc.strerror or exc})", "check the path"))
