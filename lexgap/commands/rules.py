"""`lexgap rules ...`: inspect, check, compile and test a rule pack."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .base import echo_json, table
from .options import DRAFT, FORMAT_TABLE_JSON, PACK, QUESTIONNAIRE


@click.group()
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
def rules_validate(pack: str | None, questionnaire: Path | None, draft: bool) -> None:
    """Check a rule pack (default: the bundled pack) and its questionnaire.

    The questionnaire is the file given with --questionnaire, else the pack folder's questionnaire.yaml,
    else the installed one its pack.yaml names; the output says which was read."""
    from ..engine.knowledge import load_knowledge

    kb = load_knowledge(pack, draft, questionnaire)
    click.echo(f"{kb.pack.id} {kb.pack.version}: valid — {len(kb.paragraphs)} paragraphs, {len(kb.criteria)} "
               f"criteria, {len(kb.concepts)} concepts, {len(kb.questions)} questions, "
               f"{len(kb.consistency)} consistency rules, {len(kb.packages)} reform packages.")
    click.echo(questionnaire_used(kb, questionnaire))


@rules.command("list")
@PACK
@click.option("--paragraph", type=int, help="Only the criteria of this operative paragraph.")
@FORMAT_TABLE_JSON
def rules_list(pack: str | None, paragraph: int | None, fmt: str) -> None:
    """List the criteria, with their weight, kind and instrument articles."""
    from ..engine.knowledge import load_knowledge

    kb = load_knowledge(pack)
    rows: list[dict[str, Any]] = []
    for para in kb.paragraphs:
        if paragraph is not None and para.paragraph != paragraph:
            continue
        for c in para.criteria:
            sources = [kb.criteria[i] for i in c.derived_from.criteria] if c.derived_from else [c]
            bases = [b for source in sources for el in source.elements for b in el.basis]
            rows.append({
                "id": c.id, "paragraph": para.paragraph, "title": c.title, "kind": c.kind, "weight": c.weight,
                "binding_for": sorted({b.instrument for b in bases if b.binds}),
                "basis": list(dict.fromkeys(f"{b.instrument} {b.article}" for b in bases)),
                "derived_from": list(c.derived_from.criteria) if c.derived_from else [],
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
def rules_show(item_id: str, pack: str | None) -> None:
    """Show one criterion (P01.05), concept, consistency rule (W01) or reform package (PKG.CRIMINAL_LAW)
    in full."""
    import yaml

    from ..engine.knowledge import load_knowledge

    kb = load_knowledge(pack)
    others = {r.id: r for r in list(kb.consistency) + list(kb.packages)}
    item = kb.criteria.get(item_id) or kb.concepts.get(item_id) or others.get(item_id)
    if item is None:
        from ..engine.validation import near
        hint = near(item_id, list(kb.criteria) + list(kb.concepts) + list(others))
        raise click.BadParameter(f"no criterion, concept, rule or package '{item_id}'. {hint}".strip(),
                                 param_hint="ITEM_ID")
    click.echo(yaml.safe_dump(item.model_dump(exclude_none=True), sort_keys=False, allow_unicode=True, width=100))


@rules.command("compile")
@PACK
@click.option("--emit", type=click.Choice(["clips"]), default="clips", show_default=True,
              help="What to print: the generated CLIPS constructs.")
def rules_compile(pack: str | None, emit: str) -> None:
    """Print the CLIPS rule base generated from the pack, for knowledge engineers to read."""
    from ..engine.compile import compile_pack
    from ..engine.knowledge import load_knowledge

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
def rules_test(pack: str | None, only: str | None, evaluator: str, reference: bool, questionnaire: Path | None,
               draft: bool) -> None:
    """Run the pack's golden cases (answers in, expected outcomes out) on both evaluators, and check that
    they reach every outcome of every criterion and exercise every concept and consistency rule.

    This is the whole gate: CI runs the same checks."""
    from ..engine import golden
    from ..engine.knowledge import load_knowledge

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
