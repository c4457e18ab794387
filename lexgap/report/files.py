"""Atomic file writing: a report file is either the complete new one or whatever was there before."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from ..errors import LexgapError, Problem


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, flush it to disk, then rename it over `path`."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise LexgapError(Problem(str(path), f"cannot write the report ({exc.strerror or exc})",
                                  "check that the folder exists and that you may write to it")) from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
