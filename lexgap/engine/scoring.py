"""Scores, coverage and levels, per paragraph and overall.

A criterion scores its points (met 1, partial 0.5, not met 0 by default) times its weight. Unknown and
not-applicable criteria stay out of the score; unknown ones count against coverage (the share of the
weight that could be decided). Below the pack's minimum coverage a paragraph is reported as
"insufficient information", never as a gap. Engagement paragraphs are scored on their own scale.

A gap is scored once, where it arises: a criterion's limitations (other criteria's gaps) never lower its
status, and a cross-reference criterion derived from others is shown but not scored again. A paragraph
with a binding gap is never "aligned", whatever its score.
"""
from __future__ import annotations

from .assessment import Finding, ParagraphResult, Summary, is_gap_status
from .knowledge import KnowledgeBase
from .models import Paragraph

STATUSES = ("met", "partial", "not_met", "unknown", "not_applicable")


def score(kb: KnowledgeBase, findings: list[Finding]) -> tuple[float | None, float]:
    """(score, coverage) of a group of findings; score is None when nothing could be decided."""
    value, coverage, _ = score3(kb, findings)
    return value, coverage


def score3(kb: KnowledgeBase, findings: list[Finding]) -> tuple[float | None, float, float]:
    """(score, coverage, confirmed score). The confirmed score is the share of the standard shown to be
    met: an unknown criterion earns what its elements already guarantee (partial points once an element
    is met or partly met, since it can then be no worse than partially met), otherwise nothing. Unlike
    the score, it never falls when an answer improves."""
    weights: dict[str, float] = {str(k): v for k, v in kb.pack.scoring.weights.items()}
    points: dict[str, float] = {str(k): v for k, v in kb.pack.scoring.points.items()}
    findings = [f for f in findings if f.scored]
    decided = [f for f in findings if f.status in ("met", "partial", "not_met")]
    applicable = [f for f in findings if f.status != "not_applicable"]
    decided_weight = sum(weights[f.weight] for f in decided)
    applicable_weight = sum(weights[f.weight] for f in applicable)
    coverage = decided_weight / applicable_weight if applicable_weight else 1.0
    earned = sum(weights[f.weight] * points[f.status] for f in decided)
    floors = sum(weights[f.weight] * points["partial"] for f in findings if f.status == "unknown"
                 and any(e.status in ("met", "partial") for e in f.elements))
    confirmed = round((earned + floors) / applicable_weight, 4) if applicable_weight else 0.0
    if not decided_weight:
        return None, round(coverage, 4), confirmed
    return round(earned / decided_weight, 4), round(coverage, 4), confirmed


def level(kb: KnowledgeBase, kind: str, value: float | None, coverage: float, findings: list[Finding]) -> str:
    scoring = kb.pack.scoring
    if findings and all(f.status == "not_applicable" for f in findings):
        return "not_applicable"
    if value is None or coverage < scoring.min_coverage:
        return "insufficient_information"
    if kind == "engagement":
        for name in ("leading", "active", "limited"):
            if value >= scoring.engagement_levels[name]:
                return name
        return "none"
    if value >= scoring.levels["aligned"] and not any(binding_gap(f) for f in findings):
        return "aligned"
    if value >= scoring.levels["partially_aligned"]:
        return "partially_aligned"
    return "not_aligned"


def binding_gap(finding: Finding) -> bool:
    """A scored finding that is not met or partly met while a missing element binds the State."""
    return finding.scored and is_gap_status(finding.status) and finding.binding == "binding"


def counts(findings: list[Finding]) -> dict[str, int]:
    return {s: sum(1 for f in findings if f.status == s) for s in STATUSES}


def paragraph_result(kb: KnowledgeBase, paragraph: Paragraph, findings: list[Finding]) -> ParagraphResult:
    value, coverage, confirmed = score3(kb, findings)
    return ParagraphResult(
        number=paragraph.paragraph, title=paragraph.title, verb=paragraph.verb, addressee=paragraph.addressee,
        summary=paragraph.summary, assessment=paragraph.assessment, score=value, coverage=coverage,
        confirmed_score=confirmed,
        level=level(kb, paragraph.assessment, value, coverage, findings), counts=counts(findings),
        criteria=[f.criterion for f in findings])


def summarise(kb: KnowledgeBase, paragraphs: list[ParagraphResult], findings: list[Finding]) -> Summary:
    kinds = {p.number: p.assessment for p in paragraphs}
    legal = [f for f in findings if kinds[f.paragraph] == "legal"]
    engagement = [f for f in findings if kinds[f.paragraph] == "engagement"]
    legal_score, legal_coverage, legal_confirmed = score3(kb, legal)
    engagement_score, engagement_coverage = score(kb, engagement)
    return Summary(
        legal_score=legal_score, legal_coverage=legal_coverage, legal_confirmed_score=legal_confirmed,
        legal_level=level(kb, "legal", legal_score, legal_coverage, legal),
        engagement_score=engagement_score, engagement_coverage=engagement_coverage,
        engagement_level=level(kb, "engagement", engagement_score, engagement_coverage, engagement),
        counts=counts(findings),
        binding_gaps=sum(1 for f in findings if binding_gap(f)))
