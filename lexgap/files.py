"""Writing files so that nothing is ever half-written: a file is either its complete new version or the
version that was there before, even if lexgap is interrupted or the disk fills up."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from .errors import LexgapError, Problem


def replace_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write to a hidden temporary file beside `path`, flush it to disk, rename it over `path`, and flush
    the folder. Raises OSError; the temporary file never stays behind."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


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
