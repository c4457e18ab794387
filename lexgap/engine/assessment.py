"""The Assessment: everything the engine concludes about one State, ready for any renderer.

Renderers read only this object (or its JSON); it carries every text they print, so they never need the
rule pack. Lists are ordered by id and JSON keys are sorted: the same input gives byte-identical JSON.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .models import AnswerValue, AssessmentInfo, Scoring, State

Status = Literal["met", "partial", "not_met", "unknown", "not_applicable"]
Binding = Literal["binding", "recommended", "unknown"]
GAP_STATUSES: tuple[Status, ...] = ("not_met", "partial")


def is_gap_status(status: str | None) -> bool:
    """A gap is a criterion not met or only partly met; an unknown one is never counted as a gap."""
    return status in GAP_STATUSES


def gap_count(counts: Mapping[Status, int] | Mapping[str, int]) -> int:
    """The number of gaps in a count of outcomes."""
    return sum(dict(counts).get(s, 0) for s in GAP_STATUSES)
Level = Literal["aligned", "partially_aligned", "not_aligned", "insufficient_information",
                "leading", "active", "limited", "none", "not_applicable"]

SCHEMA_VERSION: Literal[2] = 2
STATUS_LABELS = {"met": "Met", "partial": "Partially met", "not_met": "Not met", "unknown": "Unknown",
                 "not_applicable": "Not applicable"}
LEVEL_LABELS = {"aligned": "Aligned", "partially_aligned": "Partially aligned", "not_aligned": "Not aligned",
                "insufficient_information": "Insufficient information", "leading": "Leading",
                "active": "Active", "limited": "Limited", "none": "No engagement",
                "not_applicable": "Not applicable"}


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuestionRef(Out):
    id: str
    number: str
    text: str


class AnswerRecord(Out):
    """One answer as the State gave it, with where it comes from."""

    question: str
    number: str
    text: str
    section: str
    section_title: str
    value: AnswerValue
    display: str = Field(description="The value as a person reads it (option labels, 'Yes', '18 years').")
    citation: str | None = None
    note: str | None = None
    source: str | None = None
    method: str | None = None
    as_of: dt.date | None = None


class ConceptResult(Out):
    id: str
    title: str
    value: bool | None
    statement: str | None


class Article(Out):
    instrument: str
    article: str
    label: str = Field(description="e.g. 'Optional Protocol on the sale of children, art. 3(1)(c)'")
    checked: bool
    binds: bool = Field(False, description="True when the article obliges a party to meet the element.")


class ElementResult(Out):
    """One requirement of a criterion, as the answers decide it."""

    id: str = Field(description="'<criterion>.<element>', e.g. 'P01.05.possession'.")
    requirement: str
    status: Status
    binding: Binding = Field(description="'binding' when an instrument the State is bound by requires it "
                             "(and no permitted reservation applies); 'unknown' while that is not known.")
    binding_instruments: list[str] = Field(description="The instruments under which it binds the State.")
    obligation: str = Field(description="'Required by ...' or 'Recommended (good practice: ...)'.")
    statement: str = Field(description="What the State's law does on this element, true of its answers; "
                           "empty while unknown or not applicable.")
    basis: list[Article]
    citations: list[str] = Field(description="The national provisions cited in the answers it rests on.")
    answers: list[str] = Field(description="The numbers of the questions it rests on.")
    settle: list[QuestionRef] = Field(default_factory=list, description="For an unknown element, the questions "
                                      "whose answers would decide it.")


class LimitationResult(Out):
    criteria: list[str]
    text: str


class Explanation(Out):
    rule: str = Field(description="The rule of the compiled rule base that decided the finding.")
    sentence: str = Field(description="Why, in one or two plain sentences.")
    answers: list[AnswerRecord] = Field(description="The answers the decision rests on.")
    concepts: list[ConceptResult] = Field(description="The intermediate conclusions in between.")
    inputs: list[str] = Field(default_factory=list, description="For derived criteria: the criteria used.")
    settle: list[QuestionRef] = Field(default_factory=list,
                                      description="For unknown findings, the questions whose answers would settle it; "
                                                  "for partial ones on incomplete answers, those that could show it "
                                                  "met.")


class Finding(Out):
    criterion: str
    paragraph: int
    title: str
    kind: str
    weight: str
    status: Status
    binding: Binding
    binding_instruments: list[str] = Field(description="For a gap, the instruments binding the State under which "
                                           "a missing element is required; otherwise those under which an element "
                                           "binds it.")
    statement: str = Field(description="What the State's law does, element by element, true of its answers.")
    explanation: Explanation
    basis: list[Article]
    elements: list[ElementResult] = Field(default_factory=list)
    limitations: list[LimitationResult] = Field(
        default_factory=list, description="Other criteria's gaps that limit this one; they never change its status.")
    scored: bool = Field(True, description="False for a cross-reference criterion derived from others: its "
                         "gaps are scored where they arise, not again here.")
    points: float | None = Field(description="Score contribution (met 1, partial 0.5, not met 0); None if not scored.")
    icmec: list[str] = Field(default_factory=list)
    mnr: list[int] = Field(default_factory=list)

    @property
    def is_gap(self) -> bool:
        """Not met or only partly met (see is_gap_status)."""
        return is_gap_status(self.status)


class ParagraphResult(Out):
    number: int
    title: str
    short_title: str | None = Field(None, description="A short title for tables and headings (report.yaml).")
    verb: str
    addressee: str
    summary: str
    assessment: Literal["legal", "engagement"]
    score: float | None = Field(description="Weighted score over the decided criteria (0-1).")
    coverage: float = Field(description="Share of the applicable criteria's weight that could be decided.")
    confirmed_score: float = Field(description="Score counting unknown criteria as earning nothing.")
    level: Level
    counts: dict[Status, int]
    criteria: list[str]


class MissingElement(Out):
    id: str
    requirement: str
    status: Status
    binding: bool = Field(description="True when it binds the State.")
    obligation: str = Field(description="'Required by ...' or 'Recommended (good practice: ...)'.")


class RecommendationItem(Out):
    criterion: str
    title: str
    status: Status
    text: str
    missing: list[MissingElement] = Field(default_factory=list,
                                          description="The elements missing for this State, each with its basis.")


class Recommendation(Out):
    id: str
    rank: int
    title: str
    modality: str
    modality_label: str
    priority: Literal["high", "medium", "low"]
    text: str
    package: str | None = None
    items: list[RecommendationItem]
    paragraphs: list[int]
    criteria: list[str]
    articles: list[str]
    binding: bool = Field(description="True when at least one gap it answers is a binding obligation.")
    depends_on: list[str] = Field(description="Recommendations to carry out first.")
    unblocks: list[str] = Field(default_factory=list, description="Criteria that depend on this reform.")
    lead: str | None = Field(None, description="The lead institution (report.yaml).")
    time_frame: str | None = Field(None, description="The indicative time frame (report.yaml).")
    indicator: str | None = Field(None, description="The indicator of completion (report.yaml).")


class AssessmentWarning(Out):
    """A consistency warning or a problem with the answers given (not Python's builtin Warning)."""

    id: str
    kind: Literal["contradiction", "risk", "input"]
    title: str
    message: str
    advice: str
    criteria: list[str] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)


class InformationGap(Out):
    paragraph: int
    question: QuestionRef
    criteria: list[str] = Field(description="Criteria an answer would help settle (unknown, or partial on incomplete "
                                            "answers).")


class IcmecCriterion(Out):
    id: str
    title: str
    status: Status
    criteria: list[str]


class IcmecVerdict(Out):
    criteria: list[IcmecCriterion]
    sufficient: bool | None = Field(description="ICMEC's 'sufficient legislation': all five, or all but C5.")
    verdict: str


class MnrCapability(Out):
    number: int
    name: str
    group: str
    status: Status
    criteria: list[str]


class Crosswalk(Out):
    icmec: IcmecVerdict
    mnr: list[MnrCapability]


class Summary(Out):
    legal_score: float | None
    legal_coverage: float
    legal_confirmed_score: float
    legal_level: Level
    engagement_score: float | None
    engagement_coverage: float
    engagement_level: Level
    counts: dict[Status, int]
    binding_gaps: int


class PackInfo(Out):
    id: str
    version: str
    title: str
    resolution: str
    content_hash: str
    scoring: Scoring = Field(description="The weights, points and thresholds the scores were computed with.")


class Assessment(Out):
    schema_version: Literal[2] = SCHEMA_VERSION
    lexgap_version: str
    pack: PackInfo
    state: State
    assessment: AssessmentInfo
    answers_digest: str = Field(description="SHA-256 of the answers as evaluated, to tie a report to its input.")
    summary: Summary
    paragraphs: list[ParagraphResult]
    findings: list[Finding]
    recommendations: list[Recommendation]
    warnings: list[AssessmentWarning]
    information_gaps: list[InformationGap]
    concepts: list[ConceptResult]
    crosswalk: Crosswalk
    answers: list[AnswerRecord]

    def finding(self, criterion: str) -> Finding:
        return next(f for f in self.findings if f.criterion == criterion)

    def to_json(self) -> str:
        """Deterministic JSON: sorted keys, lists in id order, two-space indent, final newline."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
