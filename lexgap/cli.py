"""The lexgap command line: a thin layer over the library. Heavy imports happen inside commands."""
from __future__ import annotations

import json
import sys
from functools import wraps
from typing import Any, Callable

import click

from .errors import LexgapError


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn lexgap errors into plain messages and exit codes; show tracebacks only with --debug."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        try:
            return fn(*args, **kwargs)
        except LexgapError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            ctx.exit(exc.exit_code)

    return wrapper


@click.group()
@click.option("--debug", is_flag=True, help="Show full tracebacks (for reporting bugs).")
@click.version_option(package_name="lexgap")
def cli(debug: bool) -> None:
    """lexgap: legislative gap analysis against GA resolution 74/174 on child sexual exploitation and
    sexual abuse online.

    \b
    Start with:
      lexgap rules list                 the criteria of the bundled rule pack
      lexgap validate ANSWERS.yaml      check a State's answers file
      lexgap assess ANSWERS.yaml        findings, scores and recommendations
    """


@cli.group()
def rules() -> None:
    """Inspect, check and test the rule pack."""


DRAFT = click.option("--draft", is_flag=True,
                     help="Skip completeness checks (all paragraphs present, every question used) while writing a pack.")


@rules.command("validate")
@click.argument("pack", required=False)
@DRAFT
@friendly
def rules_validate(pack: str | None, draft: bool) -> None:
    """Check a rule pack (default: the bundled pack) and its questionnaire."""
    from .engine.knowledge import load_knowledge

    kb = load_knowledge(pack, draft)
    click.echo(f"{kb.pack.id} {kb.pack.version}: valid — {len(kb.paragraphs)} paragraphs, {len(kb.criteria)} "
               f"criteria, {len(kb.concepts)} concepts, {len(kb.questions)} questions, "
               f"{len(kb.consistency)} consistency rules, {len(kb.packages)} reform packages.")


@rules.command("test")
@click.option("--pack", help="Rule pack folder or id (default: the bundled pack).")
@click.option("--only", help="Run only the case files whose name starts with this, e.g. P01.")
@click.option("--reference", is_flag=True, help="Use the plain-Python reference evaluator instead of CLIPS.")
@DRAFT
@friendly
def rules_test(pack: str | None, only: str | None, reference: bool, draft: bool) -> None:
    """Run the pack's golden cases (answers in, expected outcomes out)."""
    from .engine import golden, reference as ref
    from .engine.knowledge import load_knowledge

    kb = load_knowledge(pack, draft)
    run = lambda values: ref.evaluate(kb, values)  # noqa: E731
    results = golden.run_all(kb, run, only)
    failed = [r for r in results if r[2]]
    for file, name, diffs in failed:
        click.echo(f"FAIL {file}: {name}", err=True)
        for d in diffs:
            click.echo(f"    {d}", err=True)
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        sys.exit(1)


def main() -> None:
    cli(prog_name="lexgap")
