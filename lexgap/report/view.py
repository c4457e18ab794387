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
from ..engine.models import PRIORITY_ORDER, WEIGHT_ORDER
from ..engine.scoring import binding_gap
from ..engine.yamlio import load

TEXT_FILE = Path(__file__).resolve().parent.parent / "templates" / "report" / "text.yaml"
TOP_GAPS = 5
KEY_RECOMMENDATIONS = 5
ANNEXES = ("answers", "method", "instruments", "glossary")
DEFAULT_ANNEXES = ("method", "glossary")


@dataclass(frozen=True)
class PlanGroup:
    key: str
    label: str
    recommendations: list[Recommendation]


@dataclass(frozen=True)
class ParagraphSection:
    result: ParagraphResult
    findings: list[Finding]
    binding_gaps: int
    label: str


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
    annexes: tuple[str, ...]
    binding_gap_paragraphs: list[ParagraphSection]
    unknown: int
    first_reforms: list[Recommendation]
    annex_titles: dict[str, str]
    takeaway: list[str]
    gap_reforms: list[Recommendation]
    instrument_names: dict[str, str]


@cache
def fixed_text() -> dict[str, Any]:
    """The report's fixed prose (section titles, introductions, method, glossary)."""
    return load(TEXT_FILE).data


def build(a: Assessment, annexes: tuple[str, ...] = DEFAULT_ANNEXES) -> Report:
    """Derive the report's view from an Assessment, with the annexes named (in ANNEXES order)."""
    state = a.state.name + (" (fictional)" if a.state.fictional else "")
    shown = plan(a)
    sections = [ParagraphSection(p, fs, sum(1 for f in fs if binding_gap(f)), p.short_title or p.title)
                for p in sorted(a.paragraphs, key=lambda p: p.number)
                for fs in [[f for f in a.findings if f.paragraph == p.number]]]
    numbers = {rec.id: i for i, rec in enumerate((rec for g in shown for rec in g.recommendations), 1)}
    keys = key_recommendations(a.recommendations)
    top = top_gaps(a)
    return Report(
        a=a, text=fixed_text(), title=f"{state}: gap analysis against General Assembly resolution {a.pack.resolution}",
        engagement=any(p.assessment == "engagement" for p in a.paragraphs),
        top_gaps=top, key_recommendations=sorted(keys, key=lambda r: numbers[r.id]), plan=shown,
        paragraphs=sections,
        information_gaps=information_gaps(a), mnr_groups=_grouped(a.crosswalk.mnr, lambda m: m.group),
        answers=[AnswerGroup(section, answers) for section, answers in
                 _grouped(sorted(a.answers, key=lambda r: (_natural(r.number), r.question)),
                          lambda r: r.section_title)],
        instruments=catalogue(a.findings),
        recommendation_for={c: r.id for r in a.recommendations for c in r.criteria},
        recommendation_titles={r.id: r.title for r in a.recommendations},
        recommendation_labels={r.id: f"Recommendation {numbers[r.id]}" for r in a.recommendations},
        question_numbers={**{g.question.id: g.question.number for g in a.information_gaps},
                          **{r.question: r.number for r in a.answers}},
        annexes=tuple(x for x in ANNEXES if x in annexes),
        binding_gap_paragraphs=[s for s in sections if s.binding_gaps],
        unknown=sum(1 for f in a.findings if f.status == "unknown"),
        first_reforms=keys[:3],
        annex_titles={x: f"Annex {chr(65 + i)}. {fixed_text()['sections'][x]}"
                      for i, x in enumerate(x for x in ANNEXES if x in annexes)},
        takeaway=takeaway(a, sections, keys[:3], numbers),
        gap_reforms=sorted({r.id: r for f in top for r in a.recommendations if f.criterion in r.criteria}.values(),
                           key=lambda r: numbers[r.id]),
        instrument_names={art.instrument: art.label.split(", ")[0] for f in a.findings for art in f.basis})


def takeaway(a: Assessment, sections: list[ParagraphSection], first: list[Recommendation],
             numbers: dict[str, int]) -> list[str]:
    """The few sentences a reader should take away, from the text.yaml templates."""
    t = fixed_text()["takeaway"]
    s = a.summary
    out = [t["score"].format(state=a.state.short_name or a.state.name, score=_pct(s.legal_score),
                             resolution=a.pack.resolution, coverage=_pct(s.legal_coverage),
                             confirmed=_pct(s.legal_confirmed_score))]
    gaps = [str(x.result.number) for x in sections if x.binding_gaps]
    n = s.binding_gaps
    key = "binding_none" if not n else "binding_one" if n == 1 else "binding_many"
    out.append(t[key].format(count=n, paragraphs=_and(gaps)))
    if first:
        out.append(t["reforms"].format(reforms="; ".join(f"{r.title} (Recommendation {numbers[r.id]})"
                                                         for r in first)))
    unknown = sum(1 for f in a.findings if f.status == "unknown")
    key = "unknown_none" if not unknown else "unknown_one" if unknown == 1 else "unknown_many"
    out.append(t[key].format(count=unknown))
    return out


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


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
    """Recommendations in rank order (dependencies first, then priority), in runs of the same priority, so
    that their numbers follow the order in which they are shown."""
    groups: list[PlanGroup] = []
    for rec in dependencies_first(sorted(a.recommendations, key=lambda r: (r.rank, r.id))):
        if not groups or groups[-1].key != rec.priority:
            groups.append(PlanGroup(rec.priority, fixed_text()["priorities"][rec.priority], []))
        groups[-1].recommendations.append(rec)
    return groups


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
