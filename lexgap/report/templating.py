"""Jinja2 environments for the report: HTML with autoescape on, Markdown with Markdown escaping.

Every value printed in a template goes through an escaper: HTML-escaping for `.html.j2` templates (and for
templates made from strings), Markdown-escaping (a `finalize` hook) for Markdown templates. Only markup made
by lexgap itself is marked safe: the SVG chart, and in Markdown the output of macros, whose values were
escaped inside them (`{{ m.status(x)|safe }}`; forgetting `|safe` escapes twice, it never escapes less).
"""
from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..engine.assessment import LEVEL_LABELS, STATUS_LABELS
from ..formatting import pct

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
STATUS_MARKS = {"met": "●", "partial": "◐", "not_met": "○", "unknown": "?", "not_applicable": "–"}
STATUS_TEXT = {**STATUS_LABELS, "partial": "Partly met"}
BINDING_TEXT = {"binding": "Binding", "recommended": "Recommended", "unknown": "Binding status unknown"}
ADDRESSEES = {"member_states": "Member States", "states_parties": "States parties to the Optional Protocol",
              "unodc": "the United Nations Office on Drugs and Crime",
              "member_states_and_donors": "Member States and other donors"}
MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~#])")
WHITESPACE = re.compile(r"\s+")


percent = pct


def long_date(value: dt.date) -> str:
    """United Nations style: '15 June 2026'."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def humanize(identifier: str) -> str:
    """'data_and_research' -> 'Data and research'."""
    return identifier.replace("_", " ").capitalize()


def capfirst(text: str) -> str:
    """Upper-case the first letter only: 'simple possession' -> 'Simple possession'."""
    return text[:1].upper() + text[1:]


def slug(heading: str) -> str:
    """The anchor GitHub-flavoured Markdown gives a heading: '1. Executive summary' -> '1-executive-summary'."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def markdown_escape(value: Any) -> Any:
    """Escape text for Markdown: no markup, links, HTML or table breaks can come from a value."""
    if value is None or isinstance(value, Markup) or not isinstance(value, str):
        return value
    return MD_SPECIAL.sub(r"\\\1", WHITESPACE.sub(" ", value))


ARTICLE_LABEL = re.compile(r"^(?P<source>.+), (?P<unit>art\.|para\.|capability|recommendation) (?P<ref>.+)$")
PLURALS = {"art.": "arts.", "para.": "paras.", "capability": "capabilities", "recommendation": "recommendations"}


def cite_articles(labels: list[str]) -> str:
    """Group article labels by instrument, in order of first mention:
    ['Lanzarote Convention, art. 20(1)', 'Lanzarote Convention, art. 23'] -> 'Lanzarote Convention, arts. 20(1), 23'."""
    groups: dict[tuple[str, str], list[str]] = {}
    for label in labels:
        match = ARTICLE_LABEL.match(label)
        key = (match["source"], match["unit"]) if match else (label, "")
        refs = groups.setdefault(key, [])
        if match and match["ref"] not in refs:
            refs.append(match["ref"])
    parts = []
    for (source, unit), refs in groups.items():
        if not unit:
            parts.append(source)
        else:
            parts.append(f"{source}, {PLURALS[unit] if len(refs) > 1 else unit} {', '.join(refs)}")
    return "; ".join(parts)


FILTERS = {"percent": percent, "cite_articles": cite_articles, "long_date": long_date, "humanize": humanize,
           "capfirst": capfirst,
           "slug": slug}
GLOBALS = {"STATUS_TEXT": STATUS_TEXT, "STATUS_MARKS": STATUS_MARKS, "LEVEL_LABELS": LEVEL_LABELS,
           "BINDING_TEXT": BINDING_TEXT, "ADDRESSEES": ADDRESSEES}


def _environment(**options: Any) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True, **options)
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env


@cache
def html_environment() -> Environment:
    """HTML templates: autoescape on for .html/.htm/.xml/.j2 templates and for templates made from strings."""
    return _environment(autoescape=select_autoescape(("html", "htm", "xml", "j2"), default_for_string=True))


@cache
def markdown_environment() -> Environment:
    """Markdown templates: every printed value is Markdown-escaped (autoescape would put HTML entities in)."""
    return _environment(autoescape=False, finalize=markdown_escape)
