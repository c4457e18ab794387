"""Assessing a batch of answers files for a comparison, across worker processes for larger batches."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from ..api import load_input
from ..errors import LexgapError, PackError, Problem
from .model import LeftOut, StateResult, state_result

INPUT_SUFFIXES = (".yaml", ".yml", ".json")
PARALLEL_FROM = 8  # fewer files than this are assessed in this process: starting workers would cost more


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


def assess_files(files: Sequence[str | Path], pack: str | Path | None = None, jobs: int = 2,
                 on_done: Callable[[int], None] | None = None) -> tuple[list[StateResult], list[LeftOut]]:
    """Assess every file (across `jobs` processes for larger batches), in the order given.

    A file that fails to load is left out with its problems; a rule-pack problem stops everything
    (PackError), since no file could then be assessed.
    """
    from ..engine.knowledge import load_knowledge

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


def default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))
