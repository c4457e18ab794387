"""One bad-pack fixture per check of lexgap/engine/packcheck.py, each failing with its reviewed messages.

tests/bad_packs/base/ is a valid one-paragraph pack; each tests/bad_packs/check_*/ holds the files that
replace base files to break the check it is named after, and check_*.expected the messages `lexgap rules
validate` prints. To refresh them after a deliberate wording change, run
    python3 -m tests.test_packcheck
and review the diff of tests/bad_packs/*.expected.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexgap.cli import cli
from lexgap.engine import packcheck
from lexgap.engine.knowledge import load_knowledge

HERE = Path(__file__).resolve().parent / "bad_packs"
FIXTURES = sorted(p.name for p in HERE.iterdir() if p.is_dir() and p.name.startswith("check_"))


def run(name: str, workdir: Path):
    """`lexgap rules validate NAME` on the base pack with the fixture's files laid over it."""
    pack = workdir / name
    shutil.copytree(HERE / "base", pack)
    shutil.copytree(HERE / name, pack, dirs_exist_ok=True)
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        return CliRunner().invoke(cli, ["rules", "validate", name])
    finally:
        os.chdir(cwd)


def test_every_check_has_its_fixture():
    assert FIXTURES == sorted(check.__name__ for check in packcheck.CHECKS)


def test_the_base_pack_is_valid(tmp_path):
    result = CliRunner().invoke(cli, ["rules", "validate", str(HERE / "base")])
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("name", FIXTURES)
def test_each_check_reports_its_problems(name, tmp_path):
    result = run(name, tmp_path)
    assert result.exit_code == 4, result.output
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: ")
    assert result.stderr == (HERE / f"{name}.expected").read_text(encoding="utf-8")


def test_the_checker_leaves_the_knowledge_base_as_it_was(kb):
    before = (dict(kb.logic), dict(kb.concept_logic), list(kb.concept_order), dict(kb.warning_logic),
              dict(kb.party_logic), dict(kb.show_if))
    problems, logic = packcheck.check_pack(load_knowledge(), _sources_of(kb))
    assert not problems
    assert before == (dict(kb.logic), dict(kb.concept_logic), list(kb.concept_order), dict(kb.warning_logic),
                      dict(kb.party_logic), dict(kb.show_if))
    assert logic.concept_order == kb.concept_order and logic.show_if.keys() == kb.show_if.keys()


def _sources_of(kb):
    from lexgap.engine.knowledge import party_concept
    from lexgap.engine.yamlio import load

    root = kb.root
    pack_doc = load(root / "pack.yaml")
    paragraphs = [(p, load(root / "paragraphs" / f"P{p.paragraph:02d}.yaml")) for p in kb.paragraphs]
    concepts_doc = load(root / "concepts.yaml")
    concepts = [(c, concepts_doc, ("concepts", i)) for i, c in enumerate(c for c in kb.concepts.values()
                                                                          if not c.id.startswith("party_"))]
    concepts += [(party_concept(inst), pack_doc, ("instruments", i, "party_when"))
                 for i, inst in enumerate(kb.pack.instruments) if inst.party_when]
    return packcheck.Sources(pack_doc, paragraphs, concepts, load(root / "consistency.yaml"),
                             load(root / "packages.yaml"), load(kb.questionnaire_path), load(root / "modalities.yaml"))


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for fixture in FIXTURES:
            (HERE / f"{fixture}.expected").write_text(run(fixture, Path(tmp)).stderr, encoding="utf-8")
            print("wrote", fixture)
