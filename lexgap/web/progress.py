"""What the status panel says: per operative paragraph, how many criteria are decided so far and how many
of those are met or a gap; the headline score only once the pack's coverage threshold is reached; and which
questions would decide the most criteria next. No web framework is imported here."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..engine.assessment import LEVEL_LABELS, Assessment, ParagraphResult, is_gap_status
from ..engine.models import AnswersFile, Question

LEVEL_MARKS = {"aligned": "●", "partially_aligned": "◐", "not_aligned": "○", "insufficient_information": "?",
               "leading": "●", "active": "◐", "limited": "○", "none": "○", "not_applicable": "–"}
NEXT_QUESTIONS = 5

def is_decided(status: str) -> bool:
    """A criterion the answers settle: met, or a gap (the engine's `is_gap_status`: partly or not met), as
    opposed to unknown or not applicable."""
    return status == "met" or is_gap_status(status)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass
class ParagraphRow:
    """One operative paragraph in the status panel."""

    number: int
    title: str
    level: str
    level_label: str
    mark: str
    score: float | None          # None while no score may be shown (below the pack's coverage threshold)
    coverage: float
    assessment: str
    applicable: int = 0
    decided: int = 0
    met: int = 0
    gaps: int = 0

    @property
    def progress(self) -> str:
        """'2 of 7 criteria decided: 1 met, 1 gap'."""
        if self.applicable == 0:
            return "no criterion applies"
        text = f"{self.decided} of {self.applicable} {'criterion' if self.applicable == 1 else 'criteria'} decided"
        return f"{text}: {self.met} met, {plural(self.gaps, 'gap')}" if self.decided else text


def short_title(paragraph: ParagraphResult) -> str:
    """The paragraph's short title if the pack gives one, else its title."""
    return getattr(paragraph, "short_title", None) or paragraph.title


def paragraph_rows(assessment: Assessment) -> list[ParagraphRow]:
    threshold = assessment.pack.scoring.min_coverage
    statuses: dict[int, list[str]] = {}
    for f in assessment.findings:
        statuses.setdefault(f.paragraph, []).append(f.status)
    rows = []
    for p in assessment.paragraphs:
        mine = [s for s in statuses.get(p.number, []) if s != "not_applicable"]
        decided = [s for s in mine if is_decided(s)]
        rows.append(ParagraphRow(
            p.number, short_title(p), p.level, LEVEL_LABELS[p.level], LEVEL_MARKS.get(p.level, "?"),
            p.score if p.coverage >= threshold else None, p.coverage, p.assessment, applicable=len(mine),
            decided=len(decided), met=sum(1 for s in decided if s == "met"),
            gaps=sum(1 for s in decided if is_gap_status(s))))
    return rows


def headline(assessment: Assessment) -> dict[str, Any]:
    """The overall legal score, or why it is not shown yet (coverage below the pack's threshold)."""
    s = assessment.summary
    threshold = assessment.pack.scoring.min_coverage
    shown = s.legal_score is not None and s.legal_coverage >= threshold
    return {"shown": shown, "score": s.legal_score if shown else None, "coverage": s.legal_coverage,
            "threshold": threshold}


def status_changes(before: list[ParagraphRow], after: list[ParagraphRow]) -> list[str]:
    """Plain sentences for what changed between two paragraph status lists (for screen readers)."""
    old = {r.number: r for r in before}
    changes = []
    for row in after:
        was = old.get(row.number)
        if was is None:
            continue
        if was.level != row.level:
            changes.append(f"Paragraph {row.number}: {was.level_label} → {row.level_label}.")
        elif was.progress != row.progress:
            changes.append(f"Paragraph {row.number}: {row.progress}.")
    return changes


@dataclass
class NextQuestion:
    """An open question and the criteria its answer would help decide."""

    question: Question
    criteria: set[str] = field(default_factory=set)
    paragraphs: set[int] = field(default_factory=set)


def next_questions(assessment: Assessment, questions: dict[str, Question], data: AnswersFile,
                   states: dict[str, str], paragraph: int | None = None,
                   limit: int = NEXT_QUESTIONS) -> list[NextQuestion]:
    """The questions, shown and not answered (or answered 'unknown'), whose answers would help decide the
    most criteria (of `paragraph`, or of any), most first, then in the questionnaire's order."""
    found: dict[str, NextQuestion] = {}
    order = {qid: i for i, qid in enumerate(questions)}
    for gap in assessment.information_gaps:
        qid = gap.question.id
        if (paragraph is not None and gap.paragraph != paragraph) or qid not in questions:
            continue
        answer = data.answers.get(qid)
        if states.get(qid) != "shown" or (answer is not None and answer.value not in (None, "unknown")):
            continue
        item = found.setdefault(qid, NextQuestion(questions[qid]))
        item.criteria.update(gap.criteria)
        item.paragraphs.add(gap.paragraph)
    ranked = sorted(found.values(), key=lambda n: (-len(n.criteria), order[n.question.id]))
    return ranked[:limit]
