"""The data folder: answers files addressed by checked names, written atomically with backups.

A user never names a path. Files are addressed by a *stem* that must match `STEM` (letters, digits, '-' and
'_', no dots, no slashes), the path is built here as `<folder>/<stem>.yaml`, and the resolved path must sit
directly in the folder and not be a symbolic link. New stems are made from the State's name by `make_stem`.

Every save copies the current file to `.backups/<stem>/` first, then writes the new text to a temporary file
beside the target, flushes it to disk and renames it over the target: the file on disk is always either the
complete old version or the complete new one, and the previous version is kept.

The answers are private: folders the app creates are 0700, new files 0600, and a replaced file keeps its
mode. A temporary copy left behind by a killed server is removed the next time the folder is opened.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import stat
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..files import replace_atomically

STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
SUFFIX = ".yaml"
BACKUP_DIR = ".backups"
KEEP_BACKUPS = 30
SECRET_FILE = ".lexgap-web-secret"
FOLDER_MODE = 0o700
FILE_MODE = 0o600
ORPHAN = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")   # lexgap.files.replace_atomically's temporary copies
ORPHAN_AGE = 30.0                                   # seconds: younger ones may be another server's save


class UnsafeName(ValueError):
    """A name that does not address a file directly inside the data folder."""


@dataclass(frozen=True)
class Entry:
    stem: str
    path: Path
    size: int
    modified: dt.datetime


def is_safe_stem(stem: object) -> bool:
    return isinstance(stem, str) and bool(STEM.match(stem))


def make_stem(text: str, suffix: str = "") -> str:
    """A safe stem from free text: 'République de Veridia' -> 'republique-de-veridia'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-") or "assessment"
    stem = f"{slug}-{suffix}" if suffix else slug
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:90]
    assert is_safe_stem(stem), stem
    return stem


class DataFolder:
    """The folder of answers files that `lexgap serve --data DIR` works in."""

    def __init__(self, root: str | Path, keep_backups: int = KEEP_BACKUPS):
        self.root = Path(root).expanduser().resolve()
        self.keep_backups = keep_backups
        self._locks: dict[str, threading.RLock] = {}
        self._guard = threading.Lock()

    def create(self) -> list[str]:
        """Make the folder (0700) if it is missing, and remove the temporary copies a killed server left
        behind (older than ORPHAN_AGE seconds); returns the names removed."""
        _make_private_dir(self.root)
        removed = []
        now = time.time()
        for folder in [self.root, *sorted((self.root / BACKUP_DIR).glob("*"))]:
            if not folder.is_dir() or folder.is_symlink():
                continue
            for item in folder.iterdir():
                try:
                    info = item.lstat()
                    if ORPHAN.match(item.name) and stat.S_ISREG(info.st_mode) and now - info.st_mtime > ORPHAN_AGE:
                        item.unlink()
                        removed.append(str(item.relative_to(self.root)))
                except OSError:
                    continue
        return removed

    # -- names -----------------------------------------------------------------------------------

    def path(self, stem: str) -> Path:
        """The path of an answers file; raise UnsafeName unless it lies directly in the folder."""
        if not is_safe_stem(stem):
            raise UnsafeName(stem)
        candidate = self.root / f"{stem}{SUFFIX}"
        if candidate.is_symlink() or candidate.resolve().parent != self.root:
            raise UnsafeName(stem)
        return candidate

    def exists(self, stem: str) -> bool:
        try:
            return self.path(stem).is_file()
        except UnsafeName:
            return False

    def lock(self, stem: str) -> threading.RLock:
        with self._guard:
            return self._locks.setdefault(stem, threading.RLock())

    def entries(self) -> tuple[list[Entry], list[str]]:
        """The answers files (newest first) and the names of YAML files left out (unsafe names, links)."""
        found: list[Entry] = []
        skipped: list[str] = []
        if not self.root.is_dir():
            return found, skipped
        for item in sorted(self.root.iterdir()):
            if item.name.startswith(".") or item.suffix.lower() not in (".yaml", ".yml"):
                continue
            stem = item.name[: -len(item.suffix)]
            if item.suffix != SUFFIX or not is_safe_stem(stem) or item.is_symlink() or not item.is_file():
                skipped.append(item.name)
                continue
            stat = item.stat()
            found.append(Entry(stem, item, stat.st_size,
                               dt.datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0)))
        found.sort(key=lambda e: (e.modified, e.stem), reverse=True)
        return found, skipped

    def free_stem(self, base: str) -> str:
        """`base`, or `base-2`, `base-3`... whichever is not taken yet."""
        stem, n = base, 1
        while self.exists(stem) or (self.root / f"{stem}{SUFFIX}").is_symlink():
            n += 1
            stem = f"{base[:85]}-{n}"
        return stem

    # -- reading and writing ------------------------------------------------------------------------

    def read_bytes(self, stem: str, max_bytes: int) -> bytes:
        path = self.path(stem)
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise ValueError(f"{path.name} is larger than {max_bytes:,} bytes")
        return data

    def write(self, stem: str, data: bytes, *, create: bool = False) -> Path:
        """Save `data` as the answers file `stem`: back up the current version, then write atomically.

        With `create`, refuse to overwrite an existing file (FileExistsError)."""
        path = self.path(stem)
        with self.lock(stem):
            _make_private_dir(self.root)
            if path.exists():
                if create:
                    raise FileExistsError(path.name)
                self.backup(stem)
            _replace_keeping_mode(path, data)
        return path

    def backup(self, stem: str) -> Path | None:
        """Copy the current version of `stem` into `.backups/<stem>/` and prune the oldest copies."""
        path = self.path(stem)
        try:
            current = path.read_bytes()
        except FileNotFoundError:
            return None
        folder = self.root / BACKUP_DIR / stem
        _make_private_dir(folder)
        moment = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = folder / f"{stem}.{moment}{SUFFIX}"
        n = 1
        while target.exists():
            n += 1
            target = folder / f"{stem}.{moment}-{n}{SUFFIX}"
        replace_atomically(target, current, mode=FILE_MODE)
        for old in self.backups(stem)[self.keep_backups:]:
            old.unlink(missing_ok=True)
        return target

    def backups(self, stem: str) -> list[Path]:
        """The backups of `stem`, newest first."""
        folder = self.root / BACKUP_DIR / self.path(stem).stem
        if not folder.is_dir():
            return []
        return sorted((p for p in folder.glob(f"{stem}.*{SUFFIX}") if p.is_file()), reverse=True)

    # -- the app's signing key ----------------------------------------------------------------------------

    def secret_key(self) -> bytes:
        """A random key kept in the folder (mode 0600), so that open pages keep working across restarts."""
        path = self.root / SECRET_FILE
        try:
            key = path.read_bytes()
            if len(key) >= 32:
                return key
        except FileNotFoundError:
            pass
        _make_private_dir(self.root)
        key = secrets.token_hex(32).encode()
        replace_atomically(path, key, mode=FILE_MODE)
        return key


def _make_private_dir(folder: Path) -> None:
    """Create `folder` and any missing parent with mode 0700 (an existing folder is left as it is)."""
    if folder.is_dir():
        return
    if not folder.parent.is_dir():
        _make_private_dir(folder.parent)
    try:
        folder.mkdir(mode=FOLDER_MODE)
    except FileExistsError:
        return
    os.chmod(folder, FOLDER_MODE)  # whatever the umask


def _replace_keeping_mode(path: Path, data: bytes) -> None:
    """Replace `path` atomically: a new file is 0600, an existing one keeps its mode."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = FILE_MODE
    replace_atomically(path, data, mode=mode)
    if stat.S_IMODE(path.stat().st_mode) != mode:  # the umask took bits away from the temporary copy
        os.chmod(path, mode)
