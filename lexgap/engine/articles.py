"""The articles an element or criterion rests on, and the phrase that opens each element: "Required by ...",
"Recommended (...)". Fixed for a pack and a binding status, so each is built once."""
from __future__ import annotations

from .assessment import Article
from .elements import element_id
from .knowledge import KnowledgeBase

_BASIS: dict[tuple[str, str], list[Article]] = {}


def element_basis(kb: KnowledgeBase, eid: str) -> list[Article]:
    """The articles an element rests on (fixed for a pack, so built once)."""
    key = (kb.content_hash, eid)
    if key not in _BASIS:
        out = []
        for b in kb.elements[eid].basis:
            inst = kb.instruments[b.instrument]
            art = next(a for a in inst.articles if a.ref == b.article)
            out.append(Article(instrument=b.instrument, article=b.article, checked=art.checked, binds=b.binds,
                               label=article_label(inst.short_title, b.article, inst.unit)))
        _BASIS[key] = out
    return _BASIS[key]


def criterion_basis(kb: KnowledgeBase, cid: str) -> list[Article]:
    """The articles a criterion rests on: its elements' articles, each once, binding ones first."""
    key = (kb.content_hash, cid)
    if key not in _BASIS:
        crit = kb.criteria[cid]
        sources = crit.derived_from.criteria if crit.derived_from else [cid]
        out: list[Article] = []
        for source in sources:
            for el in kb.criteria[source].elements:
                for art in element_basis(kb, element_id(source, el.id)):
                    same = next((a for a in out if a.label == art.label), None)
                    if same is None:
                        out.append(art)
                    elif art.binds and not same.binds:
                        out[out.index(same)] = art
        _BASIS[key] = sorted(out, key=lambda a: not a.binds)
    return _BASIS[key]


_OBLIGATIONS: dict[tuple[str, str, str, tuple[str, ...]], str] = {}


def element_obligation(kb: KnowledgeBase, eid: str, binding: str, under: tuple[str, ...]) -> str:
    """obligation_phrase for an element, built once per pack, element and binding status."""
    key = (kb.content_hash, eid, binding, under)
    if key not in _OBLIGATIONS:
        _OBLIGATIONS[key] = obligation_phrase(kb, element_basis(kb, eid), binding, list(under))
    return _OBLIGATIONS[key]


def obligation_phrase(kb: KnowledgeBase, basis: list[Article], binding: str, under: list[str]) -> str:
    """'Required by <the binding articles of the instruments that bind the State>', or while that is not
    known 'Required if the State is bound by ...', else 'Recommended (<treaty duties that do not bind this
    State>; good practice: <soft law and frameworks>; related treaty provisions: <the rest>)'."""
    phrases = kb.pack.phrases
    if binding == "binding":
        labels = [a.label for a in basis if a.binds and a.instrument in under]
        return phrases.required_by.format(articles="; ".join(labels))
    if binding == "unknown":
        return phrases.binding_unknown.format(articles="; ".join(a.label for a in basis if a.binds))
    treaty = {i.id for i in kb.pack.instruments if i.party_when}
    groups = ((phrases.not_bound, [a.label for a in basis if a.binds]),
              (phrases.good_practice, [a.label for a in basis if not a.binds and a.instrument not in treaty]),
              (phrases.related, [a.label for a in basis if not a.binds and a.instrument in treaty]))
    parts = [phrase.format(articles="; ".join(labels)) for phrase, labels in groups if labels]
    return phrases.recommended.format(parts="; ".join(parts))


UNIT_ABBREVIATIONS = {"article": "art.", "capability": "capability", "recommendation": "recommendation",
                      "criterion": "criterion"}


def article_label(short_title: str, ref: str, unit: str = "article") -> str:
    """'Lanzarote Convention, art. 23'; 'Resolution 74/174, para. 5'; 'Model National Response, capability 17'."""
    if ref == "general":
        return short_title
    if ref.startswith("OP") or ref == "preamble":
        return f"{short_title}, {'para. ' + ref[2:] if ref.startswith('OP') else 'preamble'}"
    if ref[:1].isdigit():
        return f"{short_title}, {UNIT_ABBREVIATIONS[unit]} {ref}"
    return f"{short_title}, {ref}"

