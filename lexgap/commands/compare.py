"""`lexgap compare`: many States side by side."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import MissingFileError, Problem
from ..files import write_atomic
from ..terminal import echo
from .base import EXIT_LEFT_OUT, check_outputs, progress
from .options import FORCE, PACK


@click.command("compare")
@click.argument("inputs", nargs=-1, required=True, metavar="FILES_OR_FOLDERS...",
                type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="The regional report: .pdf, .html, .md or .json.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html", "md", "json"]),
              help="Format of the report (default: from the file extension).")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write one row per State (scores, coverage, every criterion) as CSV.")
@click.option("--xlsx", "xlsx_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the comparison as an Excel workbook (one sheet per table).")
@click.option("--allow-mixed-versions", is_flag=True,
              help="Compare States assessed under different pack versions; criteria are then marked not comparable "
                   "and no ranking is made.")
@click.option("--rank", is_flag=True, help="Rank the States by confirmed legal score (off by default).")
@click.option("--common-share", type=click.FloatRange(0.01, 1.0), default=2 / 3, show_default="two thirds",
              help="Share of the States deciding a criterion in which it must be a gap to count as a common gap.")
@click.option("--jobs", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Processes that assess the files in parallel.")
@FORCE
@PACK
def compare_cmd(inputs: tuple[Path, ...], out: Path | None, fmt: str | None, csv_out: Path | None,
                xlsx_out: Path | None, allow_mixed_versions: bool, rank: bool, common_share: float, jobs: int,
                force: bool, pack: str | None) -> None:
    """Compare the States of a region: heat map of paragraph scores and coverage, States x criteria, regional
    averages, common gaps, shared technical-assistance priorities, ICMEC verdicts, one line per State.

    FILES_OR_FOLDERS are answers files (.yaml, assessed now) or saved assessments (.json from
    'lexgap assess --format json'), or folders holding them. A file that cannot be assessed is named with
    its problem and left out; the others are compared, and the exit code is then 6. Without -o, --csv or
    --xlsx, a summary table is printed.

    \b
    Example:
      lexgap compare region/ -o regional.pdf --csv regional.csv --xlsx regional.xlsx
    """
    from .. import compare as cmp

    if fmt is not None and out is None:
        raise click.UsageError("--format needs -o FILE: the report is written to a file")
    fmt = cmp.report_format(out, fmt) if out is not None else None
    files, missing = cmp.collect_files(inputs)
    if not files:
        raise MissingFileError(missing or Problem("compare", "no answers files given"))
    check_outputs([(out, "report"), (csv_out, "CSV file"), (xlsx_out, "workbook")], files, force)
    with progress(len(files), "Assessing") as bar:
        results, left_out = cmp.assess_files(files, pack, jobs, on_done=bar.update)
    left_out = [cmp.LeftOut(file=p.file, problems=[str(p)]) for p in missing] + left_out
    comparison = cmp.compare(results, allow_mixed_versions=allow_mixed_versions, left_out=left_out, rank=rank,
                             common_share=common_share)
    csv_text = cmp.to_csv(comparison)
    written = []
    if csv_out is not None:
        write_atomic(csv_out, csv_text, "CSV file")
        written.append(str(csv_out))
    if xlsx_out is not None:
        write_atomic(xlsx_out, cmp.to_xlsx(comparison), "workbook")
        written.append(str(xlsx_out))
    if out is not None and fmt is not None:
        write_atomic(out, cmp.render(comparison, fmt, csv_text), "report")
        written.append(str(out))
    n = len(comparison.states)
    if written:
        ranked = f", {len(comparison.ranking)} ranked" if rank else ""
        echo(f"wrote {', '.join(written)}: {n} State{'s' if n != 1 else ''} compared{ranked}")
    else:
        _print_summary(comparison)
    if comparison.left_out:
        for lo in comparison.left_out:
            for problem in lo.problems:
                echo(f"error: {problem}", err=True)
        echo(f"left out {len(comparison.left_out)} file(s); the comparison covers the other {n}. Correct "
             "them (lexgap validate FILE lists every problem) and compare again.", err=True)
        sys.exit(EXIT_LEFT_OUT)


def _print_summary(c) -> None:
    from ..formatting import pct
    from ..engine.assessment import LEVEL_LABELS

    echo(f"{c.title} — {c.pack_id} {', '.join(c.pack_versions)}; {len(c.states)} States"
         + (f", {len(c.ranking)} ranked" if c.ranking else ""))
    rows = [[str(s.rank) if s.rank else "–", s.name, LEVEL_LABELS[s.legal_level], pct(s.legal_confirmed_score),
             pct(s.legal_score), pct(s.legal_coverage), str(s.binding_gaps),
             {True: "yes", False: "no", None: "unknown"}[s.icmec_sufficient]]
            for s in sorted(c.states, key=lambda s: (s.rank is None, s.rank or 0))]
    headers = ["RANK", "STATE", "LEVEL", "CONFIRMED", "SCORE", "COVERAGE", "BINDING GAPS", "ICMEC"]
    widths = [max(len(r[i]) for r in rows + [headers]) for i in range(len(headers))]
    for row in [headers] + rows:
        echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    if c.common_gaps:
        echo(f"\nCommon gaps (in at least {round(c.common_share * 100)}% of the States deciding them): "
             + ", ".join(g.criterion for g in c.common_gaps))
    if c.priorities:
        echo("Regional priorities: " + "; ".join(f"{p.title} ({p.count} States)" for p in c.priorities[:5]))
