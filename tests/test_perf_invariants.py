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


# --- the on-disk cache of checked packs and CLIPS images --------------------------------------------------

import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from lexgap.engine import diskcache, knowledge  # noqa: E402
from lexgap.engine.knowledge import RULES_DIR, DEFAULT_PACK, load_knowledge  # noqa: E402

from .conftest import ROOT, example_files  # noqa: E402


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("LEXGAP_CACHE_DIR", str(folder))
    knowledge._load_cached.cache_clear()
    yield folder
    knowledge._load_cached.cache_clear()


def _no_loading(monkeypatch):
    def refuse(self):
        raise AssertionError("the pack was parsed again although the cache holds it")
    monkeypatch.setattr(knowledge._Loader, "run", refuse)


def test_a_cached_pack_is_the_pack(cache, monkeypatch):
    first = load_knowledge()
    assert [p.name for p in cache.iterdir()] == [next(cache.glob("pack-*")).name]
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in cache.iterdir())
    knowledge._load_cached.cache_clear()
    _no_loading(monkeypatch)
    second = load_knowledge()
    assert second is not first
    assert second.content_hash == first.content_hash
    assert second.paragraphs == first.paragraphs and second.questionnaire == first.questionnaire
    assert second.element_logic == first.element_logic and second.logic == first.logic


def test_any_change_to_the_pack_makes_a_new_entry(cache, tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(RULES_DIR / DEFAULT_PACK, pack)
    before = load_knowledge(pack)
    p01 = pack / "paragraphs" / "P01.yaml"
    text = p01.read_text(encoding="utf-8")
    title = before.paragraphs[0].title
    assert f"title: {title}" in text or f'title: "{title}"' in text
    p01.write_text(text.replace(title, title + " (edited)", 1), encoding="utf-8")
    knowledge._load_cached.cache_clear()
    after = load_knowledge(pack)
    assert after.paragraphs[0].title == title + " (edited)"
    assert after.content_hash != before.content_hash
    assert len(list(cache.glob("pack-*"))) == 2


def test_an_unreadable_entry_is_rebuilt(cache):
    load_knowledge()
    entry = next(cache.glob("pack-*"))
    entry.write_bytes(b"not a pickle")
    knowledge._load_cached.cache_clear()
    assert load_knowledge().criteria
    assert entry.read_bytes() != b"not a pickle"


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("LEXGAP_CACHE_DIR", "")
    assert diskcache.cache_dir() is None
    knowledge._load_cached.cache_clear()
    assert load_knowledge().criteria
    knowledge._load_cached.cache_clear()


def test_old_entries_are_pruned(cache):
    cache.mkdir()
    for i in range(diskcache.KEEP + 3):
        diskcache.store_pickle(cache / f"pack-{i}.pickle", i)
        os.utime(cache / f"pack-{i}.pickle", ns=(i * 10**9, i * 10**9))
    names = sorted(p.name for p in cache.iterdir())
    assert len(names) == diskcache.KEEP and "pack-0.pickle" not in names


_ASSESS = """
import sys
from lexgap.api import assess
import lexgap.engine.clips_runtime as runtime, lexgap.engine.build as build
if sys.argv[1] == "cached":  # neither the pack's text nor its compiled rules may be needed
    def refuse(*args):
        raise AssertionError("compiled again")
    runtime.compile_pack = build.compiled = refuse
sys.stdout.write(assess(sys.argv[2]).to_json())
"""


def _assess_in_process(mode: str, example: Path, cache_dir: Path) -> subprocess.Popen:
    env = dict(os.environ, LEXGAP_CACHE_DIR=str(cache_dir), PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", _ASSESS, mode, str(example)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_processes_filling_the_cache_at_once_and_a_third_reading_it(tmp_path):
    example = example_files()[0]
    folder = tmp_path / "cache"
    racing = [_assess_in_process("fresh", example, folder) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in racing]
    assert all(p.returncode == 0 for p in racing), [err for _, err in outputs]
    reader = _assess_in_process("cached", example, folder)
    out, err = reader.communicate(timeout=300)
    assert reader.returncode == 0, err
    assert outputs[0][0] == outputs[1][0] == out
    assert json.loads(out)["state"]
    kinds = sorted(p.name.split("-")[0] for p in folder.iterdir())
    assert kinds == ["clips", "pack", "support"]  # one of each, whole, and no temporary file left


_FACT_LINES = st.lists(st.one_of(
    st.sampled_from(["(element (id P01.01.a) (criterion P01.01) (status met) (rule P01.01.a-met))",
                     "(finding (id P01.01) (status partial) (rule elements-partial))", "(gap (id P01.01))",
                     "(blocks (blocker P01.01) (blocked P02.03))", "", "(concept (id c) (value TRUE) (rule c-1))",
                     "(initial-fact)", "(binding (id P01.01) (value binding))", "(a (b x) (c y) (d z) (e w) (f v))"]),
    st.text(alphabet=st.sampled_from(list("(a-b) xyP.01TRUE\t\r")), max_size=40)), max_size=12)


@given(_FACT_LINES)
@settings(max_examples=300, deadline=None)
def test_facts_read_line_by_line_as_the_whole_text_regex_reads_them(lines):
    from lexgap.engine.clips_runtime import _FACT, _fact_lines

    text = "\n".join(lines)
    assert _fact_lines(text) == _FACT.findall(text)
    assert _fact_lines(text) == _FACT.findall(text)  # and again, from the memo


def test_a_cache_folder_others_can_write_to_is_not_used(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("LEXGAP_CACHE_DIR", str(shared))
    assert diskcache.cache_dir() is None
    shared.chmod(0o700)
    assert diskcache.cache_dir() == shared
