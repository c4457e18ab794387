"""Regional comparison: many States' assessments side by side.

    from lexgap.compare import compare, state_result
    comparison = compare([state_result(lexgap.assess(p), p) for p in paths])

`compare` is a pure function over the States' results: heat map of scores and coverage per paragraph,
States x criteria matrix, regional averages, the common gaps, regional technical-assistance priorities, the
ICMEC verdict and a one-line summary per State. `state_result` reduces an Assessment to what a comparison
reads (a few kilobytes instead of a few hundred), so that a batch of 193 States can be assessed in worker
processes and sent back cheaply. `assess_files` runs that batch; the writers at the end turn a comparison
into CSV, XLSX, JSON, HTML, Markdown or PDF.

Rules that keep the comparison honest:
  * a State whose legal coverage is below the pack's minimum coverage is never ranked;
  * ranking uses the confirmed score (unknown criteria earn nothing), never the score over decided criteria;
  * unknown criteria are never counted as gaps;
  * States assessed under different pack versions are compared only on request, and then every criterion
    is marked not comparable and no ranking is made.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .engine.assessment import LEVEL_LABELS, STATUS_LABELS, Assessment, IcmecVerdict, ParagraphResult, Summary
from .engine.models import State
from .errors import InputError, LexgapError, PackError, Problem

INPUT_SUFFIXES = (".yaml", ".yml", ".json")
STATUS_ORDER = ("met", "partial", "not_met", "unknown", "not_applicable")
STATUS_MARKS = {"met": "●", "partial": "◐", "not_met": "○", "unknown": "?", "not_applicable": "–", None: " "}
PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}
WEIGHT_RANK = {"core": 0, "important": 1, "advisory": 2}
PARALLEL_FROM = 8  # fewer files than this are assessed in this process: starting workers would cost more
REGIONAL_FORMATS = {
    "legislative_drafting": "a regional model provision and a drafting workshop for these States' legislative "
                            "drafters",
    "ratification": "a regional treaty-action workshop on ratification and implementing legislation",
    "institutional_setup": "a regional peer exchange on setting up the institution, with a shared template",
    "capacity_building": "joint regional training of investigators, prosecutors and judges",
    "international_cooperation": "a regional cooperation arrangement and joint training of central authorities",
    "victim_services": "a regional exchange on child-friendly victim services, with shared protocols",
    "data_and_research": "a regional data framework: common indicators and one collection template",
    "awareness": "a regional awareness campaign adapted to each State",
    "policy_coordination": "a regional coordination meeting and a model national strategy",
    "engagement": "joint engagement in international fora and a regional resource-mobilisation plan",
}


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


# --- reading inputs ------------------------------------------------------------------------------------------

def load_assessment_json(path: str | Path) -> Assessment:
    """An Assessment saved with `lexgap assess --format json` (or `report -o X.json`)."""
    from pydantic import ValidationError

    from .engine.yamlio import read_text

    text = read_text(path, max_bytes=32 * 1024 * 1024)
    try:
        return Assessment.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the top level"
        raise InputError(Problem(str(path), f"this is not a lexgap assessment ({where}: {first['msg']})",
                                 "give an answers file (.yaml) or the JSON written by 'lexgap assess --format "
                                 "json'")) from None


def is_assessment_json(path: str | Path) -> bool:
    """A .json file holding an Assessment (rather than an answers file written as JSON)."""
    import json

    if Path(path).suffix.lower() != ".json":
        return False
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return False  # the answers loader reports it, with the line and column
    return isinstance(data, dict) and "findings" in data and "pack" in data


def load_input(path: str | Path, pack: str | Path | None = None) -> tuple[Assessment, str]:
    """An Assessment from an answers file (assessed now with `pack`) or from a saved assessment (.json).
    Returns the assessment and its source ('answers' or 'assessment')."""
    if is_assessment_json(path):
        return load_assessment_json(path), "assessment"
    from .api import assess

    return assess(path, pack), "answers"


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """The answers and assessment files named, folders expanded (their .yaml, .yml and .json files, not
    hidden ones, in name order); each file once. Problems name what could not be used."""
    files: list[Path] = []
    seen: set[Path] = set()
    problems: list[Problem] = []

    def add(p: Path) -> None:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            files.append(p)

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(c for c in p.iterdir() if c.is_file() and c.suffix.lower() in INPUT_SUFFIXES
                           and not c.name.startswith("."))
            if not found:
                problems.append(Problem(str(p), "this folder holds no answers files (.yaml) or assessments (.json)",
                                        "give the folder that holds the States' answers files"))
            for c in found:
                add(c)
        elif p.exists():
            add(p)
        else:
            problems.append(Problem(str(p), "no such file or folder", "check the path and the name"))
    return files, problems


_WORKER_PACK: str | None = None


def _init_worker(pack: str | None) -> None:
    global _WORKER_PACK
    _WORKER_PACK = pack


def _assess_one(path: str, pack: str | None) -> tuple[str, StateResult | None, list[Problem], int]:
    """In a worker process: one file's StateResult, or the problems that left it out (never raises)."""
    try:
        assessment, source = load_input(path, pack)
        return path, state_result(assessment, path, source), [], 0
    except LexgapError as exc:
        return path, None, list(exc.problems), exc.exit_code
    except Exception as exc:  # noqa: BLE001 - a worker must report, never crash the batch
        return path, None, [Problem(path, f"lexgap could not assess this file ({type(exc).__name__}: {exc})",
                                    "please report this as a bug, with the file")], 1


def _assess_in_worker(path: str) -> tuple[str, StateResult | None, list[Problem], int]:
    return _assess_one(path, _WORKER_PACK)


class LeftOut(Model):
    file: str
    problems: list[str]


def assess_files(files: Sequence[str | Path], pack: str | Path | None = None, jobs: int = 2,
                 on_done: Callable[[int], None] | None = None) -> tuple[list[StateResult], list[LeftOut]]:
    """Assess every file (across `jobs` processes for larger batches), in the order given.

    A file that fails to load is left out with its problems; a rule-pack problem stops everything
    (PackError), since no file could then be assessed.
    """
    from .engine.knowledge import load_knowledge

    pack_arg = None if pack is None else str(pack)
    load_knowledge(pack_arg)  # a broken pack stops here, once, with its own message; forked workers reuse it
    names = [str(f) for f in files]
    outcomes: dict[str, tuple[str, StateResult | None, list[Problem], int]] = {}
    if jobs <= 1 or len(names) < PARALLEL_FROM:
        for name in names:
            outcomes[name] = _assess_one(name, pack_arg)
            if on_done:
                on_done(1)
    else:
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        from concurrent.futures.process import BrokenProcessPool

        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker,
                                     initargs=(pack_arg,)) as pool:
                futures = [pool.submit(_assess_in_worker, name) for name in names]
                for future in as_completed(futures):
                    name, result, problems, code = future.result()
                    outcomes[name] = (name, result, problems, code)
                    if on_done:
                        on_done(1)
        except BrokenProcessPool:
            pending = [name for name in names if name not in outcomes]
            raise LexgapError(Problem(", ".join(pending[:5]) + (" ..." if len(pending) > 5 else ""),
                                      "a worker process stopped unexpectedly while assessing these files",
                                      "run the command again with --jobs 1 to find the file that causes it, and "
                                      "please report it as a bug with that file")) from None
    results, left_out = [], []
    for name in names:
        _, result, problems, code = outcomes[name]
        if code == PackError.exit_code:
            raise PackError(problems)
        if result is None:
            left_out.append(LeftOut(file=name, problems=[str(p) for p in problems]))
        else:
            results.append(result)
    return results, left_out


# --- the comparison ---------------------------------------------------------------------------------------------

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


def pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _version_groups(results: list[StateResult]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for r in results:
        groups.setdefault(r.version_label, []).append(r.file)
    return dict(sorted(groups.items()))


def _label(r: StateResult, codes: Counter) -> str:
    if r.state.code and codes[r.state.code] == 1:
        return r.state.code
    return r.state.name


def _identity(r: StateResult) -> str:
    return (r.state.code or r.state.name).casefold()


def _ranks(rows: list[tuple[str, float]]) -> dict[str, int]:
    """Standard competition ranking (1, 2, 2, 4) by value, highest first; rows already in name order."""
    ordered = sorted(rows, key=lambda kv: -round(kv[1], 4))
    ranks: dict[str, int] = {}
    previous, rank = None, 0
    for i, (key, value) in enumerate(ordered, 1):
        if previous is None or round(value, 4) != previous:
            rank = i
            previous = round(value, 4)
        ranks[key] = rank
    return ranks


def _summary_line(r: StateResult, row: StateRow, min_coverage: float) -> str:
    s = r.summary
    name = r.state.name + (" (fictional)" if r.state.fictional else "")
    if row.rank is None and (s.legal_score is None or s.legal_coverage < min_coverage):
        return (f"{name}: insufficient information — only {pct(s.legal_coverage)} of the legal criteria could be "
                f"decided ({pct(min_coverage)} needed); not ranked. {row.gaps} gap(s) found so far, "
                f"{row.binding_gaps} in binding obligations.")
    icmec = {True: "sufficient", False: "not sufficient", None: "not yet known"}[r.icmec.sufficient]
    text = (f"{name}: {LEVEL_LABELS[s.legal_level].lower()} — legal score {pct(s.legal_score)} over the decided "
            f"criteria, {pct(s.legal_confirmed_score)} confirmed, at {pct(s.legal_coverage)} coverage; "
            f"{row.gaps} gap(s), {row.binding_gaps} in binding obligations; ICMEC legislation {icmec}.")
    if row.top_priority:
        text += f" First priority: {row.top_priority}."
    return text


def compare(results: Sequence[StateResult | Assessment], *, allow_mixed_versions: bool = False,
            left_out: Sequence[LeftOut] = (), priority_share: float = 1 / 3) -> RegionalComparison:
    """Compare the States' results. Pure: the same results give the same comparison.

    Raises MixedVersionsError when the States were assessed under different pack versions (or pack ids),
    unless `allow_mixed_versions` (pack ids must always match). Later files about a State already compared
    are left out (named in `left_out` of the result).
    """
    items = [state_result(r, "<assessment>") if isinstance(r, Assessment) else r for r in results]
    left = list(left_out)
    kept: list[StateResult] = []
    seen: dict[str, str] = {}
    for r in items:
        ident = _identity(r)
        if ident in seen:
            left.append(LeftOut(file=r.file, problems=[str(Problem(
                r.file, f"this is a second assessment of {r.state.name} (the first is {seen[ident]})",
                "compare one assessment per State; use 'lexgap diff OLD NEW' to see progress between two"))]))
            continue
        seen[ident] = r.file
        kept.append(r)
    if not kept:
        raise InputError([Problem("", problem) for lo in left for problem in lo.problems] or
                         Problem("compare", "there is nothing to compare", "give the States' answers files"))
    pack_ids = sorted({r.pack_id for r in kept})
    if len(pack_ids) > 1:
        raise MixedVersionsError([Problem(", ".join(r.file for r in kept if r.pack_id == p),
                                          f"assessed against the rule pack '{p}'") for p in pack_ids] + [Problem(
            "compare", "these files were assessed against different rule packs, which cannot be compared",
            "compare the States of one rule pack at a time")])
    kept.sort(key=lambda r: (r.state.name.casefold(), r.file))
    versions = _version_groups(kept)
    mixed = len(versions) > 1
    if mixed and not allow_mixed_versions:
        raise MixedVersionsError([Problem(", ".join(files), f"pack version {v}") for v, files in versions.items()]
                                 + [Problem("compare", "these files were assessed under different versions of the "
                                            "rule pack, so their criteria and scores may not mean the same thing",
                                            "update the answers files to one pack version (check them against the "
                                            "current questionnaire, then set pack_version), or add "
                                            "--allow-mixed-versions to compare them anyway with every criterion "
                                            "marked not comparable")])
    n = len(kept)
    min_coverage = max(r.min_coverage for r in kept)
    codes = Counter(r.state.code for r in kept if r.state.code)
    labels = [_label(r, codes) for r in kept]
    keys = [f"S{i + 1}" for i in range(n)]

    # ranking: confirmed score, only with enough coverage, never across pack versions
    eligible = [(k, r.summary.legal_confirmed_score) for k, r in zip(keys, kept)
                if not mixed and r.summary.legal_score is not None and r.summary.legal_coverage >= min_coverage]
    ranks = _ranks(eligible)

    # criteria
    criterion_info: dict[str, FindingBrief] = {}
    by_state: list[dict[str, FindingBrief]] = []
    for r in kept:
        index = {f.criterion: f for f in r.findings}
        by_state.append(index)
        for cid, f in index.items():
            criterion_info.setdefault(cid, f)
    criteria_rows: list[CriterionRow] = []
    common: list[CommonGap] = []
    for cid in sorted(criterion_info):
        info = criterion_info[cid]
        statuses = [idx[cid].status if cid in idx else None for idx in by_state]
        counts = {s: statuses.count(s) for s in STATUS_ORDER}
        applicable = sum(1 for s in statuses if s not in (None, "not_applicable"))
        gap_states = [i for i, s in enumerate(statuses) if s in ("not_met", "partial")]
        binding = sum(1 for i in gap_states if by_state[i][cid].binding == "binding")
        is_common = bool(gap_states) and applicable > 0 and 2 * len(gap_states) >= applicable
        criteria_rows.append(CriterionRow(criterion=cid, paragraph=info.paragraph, title=info.title,
                                          weight=info.weight, kind=info.kind, statuses=statuses, counts=counts,
                                          applicable=applicable, gaps=len(gap_states), binding_gaps=binding,
                                          common_gap=is_common, comparable=not mixed))
        if is_common:
            common.append(CommonGap(criterion=cid, paragraph=info.paragraph, title=info.title, weight=info.weight,
                                    not_met=counts["not_met"], partial=counts["partial"], unknown=counts["unknown"],
                                    applicable=applicable, binding_gaps=binding,
                                    states=[kept[i].state.name for i in gap_states], comparable=not mixed))
    common.sort(key=lambda g: (-(g.not_met + g.partial), -g.binding_gaps, WEIGHT_RANK.get(g.weight, 9), g.criterion))

    # priorities: recommendations many States share
    threshold = max(2, math.ceil(n * priority_share))
    shared: dict[str, list[tuple[int, RecommendationBrief]]] = {}
    for i, r in enumerate(kept):
        for rec in r.recommendations:
            shared.setdefault(rec.id, []).append((i, rec))
    priorities: list[RegionalPriority] = []
    for rid, entries in shared.items():
        if len(entries) < threshold:
            continue
        first = entries[0][1]
        criteria: list[str] = []
        for _, rec in entries:
            criteria += [c for c in rec.criteria if c not in criteria]
        priorities.append(RegionalPriority(
            id=rid, title=first.title, modality=first.modality, modality_label=first.modality_label,
            regional_format=REGIONAL_FORMATS.get(first.modality, "a regional workshop for these States"),
            priority=min((rec.priority for _, rec in entries), key=PRIORITY_RANK.__getitem__), text=first.text,
            states=[kept[i].state.name for i, _ in entries], count=len(entries), share=round(len(entries) / n, 4),
            binding_states=sum(1 for _, rec in entries if rec.binding), criteria=sorted(criteria),
            paragraphs=sorted({p for _, rec in entries for p in rec.paragraphs}), comparable=not mixed))
    priorities.sort(key=lambda p: (-p.count, PRIORITY_RANK[p.priority], -p.binding_states, p.id))

    # paragraphs
    numbers: dict[int, ParagraphResult] = {}
    for r in kept:
        for p in r.paragraphs:
            numbers.setdefault(p.number, p)
    paragraph_rows = []
    for number in sorted(numbers):
        cells: list[Cell | None] = []
        for r in kept:
            p = next((x for x in r.paragraphs if x.number == number), None)
            cells.append(None if p is None else Cell(score=p.score, coverage=p.coverage,
                                                     confirmed_score=p.confirmed_score, level=p.level))
        considered = [c for c in cells if c is not None and c.level != "not_applicable"]
        scored = [c.score for c in considered if c.score is not None and c.coverage >= min_coverage]
        paragraph_rows.append(ParagraphRow(
            number=number, title=numbers[number].title, assessment=numbers[number].assessment, cells=cells,
            average_score=_mean(scored), scored_states=len(scored),
            average_coverage=_mean([c.coverage for c in considered]),
            average_confirmed_score=_mean([c.confirmed_score for c in considered]),
            levels=dict(sorted(Counter(c.level for c in cells if c is not None).items()))))

    # States
    rows: list[StateRow] = []
    for key, label, r in zip(keys, labels, kept):
        s = r.summary
        gaps = s.counts.get("not_met", 0) + s.counts.get("partial", 0)
        rank = ranks.get(key)
        if mixed:
            note = "not ranked: the States were assessed under different pack versions"
        elif rank is not None:
            note = f"rank {rank} of {len(ranks)} by confirmed legal score"
        elif s.legal_score is None or s.legal_coverage < min_coverage:
            note = (f"not ranked: only {pct(s.legal_coverage)} of the legal criteria decided; at least "
                    f"{pct(min_coverage)} needed")
        else:
            note = "not ranked"
        top = r.recommendations[0].title if r.recommendations else None
        row = StateRow(
            key=key, label=label, name=r.state.name, code=r.state.code, region=r.state.region,
            fictional=r.state.fictional, file=r.file, date=r.date, status=r.status, pack_version=r.version_label,
            legal_score=s.legal_score, legal_coverage=s.legal_coverage, legal_confirmed_score=s.legal_confirmed_score,
            legal_level=s.legal_level, engagement_score=s.engagement_score,
            engagement_coverage=s.engagement_coverage, engagement_level=s.engagement_level,
            counts={k: s.counts.get(k, 0) for k in STATUS_ORDER}, gaps=gaps, binding_gaps=s.binding_gaps,
            rank=rank, rank_note=note, icmec_sufficient=r.icmec.sufficient, icmec_verdict=r.icmec.verdict,
            icmec={c.id: c.status for c in r.icmec.criteria}, top_priority=top, summary="")
        row.summary = _summary_line(r, row, min_coverage)
        rows.append(row)
    ranking = [k for k, _ in sorted(ranks.items(), key=lambda kv: (kv[1], keys.index(kv[0])))]

    regions = {r.state.region for r in kept}
    region = regions.pop() if len(regions) == 1 else None
    scored_states = [r for r in kept if r.summary.legal_score is not None and r.summary.legal_coverage >= min_coverage]
    notes = [f"A State is ranked only when at least {pct(min_coverage)} of its legal criteria (by weight) could be "
             "decided, and States are ranked by their confirmed score, in which unknown criteria earn nothing."]
    if mixed:
        notes.append("The States were assessed under different versions of the rule pack ("
                     + "; ".join(versions) + "): every criterion is marked not comparable and no ranking is made.")
    if left:
        notes.append(f"{len(left)} file(s) were left out of the comparison; they are listed at the end.")
    if any(r.state.fictional for r in kept):
        notes.append("Some States are fictional: for training and testing only.")
    from .engine.build import lexgap_version

    return RegionalComparison(
        title=f"Regional comparison: {region}" if region else f"Comparison of {n} State{'s' if n != 1 else ''}",
        region=region, resolution=kept[0].resolution, pack_id=kept[0].pack_id, pack_title=kept[0].pack_title,
        pack_versions=versions, mixed_versions=mixed, lexgap_version=lexgap_version(), min_coverage=min_coverage,
        dates=(min(r.date for r in kept), max(r.date for r in kept)),
        confidentiality=sorted({r.confidentiality for r in kept}), any_draft=any(r.status == "draft" for r in kept),
        any_fictional=any(r.state.fictional for r in kept), states=rows, ranking=ranking,
        paragraphs=paragraph_rows, criteria=criteria_rows, common_gaps=common, priorities=priorities,
        priority_threshold=threshold,
        regional_legal_score=_mean([r.summary.legal_score for r in scored_states]),  # type: ignore[misc]
        regional_legal_coverage=_mean([r.summary.legal_coverage for r in kept]) or 0.0,
        regional_legal_confirmed_score=_mean([r.summary.legal_confirmed_score for r in kept]) or 0.0,
        left_out=left, notes=notes)


# --- tables (CSV and XLSX) ------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection guard)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _p(value: float | None) -> float | str:
    return "" if value is None else round(value * 100, 1)


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "unknown"}[value]


def state_table(c: RegionalComparison) -> tuple[list[str], list[list[object]]]:
    """One row per State: summary columns, then each paragraph's score, coverage and level, then each
    criterion's outcome. Percentages are numbers from 0 to 100."""
    header = ["state", "code", "region", "fictional", "file", "date", "status", "pack_version", "rank", "rank_note",
              "legal_level", "legal_score_pct", "legal_coverage_pct", "legal_confirmed_score_pct",
              "engagement_level", "engagement_score_pct", "gaps", "binding_gaps", "icmec_sufficient",
              "icmec_C1", "icmec_C2", "icmec_C3", "icmec_C4", "icmec_C5"]
    for p in c.paragraphs:
        header += [f"OP{p.number}_score_pct", f"OP{p.number}_coverage_pct", f"OP{p.number}_confirmed_pct",
                   f"OP{p.number}_level"]
    header += [cr.criterion for cr in c.criteria]
    header.append("summary")
    rows = []
    for i, s in enumerate(c.states):
        row: list[object] = [s.name, s.code or "", s.region or "", "yes" if s.fictional else "no", s.file,
                             s.date.isoformat(), s.status, s.pack_version, s.rank if s.rank is not None else "",
                             s.rank_note, s.legal_level, _p(s.legal_score), _p(s.legal_coverage),
                             _p(s.legal_confirmed_score), s.engagement_level, _p(s.engagement_score), s.gaps,
                             s.binding_gaps, _yes_no(s.icmec_sufficient)]
        row += [s.icmec.get(k, "") for k in ("C1", "C2", "C3", "C4", "C5")]
        for p in c.paragraphs:
            cell = p.cells[i]
            row += ["", "", "", "absent"] if cell is None else [_p(cell.score), _p(cell.coverage),
                                                                  _p(cell.confirmed_score), cell.level]
        row += [cr.statuses[i] or "absent" for cr in c.criteria]
        row.append(s.summary)
        rows.append(row)
    return header, rows


def to_csv(c: RegionalComparison) -> str:
    """The State table as CSV (UTF-8 with a byte-order mark, so that spreadsheet programs read accents)."""
    header, rows = state_table(c)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(v) for v in row])
    return "\ufeff" + out.getvalue()


def to_xlsx(c: RegionalComparison) -> bytes:
    """A workbook: States, heat map, averages, common gaps, priorities, ICMEC, criteria matrix, notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(title: str, header: list[str], rows: list[list[object]], widths: dict[int, int] | None = None):
        ws = wb.create_sheet(title)
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = wrap
        for row in rows:
            ws.append([None if v == "" else v for v in row])
        for r in ws.iter_rows(min_row=2):
            for cell in r:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text: never a formula
        ws.freeze_panes = "B2"
        for col, width in (widths or {}).items():
            ws.column_dimensions[get_column_letter(col)].width = width
        return ws

    wb.remove(wb.active)
    header, rows = state_table(c)
    sheet("States", header, rows, {1: 28, 5: 30, 10: 40, len(header): 90})
    heat_header = ["State"] + [f"OP{p.number}" for p in c.paragraphs]
    ws = sheet("Heat map", heat_header, [[s.name] + [_p(p.cells[i].score) if p.cells[i] else "" for p in c.paragraphs]
                                         for i, s in enumerate(c.states)], {1: 28})
    for i in range(len(c.states)):
        for j, p in enumerate(c.paragraphs):
            cell = p.cells[i]
            target = ws.cell(row=i + 2, column=j + 2)
            if cell is None or cell.score is None or cell.coverage < c.min_coverage:
                target.fill = PatternFill("lightGray", fgColor="999999")
            else:
                shade = 255 - int(cell.score * 150)
                target.fill = PatternFill("solid", fgColor=f"{shade:02X}{shade:02X}FF")
    sheet("Coverage", heat_header, [[s.name] + [_p(p.cells[i].coverage) if p.cells[i] else "" for p in c.paragraphs]
                                    for i, s in enumerate(c.states)], {1: 28})
    sheet("Averages", ["paragraph", "title", "kind", "average_score_pct", "states_scored", "average_coverage_pct",
                       "average_confirmed_score_pct"] + list(LEVEL_LABELS),
          [[p.number, p.title, p.assessment, _p(p.average_score), p.scored_states, _p(p.average_coverage),
            _p(p.average_confirmed_score)] + [p.levels.get(k, 0) for k in LEVEL_LABELS] for p in c.paragraphs],
          {2: 50})
    sheet("Common gaps", ["criterion", "paragraph", "title", "weight", "not_met", "partial", "unknown", "applicable",
                          "binding_gaps", "comparable", "states"],
          [[g.criterion, g.paragraph, g.title, g.weight, g.not_met, g.partial, g.unknown, g.applicable, g.binding_gaps,
            "yes" if g.comparable else "no", "; ".join(g.states)] for g in c.common_gaps], {3: 50, 11: 60})
    sheet("Priorities", ["recommendation", "title", "modality", "priority", "states", "share_pct", "binding_states",
                         "regional_format", "criteria", "paragraphs", "text", "state_names"],
          [[p.id, p.title, p.modality_label, p.priority, p.count, _p(p.share), p.binding_states, p.regional_format,
            ", ".join(p.criteria), ", ".join(str(x) for x in p.paragraphs), p.text, "; ".join(p.states)]
           for p in c.priorities], {2: 40, 8: 40, 11: 60, 12: 60})
    sheet("ICMEC", ["State", "C1", "C2", "C3", "C4", "C5", "sufficient", "verdict"],
          [[s.name] + [s.icmec.get(k, "") for k in ("C1", "C2", "C3", "C4", "C5")] + [_yes_no(s.icmec_sufficient),
                                                                                      s.icmec_verdict]
           for s in c.states], {1: 28, 8: 90})
    sheet("Criteria", ["criterion", "paragraph", "title", "weight", "comparable"] + [s.label for s in c.states]
          + list(STATUS_ORDER),
          [[cr.criterion, cr.paragraph, cr.title, cr.weight, "yes" if cr.comparable else "no"]
           + [st or "absent" for st in cr.statuses] + [cr.counts[k] for k in STATUS_ORDER] for cr in c.criteria],
          {3: 50})
    notes = [[n] for n in c.notes] + [[f"Left out: {lo.file}: {'; '.join(lo.problems)}"] for lo in c.left_out]
    notes += [[f"Pack {c.pack_id} version {v}: {', '.join(files)}"] for v, files in c.pack_versions.items()]
    ws = sheet("Notes", ["note"], notes, {1: 140})
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            cell.alignment = wrap
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reports (HTML, Markdown, JSON, PDF) --------------------------------------------------------------------

REPORT_FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md", ".json": "json"}
FULL_MATRIX_MAX_STATES = 24
MATRIX_CHUNK = 12
REPORT_MAX_GAPS = 40
REPORT_MAX_PRIORITIES = 20
REPORT_MAX_NAMES = 12


def report_format(out: str | Path, fmt: str | None) -> str:
    if fmt:
        return {"markdown": "md"}.get(fmt, fmt)
    suffix = Path(out).suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise InputError(Problem(str(out), "cannot tell the report format from the file extension",
                                 "name the file .pdf, .html, .md or .json, or give --format"))
    return REPORT_FORMATS[suffix]


def _view(c: RegionalComparison) -> dict[str, object]:
    """What the templates print, derived from the comparison alone."""
    chunks = []
    if len(c.states) <= FULL_MATRIX_MAX_STATES:
        for start in range(0, len(c.states), MATRIX_CHUNK):
            chunks.append((start, c.states[start:start + MATRIX_CHUNK]))
    ranked = [next(s for s in c.states if s.key == k) for k in c.ranking]
    unranked = [s for s in c.states if s.rank is None]
    return {"c": c, "ranked": ranked, "unranked": unranked, "chunks": chunks,
            "common_gaps": c.common_gaps[:REPORT_MAX_GAPS], "gaps_more": len(c.common_gaps) > REPORT_MAX_GAPS,
            "priorities": c.priorities[:REPORT_MAX_PRIORITIES],
            "priorities_more": len(c.priorities) > REPORT_MAX_PRIORITIES, "names": _names,
            "mark_fictional": c.any_fictional and not all(s.fictional for s in c.states),
            "full_matrix": len(c.states) <= FULL_MATRIX_MAX_STATES, "marks": STATUS_MARKS,
            "status_labels": STATUS_LABELS, "level_labels": LEVEL_LABELS, "pct": pct,
            "shade": _shade, "regional_formats": REGIONAL_FORMATS}


def _names(names: list[str]) -> str:
    """State names for a table cell: all of them up to a dozen, otherwise a count."""
    if len(names) <= REPORT_MAX_NAMES:
        return ", ".join(names)
    return f"{len(names)} States (listed in the spreadsheet output)"


def _shade(cell: Cell | None, min_coverage: float) -> str:
    """A CSS class for a heat-map cell: five bands of score, or 'insufficient' (hatched)."""
    if cell is None or cell.level == "not_applicable":
        return "na"
    if cell.score is None or cell.coverage < min_coverage:
        return "insufficient"
    return f"band{min(4, int(cell.score * 5))}"


def render_html(c: RegionalComparison) -> str:
    from .report.templating import html_environment

    return html_environment().get_template("regional/regional.html.j2").render(**_view(c))


def render_markdown(c: RegionalComparison) -> str:
    from .report.templating import markdown_environment

    return markdown_environment().get_template("regional/regional.md.j2").render(**_view(c))


def render_pdf(c: RegionalComparison, attachments: Iterable[tuple[str, bytes]] = ()) -> bytes:
    """The regional report as a tagged PDF, laid out by WeasyPrint with the report's assets-only URL fetcher."""
    from .report.pdf import html_to_pdf

    return html_to_pdf(render_html(c), attachments)


def render(c: RegionalComparison, fmt: str, csv_text: str | None = None) -> bytes:
    if fmt == "pdf":
        return render_pdf(c, [("regional.csv", (csv_text or to_csv(c)).encode("utf-8"))])
    if fmt == "html":
        return render_html(c).encode("utf-8")
    if fmt == "md":
        return render_markdown(c).encode("utf-8")
    if fmt == "json":
        return c.to_json().encode("utf-8")
    raise InputError(Problem(fmt, "unknown report format", "use pdf, html, md or json"))


def default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))
