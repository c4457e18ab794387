"""Every bad input in tests/bad_inputs/ fails with the message stored beside it, and no traceback.

Each file NAME there is run as `lexgap validate NAME` (a folder: `lexgap rules validate NAME`) and its
message is in NAME.expected. Inputs that cannot be kept in git (a named pipe, a device, files of many
megabytes) are made on the fly in a temporary folder; see MADE below.

To refresh an expected message after a deliberate wording change, run
    python3 -m tests.test_bad_inputs
and review the diff of tests/bad_inputs/*.expected.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexgap.cli import cli

from . import bad_workbooks

HERE = Path(__file__).resolve().parent / "bad_inputs"
EXAMPLE = str(HERE.parent.parent / "lexgap" / "questionnaires" / "examples" / "arcadia.yaml")


def _sparse(size: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        with open(path, "wb") as handle:
            handle.truncate(size)  # takes no disk space
    return make


# name -> (how to make it in an empty folder, or None for a path that exists everywhere; the command)
MADE: dict[str, tuple[Callable[[Path], None] | None, list[str]]] = {
    "fifo.yaml": (os.mkfifo, ["validate", "fifo.yaml"]),
    "dev-zero": (None, ["validate", "/dev/zero"]),
    "oversized.yaml": (_sparse(3 * 1024 * 1024), ["validate", "oversized.yaml"]),
    "oversized.json": (_sparse(40 * 1024 * 1024), ["diff", "oversized.json", EXAMPLE]),
    "formula.xlsx": (bad_workbooks.formula_in_answer, ["questionnaire", "import", "formula.xlsx", "-o", "out.yaml"]),
    "entity-expansion.xlsx": (bad_workbooks.entity_expansion,
                              ["questionnaire", "import", "entity-expansion.xlsx", "-o", "out.yaml"]),
    "external-entity.xlsx": (bad_workbooks.external_entity,
                             ["questionnaire", "import", "external-entity.xlsx", "-o", "out.yaml"]),
    "zip-bomb.xlsx": (bad_workbooks.zip_bomb, ["questionnaire", "import", "zip-bomb.xlsx", "-o", "out.yaml"]),
}
# files kept here that another command reads
OTHER_COMMANDS = {"deeply-nested.json": ["diff", "deeply-nested.json", EXAMPLE]}


def cases() -> list[tuple[str, list[str]]]:
    out = [(p.name, ["validate", p.name]) for p in sorted(HERE.glob("*.yaml"))]
    out.append(("missing-file.yaml", ["validate", "missing-file.yaml"]))
    out += [(p.name, ["rules", "validate", p.name]) for p in sorted(HERE.iterdir()) if p.is_dir()]
    out += list(OTHER_COMMANDS.items())
    out += [(name, args) for name, (_, args) in MADE.items()]
    return out


def run(name: str, args: list[str]):
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as made:
        make = MADE.get(name, (None,))[0]
        if make is not None:
            make(Path(made) / name)
        os.chdir(made if name in MADE else HERE)
        try:
            return CliRunner().invoke(cli, args)
        finally:
            os.chdir(cwd)


@pytest.mark.parametrize("name, args", cases(), ids=[c[0] for c in cases()])
def test_bad_input_fails_with_its_stored_message(name, args):
    result = run(name, args)
    expected = (HERE / f"{name}.expected").read_text(encoding="utf-8")
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    assert result.stderr == expected


def test_every_fixture_has_its_expected_message():
    inputs = {p.name for p in HERE.iterdir() if p.suffix != ".expected"}
    assert inputs <= {name for name, _ in cases()}
    assert {p.name[: -len(".expected")] for p in HERE.glob("*.expected")} == {name for name, _ in cases()}


def test_bad_inputs_are_left_untouched():
    before = {p: p.read_bytes() for p in HERE.iterdir() if p.is_file()}
    for name, args in cases():
        run(name, args)
    assert before == {p: p.read_bytes() for p in HERE.iterdir() if p.is_file()}


if __name__ == "__main__":
    for name, args in cases():
        (HERE / f"{name}.expected").write_text(run(name, args).stderr, encoding="utf-8")
        print("wrote", name)
