"""What the speed work (issue 15) must not change: recommendation order, YAML reading, cached packs."""
from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings, strategies as st

from lexgap.engine.recommend import RANK, _order


def _scan_order(recs: list) -> list:
    """The former ordering, which rescanned everything pending at each step: the heap must match it."""
    pending = {r.id: r for r in recs}
    done: set[str] = set()
    out = []
    while pending:
        ready = [r for r in pending.values() if all(d in done or d not in pending for d in r.depends_on)]
        if not ready:
            ready = list(pending.values())
        best = min(ready, key=lambda r: (RANK[r.priority], not r.binding, -len(r.unblocks), min(r.paragraphs),
                                         r.id))
        out.append(best)
        done.add(best.id)
        del pending[best.id]
    return out


@st.composite
def _recommendations(draw: st.DrawFn) -> list:
    n = draw(st.integers(0, 14))
    ids = [f"R-{i:02d}" for i in range(n)]
    recs = []
    for rid in ids:
        recs.append(SimpleNamespace(
            id=rid, priority=draw(st.sampled_from(sorted(RANK))), binding=draw(st.booleans()),
            unblocks=["x"] * draw(st.integers(0, 3)), paragraphs=draw(st.lists(st.integers(1, 5), min_size=1,
                                                                               max_size=3)),
            # cycles and self-dependencies cannot pass the loader, but the order must still end
            depends_on=draw(st.lists(st.sampled_from(ids + ["R-gone"]), max_size=3, unique=True))))
    return recs


@given(_recommendations())
@settings(max_examples=300, deadline=None)
def test_heap_order_is_the_scan_order(recs):
    assert [r.id for r in _order(recs)] == [r.id for r in _scan_order(recs)]
