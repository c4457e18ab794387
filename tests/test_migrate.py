"""Answers files written for pack 1.0.0 keep working: migrated with nothing lost."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lexgap.cli import cli
from lexgap.engine.answers import load_answers
from lexgap.engine.migrate import migrate_file, migration_for
from lexgap.engine.yamlio import load

OLD = Path(__file__).parent / "fixtures" / "answers-1.0.0"
OLD_FILES = sorted(OLD.glob("*.yaml")) + sorted((OLD / "region").glob("*.yaml"))


def _flat(value):
    return repr(value)


@pytest.mark.parametrize("path", OLD_FILES, ids=lambda p: p.name)
def test_every_old_answer_survives_the_migration(kb, path):
    old = load(path).data["answers"]
    new, report = migrate_file(kb, path)
    migration = migration_for(kb, "1.0.0")
    changed = {c.question: c for c in migration.changes}
    notes = " ".join(str(a.get("note", "")) for a in new["answers"].values() if isinstance(a, dict))
    for qid, answer in old.items():
        answer = answer if isinstance(answer, dict) else {"value": answer}
        if qid not in changed:
            assert new["answers"][qid] == answer, f"{path.name}: {qid} changed although its question did not"
            continue
        change = changed[qid]
        if change.renamed:
            target = new["answers"][change.renamed]
            expected = change.values.get(answer["value"], answer["value"])
            assert target["value"] == expected
            for key in ("citation", "source", "method", "as_of"):
                assert target.get(key) == answer.get(key), f"{path.name}: {qid} lost its {key}"
            continue
        mapped = next((m for m in change.map if m.value == answer["value"]), None)
        if mapped is None:
            assert repr(answer["value"]) in notes, f"{path.name}: the answer to {qid} was dropped"
        assert any(qid in line for line in report.lines), f"{path.name}: {qid} is not in the report"
    # the carried-over file is a valid answers file for the current pack
    assert report.to_version == kb.pack.version


@pytest.mark.parametrize("path", OLD_FILES[:2], ids=lambda p: p.name)
def test_an_old_file_is_assessed_with_a_notice_not_refused(kb, path):
    from lexgap import assess

    loaded = load_answers(path, kb)
    assert loaded.migration is not None
    a = assess(loaded)
    notice = next(w for w in a.warnings if w.id == "I-MIGRATED")
    assert "lexgap migrate" in notice.advice


def test_migrate_command_writes_a_new_file_and_never_its_input(tmp_path):
    source = tmp_path / "old.yaml"
    source.write_text((OLD / "arcadia.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    runner = CliRunner()
    refused = runner.invoke(cli, ["migrate", str(source), "-o", str(source)])
    assert refused.exit_code != 0 and "input" in refused.output + refused.stderr
    out = tmp_path / "new.yaml"
    done = runner.invoke(cli, ["migrate", str(source), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "FICTIONAL STATE" in out.read_text(encoding="utf-8")  # the file's own header comments are kept
    assert source.read_text(encoding="utf-8") == (OLD / "arcadia.yaml").read_text(encoding="utf-8")
    again = runner.invoke(cli, ["migrate", str(source), "-o", str(out)])
    assert again.exit_code != 0  # an existing output needs --force
    current = runner.invoke(cli, ["migrate", str(out), "-o", str(tmp_path / "x.yaml")])
    assert current.exit_code != 0 and "needs no migration" in current.output + current.stderr


def test_interview_resume_offers_the_migration_and_keeps_the_original(tmp_path):
    source = tmp_path / "arcadia.yaml"
    original = (OLD / "arcadia.yaml").read_text(encoding="utf-8")
    source.write_text(original, encoding="utf-8")
    result = CliRunner().invoke(cli, ["interview", "--resume", str(source)], input="y\nq\n")
    assert "written for version 1.0.0" in result.output, result.output
    kept = tmp_path / "arcadia.pack-1.0.0.yaml"
    assert kept.read_text(encoding="utf-8") == original
    assert "pack_version: 2.0.0" in source.read_text(encoding="utf-8")


def test_interview_resume_declined_changes_nothing(tmp_path):
    source = tmp_path / "arcadia.yaml"
    original = (OLD / "arcadia.yaml").read_text(encoding="utf-8")
    source.write_text(original, encoding="utf-8")
    result = CliRunner().invoke(cli, ["interview", "--resume", str(source)], input="n\n")
    assert result.exit_code != 0
    assert source.read_text(encoding="utf-8") == original
    assert not (tmp_path / "arcadia.pack-1.0.0.yaml").exists()
