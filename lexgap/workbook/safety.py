"""Checks on a workbook before openpyxl reads it: a bounded file, a bounded unpacked size (a "zip bomb" of a
few megabytes can unpack to gigabytes), no XML entity declarations (entity expansion and external entities),
and, while reading, bounded sheets and no formulas where answers belong."""
from __future__ import annotations

import io
import zipfile
from typing import Any

from ..errors import InputError, Problem
from ..inputs import read_limited

MAX_FILE_BYTES = 10 * 1024 * 1024     # an exported and filled questionnaire is about 60 KB
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # ... and about 250 KB unpacked
MAX_MEMBERS = 1000
MAX_ROWS = 5000                        # per sheet read; the questionnaire has a few hundred
_CHUNK = 1024 * 1024
_DECLARATIONS = [form.encode(enc) for form in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be")]
_REEXPORT = "export a new workbook with 'lexgap questionnaire export' and copy the answers into it"


def read_workbook_bytes(path: str) -> bytes:
    """The workbook's bytes, refused before reading if it is not a regular file or is too large."""
    return read_limited(path, MAX_FILE_BYTES, "workbook",
                        "a filled questionnaire is well under 1 MB; check that this is the right file")


def check_archive(data: bytes, name: str) -> None:
    """Refuse a workbook whose parts unpack to more than MAX_UNPACKED_BYTES or whose XML declares entities.
    A file that is not a zip archive is left to openpyxl's own message."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise InputError(Problem(name, f"the workbook holds {len(members):,} parts; lexgap reads workbooks of "
                                     f"up to {MAX_MEMBERS:,}", _REEXPORT))
        unpacked = sum(m.file_size for m in members)
        if unpacked > MAX_UNPACKED_BYTES:
            raise InputError(Problem(name, f"the workbook would unpack to {unpacked:,} bytes; lexgap unpacks "
                                     f"workbooks of up to {MAX_UNPACKED_BYTES:,} bytes (a filled questionnaire "
                                     "unpacks to about 250,000)", _REEXPORT))
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels")) and _declares_entities(archive, member):
                raise InputError(Problem(name, f"the part {member.filename} of the workbook declares a document "
                                         "type or entities (<!DOCTYPE, <!ENTITY), which Excel never writes and "
                                         "lexgap does not read", _REEXPORT))


def _declares_entities(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    tail = b""
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(_CHUNK):
                window = tail + chunk
                if any(form in window for form in _DECLARATIONS):
                    return True
                tail = window[-32:]
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return False  # damaged or encrypted: openpyxl says so
    return False


def formula_problem(sheet: str, cell: Any) -> str | None:
    """The message for a formula in a cell lexgap reads, or None if the cell holds a typed value."""
    if getattr(cell, "data_type", None) != "f":
        return None
    formula = str(cell.value)
    shown = formula if len(formula) <= 40 else formula[:37] + "..."
    return (f"sheet '{sheet}', cell {cell.coordinate}: this cell holds a formula ({shown}); lexgap reads only "
            "typed values, because the result saved with a formula can differ from what Excel shows")


FORMULA_HINT = "type the answer itself, or replace the formula by its value (Copy, then Paste Special > Values)"
