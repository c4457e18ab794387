"""Progress between two assessments of one State: what improved, what regressed, what stayed.

    from lexgap.diff import diff
    progress = diff(old_assessment, new_assessment)
    print(render_text(progress))

A pure function over two Assessments. Outcomes are ordered not met < partly met < met; a change between
them is an improvement or a regression. A change to or from "unknown" is not progress in the law but in
the information: it is reported apart ("now decided", "no longer decided"), as is a change in whether a
criterion applies, and a criterion that exists in only one of the two pack versions.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from . import formatting
from .engine.assessment import (LEVEL_LABELS, STATUS_LABELS, Assessment, Finding, Recommendation, gap_count,
                                is_gap_status)
from .errors import InputError, LexgapError, Problem

SCALE = {"not_met": 0, "partial": 1, "met": 2}
Change = Literal["improved", "regressed", "unchanged", "now_decided", "no_longer_decided", "now_applies",
                 "no_longer_applies", "added", "removed"]
CHANGE_TEXT = {"now_decided": "now decided", "no_longer_decided": "no longer decided",
               "now_applies": "now applies", "no_longer_applies": "no longer applies",
               "added": "new in the pack", "removed": "no longer in the pack"}


class DifferentStatesError(LexgapError):
    exit_code = 1


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Side(Model):
    file: str
    confidentiality: str = ""
    state: str
    code: str | None
    date: dt.date
    status: str
    pack_version: str
    legal_score: float | None
    legal_coverage: float
    legal_confirmed_score: float
    legal_level: str
    gaps: int
    binding_gaps: int
    icmec_sufficient: bool | None
    icmec_verdict: str


class ElementChange(Model):
    """One element of a criterion whose outcome changed (both assessments with elements)."""

    id: str
    requirement: str
    old: str | None
    new: str | None
    change: Change


class CriterionChange(Model):
    criterion: str
    paragraph: int
    title: str
    weight: str
    old: str | None
    new: str | None
    change: Change
    binding: str
    elements: list[ElementChange] = []


class ParagraphChange(Model):
    number: int
    title: str
    assessment: str
    old_score: float | None
    new_score: float | None
    old_coverage: float | None
    new_coverage: float | None
    old_confirmed: float | None
    new_confirmed: float | None
    old_level: str | None
    new_level: str | None

    @property
    def score_change(self) -> float | None:
        return _delta(self.old_score, self.new_score)

    @property
    def coverage_change(self) -> float | None:
        return _delta(self.old_coverage, self.new_coverage)

    @property
    def confirmed_change(self) -> float | None:
        return _delta(self.old_confirmed, self.new_confirmed)


class RecommendationRef(Model):
    id: str
    title: str
    priority: str
    modality_label: str
    criteria: list[str]


class Progress(Model):
    old: Side
    new: Side
    forced_different_states: bool
    improved: list[CriterionChange]
    regressed: list[CriterionChange]
    information: list[CriterionChange]
    unchanged: list[CriterionChange]
    paragraphs: list[ParagraphChange]
    closed: list[RecommendationRef]
    opened: list[RecommendationRef]
    continuing: list[RecommendationRef]
    notes: list[str]

    @property
    def still_open(self) -> list[CriterionChange]:
        """Gaps (not met or partly met) in both assessments with the same outcome."""
        return [c for c in self.unchanged if is_gap_status(c.new)]

    def unchanged_counts(self) -> dict[str, int]:
        counts = {s: 0 for s in STATUS_LABELS}
        for c in self.unchanged:
            if c.new:
                counts[c.new] += 1
        return counts

    def to_json(self) -> str:
        data = self.model_dump(mode="json")
        for p, model in zip(data["paragraphs"], self.paragraphs):
            p.update(score_change=model.score_change, coverage_change=model.coverage_change,
                     confirmed_change=model.confirmed_change)
        return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _delta(old: float | None, new: float | None) -> float | None:
    return None if old is None or new is None else round(new - old, 4)


def _side(a: Assessment, file: str) -> Side:
    s = a.summary
    version = a.pack.version if a.assessment.pack_version == a.pack.version else (
        f"{a.pack.version} (answers written for {a.assessment.pack_version})")
    return Side(file=file, confidentiality=a.assessment.confidentiality, state=a.state.name, code=a.state.code,
                date=a.assessment.date,
                status=a.assessment.status, pack_version=version, legal_score=s.legal_score,
                legal_coverage=s.legal_coverage, legal_confirmed_score=s.legal_confirmed_score,
                legal_level=s.legal_level, gaps=gap_count(s.counts),
                binding_gaps=s.binding_gaps, icmec_sufficient=a.crosswalk.icmec.sufficient,
                icmec_verdict=a.crosswalk.icmec.verdict)


def same_state(old: Assessment, new: Assessment) -> bool:
    if old.state.code and new.state.code:
        return old.state.code == new.state.code
    return old.state.name.strip().casefold() == new.state.name.strip().casefold()


def classify(old: str | None, new: str | None) -> Change:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    if old == new:
        return "unchanged"
    if old in SCALE and new in SCALE:
        return "improved" if SCALE[new] > SCALE[old] else "regressed"
    if old == "not_applicable":
        return "now_applies"
    if new == "not_applicable":
        return "no_longer_applies"
    return "now_decided" if old == "unknown" else "no_longer_decided"


def diff(old: Assessment, new: Assessment, *, old_file: str = "OLD", new_file: str = "NEW",
         allow_different_states: bool = False) -> Progress:
    """Progress from `old` to `new`. Raises DifferentStatesError if they are about different States,
    unless `allow_different_states`."""
    different = not same_state(old, new)
    if different and not allow_different_states:
        raise DifferentStatesError([
            Problem(old_file, f"this assessment is about {old.state.name}"
                              + (f" ({old.state.code})" if old.state.code else "")),
            Problem(new_file, f"this assessment is about {new.state.name}"
                              + (f" ({new.state.code})" if new.state.code else "")
                              + "; diff shows the progress of one State between two assessments",
                    "check that you gave the right two files, or add --allow-different-states if the State's "
                    "name or code changed between them")])
    if old.pack.id != new.pack.id:
        raise InputError(Problem(new_file, f"assessed against the rule pack '{new.pack.id}', but {old_file} "
                                 f"against '{old.pack.id}'", "compare two assessments made with the same rule pack"))
    old_findings = {f.criterion: f for f in old.findings}
    new_findings = {f.criterion: f for f in new.findings}
    groups: dict[str, list[CriterionChange]] = {"improved": [], "regressed": [], "information": [], "unchanged": []}
    for cid in sorted(set(old_findings) | set(new_findings)):
        of, nf = old_findings.get(cid), new_findings.get(cid)
        finding = nf or of
        assert finding is not None  # the id comes from one side or the other
        change = classify(of.status if of else None, nf.status if nf else None)
        item = CriterionChange(criterion=cid, paragraph=finding.paragraph, title=finding.title,
                               weight=finding.weight, old=of.status if of else None, new=nf.status if nf else None,
                               change=change, binding=finding.binding,
                               elements=_element_changes(of, nf) if of and nf else [])
        key = change if change in ("improved", "regressed", "unchanged") else "information"
        if key == "unchanged" and any(e.change in ("improved", "regressed") for e in item.elements):
            key = "improved" if all(e.change != "regressed" for e in item.elements) else (
                "regressed" if all(e.change != "improved" for e in item.elements) else "unchanged")
        groups[key].append(item)
    old_paras = {p.number: p for p in old.paragraphs}
    new_paras = {p.number: p for p in new.paragraphs}
    paragraphs = []
    for number in sorted(set(old_paras) | set(new_paras)):
        o, n = old_paras.get(number), new_paras.get(number)
        para = n or o
        assert para is not None  # the number comes from one side or the other
        paragraphs.append(ParagraphChange(
            number=number, title=para.title, assessment=para.assessment, old_score=o.score if o else None,
            new_score=n.score if n else None, old_coverage=o.coverage if o else None,
            new_coverage=n.coverage if n else None, old_confirmed=o.confirmed_score if o else None,
            new_confirmed=n.confirmed_score if n else None, old_level=o.level if o else None,
            new_level=n.level if n else None))

    def ref(r: Recommendation) -> RecommendationRef:
        return RecommendationRef(id=r.id, title=r.title, priority=r.priority, modality_label=r.modality_label,
                                 criteria=list(r.criteria))

    # A recommendation is judged by the gaps it answers, not by its id (a package becomes a single reform when
    # only one of its gaps remains): opened when it answers a gap that was not one before, closed when none of
    # its gaps remains.
    old_gaps = {c for r in old.recommendations for c in r.criteria}
    new_gaps = {c for r in new.recommendations for c in r.criteria}
    opened = [r for r in new.recommendations if any(c not in old_gaps for c in r.criteria)]
    closed = [r for r in old.recommendations if not any(c in new_gaps for c in r.criteria)]
    continuing = [r for r in new.recommendations if r not in opened]

    notes = []
    if different:
        notes.append(f"The two assessments name different States ({old.state.name} and {new.state.name}); they "
                     "were compared because --allow-different-states was given.")
    if new.assessment.date < old.assessment.date:
        notes.append(f"The new assessment ({new_file}, {new.assessment.date}) is dated before the old one "
                     f"({old_file}, {old.assessment.date}): check the order of the files (lexgap diff OLD NEW).")
    if old.pack.version != new.pack.version:
        notes.append(f"The assessments were made under different versions of the rule pack ({old.pack.version} "
                     f"and {new.pack.version}): some changes may come from the rules rather than from the law.")
    for side, a, name in (("older", old, old_file), ("newer", new, new_file)):
        if a.findings and not any(f.elements for f in a.findings):
            notes.append(f"The {side} assessment ({name}) was saved under pack {a.pack.version}, which has no "
                         "elements: the two are compared criterion by criterion.")
    if old.answers_digest == new.answers_digest and old.pack.content_hash == new.pack.content_hash:
        notes.append("The two assessments rest on the same answers: nothing has changed.")
    return Progress(
        old=_side(old, old_file), new=_side(new, new_file), forced_different_states=different,
        improved=groups["improved"], regressed=groups["regressed"], information=groups["information"],
        unchanged=groups["unchanged"], paragraphs=paragraphs,
        closed=[ref(r) for r in closed], opened=[ref(r) for r in opened], continuing=[ref(r) for r in continuing],
        notes=notes)


def _element_changes(old: Finding, new: Finding) -> list[ElementChange]:
    """The elements whose outcome differs between two findings of one criterion (none if either has none)."""
    if not old.elements or not new.elements:
        return []
    before = {e.id: e for e in old.elements}
    after = {e.id: e for e in new.elements}
    changes = []
    for eid in list(after) + [e for e in before if e not in after]:
        o, n = before.get(eid), after.get(eid)
        change = classify(o.status if o else None, n.status if n else None)
        element = n or o
        if change != "unchanged" and element is not None:
            changes.append(ElementChange(id=eid, requirement=element.requirement, old=o.status if o else None,
                                         new=n.status if n else None, change=change))
    return changes


# --- rendering -------------------------------------------------------------------------------------------

FORMATS = {".txt": "text", ".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf", ".json": "json"}
pct = formatting.pct


def points(change: float | None) -> str:
    if change is None:
        return ""
    value = round(change * 100)
    return f"{value:+d} points" if value else "no change"


def shown_points(old: float | None, new: float | None) -> str:
    """The change between two shares as printed, so that '68% → 90%' reads '+22 points'."""
    if old is None or new is None:
        return ""
    value = round(new * 100) - round(old * 100)
    return f"{value:+d} points" if value else "no change"


def _status(value: str | None) -> str:
    return "absent" if value is None else STATUS_LABELS[value].lower()


def _level(value: str | None) -> str:
    return "–" if value is None else LEVEL_LABELS[value]


def _icmec(value: bool | None) -> str:
    return {True: "sufficient", False: "not sufficient", None: "not yet known"}[value]


def render_text(p: Progress) -> str:
    """Plain text for the terminal (also the .txt format)."""
    o, n = p.old, p.new
    lines = [f"Progress of {n.state}: {o.date} ({_name(o.file)}) → {n.date} ({_name(n.file)})", ""]
    lines.append(f"Legal score {pct(o.legal_score)} → {pct(n.legal_score)} "
                 f"({shown_points(o.legal_score, n.legal_score) or 'not comparable'}); confirmed "
                 f"{pct(o.legal_confirmed_score)} → {pct(n.legal_confirmed_score)} "
                 f"({shown_points(o.legal_confirmed_score, n.legal_confirmed_score)}); coverage "
                 f"{pct(o.legal_coverage)} → {pct(n.legal_coverage)} "
                 f"({shown_points(o.legal_coverage, n.legal_coverage)}).")
    lines.append(f"Level: {_level(o.legal_level)} → {_level(n.legal_level)}. Gaps {o.gaps} → {n.gaps}; in binding "
                 f"obligations {o.binding_gaps} → {n.binding_gaps}. ICMEC legislation: {_icmec(o.icmec_sufficient)} "
                 f"→ {_icmec(n.icmec_sufficient)}.")
    for note in p.notes:
        lines += ["", f"Note: {note}"]

    def section(title: str, items: list[CriterionChange], describe) -> None:
        lines.extend(["", f"{title} ({len(items)}):" if items else f"{title}: none."])
        for c in items:
            lines.append(f"  {c.criterion}  {c.title}: {describe(c)}")
            for e in c.elements:
                lines.append(f"      {_status(e.old)} → {_status(e.new)}: {e.requirement}")

    section("Improved", p.improved, lambda c: f"{_status(c.old)} → {_status(c.new)}")
    section("Regressed", p.regressed, lambda c: f"{_status(c.old)} → {_status(c.new)}")
    section("Information changed (not progress in the law)", p.information,
            lambda c: f"{CHANGE_TEXT[c.change]}: {_status(c.old)} → {_status(c.new)}")
    counts = p.unchanged_counts()
    lines += ["", f"Stayed the same ({len(p.unchanged)}): " + ", ".join(
        f"{v} {STATUS_LABELS[k].lower()}" for k, v in counts.items() if v) + "."]
    if p.still_open:
        lines.append("  Gaps still open: " + ", ".join(c.criterion for c in p.still_open) + ".")
    lines += ["", "Paragraphs (score over decided criteria; coverage; confirmed score):"]
    for para in p.paragraphs:
        lines.append(f"  OP{para.number:<3} {pct(para.old_score):>4} → {pct(para.new_score):<4} "
                     f"{shown_points(para.old_score, para.new_score):<14} coverage {pct(para.old_coverage)} → "
                     f"{pct(para.new_coverage)}; confirmed {pct(para.old_confirmed)} → {pct(para.new_confirmed)}; "
                     f"{_level(para.old_level)} → {_level(para.new_level)}")
    for title, recs in (("Recommendations closed", p.closed), ("Recommendations opened", p.opened)):
        lines.extend(["", f"{title} ({len(recs)}):" if recs else f"{title}: none."])
        for r in recs:
            lines.append(f"  [{r.priority}] {r.title} ({r.modality_label}; criteria {', '.join(r.criteria)})")
    lines += ["", f"Recommendations still open: {len(p.continuing)}."]
    return "\n".join(lines) + "\n"


def _name(file: str) -> str:
    """A file as the reader is shown it: its name, not the path on the assessor's machine."""
    return Path(file).name or file


def _view(p: Progress) -> dict[str, object]:
    return {"p": p, "pct": pct, "points": points, "status": _status, "level": _level, "icmec": _icmec,
            "change_text": CHANGE_TEXT, "delta": _delta, "counts": p.unchanged_counts(), "shown": shown_points,
            "name": _name}


def render_markdown(p: Progress) -> str:
    from .render.templating import markdown_environment

    return markdown_environment().get_template("regional/progress.md.j2").render(**_view(p))


def render_html(p: Progress) -> str:
    from .render.templating import html_environment

    return html_environment().get_template("regional/progress.html.j2").render(**_view(p))


def output_format(out: str | Path | None, fmt: str | None) -> str:
    """'text', 'md', 'html', 'pdf' or 'json': `fmt` when given, else from the extension; text without -o."""
    return formatting.output_format(out, fmt, FORMATS, default="text")


def render(p: Progress, fmt: str) -> bytes:
    if fmt == "text":
        return render_text(p).encode("utf-8")
    if fmt == "md":
        return render_markdown(p).encode("utf-8")
    if fmt == "html":
        return render_html(p).encode("utf-8")
    if fmt == "json":
        return p.to_json().encode("utf-8")
    if fmt == "pdf":
        from .render.pdf import html_to_pdf

        return html_to_pdf(render_html(p))
    raise InputError(Problem(fmt, "unknown format", "use text, md, html, pdf or json"))
