#!/usr/bin/env python3
"""The Assessment JSON of every bundled example, to check that a change leaves results byte-identical.

    python3 benchmarks/example_json.py --write DIR    # before a change: one FILE.json per example
    python3 benchmarks/example_json.py --check DIR    # after: exit 1 and name each example that differs

Each example is assessed twice in one process (a fresh pack load and a reused CLIPS environment), and
both must give the same bytes.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lexgap.api import assess  # noqa: E402
from lexgap.engine.knowledge import QUESTIONNAIRES_DIR  # noqa: E402

EXAMPLES = QUESTIONNAIRES_DIR / "examples"


def example_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml")) + sorted((EXAMPLES / "region").glob("*.yaml"))


def outputs() -> dict[str, str]:
    out = {}
    for path in example_files():
        first, second = assess(path).to_json(), assess(path).to_json()
        if first != second:
            raise SystemExit(f"{path.name}: two runs in one process differ")
        out[str(path.relative_to(EXAMPLES)).replace("/", "__")] = first
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path)
    group.add_argument("--check", type=Path)
    args = ap.parse_args()
    results = outputs()
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        for name, text in results.items():
            (args.write / f"{name}.json").write_text(text, encoding="utf-8")
        print(f"wrote {len(results)} assessments to {args.write}")
        return 0
    differ = [n for n, t in results.items() if (args.check / f"{n}.json").read_text(encoding="utf-8") != t]
    missing = sorted({p.stem for p in args.check.glob("*.json")} - set(results))
    for name in differ + missing:
        print(f"DIFFERS: {name}")
    print(f"{len(results) - len(differ)} of {len(results)} examples byte-identical")
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main())
