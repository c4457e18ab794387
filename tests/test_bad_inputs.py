"""Every bad input in tests/bad_inputs/ fails with the message stored beside it, and no traceback.

To refresh an expected message after a deliberate wording change, run
    python3 -m tests.test_bad_inputs
and review the diff of tests/bad_inputs/*.expected.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexgap.cli import cli

HERE = Path(__file__).resolve().parent / "bad_inputs"


def cases() -> list[tuple[str, list[str]]]:
    out = [(p.name, ["validate", p.name]) for p in sorted(HERE.glob("*.yaml"))]
    out.append(("missing-file.yaml", ["validate", "missing-file.yaml"]))
    out += [(p.name, ["rules", "validate", p.name]) for p in sorted(HERE.iterdir()) if p.is_dir()]
    return out


def run(args: list[str]):
    cwd = os.getcwd()
    os.chdir(HERE)
    try:
        return CliRunner().invoke(cli, args)
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("name, args", cases(), ids=[c[0] for c in cases()])
def test_bad_input_fails_with_its_stored_message(name, args):
    result = run(args)
    expected = (HERE / f"{name}.expected").read_text(encoding="utf-8")
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    assert result.stderr == expected


def test_bad_inputs_are_left_untouched():
    before = {p: p.read_bytes() for p in HERE.glob("*.yaml")}
    for _name, args in cases():
        run(args)
    assert before == {p: p.read_bytes() for p in HERE.glob("*.yaml")}


if __name__ == "__main__":
    for name, args in cases():
        (HERE / f"{name}.expected").write_text(run(args).stderr, encoding="utf-8")
        print("wrote", name)
