#!/usr/bin/env python3
"""Engine benchmark of lexgap (issue 3): CLIPS via clipspy against experta and a plain-Python evaluator.

    python3 benchmarks/bench_engine.py            # the full run (about a minute on 2 cores)
    python3 benchmarks/bench_engine.py --profile  # also profile a full assessment and a Session change

One run on the bundled pack measures
  assess_ms          lexgap.assess(Answers) on a loaded Answers object, median over the benchmark States
  clips_infer_ms     the inference part alone: fresh Runner from the cached binary image, assert the
                     answers, run, collect the raw facts (clips_runtime.run_once)
  incremental_ms     Session.set_answer(one question) + the new inference result (Runner.run: focus, run,
                     collect raw facts); median over changes of different questions
  batch200_s         200 States across 2 processes (ProcessPoolExecutor, one CLIPS environment per worker,
                     full Assessment per State), wall clock including pool start-up and shutdown
  experta_ms         the same compiled rule set on experta (benchmarks/experta_rules.py): reset, declare the
                     answers, run, collect; median per State
  plain_ms           lexgap.engine.reference.evaluate on the same answers; median per State
and checks that experta, the reference evaluator, the Session and the batch reach the same results as CLIPS
on every State. Its last line is one JSON object.

benchmark-only dependency: pip install experta==1.9.4 (frozendict 1.2 + schema 0.6.7; the collections.abc
import workaround is applied in experta_rules.import_experta).
"""
from __future__ import annotations

import argparse
import copy
import gc
import json
import os
import platform
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.strategies

import lexgap  # noqa: E402
import lexgap.api  # noqa: E402
from lexgap.engine import reference  # noqa: E402
from lexgap.engine.answers import Answers, check_value  # noqa: E402
from lexgap.engine.build import build_assessment, visible_values  # noqa: E402
from lexgap.engine.clips_runtime import Runner, run_once  # noqa: E402
from lexgap.engine.knowledge import load_knowledge  # noqa: E402
from lexgap.engine.models import AnswersFile  # noqa: E402
from lexgap.errors import PackError  # noqa: E402
from tests.strategies import draw_value  # noqa: E402

TARGETS = {"assess_ms": 3.0, "incremental_ms": 1.0, "batch200_s": 2.0, "speedup_vs_experta": 30.0,
           "assess_x_plain": 6.0}
HEADER = {"state": {"name": "Benchland", "fictional": True},
          "assessment": {"date": "2026-01-01", "assessors": ["lexgap benchmark"], "status": "draft",
                         "pack": "res-74-174", "pack_version": "1.0.0"}}


def ms(seconds: float) -> float:
    return seconds * 1000.0


def median_ms(samples: list[float]) -> float:
    return ms(statistics.median(samples))


def p90_ms(samples: list[float]) -> float:
    return ms(sorted(samples)[int(0.9 * (len(samples) - 1))])


# --- pack and States ------------------------------------------------------------------------------------

def load_pack() -> tuple[object, bool]:
    """The bundled pack; a draft load (and a notice) while it is still being written."""
    try:
        return load_knowledge(), False
    except PackError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "incomplete"
        print(f"NOTE: the bundled pack is incomplete (load_knowledge() refused it: {first[:150]} ...); "
              "benchmarking the draft pack (load_knowledge(draft=True)).")
        kb = load_knowledge(draft=True)
        # assess()/Session() call load_knowledge() themselves; point them at the draft, in this process only
        lexgap.api.load_knowledge = lambda pack=None, draft=False: kb
        return kb, True


def make_states(kb: object, n: int, seed: int) -> list[dict[str, object]]:
    """n random answer sets; each State answers a random share (50-100 %) of the questions."""
    rng = random.Random(seed)
    questions = kb.questionnaire.questions
    states = []
    for _ in range(n):
        share = rng.choice([0.5, 0.75, 0.9, 1.0])
        values = {q.id: draw_value(q, rng) for q in questions if rng.random() < share}
        for q in questions:
            if q.id in values:
                assert check_value(q, values[q.id]) is None, (q.id, values[q.id])
        states.append(values)
    return states


def make_answers(values: dict[str, object], kb: object) -> Answers:
    data = copy.deepcopy(HEADER)
    data["assessment"]["pack"] = kb.pack.id
    data["assessment"]["pack_version"] = kb.pack.version
    data["answers"] = {q: {"value": v} for q, v in values.items()}
    return Answers("<benchmark>", AnswersFile.model_validate(data))


# --- comparing results ----------------------------------------------------------------------------------

def clips_outcome(raw: object) -> dict[str, object]:
    return {"findings": dict(raw.findings), "concepts": dict(raw.concepts), "binding": dict(raw.binding),
            "warnings": list(raw.warnings), "gaps": list(raw.gaps), "blocks": list(raw.blocks),
            "packages_open": list(raw.packages_open),
            "elements": {e: s for e, (s, _) in raw.elements.items()},
            "element_binding": {e: (v, list(u)) for e, (v, u) in raw.element_binding.items()}}


def compare(a: dict[str, object], b: dict[str, object]) -> list[str]:
    """Keys (and criteria) where two outcomes differ; 'status:' entries are the finding statuses."""
    diffs = []
    fa, fb = a["findings"], b["findings"]
    for cid in sorted(set(fa) | set(fb)):
        sa, sb = fa.get(cid, ("-", "-")), fb.get(cid, ("-", "-"))
        if sa[0] != sb[0]:
            diffs.append(f"status:{cid} {sa[0]} vs {sb[0]}")
        elif sa[1] != sb[1]:
            diffs.append(f"rule:{cid} {sa[1]} vs {sb[1]}")
    for key in ("concepts", "binding", "warnings", "gaps", "blocks", "packages_open", "elements",
                "element_binding"):
        if key in ("elements", "element_binding"):
            da, db = a[key], b[key]
            if key == "elements":
                da = {e: v[0] if isinstance(v, tuple) else v for e, v in da.items()}
                db = {e: v[0] if isinstance(v, tuple) else v for e, v in db.items()}
            if da != db:
                diffs.append(f"{key}: {sorted(set(da.items()) ^ set(db.items()), key=str)[:4]}"
                             if key == "elements" else f"{key} differ")
            continue
        if a[key] != b[key]:
            diffs.append(f"{key}: {a[key]} vs {b[key]}")
    return diffs


def contradictions(kb: object, values: dict[str, object]) -> dict[str, list[str]]:
    """Criteria for which CLIPS derived finding facts with different statuses (Runner.collect keeps the
    one whose rule name sorts first, so these never show in the statuses, but `gap` rules see them all)."""
    runner = Runner(kb)
    for q, v in values.items():
        runner.set(q, v)
    runner.run()
    seen: dict[str, set[str]] = {}
    for fact in runner.env.facts():
        if fact.template.name == "finding":
            seen.setdefault(str(fact["id"]), set()).add(str(fact["status"]))
    return {c: sorted(s) for c, s in seen.items() if len(s) > 1}


def explained_by_contradictions(clips: dict, other: dict, diffs: list[str], contra: dict) -> bool:
    """True if every difference is in gaps/blocks/packages and comes from CLIPS gap facts for criteria
    that CLIPS also derived contradictory statuses for, the other engine's gaps being exactly the
    criteria whose status is not_met or partial."""
    if any(not d.startswith(("gaps:", "blocks:", "packages_open:")) for d in diffs):
        return False
    expected = sorted(c for c, (s, _) in clips["findings"].items() if s in ("not_met", "partial"))
    extra = set(clips["gaps"]) - set(expected)
    return other["gaps"] == expected and extra <= set(contra) and set(expected) <= set(clips["gaps"])


# --- the batch worker (one CLIPS environment per process) -------------------------------------------------

_KB = None
_RUNNER = None


def _init_worker(draft: bool) -> None:
    global _KB, _RUNNER
    _KB = load_knowledge(draft=draft)
    _RUNNER = Runner(_KB)


def _assess_in_worker(values: dict[str, object]) -> tuple[dict[str, str], float | None]:
    """A full Assessment for one State with this process's one environment (reset, assert, run, build)."""
    answers = make_answers(values, _KB)
    visible, input_warnings = visible_values(_KB, answers)
    _RUNNER.reset()
    _RUNNER.load(visible)
    raw = _RUNNER.run()
    assessment = build_assessment(_KB, answers, visible, raw, input_warnings)
    return {f.criterion: f.status for f in assessment.findings}, assessment.summary.legal_score


# --- the measurements -----------------------------------------------------------------------------------

def timed(fn, *args):  # noqa: ANN001, ANN202
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def bench_clips(kb: object, engine_values: list[dict], rounds: int) -> dict[str, object]:
    run_once(kb, {})  # warm: compile, build, save the binary image
    infer, reuse, raws = [], [], []
    for r in range(rounds):
        for values in engine_values:
            t, raw = timed(run_once, kb, values)
            infer.append(t)
            if r == 0:
                raws.append(raw)
    runner = Runner(kb)

    def on_runner(values: dict) -> object:
        runner.reset()
        runner.load(values)
        return runner.run()

    for _ in range(rounds):
        for values in engine_values:
            t, _raw = timed(on_runner, values)
            reuse.append(t)
    return {"infer": infer, "reuse": reuse, "raws": raws}


def bench_assess(answers_list: list[Answers], rounds: int) -> list[float]:
    lexgap.assess(answers_list[0])
    samples = []
    for _ in range(rounds):
        for answers in answers_list:
            t, _a = timed(lexgap.assess, answers)
            samples.append(t)
    return samples


def bench_incremental(kb: object, states: list[dict], sessions: int, changes: int, seed: int,
                      full: bool) -> dict[str, object]:
    """Changes of one answer in live Sessions. full=False: set_answer + Runner.run (raw inference result);
    full=True: set_answer + Session.assessment (a complete Assessment)."""
    rng = random.Random(seed + (1 if full else 0))
    questions = kb.questionnaire.questions
    total, setting, inferring, cpu, mismatches = [], [], [], [], 0
    for s in range(sessions):
        session = lexgap.Session(make_answers(states[s], kb))
        session.assessment
        for _ in range(changes):
            q = rng.choice(questions)
            current = session.answers.data.answers.get(q.id)
            value = draw_value(q, rng)
            for _try in range(20):
                if current is None or value != current.value:
                    break
                value = draw_value(q, rng)
            c0 = time.process_time()
            t0 = time.perf_counter()
            session.set_answer(q.id, value)
            t1 = time.perf_counter()
            if full:
                session.assessment
            else:
                session._runner.run()
            t2 = time.perf_counter()
            cpu.append(time.process_time() - c0)
            total.append(t2 - t0)
            setting.append(t1 - t0)
            inferring.append(t2 - t1)
        # truth maintenance check: the Session's facts equal a fresh run on its current answers
        live = clips_outcome(session._runner.run())
        fresh = clips_outcome(run_once(kb, dict(session._asserted)))
        mismatches += bool(compare(live, fresh))
    return {"total": total, "set": setting, "infer": inferring, "cpu": cpu, "mismatches": mismatches}


def bench_batch(states: list[dict], workers: int, draft: bool, start_method: str | None) -> tuple[float, list]:
    import multiprocessing

    ctx = multiprocessing.get_context(start_method) if start_method else None
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(draft,)) as pool:
        results = list(pool.map(_assess_in_worker, states, chunksize=max(1, len(states) // (workers * 4))))
    return time.perf_counter() - t0, results


def bench_batch_sequential(states: list[dict], draft: bool) -> tuple[float, list]:
    t0 = time.perf_counter()
    _init_worker(draft)
    results = [_assess_in_worker(v) for v in states]
    return time.perf_counter() - t0, results


def bench_experta(kb: object, engine_values: list[dict], clips_results: list[dict],
                  contra: list[dict]) -> dict[str, object]:
    import experta_rules as er

    t0 = time.perf_counter()
    er.import_experta()
    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    engines = er.EngineSet(kb)
    engine = engines.new_engine()
    build_s = time.perf_counter() - t0
    only_clips, only_experta = er.check_same_rules(engines, Runner(kb).env)
    engines.run(engine, engine_values[0])  # warm
    samples, mismatches, explained = [], [], 0
    for i, values in enumerate(engine_values):
        t, result = timed(engines.run, engine, values)
        samples.append(t)
        diffs = compare(clips_results[i], result)
        if diffs:
            if explained_by_contradictions(clips_results[i], result, diffs, contra[i]):
                explained += 1
            else:
                mismatches.append((i, diffs))
    return {"samples": samples, "mismatches": mismatches, "explained": explained, "import_s": import_s,
            "build_s": build_s,
            "rules": len(engines.rule_names()), "only_clips": only_clips, "only_experta": only_experta}


def bench_interleaved(kb: object, answers_list: list[Answers], engine_values: list[dict], rounds: int) -> dict:
    """On a busy machine only figures measured side by side compare: for each State in turn, a full
    assessment (lexgap.assess), the CLIPS part alone (reused environment: reset, assert, run, collect) and
    the plain-Python floor (reference.evaluate), each as CPU time of this process (time.process_time) and
    as wall time."""
    runner = Runner(kb)

    def on_runner(values: dict) -> object:
        runner.reset()
        runner.load(values)
        return runner.run()

    sides = {"assess": (lexgap.assess, answers_list), "clips": (on_runner, engine_values),
             "plain": (lambda values: reference.evaluate(kb, values), engine_values)}
    cpu: dict[str, list[float]] = {k: [] for k in sides}
    wall: dict[str, list[float]] = {k: [] for k in sides}
    for _name, (fn, inputs) in sides.items():
        fn(inputs[0])  # warm
    for _ in range(rounds):
        for i in range(len(engine_values)):
            for name, (fn, inputs) in sides.items():
                c0, w0 = time.process_time(), time.perf_counter()
                fn(inputs[i])
                wall[name].append(time.perf_counter() - w0)
                cpu[name].append(time.process_time() - c0)
    return {"cpu": cpu, "wall": wall}


def bench_plain(kb: object, engine_values: list[dict], clips_results: list[dict], rounds: int) -> dict:
    samples, mismatches = [], 0
    for r in range(rounds):
        for i, values in enumerate(engine_values):
            t, ev = timed(reference.evaluate, kb, values)
            samples.append(t)
            if r == 0:
                c = clips_results[i]
                statuses = {cid: s for cid, (s, _) in c["findings"].items()}
                ok = ({k: d.status for k, d in ev.decisions.items()} == statuses
                      and {k: d.binding for k, d in ev.decisions.items()} ==
                      {k: c["binding"].get(k, "recommended") for k in ev.decisions}
                      and {k: v for k, v in ev.concepts.items() if v is not None} == c["concepts"]
                      and ev.warnings == c["warnings"]
                      and {k: d.status for k, d in ev.elements.items()} == c["elements"]
                      and {k: (d.binding, d.instruments) for k, d in ev.elements.items()} == c["element_binding"])
                mismatches += not ok
    return {"samples": samples, "mismatches": mismatches}


def profile(kb: object, answers: Answers, draft: bool) -> None:
    import cProfile
    import pstats

    print("\n--- profile: 200 x lexgap.assess (cProfile, cumulative, top 25) ---")
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(200):
        lexgap.assess(answers)
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
    print("--- profile: 300 x Session.set_answer + Runner.run (cProfile, cumulative, top 25) ---")
    session = lexgap.Session(answers)
    rng = random.Random(1)
    qs = kb.questionnaire.questions
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(300):
        q = rng.choice(qs)
        session.set_answer(q.id, draw_value(q, rng))
        session._runner.run()
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(25)


def pkg_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--states", type=int, default=200, help="benchmark States (default 200)")
    ap.add_argument("--seed", type=int, default=74174)
    ap.add_argument("--rounds", type=int, default=3, help="timing rounds over the States for CLIPS, assess, plain")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--start-method", default=None, help="multiprocessing start method (default: platform's)")
    ap.add_argument("--sessions", type=int, default=20, help="Sessions for the incremental measurement")
    ap.add_argument("--changes", type=int, default=25, help="answer changes per Session")
    ap.add_argument("--no-experta", action="store_true")
    ap.add_argument("--experta-states", type=int, default=20,
                    help="run experta on the first N States only (default 20: about 6 s each on the full pack)")
    ap.add_argument("--profile", action="store_true", help="print cProfile of assess and of a Session change")
    args = ap.parse_args()

    import multiprocessing

    kb, draft = load_pack()
    states = make_states(kb, args.states, args.seed)
    answers_list = [make_answers(v, kb) for v in states]
    # the values the engine evaluates (show_if applied), exactly what Session asserts
    engine_values = [visible_values(kb, a)[0] for a in answers_list]

    t0 = time.perf_counter()
    cold_runner = Runner(kb)
    cold_build_s = time.perf_counter() - t0
    n_rules = len(cold_runner.env.eval("(get-defrule-list *)"))
    del cold_runner
    n_criteria = len(kb.criteria)
    n_elements = len(kb.elements)
    answered = statistics.mean(len(v) for v in engine_values)
    print(f"lexgap engine benchmark: pack {kb.pack.id} {kb.pack.version} ({kb.content_hash})"
          f"{' [DRAFT: incomplete pack]' if draft else ''}: {len(kb.paragraphs)} paragraphs, {n_criteria} criteria, "
          f"{n_elements} elements, "
          f"{len(kb.concepts)} concepts, {len(kb.consistency)} consistency rules, {n_rules} CLIPS rules, "
          f"{len(kb.questionnaire.questions)} questions")
    print(f"{len(states)} generated States (seed {args.seed}), {answered:.1f} answers evaluated per State on average")
    print(f"Python {platform.python_version()}, clipspy {pkg_version('clipspy')}, experta {pkg_version('experta')} "
          f"(frozendict {pkg_version('frozendict')}), {os.cpu_count()} CPUs, "
          f"start method {args.start_method or multiprocessing.get_start_method()}")
    gc.collect()

    # 1. CLIPS inference alone, and with a reused environment
    clips = bench_clips(kb, engine_values, args.rounds)
    clips_results = [clips_outcome(r) for r in clips["raws"]]
    clips_infer_ms = median_ms(clips["infer"])
    contra = [contradictions(kb, v) for v in engine_values]
    # 1b. the full assessment through the public API
    assess = bench_assess(answers_list, max(1, args.rounds - 1))
    assess_ms = median_ms(assess)
    # 2. incremental changes in a Session
    inc = bench_incremental(kb, states, args.sessions, args.changes, args.seed, full=False)
    inc_full = bench_incremental(kb, states, max(1, args.sessions // 2), args.changes, args.seed, full=True)
    incremental_ms = median_ms(inc["total"])
    # 3. the batch, 2 processes, and the same work in this process
    batch_s, batch_results = bench_batch(states, args.workers, draft, args.start_method)
    seq_s, seq_results = bench_batch_sequential(states, draft)
    batch_mismatch = sum(1 for i, (statuses, _) in enumerate(batch_results)
                         if statuses != {c: s for c, (s, _) in clips_results[i]["findings"].items()})
    batch_mismatch += sum(1 for a, b in zip(batch_results, seq_results) if a != b)
    # 4. experta
    if args.no_experta:
        ex = None
        experta_ms = None
    else:
        try:
            n_ex = min(args.experta_states, len(states))
            ex = bench_experta(kb, engine_values[:n_ex], clips_results[:n_ex], contra[:n_ex])
            experta_ms = median_ms(ex["samples"])
            # compare like with like: CLIPS's inference on the same States
            clips_subset_ms = median_ms([t for k, t in enumerate(clips["infer"]) if k % len(states) < n_ex])
        except ImportError as exc:
            print(f"NOTE: experta is not installed ({exc}); pip install experta==1.9.4 to compare with it")
            ex = None
            experta_ms = None
    # 5. side by side: assess, CLIPS alone, plain Python (CPU time)
    side = bench_interleaved(kb, answers_list, engine_values, max(1, args.rounds - 1))
    side_ms = {k: median_ms(v) for k, v in side["cpu"].items()}
    # 6. plain Python
    plain = bench_plain(kb, engine_values, clips_results, args.rounds)
    plain_ms = median_ms(plain["samples"])

    speedup = experta_ms / clips_subset_ms if experta_ms else None
    reuse_ms = median_ms(clips["reuse"])
    rows = [
        ("assess_ms", "lexgap.assess(Answers): Session, CLIPS run, full Assessment", assess_ms, p90_ms(assess),
         "ms", TARGETS["assess_ms"]),
        ("clips_infer_ms", "run_once: new env from binary image + assert + run + collect raw", clips_infer_ms,
         p90_ms(clips["infer"]), "ms", None),
        ("clips_reuse_ms", "same on one reused env (reset instead of a new env)", reuse_ms, p90_ms(clips["reuse"]),
         "ms", None),
        ("incremental_ms", "Session.set_answer(1 question) + Runner.run (raw result)", incremental_ms,
         p90_ms(inc["total"]), "ms", TARGETS["incremental_ms"]),
        ("  of which set_answer", "validate, copy Answers, show_if sync, retract+assert", median_ms(inc["set"]),
         p90_ms(inc["set"]), "ms", None),
        ("  of which Runner.run", "focus, run (truth maintenance), collect raw facts", median_ms(inc["infer"]),
         p90_ms(inc["infer"]), "ms", None),
        ("incremental_assess_ms", "Session.set_answer + Session.assessment (full Assessment)",
         median_ms(inc_full["total"]), p90_ms(inc_full["total"]), "ms", None),
        ("batch200_s" if len(states) == 200 else f"batch{len(states)}_s",
         f"{len(states)} States, {args.workers} processes, full Assessment each, incl. pool start-up",
         batch_s, None, "s", TARGETS["batch200_s"] if len(states) == 200 else None),
        ("batch_sequential_s", f"same {len(states)} States in this process (one env)", seq_s, None, "s", None),
        ("experta_ms", "experta: reset + declare + run + collect (same rules)", experta_ms,
         p90_ms(ex["samples"]) if ex else None, "ms", None),
        ("plain_ms", "reference.evaluate (plain Python, same conditions)", plain_ms, p90_ms(plain["samples"]),
         "ms", None),
    ]
    print()
    print(f"{'metric':<24} {'what is timed':<78} {'median':>9} {'p90':>9}  target")
    print("-" * 130)
    for key, what, value, p90, unit, target in rows:
        shown = "n/a" if value is None else f"{value:.3f}{unit if unit == 's' else ''}"
        p90s = "" if p90 is None else f"{p90:.3f}"
        tgt = ""
        if target is not None and value is not None:
            tgt = f"<= {target:g}{unit}  {'OK' if value <= target else 'MISSED'}"
        print(f"{key:<24} {what:<78} {shown:>9} {p90s:>9}  {tgt}")
    print()
    print("ratios:")
    print(f"  side by side (CPU, same States, interleaved): assess {side_ms['assess']:.2f} ms, CLIPS part "
          f"{side_ms['clips']:.2f} ms, plain Python {side_ms['plain']:.2f} ms: assess_x_plain = "
          f"{side_ms['assess'] / side_ms['plain']:.1f}x (target <= {TARGETS['assess_x_plain']:g}), "
          f"clips_x_plain = {side_ms['clips'] / side_ms['plain']:.1f}x")
    if speedup is not None:
        print(f"  speedup_vs_experta = experta_ms / clips_infer_ms on the {n_ex} States experta ran = "
              f"{experta_ms:.2f} / {clips_subset_ms:.3f} = "
              f"{speedup:.1f}x   (target >= {TARGETS['speedup_vs_experta']:g}: "
              f"{'OK' if speedup >= TARGETS['speedup_vs_experta'] else 'MISSED'})")
        print(f"  experta_ms / assess_ms = {experta_ms / assess_ms:.1f}x   (experta doing only the inference part)")
    print(f"  clips_infer_ms / plain_ms = {clips_infer_ms / plain_ms:.1f}x   (plain Python is faster; it has no "
          "truth maintenance and no explanation facts)")
    print(f"  assess_ms / clips_infer_ms = {assess_ms / clips_infer_ms:.1f}x   (the rest of an assessment is "
          "building the Assessment in Python)")
    print(f"  batch speed-up on {args.workers} processes = {seq_s / batch_s:.2f}x over one process")
    print()
    print("one-off costs: CLIPS compile + build + bsave of the pack "
          f"{ms(cold_build_s):.0f} ms (later environments bload the image)"
          + (f"; experta import {ms(ex['import_s']):.0f} ms, building its rule network {ms(ex['build_s']):.0f} ms"
             if ex else ""))
    print("verification (a benchmark comparing different results is worthless):")
    if ex:
        same_rules = not ex["only_clips"] and not ex["only_experta"]
        print(f"  experta rule set = CLIPS rule set: {'yes' if same_rules else 'NO'} ({ex['rules']} rules; "
              f"only in CLIPS {sorted(ex['only_clips'])[:5]}, only in experta {sorted(ex['only_experta'])[:5]})")
        status_mm = sum(1 for _, d in ex["mismatches"] if any(x.startswith("status:") for x in d))
        print(f"  experta vs CLIPS: finding statuses differ on {status_mm} of {n_ex} States; other "
              f"unexplained differences (deciding rule, concepts, binding, warnings, gaps, blocks, packages) on "
              f"{len(ex['mismatches']) - status_mm}")
        for i, diffs in ex["mismatches"][:5]:
            print(f"    State {i}: {'; '.join(d[:300] for d in diffs[:6])}")
        print(f"  experta vs CLIPS, explained: {ex['explained']} States differ only in gap/blocks/package-open "
              "facts that CLIPS derived from contradictory findings (below); experta's gaps are exactly the "
              "not_met/partial criteria")
    n_contra = sum(1 for c in contra if c)
    example = next((c for c in contra if c), {})
    print(f"  CLIPS derived contradictory finding facts (one criterion, two statuses) on {n_contra} of "
          f"{len(states)} States{f', e.g. {dict(list(example.items())[:3])}' if n_contra else ''} (must be 0: "
          "a criterion has one outcome)")
    print(f"  reference evaluator vs CLIPS (statuses, binding, elements, concepts, warnings): {plain['mismatches']} of "
          f"{len(states)} States differ")
    print(f"  Session after {args.changes} changes vs a fresh run: {inc['mismatches'] + inc_full['mismatches']} of "
          f"{args.sessions + max(1, args.sessions // 2)} Sessions differ")
    print(f"  batch (2 processes) vs single-process CLIPS: {batch_mismatch} differences")

    if args.profile:
        profile(kb, answers_list[0], draft)

    mismatches = (len(ex["mismatches"]) if ex else 0) + plain["mismatches"] + inc["mismatches"] + \
        inc_full["mismatches"] + batch_mismatch
    result = {
        "assess_ms": round(assess_ms, 3),
        "incremental_ms": round(incremental_ms, 3),
        "batch200_s" if len(states) == 200 else f"batch{len(states)}_s": round(batch_s, 3),
        "experta_ms": round(experta_ms, 3) if experta_ms is not None else None,
        "plain_ms": round(plain_ms, 3),
        "assess_cpu_ms": round(side_ms["assess"], 3),
        "clips_cpu_ms": round(side_ms["clips"], 3),
        "plain_cpu_ms": round(side_ms["plain"], 3),
        "assess_x_plain": round(side_ms["assess"] / side_ms["plain"], 2),
        "clips_x_plain": round(side_ms["clips"] / side_ms["plain"], 2),
        "assess_wall_x_plain": round(statistics.median(side["wall"]["assess"]) /
                                     statistics.median(side["wall"]["plain"]), 2),
        "incremental_cpu_ms": round(median_ms(inc["cpu"]), 3),
        "speedup_vs_experta": round(speedup, 1) if speedup is not None else None,
        "speedup_definition": "experta_ms / clips_infer_ms, both on the States experta ran",
        "experta_states": n_ex if ex else 0,
        "clips_infer_ms": round(clips_infer_ms, 3),
        "clips_reuse_ms": round(reuse_ms, 3),
        "incremental_assess_ms": round(median_ms(inc_full["total"]), 3),
        "batch_sequential_s": round(seq_s, 3),
        "states": len(states),
        "criteria": n_criteria,
        "elements": n_elements,
        "rules": n_rules,
        "questions": len(kb.questionnaire.questions),
        "draft_pack": draft,
        "pack_hash": kb.content_hash,
        "mismatches": mismatches,
        "clips_contradictory_states": n_contra,
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
