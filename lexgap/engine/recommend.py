"""Turning gaps into an ordered technical-assistance plan.

CLIPS decides which criteria are gaps, which gaps block others (reform order) and which reform packages
are open (two or more of their criteria are gaps). This module orders the result: foundational reforms
before the ones that depend on them, then by priority. Each recommendation lists only the elements missing
for this State, each opened by "Required by ..." or "Recommended (good practice: ...)"; its priority rises
for a binding gap only when a missing element binds the State.
"""
from __future__ import annotations

from .assessment import Finding, MissingElement, Recommendation, RecommendationItem, is_gap_status
from .clips_runtime import RawResult
from .knowledge import KnowledgeBase
from .models import PRIORITY_ORDER

RANK = PRIORITY_ORDER


def _raise(priority: str) -> str:
    return {"low": "medium", "medium": "high", "high": "high"}[priority]


def recommendations(kb: KnowledgeBase, findings: list[Finding], raw: RawResult) -> list[Recommendation]:
    by_id = {f.criterion: f for f in findings}
    criteria = kb.criteria
    gaps = [c for c in raw.gaps if c in by_id]
    unblocks: dict[str, list[str]] = {}
    for blocker, dependent in raw.blocks:
        unblocks.setdefault(blocker, []).append(dependent)

    def priority(cid: str) -> str:
        p: str = criteria[cid].recommendation.priority
        if by_id[cid].binding == "binding" or unblocks.get(cid):
            p = _raise(p)
        return p

    def item(cid: str) -> RecommendationItem:
        f = by_id[cid]
        missing = [MissingElement(id=e.id, requirement=e.requirement, status=e.status,
                                  binding=e.binding == "binding", obligation=e.obligation)
                   for e in f.elements if is_gap_status(e.status)]
        return RecommendationItem(criterion=cid, title=f.title, status=f.status,
                                  text=criteria[cid].recommendation.text, missing=missing)

    groups: list[tuple[str, str, str, str, str | None, list[str]]] = []
    packaged: set[str] = set()
    for package in kb.packages:
        if package.id in raw.packages_open:
            members = [c for c in package.criteria if c in gaps]
            packaged.update(members)
            groups.append((package.id, package.title, package.modality, package.text, package.id, members))
    for cid in gaps:
        if cid not in packaged:
            rec = criteria[cid].recommendation
            groups.append((f"R-{cid}", by_id[cid].title, rec.modality, rec.text, None, [cid]))

    owner = {c: g[0] for g in groups for c in g[5]}
    recs = []
    for rid, title, modality, text, package, members in groups:
        prio = min((priority(c) for c in members), key=RANK.__getitem__)
        deps = sorted({owner[d] for c in members for d in criteria[c].recommendation.depends_on
                       if d in owner and owner[d] != rid})
        articles: list[str] = []
        for c in members:
            for e in by_id[c].elements:
                for a in e.basis if is_gap_status(e.status) else ():
                    if a.label not in articles:
                        articles.append(a.label)
        recs.append(Recommendation(
            id=rid, rank=0, title=title, modality=modality, modality_label=kb.modality_labels[modality],
            priority=prio, text=text, package=package, items=[item(c) for c in members],
            paragraphs=sorted({by_id[c].paragraph for c in members}), criteria=members, articles=articles,
            binding=any(by_id[c].binding == "binding" for c in members), depends_on=deps,
            unblocks=sorted({d for c in members for d in unblocks.get(c, []) if d not in members})))
    ordered = _order(recs)
    for i, ranked in enumerate(ordered, 1):
        ranked.rank = i
    return ordered


def _order(recs: list[Recommendation]) -> list[Recommendation]:
    """Dependencies first; among those free to go, higher priority, binding, those that unblock more
    gaps, then the earlier operative paragraph."""
    pending = {r.id: r for r in recs}
    done: set[str] = set()
    out = []
    while pending:
        ready = [r for r in pending.values() if all(d in done or d not in pending for d in r.depends_on)]
        if not ready:  # a cycle cannot pass the loader, but never loop forever
            ready = list(pending.values())
        best = min(ready, key=lambda r: (RANK[r.priority], not r.binding, -len(r.unblocks), min(r.paragraphs),
                                         r.id))
        out.append(best)
        done.add(best.id)
        del pending[best.id]
    return out
