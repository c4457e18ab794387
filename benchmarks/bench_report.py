"""Benchmark: the brief, the full report and the report with every annex, end to end against WeasyPrint
rendering the same final HTML alone.

    python3 benchmarks/bench_report.py [--runs N]

End to end is the library call behind `lexgap report`: `lexgap.assess(answers)` then `write_report(...)` for the
flagship example (arcadia.yaml; until one can be assessed, the hand-built fixture Assessment of the tests). The
bare render is `weasyprint.HTML(string=html).write_pdf()` of the very HTML the report produced, with the same
PDF variant and base URL (for the fonts), the default fetcher and no attachment. For each document one warm-up
of each side comes first (imports, font caches); then the two sides alternate run by run, so that a busy
machine slows both alike, and their medians are compared. For each document it prints the pages, pages per
second and the overhead ratio (target <= 1.15); the last line is one JSON object with all of them.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lexgap  # noqa: E402
from lexgap.errors import LexgapError  # noqa: E402
from lexgap.report import ANNEXES, render_html, write_report  # noqa: E402

EXAMPLES = ROOT / "lexgap" / "questionnaires" / "examples"


def pick_input(folder: Path) -> tuple[str, Path, Callable[[], object]]:
    """(label, answers file, a function giving the Assessment): the flagship example, arcadia.yaml, or else
    the first example the engine assesses."""
    for path in sorted(EXAMPLES.glob("*.yaml"), key=lambda p: (p.name != "arcadia.yaml", p.name)):
        try:
            lexgap.assess(path)
        except LexgapError:
            continue
        return path.name, path, lambda path=path: lexgap.assess(path)
    from tests.report_fixtures import make_assessment

    answers = folder / "fixture-answers.json"
    answers.write_text(make_assessment().model_dump_json(include={"state", "assessment", "answers"}, indent=2))
    return "test fixture (no bundled example can be assessed yet)", answers, make_assessment


def interleaved(first: Callable[[], object], second: Callable[[], object], runs: int) -> tuple[float, float]:
    """Medians of `first` and `second`, timed alternately after one warm-up of each."""
    first(), second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for action, bucket in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            action()
            bucket.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


DOCUMENTS = {"brief": {"brief": True}, "full": {}, "all_annexes": {"annexes": ANNEXES}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each side (after one warm-up)")
    runs = parser.parse_args().runs

    import weasyprint

    from lexgap.render.fetcher import ASSETS
    from lexgap.render.pdf import PDF_VARIANT

    results: dict[str, dict[str, float | int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        label, answers, make = pick_input(folder)
        base_url = ASSETS.as_uri() + "/"
        print(f"input: {label}; {runs} interleaved runs of each side")
        for name, options in DOCUMENTS.items():
            out = folder / f"{name}.pdf"
            html = render_html(make(), **options)
            report_s, bare_s = interleaved(
                lambda out=out, options=options: write_report(make(), out, answers_path=answers, **options),
                lambda html=html: weasyprint.HTML(string=html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT),
                runs)
            pages = len(weasyprint.HTML(string=html, base_url=base_url).render().pages)
            ratio = report_s / bare_s
            results[name] = {"pages": pages, "report_s": round(report_s, 3), "bare_render_s": round(bare_s, 3),
                             "pages_per_s": round(pages / report_s, 2), "overhead_ratio": round(ratio, 3)}
            print(f"{name}: {pages} pages; lexgap {report_s:.3f} s, WeasyPrint alone {bare_s:.3f} s; "
                  f"{pages / report_s:.2f} pages/s; overhead ratio {ratio:.3f} (target <= 1.15)")
    print(json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    main()
