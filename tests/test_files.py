"""Atomic writes: new files are private, replaced files keep their mode, interrupted writes leave nothing."""
from __future__ import annotations

import os
import time

from click.testing import CliRunner

from lexgap.cli import cli
from lexgap.files import ORPHAN_AGE_SECONDS, remove_orphans, replace_atomically

from .conftest import EXAMPLES

EXAMPLE = EXAMPLES / "arcadia.yaml"


def mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_a_new_file_is_private_whatever_the_umask(tmp_path):
    old = os.umask(0o000)
    try:
        replace_atomically(tmp_path / "a.yaml", b"x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a.yaml") == 0o600


def test_a_replaced_file_keeps_its_mode(tmp_path):
    target = tmp_path / "shared.yaml"
    target.write_bytes(b"old")
    for wanted in (0o640, 0o600, 0o644):
        target.chmod(wanted)
        replace_atomically(target, b"new")
        assert mode(target) == wanted and target.read_bytes() == b"new"


def test_a_private_file_stays_private_after_report_o(tmp_path):
    out = tmp_path / "report.md"
    out.write_text("old")
    out.chmod(0o600)
    result = CliRunner().invoke(cli, ["report", str(EXAMPLE), "-o", str(out), "--force"])
    if result.exit_code == 2:  # before --force exists on report
        result = CliRunner().invoke(cli, ["report", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o600 and out.read_text() != "old"


def test_orphan_temporary_copies_are_removed_on_the_next_write(tmp_path):
    target = tmp_path / "answers.yaml"
    orphan = tmp_path / ".answers.yaml.0123456789ab.tmp"
    in_progress = tmp_path / ".answers.yaml.ba9876543210.tmp"
    other = tmp_path / ".other.yaml.0123456789ab.tmp"
    for p in (orphan, in_progress, other):
        p.write_bytes(b"half")
    old = time.time() - ORPHAN_AGE_SECONDS - 60
    os.utime(orphan, (old, old))
    os.utime(other, (old, old))
    replace_atomically(target, b"whole")
    assert not orphan.exists()
    assert in_progress.exists(), "a write that may still be running elsewhere is left alone"
    assert other.exists(), "another file's temporary copy is not this write's business"
    assert remove_orphans(target, max_age=0) == [in_progress]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.yaml.0123456789ab.tmp", "answers.yaml"]
