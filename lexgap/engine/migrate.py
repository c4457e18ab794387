"""Carrying an answers file written for an earlier major version of the pack over to the current one.

A pack that changes its questions ships a migration file, `migrations/<old major>.yaml` in the pack
folder, saying what became of each old question (docs/rule-pack.md):

    from_version: "1.0.0"
    changes:
      - question: treaty.old_id          # renamed, values kept (or translated by `values`)
        renamed: treaty.new_id
        values: {partial: "yes"}
      - question: treaty.reservations    # old values mapped onto new answers
        map:
          - value: "no"
            answers: {treaty.bc_reservations: []}
        note_on: treaty.bc_reservations  # where an answer the map does not cover is kept, as a note
      - question: x.removed              # no longer asked: kept as a note
        note_on: x.nearest

Nothing is lost: an old answer that cannot be mapped is kept, word for word, as a note on the nearest
new question, and listed in the migration's report.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from ..errors import InputError, Problem
from . import conditions as cond
from .knowledge import KnowledgeBase
from .models import QuestionId, SemVer, Strict, Text
from .validation import validate
from .yamlio import load

AnswerValue = str | int | float | list[str] | None


class ValueMap(Strict):
    value: AnswerValue = Field(description="The old answer's value this entry maps.")
    answers: dict[QuestionId, AnswerValue] = Field(description="The new answers it becomes.")


class Change(Strict):
    question: QuestionId = Field(description="The old question.")
    renamed: QuestionId | None = Field(None, description="Its new id, the answer kept.")
    values: dict[str, AnswerValue] = Field(default_factory=dict, description="With renamed: old value → new.")
    map: list[ValueMap] = Field(default_factory=list)
    note_on: QuestionId | None = Field(None, description="Where an answer that cannot be mapped is kept.")
    reason: Text | None = Field(None, description="Why the question changed, for the migration report.")


class Migration(Strict):
    from_version: SemVer
    changes: list[Change]


@dataclass
class MigrationReport:
    """What a migration did: answers carried over unchanged, mapped, and kept as notes."""

    from_version: str
    to_version: str
    mapped: list[str] = field(default_factory=list)
    kept_as_notes: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return self.mapped + self.kept_as_notes


def migration_for(kb: KnowledgeBase, version: str) -> Migration | None:
    """The pack's migration from an answers file's pack version, or None if the pack ships none."""
    path = kb.root / "migrations" / f"{version.split('.')[0]}.yaml"
    if not path.exists():
        return None
    doc = load(path)
    model, problems = validate(doc, Migration)
    if problems:
        raise InputError(problems)
    return model


def needs_migration(kb: KnowledgeBase, data: Any) -> str | None:
    """The older pack version an answers file (raw data) was written for, when the pack in use is newer."""
    if not isinstance(data, dict) or not isinstance(data.get("assessment"), dict):
        return None
    version = data["assessment"].get("pack_version")
    if not isinstance(version, str) or not version.split(".")[0].isdigit():
        return None
    current = kb.pack.version.split(".")[0]
    return version if int(version.split(".")[0]) < int(current) else None


def migrate_data(kb: KnowledgeBase, data: dict[str, Any], migration: Migration) -> tuple[dict[str, Any],
                                                                                       MigrationReport]:
    """A copy of raw answers-file data carried over to the pack in use, with a report of what changed."""
    out = copy.deepcopy(data)
    report = MigrationReport(str(data["assessment"].get("pack_version")), kb.pack.version)
    raw = out.get("answers")
    answers = {q: a if isinstance(a, dict) else {"value": a} for q, a in (raw if isinstance(raw, dict) else {}).items()}
    numbers = {q.id: q.number for q in kb.questionnaire.questions}
    for change in migration.changes:
        if change.question not in answers:
            continue
        old = answers.pop(change.question)
        value = old.get("value")
        if change.renamed:
            new = dict(old)
            new["value"] = change.values.get(value, value) if isinstance(value, str) else value
            answers[change.renamed] = _merge(answers.get(change.renamed), new)
            report.mapped.append(f"{change.question} → {change.renamed} (question {numbers.get(change.renamed, '?')})")
            continue
        target = next((m for m in change.map if m.value == value), None)
        if target is not None:
            for qid, new_value in target.answers.items():
                carried = {k: v for k, v in old.items() if k != "value"}
                if _hidden(kb, qid, answers):
                    # the new question does not apply to this State (e.g. a reservation to a treaty it is not
                    # party to): the old answer is kept as a note, not as an answer the engine would set aside
                    note = (f"Carried over from pack {report.from_version}, question {change.question}: answer "
                            f"{value!r}; this question does not apply given the other answers.")
                    answers[qid] = {**{k: v for k, v in carried.items() if k != "note"}, "value": "unknown",
                                    "note": f"{carried['note']} {note}" if carried.get("note") else note}
                    report.kept_as_notes.append(f"{change.question} = {value!r} kept as a note on {qid} "
                                                f"(question {numbers.get(qid, '?')}, which does not apply)")
                else:
                    answers[qid] = _merge(answers.get(qid), {**carried, "value": new_value})
                    report.mapped.append(f"{change.question} = {value!r} → {qid} = {new_value!r}")
            continue
        nearest = change.note_on or change.renamed
        note = (f"Carried over from pack {report.from_version}, question {change.question}: answer "
                f"{value!r}" + (f", citation {old['citation']!r}" if old.get("citation") else "")
                + (f", note {old['note']!r}" if old.get("note") else "")
                + ". Review it and answer this question.")
        if nearest is None:
            raise InputError(Problem(str(kb.root / "migrations"), f"the migration has no place to keep the answer "
                                     f"to {change.question}", "give the change a 'note_on' question"))
        existing = answers.get(nearest, {"value": "unknown"})
        existing = dict(existing)
        existing["note"] = f"{existing['note']} {note}" if existing.get("note") else note
        answers[nearest] = existing
        report.kept_as_notes.append(f"{change.question} = {value!r} kept as a note on {nearest} "
                                    f"(question {numbers.get(nearest, '?')})")
    out["answers"] = answers
    out["assessment"] = dict(out["assessment"], pack_version=kb.pack.version)
    return out, report


def _hidden(kb: KnowledgeBase, qid: str, answers: dict[str, Any]) -> bool:
    """Whether a question's show_if is false given the answers (the question does not apply)."""
    node = kb.show_if.get(qid)
    if node is None:
        return False
    known = {q: a.get("value") for q, a in answers.items()
             if isinstance(a, dict) and a.get("value") not in (None, "unknown")}
    return cond.evaluate(node, cond.Facts(known, {}, {})) is False


def _merge(existing: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """A mapped answer never overwrites one the file already gives for the new question: the two are kept,
    the mapped one as a note."""
    if existing is None:
        return new
    kept = dict(existing)
    if existing.get("value") == new.get("value"):
        return kept
    extra = f"An older answer mapped to this question gave {new.get('value')!r}; check which is right."
    kept["note"] = f"{kept['note']} {extra}" if kept.get("note") else extra
    return kept


def migrate_file(kb: KnowledgeBase, path: Path) -> tuple[dict[str, Any], MigrationReport]:
    """Read an answers file written for an older pack and return it carried over, with the report."""
    doc = load(path)
    version = needs_migration(kb, doc.data)
    if version is None:
        raise InputError(doc.problem(("assessment", "pack_version"), "this file needs no migration: it was "
                                     f"written for pack {kb.pack.version} or has no older pack version",
                                     "assess it as it is"))
    migration = migration_for(kb, version)
    if migration is None:
        raise InputError(doc.problem(("assessment", "pack_version"), f"the pack in use ({kb.pack.version}) ships "
                                     f"no migration from version {version}",
                                     "answer the current questionnaire, or use the pack version the file was "
                                     "written for"))
    assert isinstance(doc.data, dict)
    return migrate_data(kb, doc.data, migration)
