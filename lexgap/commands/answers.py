"""The commands on one State's answers: validate, schema, assess, explain and report."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from ..terminal import echo
from .base import check_outputs, table
from .options import FORCE, PACK


@click.command("validate")
@click.argument("answers", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@PACK
def validate_cmd(answers: tuple[Path, ...], pack: str | None) -> None:
    """Check one or more answers files against the questionnaire; every problem is listed."""
    from ..engine.answers import load_answers
    from ..engine.knowledge import load_knowledge
    from ..errors import LexgapError as Error

    kb = load_knowledge(pack)
    worst = 0
    for path in answers:
        try:
            loaded = load_answers(path, kb)
        except Error as exc:
            for problem in exc.problems:
                echo(f"error: {problem}", err=True)
            worst = max(worst, exc.exit_code)
            continue
        data = loaded.data
        marker = " (fictional)" if data.state.fictional else ""
        echo(f"{path}: valid — {data.state.name}{marker}, {len(data.answers)} answers, "
                   f"{data.assessment.status}, {data.assessment.date}")
        for line in consistency_warnings(kb, loaded):
            echo(f"  {line}")
    sys.exit(worst)


def consistency_warnings(kb, loaded) -> list[str]:  # noqa: ANN001 - KnowledgeBase, Answers (lazy imports)
    """The pack's consistency warnings the answers raise (contradictions first), as plain lines; the same
    rules `assess` applies, evaluated without the CLIPS engine so validation stays quick."""
    from ..engine.build import visible_values
    from ..engine.reference import evaluate

    values, _ = visible_values(kb, loaded)
    rules = {r.id: r for r in kb.consistency}
    raised = sorted(evaluate(kb, values).warnings, key=lambda w: (rules[w].kind != "contradiction", w))
    lines = [f"warning {w} ({rules[w].kind}): {rules[w].message} {rules[w].advice}" for w in raised]
    if loaded.migration is not None:
        lines.insert(0, f"note: written for pack {loaded.migration.from_version} and carried over in memory; run "
                        f"'lexgap migrate {Path(loaded.file).name} -o NEW.yaml' to save it for pack "
                        f"{loaded.migration.to_version}")
    return lines


@click.command("schema")
@click.argument("name", type=click.Choice(["pack", "paragraph", "concepts", "consistency", "packages", "modalities",
                                           "questionnaire", "answers", "golden", "assessment", "migration",
                                           "bill"]))
def schema_cmd(name: str) -> None:
    """Print the JSON Schema of a kind of file."""
    from ..engine.schemas import dumps, generate

    echo(dumps(generate(name)), nl=False)


# --- assessment ------------------------------------------------------------------------------------------

STATUS_MARK = {"met": "met", "partial": "partial", "not_met": "NOT MET", "unknown": "unknown",
               "not_applicable": "n/a"}


@click.command("assess")
@click.argument("answers", type=click.Path(dir_okay=False, path_type=Path))
@PACK
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table",
              show_default=True, help="table for reading, json for machines (byte-stable), markdown for documents.")
@click.option("--what-if", "bill", type=click.Path(dir_okay=False, path_type=Path),
              help="A draft bill file: assess the answers as they would be with the bill, and show what it "
                   "closes, leaves open and would newly break (the answers file is not changed).")
def assess_cmd(answers: Path, pack: str | None, fmt: str, bill: Path | None) -> None:
    """Assess a State's answers: findings, paragraph scores, recommendations and warnings."""
    from .. import api

    effect = None
    if bill is not None:
        from ..whatif import what_if

        _, assessment, effect = what_if(answers, bill, pack)
    else:
        assessment = api.assess(answers, pack)
    if fmt == "json":
        if effect is None:
            echo(assessment.to_json(), nl=False)
        else:
            import json

            data = {"bill_effect": effect.model_dump(mode="json"), "assessment": assessment.model_dump(mode="json")}
            echo(json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False))
        return
    if fmt == "markdown":
        from ..report import render_markdown

        echo(render_markdown(assessment), nl=False)
        return
    from ..engine.assessment import LEVEL_LABELS
    from ..formatting import pct as _pct

    s = assessment.summary
    state = assessment.state.name + (" (fictional)" if assessment.state.fictional else "")
    echo(f"{state} — {assessment.pack.resolution}, pack {assessment.pack.version}, "
         f"{assessment.assessment.status} of {assessment.assessment.date}")
    echo(f"Legal-gap score {_pct(s.legal_score)} at {_pct(s.legal_coverage)} coverage: "
         f"{LEVEL_LABELS[s.legal_level]}. Engagement: {LEVEL_LABELS[s.engagement_level]}.\n")
    table([[f"OP{p.number}", _pct(p.score), _pct(p.coverage), LEVEL_LABELS[p.level], p.title]
           for p in assessment.paragraphs], ["PARA", "SCORE", "COVERAGE", "LEVEL", "TITLE"])
    echo("")
    table([[f.criterion, STATUS_MARK[f.status], f.binding, f.title] for f in assessment.findings],
          ["CRITERION", "OUTCOME", "BINDING", "TITLE"])
    if assessment.recommendations:
        echo("\nRecommendations, in the order to carry them out:")
        for r in assessment.recommendations:
            echo(f"  {r.rank:>2}. [{r.priority}] {r.title} ({r.modality_label}; {', '.join(r.criteria)})")
    if assessment.warnings:
        echo("\nWarnings:")
        for w in assessment.warnings:
            echo(f"  {w.id}: {w.message} {w.advice}")
    if effect is not None:
        print_bill_effect(effect)


def print_bill_effect(effect) -> None:  # noqa: ANN001 - a whatif.BillEffect, imported lazily
    """The effect of a draft bill, element by element, for a person to read."""
    from ..engine.assessment import STATUS_LABELS
    from ..formatting import pct as _pct

    b = effect.bill
    echo(f"\nWith the bill: {b.title} ({b.status.replace('_', ' ')}, {b.date}). The answers above include it; "
               "the answers file is unchanged.")
    echo(f"Binding gaps {effect.binding_gaps_before} → {effect.binding_gaps_after}; legal-gap score "
               f"{_pct(effect.legal_score_before)} → {_pct(effect.legal_score_after)}.")
    for label, changes in (("It would close", effect.closes), ("It would improve", effect.improves),
                           ("It would newly break", effect.breaks), ("It leaves open", effect.leaves_open)):
        if not changes:
            continue
        echo(f"{label} ({len(changes)}):")
        for c in changes:
            echo(f"  {c.criterion} {c.requirement} [{STATUS_LABELS[c.before]} → {STATUS_LABELS[c.after]}]")
            echo(f"      {c.obligation}")
    if effect.binding_met:
        echo("Binding obligations it would meet:")
        for line in effect.binding_met:
            echo(f"  {line}")


def criterion_spelling(text: str) -> str:
    """P01.05 however typed: 'p01.05', 'P1.5' and ' P01.05 ' all name P01.05; anything else is left as it is."""
    match = re.fullmatch(r"\s*[Pp](\d{1,2})\.(\d{1,2})\s*", text)
    return f"P{int(match[1]):02d}.{int(match[2]):02d}" if match else text


@click.command("explain")
@click.argument("answers", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("criterion")
@PACK
def explain_cmd(answers: Path, criterion: str, pack: str | None) -> None:
    """Explain why a criterion has its outcome: the rule, the answers and citations, the concepts."""
    from .. import api
    from ..engine.assessment import STATUS_LABELS
    from ..engine.validation import near

    assessment = api.assess(answers, pack)
    ids = [f.criterion for f in assessment.findings]
    criterion = criterion_spelling(criterion)
    if criterion not in ids:
        raise click.BadParameter(f"no criterion '{criterion}'. {near(criterion, ids)}".strip(),
                                 param_hint="CRITERION")
    f = assessment.finding(criterion)
    e = f.explanation
    echo(f"{f.criterion} {f.title}")
    echo(f"Outcome: {STATUS_LABELS[f.status]} ({f.binding}"
               + (f" under {', '.join(f.binding_instruments)}" if f.binding_instruments else "") + ")")
    echo(f"\n{e.sentence}\n")
    if f.elements:
        echo("Elements:")
        for el in f.elements:
            line = f"  [{STATUS_LABELS[el.status]}] {el.statement or el.requirement}"
            if el.citations:
                line += f" ({'; '.join(el.citations)})"
            echo(line)
            echo(f"      {el.obligation}")
            for q in el.settle:
                echo(f"      to decide it, answer Q{q.number} {q.text}")
    echo(f"Decided by rule: {e.rule}")
    if e.answers:
        echo("Answers it rests on:")
        for a in e.answers:
            cited = f" — {a.citation}" if a.citation else " — no provision cited"
            echo(f"  Q{a.number} {a.display}{cited}")
    if e.concepts:
        echo("Intermediate conclusions:")
        for c in e.concepts:
            echo(f"  {c.id}: {c.statement or 'undecided'}")
    if e.inputs:
        echo(f"Derived from: {', '.join(e.inputs)}")
    if e.settle:
        echo("Questions that would settle it:")
        for q in e.settle:
            echo(f"  Q{q.number} {q.text}")
    echo("Instrument articles: " + "; ".join(a.label for a in f.basis))


@click.command("report")
@click.argument("answers", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Report file: .pdf, .docx, .html, .md or .json.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx", "html", "md", "json"]),
              help="Output format (default: from the file extension).")
@click.option("--brief", is_flag=True, help="Write the brief (at most four pages) instead of the full report.")
@click.option("--annex", "annexes", multiple=True, metavar="NAME",
              type=click.Choice(["answers", "method", "instruments", "glossary", "all", "none"]),
              help="Annexes of the full report, repeatable: answers, method, instruments, glossary, all or none "
                   "(default: method and glossary).")
@FORCE
@PACK
def report_cmd(answers: Path, out: Path, fmt: str | None, brief: bool, annexes: tuple[str, ...], force: bool,
               pack: str | None) -> None:
    """Write the gap report, or its brief, for a State's answers file (PDF, Word, HTML, Markdown or JSON).

    \b
    Examples:
      lexgap report arcadia.yaml -o arcadia.pdf --annex answers --annex method
      lexgap report arcadia.yaml --brief -o brief.docx
    """
    from .. import api
    from ..report import ANNEXES, DEFAULT_ANNEXES, report_format, write_report

    if brief and annexes:
        raise click.UsageError("--annex applies to the full report; the brief has no annexes")
    chosen = (ANNEXES if "all" in annexes else () if "none" in annexes else annexes) if annexes else DEFAULT_ANNEXES
    report_format(str(out), fmt)  # refuse an unknown format before assessing
    check_outputs([(out, "report")], [answers], force)
    written = write_report(api.assess(answers, pack), str(out), fmt, answers_path=str(answers), annexes=chosen,
                           brief=brief)
    echo(f"wrote {written}")
