"""The lexgap command line: a thin layer over the library. Heavy imports happen inside commands."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .commands.migrate import migrate_cmd
from .commands import compare_cmd, diff_cmd, interview_cmd, questionnaire_export, questionnaire_import
from .commands._common import friendly
from .web.command import serve

FORMAT_TABLE_JSON = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                                 show_default=True, help="Output format; json is stable and sorted.")
PACK = click.option("--pack", metavar="PACK", help="Rule pack folder or bundled id (default: res-74-174).")
QUESTIONNAIRE = click.option("--questionnaire", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                             help="Questionnaire file to check the pack with (default: the pack folder's "
                                  "questionnaire.yaml, else the installed one its pack.yaml names).")
DRAFT = click.option("--draft", is_flag=True,
                     help="Skip completeness checks (all paragraphs present, every question used) while writing a pack.")


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))


def table(rows: list[list[str]], headers: list[str]) -> None:
    """A plain fixed-width table; the last column is left unpadded."""
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers) - 1)]
    for row in [headers] + rows:
        cells = [str(c).ljust(w) for c, w in zip(row, widths)] + [str(row[-1])]
        click.echo("  ".join(cells).rstrip())


@click.group()
@click.option("--debug", is_flag=True, help="Show full tracebacks (for reporting bugs).")
@click.version_option(package_name="lexgap")
def cli(debug: bool) -> None:
    """lexgap: legislative gap analysis against GA resolution 74/174 on child sexual exploitation and
    sexual abuse online.

    \b
    Start with:
      lexgap rules list                   the criteria of the bundled rule pack
      lexgap validate ANSWERS.yaml        check a State's answers file
      lexgap assess ANSWERS.yaml          findings, scores and recommendations
      lexgap explain ANSWERS.yaml P01.05  why a criterion is (not) met
      lexgap report ANSWERS.yaml -o report.pdf
    """


# --- rules -----------------------------------------------------------------------------------------

@cli.group()
def rules() -> None:
    """Inspect, check, compile and test the rule pack."""


def questionnaire_used(kb: Any, given: Path | None) -> str:
    """Which questionnaire file a pack was checked with, said plainly."""
    path = kb.questionnaire_path
    if given is not None:
        return f"questionnaire: {path} (given with --questionnaire)"
    if path.parent == kb.root:
        return f"questionnaire: {path} (the pack folder's own)"
    return (f"questionnaire: {path}, installed with lexgap and named in pack.yaml (the pack folder has no "
            "questionnaire.yaml; give another with --questionnaire)")


@rules.command("validate")
@click.argument("pack", required=False)
@QUESTIONNAIRE
@DRAFT
@friendly
def rules_validate(pack: str | None, questionnaire: Path | None, draft: bool) -> None:
    """Check a rule pack (default: the bundled pack) and its questionnaire.

    The questionnaire is the file given with --questionnaire, else the pack folder's questionnaire.yaml,
    else the installed one its pack.yaml names; the output says which was read."""
    from .engine.knowledge import load_knowledge

    kb = load_knowledge(pack, draft, questionnaire)
    click.echo(f"{kb.pack.id} {kb.pack.version}: valid — {len(kb.paragraphs)} paragraphs, {len(kb.criteria)} "
               f"criteria, {len(kb.concepts)} concepts, {len(kb.questions)} questions, "
               f"{len(kb.consistency)} consistency rules, {len(kb.packages)} reform packages.")
    click.echo(questionnaire_used(kb, questionnaire))


@rules.command("list")
@PACK
@click.option("--paragraph", type=int, help="Only the criteria of this operative paragraph.")
@FORMAT_TABLE_JSON
@friendly
def rules_list(pack: str | None, paragraph: int | None, fmt: str) -> None:
    """List the criteria, with their weight, kind and instrument articles."""
    from .engine.knowledge import load_knowledge

    kb = load_knowledge(pack)
    rows = []
    for para in kb.paragraphs:
        if paragraph is not None and para.paragraph != paragraph:
            continue
        for c in para.criteria:
            bases = [b for el in c.elements for b in el.basis]
            rows.append({
                "id": c.id, "paragraph": para.paragraph, "title": c.title, "kind": c.kind, "weight": c.weight,
                "binding_for": sorted({b.instrument for b in bases if b.binds}),
                "basis": list(dict.fromkeys(f"{b.instrument} {b.article}" for b in bases)),
                "elements": [{"id": f"{c.id}.{el.id}", "requirement": el.requirement,
                              "binding_for": sorted({b.instrument for b in el.basis if b.binds})}
                             for el in c.elements],
                "recommendation": {"modality": c.recommendation.modality, "priority": c.recommendation.priority,
                                   "text": c.recommendation.text},
            })
    if paragraph is not None and not rows:
        raise click.BadParameter(f"there is no paragraph {paragraph} in the pack", param_hint="--paragraph")
    if fmt == "json":
        echo_json(rows)
        return
    table([[r["id"], r["weight"], r["kind"], ", ".join(r["binding_for"]) or "-", r["title"]] for r in rows],
          ["ID", "WEIGHT", "KIND", "BINDING FOR", "TITLE"])
    click.echo(f"\n{len(rows)} criteria, {sum(len(r['elements']) for r in rows)} elements")


@rules.command("show")
@click.argument("item_id")
@PACK
@friendly
def rules_show(item_id: str, pack: str | None) -> None:
    """Show one criterion (P01.05), concept, consistency rule (W01) or reform package (PKG.CRIMINAL_LAW)
    in full."""
    import yaml

    from .engine.knowledge import load_knowledge

    kb = load_knowledge(pack)
    others = {r.id: r for r in list(kb.consistency) + list(kb.packages)}
    item = kb.criteria.get(item_id) or kb.concepts.get(item_id) or others.get(item_id)
    if item is None:
        from .engine.validation import near
        hint = near(item_id, list(kb.criteria) + list(kb.concepts) + list(others))
        raise click.BadParameter(f"no criterion, concept, rule or package '{item_id}'. {hint}".strip(),
                                 param_hint="ITEM_ID")
    click.echo(yaml.safe_dump(item.model_dump(exclude_none=True), sort_keys=False, allow_unicode=True, width=100))


@rules.command("compile")
@PACK
@click.option("--emit", type=click.Choice(["clips"]), default="clips", show_default=True,
              help="What to print: the generated CLIPS constructs.")
@friendly
def rules_compile(pack: str | None, emit: str) -> None:
    """Print the CLIPS rule base generated from the pack, for knowledge engineers to read."""
    from .engine.compile import compile_pack
    from .engine.knowledge import load_knowledge

    click.echo(compile_pack(load_knowledge(pack)), nl=False)


@rules.command("test")
@PACK
@click.option("--only", help="Run only the case files whose name starts with this, e.g. P01 (the coverage "
              "checks then do not run).")
@click.option("--evaluator", type=click.Choice(["both", "clips", "reference"]), default="both", show_default=True,
              help="Run the cases on the CLIPS engine, the plain-Python reference evaluator, or both.")
@click.option("--reference", is_flag=True, hidden=True, help="Same as --evaluator reference.")
@QUESTIONNAIRE
@DRAFT
@friendly
def rules_test(pack: str | None, only: str | None, evaluator: str, reference: bool, questionnaire: Path | None,
               draft: bool) -> None:
    """Run the pack's golden cases (answers in, expected outcomes out) on both evaluators, and check that
    they reach every outcome of every criterion and exercise every concept and consistency rule.

    This is the whole gate: CI runs the same checks."""
    from .engine import golden
    from .engine.knowledge import load_knowledge

    kb = load_knowledge(pack, draft, questionnaire)
    chosen = ("reference",) if reference else golden.EVALUATORS if evaluator == "both" else (evaluator,)
    report = golden.gate(kb, chosen, only)
    if not report.results:
        names = ", ".join(p.stem for p in golden.case_files(kb))
        raise click.BadParameter(f"no case file starts with '{only}'; the files are: {names}", param_hint="--only")
    for r in report.failed:
        click.echo(f"FAIL {r.file}: {r.case} ({r.evaluator})", err=True)
        for d in r.diffs:
            click.echo(f"    {d}", err=True)
    if report.unreached:
        click.echo("FAIL no golden case asserts these outcomes (add a case that reaches each):", err=True)
        for line in report.unreached:
            click.echo(f"    {line}", err=True)
    if report.unexercised:
        click.echo("FAIL no golden case asserts these (add 'concepts:' or 'warnings:' to a case):", err=True)
        for line in report.unexercised:
            click.echo(f"    {line}", err=True)
    click.echo(f"{len(report.results) - len(report.failed)} passed, {len(report.failed)} failed "
               f"(on {' and '.join(chosen)})")
    if report.coverage_checked:
        gaps = len(report.unreached) + len(report.unexercised)
        click.echo("coverage: every outcome, concept and consistency rule is exercised" if not gaps
                   else f"coverage: {gaps} gap(s), listed above")
    else:
        click.echo("coverage: not checked (--only runs part of the cases)")
    if not report.passed:
        sys.exit(1)


# --- questionnaire -----------------------------------------------------------------------------------

@cli.group()
def questionnaire() -> None:
    """The questions a State answers."""


@questionnaire.command("list")
@PACK
@click.option("--section", help="Only this section (e.g. offences).")
@FORMAT_TABLE_JSON
@friendly
def questionnaire_list(pack: str | None, section: str | None, fmt: str) -> None:
    """List the questions in printed order."""
    from .engine.knowledge import load_knowledge

    kb = load_knowledge(pack)
    questions = [q for q in kb.questionnaire.questions if section is None or q.section == section]
    if section is not None and not questions:
        sections = ", ".join(s.id for s in kb.questionnaire.sections)
        raise click.BadParameter(f"no section '{section}'; sections are: {sections}", param_hint="--section")
    if fmt == "json":
        echo_json([q.model_dump(exclude_none=True) for q in questions])
        return
    table([[q.number, q.id, q.type, q.text] for q in questions], ["NO.", "ID", "TYPE", "QUESTION"])
    click.echo(f"\n{len(questions)} questions")


# --- answers files ------------------------------------------------------------------------------------

@cli.command("validate")
@click.argument("answers", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@PACK
@friendly
def validate_cmd(answers: tuple[Path, ...], pack: str | None) -> None:
    """Check one or more answers files against the questionnaire; every problem is listed."""
    from .engine.answers import load_answers
    from .engine.knowledge import load_knowledge
    from .errors import LexgapError as Error

    kb = load_knowledge(pack)
    worst = 0
    for path in answers:
        try:
            loaded = load_answers(path, kb)
        except Error as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            worst = max(worst, exc.exit_code)
            continue
        data = loaded.data
        marker = " (fictional)" if data.state.fictional else ""
        click.echo(f"{path}: valid — {data.state.name}{marker}, {len(data.answers)} answers, "
                   f"{data.assessment.status}, {data.assessment.date}")
    sys.exit(worst)


@cli.command("schema")
@click.argument("name", type=click.Choice(["pack", "paragraph", "concepts", "consistency", "packages",
                                           "questionnaire", "answers", "golden", "assessment"]))
def schema_cmd(name: str) -> None:
    """Print the JSON Schema of a kind of file."""
    from .engine.schemas import dumps, generate

    click.echo(dumps(generate(name)), nl=False)


# --- assessment ------------------------------------------------------------------------------------------

STATUS_MARK = {"met": "met", "partial": "partial", "not_met": "NOT MET", "unknown": "unknown",
               "not_applicable": "n/a"}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


@cli.command("assess")
@click.argument("answers", type=click.Path(dir_okay=False, path_type=Path))
@PACK
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table",
              show_default=True, help="table for reading, json for machines (byte-stable), markdown for documents.")
@friendly
def assess_cmd(answers: Path, pack: str | None, fmt: str) -> None:
    """Assess a State's answers: findings, paragraph scores, recommendations and warnings."""
    from . import api

    assessment = api.assess(answers, pack)
    if fmt == "json":
        click.echo(assessment.to_json(), nl=False)
        return
    if fmt == "markdown":
        from .report import render_markdown

        click.echo(render_markdown(assessment), nl=False)
        return
    from .engine.assessment import LEVEL_LABELS

    s = assessment.summary
    state = assessment.state.name + (" (fictional)" if assessment.state.fictional else "")
    click.echo(f"{state} — {assessment.pack.resolution}, pack {assessment.pack.version}, "
               f"{assessment.assessment.status} of {assessment.assessment.date}")
    click.echo(f"Legal-gap score {_pct(s.legal_score)} at {_pct(s.legal_coverage)} coverage: "
               f"{LEVEL_LABELS[s.legal_level]}. Engagement: {LEVEL_LABELS[s.engagement_level]}.\n")
    table([[f"OP{p.number}", _pct(p.score), _pct(p.coverage), LEVEL_LABELS[p.level], p.title]
           for p in assessment.paragraphs], ["PARA", "SCORE", "COVERAGE", "LEVEL", "TITLE"])
    click.echo("")
    table([[f.criterion, STATUS_MARK[f.status], f.binding, f.title] for f in assessment.findings],
          ["CRITERION", "OUTCOME", "BINDING", "TITLE"])
    if assessment.recommendations:
        click.echo("\nRecommendations, in the order to carry them out:")
        for r in assessment.recommendations:
            click.echo(f"  {r.rank:>2}. [{r.priority}] {r.title} ({r.modality_label}; {', '.join(r.criteria)})")
    if assessment.warnings:
        click.echo("\nWarnings:")
        for w in assessment.warnings:
            click.echo(f"  {w.id}: {w.message} {w.advice}")


@cli.command("explain")
@click.argument("answers", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("criterion")
@PACK
@friendly
def explain_cmd(answers: Path, criterion: str, pack: str | None) -> None:
    """Explain why a criterion has its outcome: the rule, the answers and citations, the concepts."""
    from . import api
    from .engine.assessment import STATUS_LABELS
    from .engine.validation import near

    assessment = api.assess(answers, pack)
    ids = [f.criterion for f in assessment.findings]
    if criterion not in ids:
        raise click.BadParameter(f"no criterion '{criterion}'. {near(criterion, ids)}".strip(),
                                 param_hint="CRITERION")
    f = assessment.finding(criterion)
    e = f.explanation
    click.echo(f"{f.criterion} {f.title}")
    click.echo(f"Outcome: {STATUS_LABELS[f.status]} ({f.binding}"
               + (f" under {', '.join(f.binding_instruments)}" if f.binding_instruments else "") + ")")
    click.echo(f"\n{e.sentence}\n")
    if f.elements:
        click.echo("Elements:")
        for el in f.elements:
            line = f"  [{STATUS_LABELS[el.status]}] {el.statement or el.requirement}"
            if el.citations:
                line += f" ({'; '.join(el.citations)})"
            click.echo(line)
            click.echo(f"      {el.obligation}")
            for q in el.settle:
                click.echo(f"      to decide it, answer Q{q.number} {q.text}")
    for lim in f.limitations:
        click.echo(lim.text)
    click.echo(f"Decided by rule: {e.rule}")
    if e.answers:
        click.echo("Answers it rests on:")
        for a in e.answers:
            cited = f" — {a.citation}" if a.citation else " — no provision cited"
            click.echo(f"  Q{a.number} {a.display}{cited}")
    if e.concepts:
        click.echo("Intermediate conclusions:")
        for c in e.concepts:
            click.echo(f"  {c.id}: {c.statement or 'undecided'}")
    if e.inputs:
        click.echo(f"Derived from: {', '.join(e.inputs)}")
    if e.settle:
        click.echo("Questions that would settle it:")
        for q in e.settle:
            click.echo(f"  Q{q.number} {q.text}")
    click.echo("Instrument articles: " + "; ".join(a.label for a in f.basis))


@cli.command("report")
@click.argument("answers", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Report file: .pdf, .html, .md or .json.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html", "md", "json"]),
              help="Output format (default: from the file extension).")
@PACK
@friendly
def report_cmd(answers: Path, out: Path, fmt: str | None, pack: str | None) -> None:
    """Write the gap report for a State's answers file (PDF, HTML, Markdown or JSON)."""
    from . import api
    from .report import report_format, write_report

    report_format(str(out), fmt)  # refuse an unknown format before assessing
    click.echo(f"wrote {write_report(api.assess(answers, pack), str(out), fmt, answers_path=str(answers))}")


cli.add_command(compare_cmd)
cli.add_command(diff_cmd)
cli.add_command(migrate_cmd)
cli.add_command(interview_cmd)
cli.add_command(serve)
questionnaire.add_command(questionnaire_export)
questionnaire.add_command(questionnaire_import)


def main() -> None:
    cli(prog_name="lexgap")
