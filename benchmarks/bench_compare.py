#!/usr/bin/env python3
"""Benchmark of `lexgap compare` (issue 5): 193 generated States, as an analyst would run it.

    python3 benchmarks/bench_compare.py            # 3 runs of each measurement (about a minute on 2 cores)
    python3 benchmarks/bench_compare.py --runs 1 --states 50

Measures, as the wall-clock time of a fresh `lexgap compare` process (interpreter start, imports, loading
and compiling the rule pack, assessing every answers file across --jobs processes, comparing, writing):
  compare193_s      lexgap compare DIR --csv regional.csv                  (engine and CSV only)
  compare193_pdf_s  lexgap compare DIR --csv regional.csv -o regional.pdf  (the same, plus the regional PDF)
  states_per_s      States / compare193_s
and, inside one process, where the time goes (pack loading, the batch, the comparison, each writer).
The last line of the output is one JSON object. Target: compare193_s <= 3 on 2 cores.

States are drawn with a fixed seed as in benchmarks/bench_engine.py: each State answers a random share
(50-100 %) of the questions, values drawn per question type, "unknown" included; each is written as an
answers file with lexgap's own writer, so the benchmark also reads and validates 193 YAML files.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_S = 3.0
RUNNER = ("import sys; from lexgap.cli import cli; "
          "cli.main(['compare'] + sys.argv[1:], prog_name='lexgap')")


def make_region(folder: Path, n: int, seed: int) -> list[Path]:
    from bench_engine import HEADER, make_states

    from lexgap.engine.knowledge import load_knowledge
    from lexgap.engine.models import AnswersFile
    from lexgap.answers_yaml import answers_to_yaml

    kb = load_knowledge()
    paths = []
    for i, values in enumerate(make_states(kb, n, seed)):
        data = copy.deepcopy(HEADER)
        data["state"] = {"name": f"Benchland {i + 1:03d}", "code": f"X{chr(65 + i % 26)}{chr(65 + i // 26)}",
                         "fictional": True, "region": "Benchmark region"}
        data["assessment"]["pack"] = kb.pack.id
        data["assessment"]["pack_version"] = kb.pack.version
        data["answers"] = {q: {"value": v} for q, v in values.items()}
        path = folder / f"state-{i + 1:03d}.yaml"
        path.write_text(answers_to_yaml(AnswersFile.model_validate(data), kb), encoding="utf-8")
        paths.append(path)
    return paths


def timed_process(args: list[str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"lexgap compare failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def phases(folder: Path, out: Path, jobs: int) -> dict[str, float]:
    """The same work in this process, phase by phase (the pack loaded and compiled from scratch)."""
    from lexgap import compare as cmp
    from lexgap.engine import clips_runtime, knowledge

    knowledge._load_cached.cache_clear()
    clips_runtime._IMAGES.clear()
    result: dict[str, float] = {}
    t = time.perf_counter()
    knowledge.load_knowledge()
    result["load_pack_s"] = time.perf_counter() - t
    files, _ = cmp.collect_files([folder])
    t = time.perf_counter()
    states, left_out = cmp.assess_files(files, None, jobs)
    result["assess_batch_s"] = time.perf_counter() - t
    t = time.perf_counter()
    comparison = cmp.compare(states, left_out=left_out)
    result["compare_s"] = time.perf_counter() - t
    t = time.perf_counter()
    (out / "phases.csv").write_text(cmp.to_csv(comparison), encoding="utf-8")
    result["csv_s"] = time.perf_counter() - t
    t = time.perf_counter()
    (out / "phases.xlsx").write_bytes(cmp.to_xlsx(comparison))
    result["xlsx_s"] = time.perf_counter() - t
    t = time.perf_counter()
    html = cmp.render_html(comparison)
    result["html_s"] = time.perf_counter() - t
    t = time.perf_counter()
    pdf = cmp.render_pdf(comparison)
    result["pdf_s"] = time.perf_counter() - t
    (out / "phases.pdf").write_bytes(pdf)
    result["html_kb"] = len(html) / 1024
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=193)
    parser.add_argument("--seed", type=int, default=74174)
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement; the median is reported")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the generated States and outputs in this folder")
    args = parser.parse_args()

    from lexgap.engine.knowledge import load_knowledge
    from lexgap.errors import PackError

    try:
        kb = load_knowledge()
    except PackError as exc:
        print(f"the bundled pack does not load ({str(exc).splitlines()[0][:200]}); this benchmark needs the "
              "complete pack", file=sys.stderr)
        return 4
    work = args.keep or Path(tempfile.mkdtemp(prefix="lexgap-bench-compare-"))
    region, out = work / "region", work / "out"
    region.mkdir(parents=True, exist_ok=True)
    out.mkdir(exist_ok=True)
    t = time.perf_counter()
    make_region(region, args.states, args.seed)
    print(f"{args.states} States written to {region} in {time.perf_counter() - t:.1f} s "
          f"(pack {kb.pack.id} {kb.pack.version}: {len(kb.criteria)} criteria, {len(kb.questions)} questions)")

    csv_runs, pdf_runs = [], []
    for run in range(args.runs):
        csv_runs.append(timed_process([str(region), "--csv", str(out / "regional.csv"), "--jobs", str(args.jobs)]))
        pdf_runs.append(timed_process([str(region), "--csv", str(out / "regional.csv"), "-o",
                                       str(out / "regional.pdf"), "--jobs", str(args.jobs)]))
        print(f"run {run + 1}: compare {csv_runs[-1]:.2f} s, with PDF {pdf_runs[-1]:.2f} s")
    split = phases(region, out, args.jobs)
    print("in one process: " + ", ".join(f"{k} {v:.2f}" for k, v in split.items()))
    try:
        from pypdf import PdfReader

        pages = len(PdfReader(out / "regional.pdf").pages)
    except ImportError:
        pages = None
    compare_s = statistics.median(csv_runs)
    pdf_s = statistics.median(pdf_runs)
    print(f"compare{args.states}_s = {compare_s:.2f} (target <= {TARGET_S:g}: "
          f"{'met' if compare_s <= TARGET_S else 'missed'}); with the PDF ({pages} pages) {pdf_s:.2f} s")
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    result = {"compare193_s": round(compare_s, 3), "compare193_pdf_s": round(pdf_s, 3),
              "states_per_s": round(args.states / compare_s, 1), "states": args.states, "jobs": args.jobs,
              "cpus": os.cpu_count(), "runs": args.runs, "pdf_pages": pages,
              "criteria": len(kb.criteria), "questions": len(kb.questions),
              **{k: round(v, 3) for k, v in split.items()}}
    print(json.dumps(result, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
