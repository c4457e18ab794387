"""A private on-disk cache of what is costly to rebuild for a rule pack: the checked pack and its CLIPS image.

Every entry is named by a digest of everything it was made from: the bytes of the pack's files, the
questionnaire files, lexgap's engine code and the CLIPS library, so any change to any of them makes a new
name and the old entry is never read again. Entries are written to a temporary file and renamed into place,
so two processes building the same entry at once each write a whole file and the reader sees one of them
whole. The folder is private to the user (0700, files 0600) and keeps the few most recent entries of each
kind. LEXGAP_CACHE_DIR chooses the folder; set to an empty value it turns the cache off. A cache that
cannot be read or written is simply not used.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

_ENGINE_DIR = Path(__file__).resolve().parent
_PACKAGE_DIR = _ENGINE_DIR.parent


def cache_dir() -> Path | None:
    """The cache folder (created private on first use), or None when the cache is off or unusable."""
    chosen = os.environ.get("LEXGAP_CACHE_DIR")
    if chosen is not None and not chosen.strip():
        return None
    if chosen:
        base = Path(chosen)
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lexgap"
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = base.stat()
    except OSError:
        return None
    if info.st_mode & 0o022 or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
        return None  # entries are unpickled: never from a folder that someone else could write to
    return base if os.access(base, os.W_OK | os.X_OK) else None


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the code whose output is cached: lexgap's engine modules and the version of lexgap."""
    digest = hashlib.sha256()
    for path in sorted(_ENGINE_DIR.glob("*.py")) + [_PACKAGE_DIR / "errors.py", _PACKAGE_DIR / "__init__.py"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def files_digest(*parts: str, files: Iterable[Path] = ()) -> str:
    """A digest of some labels and of the names and bytes of files (missing files count as absent)."""
    digest = hashlib.sha256(code_digest().encode())
    for part in parts:
        digest.update(b"\0" + part.encode())
    for path in files:
        digest.update(b"\0" + str(path).encode())
        try:
            digest.update(b"\1" + path.read_bytes())
        except OSError:
            digest.update(b"\2")
    return digest.hexdigest()[:32]


def entry(name: str) -> Path | None:
    """The path of a cache entry (which may not exist yet), or None when the cache is off."""
    folder = cache_dir()
    return None if folder is None else folder / name


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Have `write` fill a private temporary file beside `path`, then rename it into place. Any failure
    leaves no file behind and is not an error: the cache is only an optimisation."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is not used
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return
    _prune(path)


KEEP = 6


def _prune(path: Path) -> None:
    """Keep the KEEP most recently written entries of a kind ('pack-', 'clips-', ...): each edit of a pack
    or upgrade of lexgap makes new ones, and the folder must not grow without bound."""
    kind = path.name.split("-", 1)[0] + "-"
    try:
        entries = sorted((p for p in path.parent.iterdir() if p.name.startswith(kind)),
                         key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[KEEP:]:
            old.unlink()
    except OSError:
        pass  # another process pruned it first


def load_pickle(path: Path | None) -> Any:
    """The object stored at `path`, or None if there is none or it cannot be read."""
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - an unreadable entry is rebuilt and replaced
        return None


def store_pickle(path: Path | None, value: Any) -> None:
    if path is None:
        return

    def write(tmp: Path) -> None:
        tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    write_atomically(path, write)
