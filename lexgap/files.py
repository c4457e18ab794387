"""Writing files so that nothing is ever half-written: a file is either its complete new version or the
version that was there before, even if lexgap is interrupted or the disk fills up.

Files lexgap creates are private (mode 0600: answers, reports and backups can be confidential); a file
that already exists keeps its mode when it is replaced."""
from __future__ import annotations

import os
import re
import secrets
import stat
import time
from pathlib import Path

from .errors import LexgapError, Problem

NEW_FILE_MODE = 0o600
# A temporary copy older than this was left by an interrupted write (kill -9, power cut), not by a
# write still in progress in another process: those take seconds.
ORPHAN_AGE_SECONDS = 15 * 60
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{12}\.tmp")


def replace_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write to a hidden temporary file beside `path`, flush it to disk, rename it over `path`, and flush
    the folder. The file gets `mode` if given, else the mode of the file it replaces, else 0600.
    Raises OSError; the temporary file never stays behind."""
    path = Path(path)
    if mode is None:
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            mode = NEW_FILE_MODE
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)  # exactly `mode`, whatever the umask
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)
    remove_orphans(path)


def remove_orphans(path: Path, max_age: float = ORPHAN_AGE_SECONDS) -> list[Path]:
    """Delete the temporary copies of `path` that an interrupted write left beside it (older than
    `max_age` seconds); return what was deleted. Never raises."""
    path = Path(path)
    removed: list[Path] = []
    now = time.time()
    try:
        candidates = list(path.parent.glob(f".{_glob_escape(path.name)}.*.tmp"))
    except OSError:
        return removed
    for candidate in candidates:
        match = _TEMPORARY.fullmatch(candidate.name)
        if not match or match["name"] != path.name:
            continue
        try:
            info = candidate.lstat()
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > max_age:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue
    return removed


def _glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def write_atomic(path: Path, data: bytes | str, what: str = "file") -> None:
    """`replace_atomically`, with a plain message naming `what` ("report", "workbook") if it fails."""
    try:
        replace_atomically(Path(path), data.encode("utf-8") if isinstance(data, str) else data)
    except OSError as exc:
        raise LexgapError(Problem(str(path), f"cannot write the {what} ({exc.strerror or exc})",
                                  "check that the folder exists and that you may write to it")) from exc


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
