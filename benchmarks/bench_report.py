"""Benchmark: producing a PDF report end to end against WeasyPrint rendering the same final HTML alone.

    python3 benchmarks/bench_report.py [--runs N]

End to end is the library call behind `lexgap report`: `lexgap.assess(answers)` then `write_report(...)` for the
first bundled example the engine can assess (until one exists: the hand-built fixture Assessment of the
tests, rendered from the answers step on). The bare render is `weasyprint.HTML(string=html).write_pdf()` of
the very HTML the report produced, with the same PDF variant and the same base URL (for the fonts), the default
fetcher and no attachment. One warm-up of each comes first (imports, font caches); the medians of the next
runs are compared. The last line printed is one JSON object: report_s, bare_render_s, overhead_ratio, pages.
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
from lexgap.report import render_html, write_report  # noqa: E402

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


def median_time(action: Callable[[], object], runs: int) -> float:
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (after one warm-up)")
    runs = parser.parse_args().runs

    import weasyprint

    from lexgap.render.fetcher import ASSETS
    from lexgap.render.pdf import PDF_VARIANT

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        label, answers, make = pick_input(folder)
        out = folder / "report.pdf"
        html = render_html(make())
        base_url = ASSETS.as_uri() + "/"

        report_s = median_time(lambda: write_report(make(), out, answers_path=answers), runs)
        bare_s = median_time(
            lambda: weasyprint.HTML(string=html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT), runs)
        pages = len(weasyprint.HTML(string=html, base_url=base_url).render().pages)

    ratio = report_s / bare_s
    print(f"input: {label}")
    print(f"lexgap report, end to end: {report_s:.3f} s (median of {runs})")
    print(f"WeasyPrint on the same HTML: {bare_s:.3f} s (median of {runs})")
    print(f"overhead ratio: {ratio:.3f} (target <= 1.15); {pages} pages")
    print(json.dumps({"report_s": round(report_s, 3), "bare_render_s": round(bare_s, 3),
                      "overhead_ratio": round(ratio, 3), "pages": pages}))


if __name__ == "__main__":
    main()
