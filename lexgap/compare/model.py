"""What a comparison reads of one assessment (StateResult), and what it produces (RegionalComparison)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..engine.assessment import Assessment, IcmecVerdict, ParagraphResult, Summary
from ..engine.models import State
from ..errors import LexgapError


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- what a comparison reads of one assessment ------------------------------------------------------------

class FindingBrief(Model):
    criterion: str
    paragraph: int
    title: str
    kind: str
    weight: str
    status: str
    binding: str


class RecommendationBrief(Model):
    id: str
    title: str
    modality: str
    modality_label: str
    priority: str
    text: str
    criteria: list[str]
    paragraphs: list[int]
    binding: bool


class StateResult(Model):
    """One State's assessment, reduced to what a comparison needs."""

    file: str
    source: Literal["answers", "assessment"]
    state: State
    date: dt.date
    status: str
    confidentiality: str
    answers_pack_version: str
    pack_id: str
    pack_version: str
    pack_title: str
    resolution: str
    content_hash: str
    min_coverage: float
    summary: Summary
    paragraphs: list[ParagraphResult]
    findings: list[FindingBrief]
    recommendations: list[RecommendationBrief]
    icmec: IcmecVerdict

    @property
    def version_label(self) -> str:
        if self.answers_pack_version == self.pack_version:
            return self.pack_version
        return f"{self.pack_version} (answers written for {self.answers_pack_version})"


def state_result(a: Assessment, file: str | Path, source: Literal["answers", "assessment"] = "answers"
                 ) -> StateResult:
    """Reduce an Assessment to what a comparison reads."""
    return StateResult(
        file=str(file), source=source, state=a.state, date=a.assessment.date, status=a.assessment.status,
        confidentiality=a.assessment.confidentiality, answers_pack_version=a.assessment.pack_version,
        pack_id=a.pack.id, pack_version=a.pack.version, pack_title=a.pack.title, resolution=a.pack.resolution,
        content_hash=a.pack.content_hash, min_coverage=a.pack.scoring.min_coverage, summary=a.summary,
        paragraphs=a.paragraphs,
        findings=[FindingBrief(criterion=f.criterion, paragraph=f.paragraph, title=f.title, kind=f.kind,
                               weight=f.weight, status=f.status, binding=f.binding) for f in a.findings],
        recommendations=[RecommendationBrief(id=r.id, title=r.title, modality=r.modality,
                                             modality_label=r.modality_label, priority=r.priority, text=r.text,
                                             criteria=r.criteria, paragraphs=r.paragraphs, binding=r.binding)
                         for r in a.recommendations],
        icmec=a.crosswalk.icmec)


class LeftOut(Model):
    file: str
    problems: list[str]


class StateRow(Model):
    key: str
    label: str
    name: str
    code: str | None
    region: str | None
    fictional: bool
    file: str
    date: dt.date
    status: str
    pack_version: str
    legal_score: float | None
    legal_coverage: float
    legal_confirmed_score: float
    legal_level: str
    engagement_score: float | None
    engagement_coverage: float
    engagement_level: str
    counts: dict[str, int]
    gaps: int
    binding_gaps: int
    rank: int | None
    rank_note: str
    icmec_sufficient: bool | None
    icmec_verdict: str
    icmec: dict[str, str]
    top_priority: str | None
    summary: str


class Cell(Model):
    score: float | None
    coverage: float
    confirmed_score: float
    level: str


class ParagraphRow(Model):
    number: int
    title: str
    short_title: str | None = None
    assessment: str
    cells: list[Cell | None]
    average_score: float | None
    scored_states: int
    average_coverage: float | None
    average_confirmed_score: float | None
    levels: dict[str, int]


class CriterionRow(Model):
    criterion: str
    paragraph: int
    title: str
    weight: str
    kind: str
    statuses: list[str | None]
    counts: dict[str, int]
    applicable: int
    gaps: int
    binding_gaps: int
    common_gap: bool
    comparable: bool


class CommonGap(Model):
    criterion: str
    paragraph: int
    title: str
    weight: str
    not_met: int
    partial: int
    unknown: int
    applicable: int
    binding_gaps: int
    states: list[str]
    comparable: bool


class RegionalPriority(Model):
    id: str
    title: str
    modality: str
    modality_label: str
    regional_format: str
    priority: str
    text: str
    states: list[str]
    count: int
    share: float
    binding_states: int
    criteria: list[str]
    paragraphs: list[int]
    comparable: bool


class RegionalComparison(Model):
    title: str
    region: str | None
    resolution: str
    pack_id: str
    pack_title: str
    pack_versions: dict[str, list[str]]
    mixed_versions: bool
    lexgap_version: str
    min_coverage: float
    dates: tuple[dt.date, dt.date]
    confidentiality: list[str]
    any_draft: bool
    any_fictional: bool
    states: list[StateRow]
    ranking: list[str]
    paragraphs: list[ParagraphRow]
    criteria: list[CriterionRow]
    common_gaps: list[CommonGap]
    priorities: list[RegionalPriority]
    priority_threshold: int
    common_share: float = 2 / 3
    icmec_titles: dict[str, str] = {}
    regional_legal_score: float | None
    regional_legal_coverage: float
    regional_legal_confirmed_score: float
    left_out: list[LeftOut]
    notes: list[str]

    def to_json(self) -> str:
        import json

        return json.dumps(self.model_dump(mode="json"), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


class MixedVersionsError(LexgapError):
    """The States were assessed under different pack versions."""

    exit_code = 1
