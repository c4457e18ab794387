"""The comparison itself: a pure function from the States' results to a RegionalComparison."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from ..engine.assessment import LEVEL_LABELS, Assessment, ParagraphResult, Status, gap_count, is_gap_status
from ..errors import InputError, Problem
from ..engine.knowledge import pack_modalities
from ..engine.models import PRIORITY_ORDER, WEIGHT_ORDER
from ..formatting import pct
from .model import (Cell, CommonGap, CriterionRow, FindingBrief, LeftOut, MixedVersionsError, ParagraphRow,
                    RecommendationBrief, RegionalComparison, RegionalPriority, StateResult, StateRow, state_result)

STATUS_ORDER: tuple[Status, ...] = ("met", "partial", "not_met", "unknown", "not_applicable")


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _version_groups(results: list[StateResult]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for r in results:
        groups.setdefault(r.version_label, []).append(r.file)
    return dict(sorted(groups.items()))


def _label(r: StateResult, codes: Counter) -> str:
    if r.state.short_name:
        return r.state.short_name
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
            left_out: Sequence[LeftOut] = (), priority_share: float = 1 / 3, rank: bool = False,
            common_share: float = 2 / 3) -> RegionalComparison:
    """Compare the States' results. Pure: the same results give the same comparison.

    Raises MixedVersionsError when the States were assessed under different pack versions (or pack ids),
    unless `allow_mixed_versions` (pack ids must always match). Later files about a State already compared
    are left out (named in `left_out` of the result). States are ranked only when `rank` is true. A common gap
    is a criterion not met or partly met in at least `common_share` of the States that decide it.
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
    kept.sort(key=lambda r: ((r.state.short_name or r.state.name).casefold(), r.file))
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
    ranks = _ranks(eligible) if rank else {}

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
        gap_states = [i for i, s in enumerate(statuses) if is_gap_status(s)]
        binding = sum(1 for i in gap_states if by_state[i][cid].binding == "binding")
        decided = sum(1 for st in statuses if st in ("met", "partial", "not_met"))
        is_common = bool(gap_states) and len(gap_states) >= common_share * decided - 1e-9
        criteria_rows.append(CriterionRow(criterion=cid, paragraph=info.paragraph, title=info.title,
                                          weight=info.weight, kind=info.kind, statuses=statuses, counts=counts,
                                          applicable=applicable, gaps=len(gap_states), binding_gaps=binding,
                                          common_gap=is_common, comparable=not mixed))
        if is_common:
            common.append(CommonGap(criterion=cid, paragraph=info.paragraph, title=info.title, weight=info.weight,
                                    not_met=counts["not_met"], partial=counts["partial"], unknown=counts["unknown"],
                                    applicable=applicable, binding_gaps=binding,
                                    states=[kept[i].state.name for i in gap_states], comparable=not mixed))
    common.sort(key=lambda g: (-(g.not_met + g.partial), -g.binding_gaps, WEIGHT_ORDER.get(g.weight, 9), g.criterion))

    # priorities: recommendations many States share
    threshold = max(2, math.ceil(n * priority_share))
    formats = {m.id: m.regional_format for m in pack_modalities(kept[0].pack_id)}  # the pack's modalities.yaml
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
            regional_format=formats.get(first.modality, "a regional workshop for these States"),
            priority=min((rec.priority for _, rec in entries), key=PRIORITY_ORDER.__getitem__), text=first.text,
            states=[kept[i].state.name for i, _ in entries], count=len(entries), share=round(len(entries) / n, 4),
            binding_states=sum(1 for _, rec in entries if rec.binding), criteria=sorted(criteria),
            paragraphs=sorted({p for _, rec in entries for p in rec.paragraphs}), comparable=not mixed))
    priorities.sort(key=lambda p: (-p.count, PRIORITY_ORDER[p.priority], -p.binding_states, p.id))

    # paragraphs
    numbers: dict[int, ParagraphResult] = {}
    for r in kept:
        for p in r.paragraphs:
            numbers.setdefault(p.number, p)
    paragraph_rows = []
    for number in sorted(numbers):
        cells: list[Cell | None] = []
        for r in kept:
            found = next((x for x in r.paragraphs if x.number == number), None)
            cells.append(None if found is None else Cell(score=found.score, coverage=found.coverage,
                                                         confirmed_score=found.confirmed_score, level=found.level))
        considered = [c for c in cells if c is not None and c.level != "not_applicable"]
        scored = [c.score for c in considered if c.score is not None and c.coverage >= min_coverage]
        paragraph_rows.append(ParagraphRow(
            number=number, title=numbers[number].title, short_title=numbers[number].short_title,
            assessment=numbers[number].assessment, cells=cells,
            average_score=_mean(scored), scored_states=len(scored),
            average_coverage=_mean([c.coverage for c in considered]),
            average_confirmed_score=_mean([c.confirmed_score for c in considered]),
            levels=dict(sorted(Counter(c.level for c in cells if c is not None).items()))))

    # States
    rows: list[StateRow] = []
    for key, label, r in zip(keys, labels, kept):
        s = r.summary
        gaps = gap_count(s.counts)
        place = ranks.get(key)
        if mixed:
            note = "not ranked: the States were assessed under different pack versions"
        elif not rank:
            note = "not ranked: a ranking is made only on request"
        elif place is not None:
            note = f"rank {place} of {len(ranks)} by confirmed legal score"
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
            rank=place, rank_note=note, icmec_sufficient=r.icmec.sufficient, icmec_verdict=r.icmec.verdict,
            icmec={c.id: c.status for c in r.icmec.criteria}, top_priority=top, summary="")
        row.summary = _summary_line(r, row, min_coverage)
        rows.append(row)
    ranking = [k for k, _ in sorted(ranks.items(), key=lambda kv: (kv[1], keys.index(kv[0])))]

    regions = {r.state.region for r in kept}
    region = regions.pop() if len(regions) == 1 else None
    scored_states = [r for r in kept if r.summary.legal_score is not None and r.summary.legal_coverage >= min_coverage]
    notes = [f"A State is ranked only when at least {pct(min_coverage)} of its legal criteria (by weight) could be "
             "decided, and States are ranked by their confirmed score, in which unknown criteria earn nothing."
             if rank else "States are listed by name and not ranked; a ranking is made only on request (--rank)."]
    if mixed:
        notes.append("The States were assessed under different versions of the rule pack ("
                     + "; ".join(versions) + "): every criterion is marked not comparable and no ranking is made.")
    if left:
        notes.append(f"{len(left)} file(s) were left out of the comparison; they are listed at the end.")
    if any(r.state.fictional for r in kept):
        notes.append("Some States are fictional: for training and testing only.")
    from ..engine.build import lexgap_version

    return RegionalComparison(
        title=f"Regional comparison: {region}" if region else f"Comparison of {n} State{'s' if n != 1 else ''}",
        region=region, resolution=kept[0].resolution, pack_id=kept[0].pack_id, pack_title=kept[0].pack_title,
        pack_versions=versions, mixed_versions=mixed, lexgap_version=lexgap_version(), min_coverage=min_coverage,
        dates=(min(r.date for r in kept), max(r.date for r in kept)),
        confidentiality=sorted({r.confidentiality for r in kept}), any_draft=any(r.status == "draft" for r in kept),
        any_fictional=any(r.state.fictional for r in kept), states=rows, ranking=ranking,
        paragraphs=paragraph_rows, criteria=criteria_rows, common_gaps=common, priorities=priorities,
        priority_threshold=threshold, common_share=round(common_share, 4),
        icmec_titles={k.id: k.title for k in kept[0].icmec.criteria},
        regional_legal_score=_mean([r.summary.legal_score for r in scored_states]),  # type: ignore[misc]
        regional_legal_coverage=_mean([r.summary.legal_coverage for r in kept]) or 0.0,
        regional_legal_confirmed_score=_mean([r.summary.legal_confirmed_score for r in kept]) or 0.0,
        left_out=left, notes=notes)
