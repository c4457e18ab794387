"""The report's view of an Assessment: what each section shows, in the order it shows it.

Both the HTML and the Markdown templates read this one view, so they carry the same content. Everything here
is derived from the Assessment alone; ordering rules are deterministic (ties broken by id).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..engine.assessment import (
    AnswerRecord, Assessment, Finding, InformationGap, MnrCapability, ParagraphResult, Recommendation,
)
from ..engine.knowledge import pack_modalities
from ..engine.models import PRIORITY_ORDER, WEIGHT_ORDER
from ..engine.yamlio import load

TEXT_FILE = Path(__file__).resolve().parent.parent / "templates" / "report" / "text.yaml"
TOP_GAPS = 5
KEY_RECOMMENDATIONS = 5


@dataclass(frozen=True)
class PlanGroup:
    modality: str
    label: str
    recommendations: list[Recommendation]


@dataclass(frozen=True)
class ParagraphSection:
    result: ParagraphResult
    findings: list[Finding]


@dataclass(frozen=True)
class GapGroup:
    paragraph: ParagraphResult
    gaps: list[InformationGap]


@dataclass(frozen=True)
class AnswerGroup:
    section: str
    answers: list[AnswerRecord]


@dataclass(frozen=True)
class CatalogueEntry:
    instrument: str
    label: str
    checked: bool
    criteria: list[str]


@dataclass(frozen=True)
class Report:
    """Everything the templates print, derived from one Assessment."""

    a: Assessment
    text: dict[str, Any]
    title: str
    engagement: bool
    top_gaps: list[Finding]
    key_recommendations: list[Recommendation]
    plan: list[PlanGroup]
    paragraphs: list[ParagraphSection]
    information_gaps: list[GapGroup]
    mnr_groups: list[tuple[str, list[MnrCapability]]]
    answers: list[AnswerGroup]
    instruments: list[CatalogueEntry]
    recommendation_for: dict[str, str]
    recommendation_titles: dict[str, str]
    recommendation_labels: dict[str, str]
    question_numbers: dict[str, str]


@cache
def fixed_text() -> dict[str, Any]:
    """The report's fixed prose (section titles, introductions, method, glossary)."""
    return load(TEXT_FILE).data


def build(a: Assessment) -> Report:
    """Derive the report's view from an Assessment."""
    state = a.state.name + (" (fictional)" if a.state.fictional else "")
    return Report(
        a=a, text=fixed_text(), title=f"{state}: gap analysis against General Assembly resolution {a.pack.resolution}",
        engagement=any(p.assessment == "engagement" for p in a.paragraphs),
        top_gaps=top_gaps(a), key_recommendations=key_recommendations(a.recommendations), plan=plan(a),
        paragraphs=[ParagraphSection(p, [f for f in a.findings if f.paragraph == p.number])
                    for p in sorted(a.paragraphs, key=lambda p: p.number)],
        information_gaps=information_gaps(a), mnr_groups=_grouped(a.crosswalk.mnr, lambda m: m.group),
        answers=[AnswerGroup(section, answers) for section, answers in
                 _grouped(sorted(a.answers, key=lambda r: (_natural(r.number), r.question)),
                          lambda r: r.section_title)],
        instruments=catalogue(a.findings),
        recommendation_for={c: r.id for r in a.recommendations for c in r.criteria},
        recommendation_titles={r.id: r.title for r in a.recommendations},
        recommendation_labels={r.id: f"Recommendation {r.rank}" for r in a.recommendations},
        question_numbers={**{g.question.id: g.question.number for g in a.information_gaps},
                          **{r.question: r.number for r in a.answers}})


def top_gaps(a: Assessment) -> list[Finding]:
    """The most serious legal gaps: binding first, then reform priority, weight, and not met before partly met."""
    legal = {p.number for p in a.paragraphs if p.assessment == "legal"}
    priority: dict[str, int] = {}
    for r in a.recommendations:
        for c in r.criteria:
            priority[c] = min(priority.get(c, len(PRIORITY_ORDER)), PRIORITY_ORDER[r.priority])
    gaps = [f for f in a.findings if f.paragraph in legal and f.is_gap]
    gaps.sort(key=lambda f: (f.binding != "binding", priority.get(f.criterion, len(PRIORITY_ORDER)),
                             WEIGHT_ORDER.get(f.weight, len(WEIGHT_ORDER)), f.status != "not_met", f.criterion))
    return gaps[:TOP_GAPS]


def key_recommendations(recommendations: list[Recommendation]) -> list[Recommendation]:
    """The first high-priority recommendations in rank order (or the first ones if none is high priority)."""
    ranked = sorted(recommendations, key=lambda r: (r.rank, r.id))
    high = [r for r in ranked if r.priority == "high"]
    return (high or ranked)[:KEY_RECOMMENDATIONS]


def plan(a: Assessment) -> list[PlanGroup]:
    """Recommendations grouped by modality, each group in rank order with dependencies placed first."""
    order = {m.id: i for i, m in enumerate(pack_modalities(a.pack.id))}  # the pack's order (modalities.yaml)
    groups = _grouped(sorted(a.recommendations, key=lambda r: (r.rank, r.id)), lambda r: r.modality)
    groups.sort(key=lambda g: (order.get(g[0], len(order)), g[0]))
    return [PlanGroup(modality, recs[0].modality_label, dependencies_first(recs)) for modality, recs in groups]


def dependencies_first(recs: list[Recommendation]) -> list[Recommendation]:
    """Stable reordering so that a recommendation follows those it depends on within the same list."""
    by_id = {r.id: r for r in recs}
    placed: dict[str, Recommendation] = {}

    def place(r: Recommendation, path: tuple[str, ...]) -> None:
        if r.id in placed or r.id in path:
            return
        for dep in r.depends_on:
            if dep in by_id:
                place(by_id[dep], path + (r.id,))
        placed[r.id] = r

    for r in recs:
        place(r, ())
    return list(placed.values())


def information_gaps(a: Assessment) -> list[GapGroup]:
    """Unanswered questions that matter, by paragraph, each question once per paragraph."""
    paragraphs = {p.number: p for p in a.paragraphs}
    groups: list[GapGroup] = []
    for number, gaps in _grouped(sorted(a.information_gaps, key=lambda g: (g.paragraph, _natural(g.question.number),
                                                                           g.question.id)),
                                 lambda g: g.paragraph):
        merged: dict[str, InformationGap] = {}
        for g in gaps:
            seen = merged.get(g.question.id)
            criteria = sorted(set(g.criteria) | set(seen.criteria if seen else []))
            merged[g.question.id] = g.model_copy(update={"criteria": criteria})
        groups.append(GapGroup(paragraphs[number], list(merged.values())))
    return groups


def catalogue(findings: list[Finding]) -> list[CatalogueEntry]:
    """The distinct instrument articles the findings rest on, with the criteria that cite each."""
    entries: dict[tuple[str, str], CatalogueEntry] = {}
    for f in findings:
        for art in f.basis:
            key = (art.instrument, art.article)
            entry = entries.setdefault(key, CatalogueEntry(art.instrument, art.label, art.checked, []))
            if f.criterion not in entry.criteria:
                entry.criteria.append(f.criterion)
    return sorted(entries.values(), key=lambda e: (_natural(e.label), e.instrument))


def _grouped(items: list, key: Callable[[Any], Any]) -> list[tuple[Any, list]]:
    """Group items by key, keeping the order in which the keys first appear."""
    groups: dict[Any, list] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.items())


def _natural(text: str) -> tuple:
    """Sort key that orders '2' before '10' and '3(1)(a)' before '3(2)'."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", text))
