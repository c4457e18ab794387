#!/usr/bin/env python3
"""Command-line start-up benchmark of lexgap (issue 15): wall and CPU time of whole processes.

    python3 benchmarks/bench_cli.py                        # 7 rounds
    python3 benchmarks/bench_cli.py --baseline /path/tree  # also the same commands on another lexgap tree

Each round runs, one after the other (interleaved, so that load on a shared machine hits all alike):
  python -c pass                       the floor: starting Python itself
  lexgap --help                        click and the command registry
  lexgap assess EXAMPLE                one assessment, printed as text
  lexgap rules list                    the bundled pack's criteria
and, with --baseline, the last three again on the other tree. Every command runs as `python -m lexgap`
with PYTHONPATH set to the tree, with its bytecode cached (a PYTHONPYCACHEPREFIX in a temporary folder,
warmed first, as an installed lexgap has) and with a private LEXGAP_CACHE_DIR warmed by one run.
The figures that count are the ratios to `python -c pass` measured in the same run. CPU time is the
child's user + system time (os.wait4), steadier than wall time on a busy machine.
Its last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "lexgap/questionnaires/examples/arcadia.yaml"
TARGETS = {"assess_wall_ms": 250.0, "rules_list_wall_ms": 200.0, "assess_x_python": 14.0, "rules_list_x_python": 11.0}


def run(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one process; it must succeed."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):  # assess exits 1 when there are gaps; anything else is a failure
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {err[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--baseline", type=Path, help="another lexgap tree to time in the same rounds")
    ap.add_argument("--example", default=EXAMPLE, help=f"answers file for assess (default {EXAMPLE})")
    args = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="lexgap-bench-cli-") as tmp:
        base_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
        trees = {"": ROOT} | ({"baseline_": args.baseline.resolve()} if args.baseline else {})
        envs = {}
        for prefix, tree in trees.items():
            envs[prefix] = dict(base_env, PYTHONPATH=str(tree), PYTHONPYCACHEPREFIX=str(Path(tmp) / f"pyc{prefix}"),
                                LEXGAP_CACHE_DIR=str(Path(tmp) / f"cache{prefix}"))
        example = str((ROOT / args.example).resolve())
        commands = {"python": ([py, "-c", "pass"], envs[""], ROOT)}
        for prefix, tree in trees.items():
            commands[f"{prefix}help"] = ([py, "-m", "lexgap", "--help"], envs[prefix], tree)
            commands[f"{prefix}assess"] = ([py, "-m", "lexgap", "assess", example], envs[prefix], tree)
            commands[f"{prefix}rules_list"] = ([py, "-m", "lexgap", "rules", "list"], envs[prefix], tree)
        cold = {name: run(*cmd) for name, cmd in commands.items()}  # writes bytecode and the caches
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.rounds):
            for name, cmd in commands.items():
                wall, cpu = run(*cmd)
                walls[name].append(wall)
                cpus[name].append(cpu)
    result: dict[str, object] = {}
    print(f"{'command':<22} {'wall ms':>9} {'cpu ms':>9} {'x python':>9}   (first run, cold caches: wall ms)")
    floor_wall = statistics.median(walls["python"])
    floor_cpu = statistics.median(cpus["python"])
    for name in commands:
        wall, cpu = statistics.median(walls[name]) * 1000, statistics.median(cpus[name]) * 1000
        result[f"{name}_wall_ms"] = round(wall, 1)
        result[f"{name}_cpu_ms"] = round(cpu, 1)
        if name != "python":
            result[f"{name}_x_python"] = round(wall / (floor_wall * 1000), 2)
            result[f"{name}_cpu_x_python"] = round(cpu / (floor_cpu * 1000), 2)
        print(f"{name:<22} {wall:9.1f} {cpu:9.1f} {wall / (floor_wall * 1000):9.2f}   ({cold[name][0] * 1000:.0f})")
    for key, target in TARGETS.items():
        if key in result:
            print(f"  {key} = {result[key]} (target <= {target:g}: {'OK' if result[key] <= target else 'MISSED'})")
    result["rounds"] = args.rounds
    result["cpus"] = os.cpu_count()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
