"""A terminal interview: the questionnaire asked one question at a time, saving after every answer.

    lexgap interview -o veridia.yaml          # a new answers file
    lexgap interview --resume veridia.yaml    # carry on where it stopped

Questions come in printed order. A question is asked only when it applies (its show_if holds) and its
answer can still change a finding or a consistency warning (lexgap/engine/relevance.py decides both).
After each answer the file is written again atomically (a temporary file beside it, then a rename), so an
interruption loses at most the answer being typed, and the running status of the question's paragraphs is
shown. Typing ? shows the guidance, s skips a question for now, b goes back to the previous question,
st shows every paragraph's status, q stops (everything is already saved).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from .engine.answers import Answers, check_value
from .engine.assessment import LEVEL_LABELS, Assessment
from .engine.knowledge import KnowledgeBase
from .engine.models import YES_NO_VALUES, AnswersFile, Question
from .engine.relevance import pending
from .formatting import pct

COMMANDS = "? guidance · s skip · b back · st status · q stop"
YES_NO_INPUT = {"y": "yes", "yes": "yes", "p": "partial", "partly": "partial", "partial": "partial",
                "n": "no", "no": "no", "u": "unknown", "unknown": "unknown"}




# --- reading an answer typed at the terminal ----------------------------------------------------------------

def parse_typed(q: Question, text: str) -> tuple[Any, str | None]:
    """The value typed, or why it is not an answer (a plain sentence saying what to type)."""
    raw = text.strip()
    low = " ".join(raw.split()).casefold()
    if q.type == "text":
        return ("unknown" if low == "unknown" else raw), None
    if low in ("u", "unknown"):
        return "unknown", None
    if q.type == "yes_no":
        word = YES_NO_INPUT.get(low)
        if word == "partial" and not q.partial:
            return None, "this question asks a plain fact: type y (yes), n (no) or u (unknown)"
        if word:
            return word, None
        return None, ("type y (yes), p (partly), n (no) or u (unknown)" if q.partial
                      else "type y (yes), n (no) or u (unknown)")
    options = [o.value for o in q.options]
    by_text = {o.value.casefold(): o.value for o in q.options} | {" ".join(o.label.split()).casefold(): o.value
                                                                    for o in q.options}
    if q.type == "single_choice":
        if low.isdigit() and 1 <= int(low) <= len(options):
            return options[int(low) - 1], None
        if low in by_text:
            return by_text[low], None
        return None, f"type the number of one option (1 to {len(options)}), or u (unknown)"
    if q.type == "multiple_choice":
        if low in ("0", "none", "none of the options"):
            return [], None
        parts = [p for p in re.split(r"[,;\s]+", low) if p] if re.fullmatch(r"[\d,;\s]+", low) else \
            [p.strip() for p in re.split(r"[,;]", low) if p.strip()]
        chosen = []
        for part in parts:
            if part.isdigit() and 1 <= int(part) <= len(options):
                chosen.append(options[int(part) - 1])
            elif part in by_text:
                chosen.append(by_text[part])
            else:
                return None, (f"'{part}' is not one of the options: type the numbers of all that apply, "
                              f"e.g. 1,3 (0 for none, u for unknown)")
        if len(set(chosen)) != len(chosen):
            return None, "an option is given twice: give each once"
        return [o for o in options if o in chosen], None
    if q.type == "number":
        try:
            value: Any = int(raw)
        except ValueError:
            try:
                value = float(raw)
            except ValueError:
                return None, "type a number alone (no words or units), or u (unknown)"
        problem = check_value(q, value)
        return (None, f"{problem[0]}: {problem[1]}") if problem else (value, None)
    if q.type == "date":
        problem = check_value(q, raw)
        return (None, "type the date as YYYY-MM-DD, or u (unknown)") if problem else (raw, None)
    return raw, None


def looks_like_an_answer(text: str) -> bool:
    """A number list, a single letter or a yes/no word: what someone types for the next question."""
    low = text.casefold()
    return bool(re.fullmatch(r"[\d\s,;]+|[a-z]|yes|no|partly|partial|unknown|none|skip|back|quit|stop|status",
                             low))


def answer_hint(q: Question) -> str:
    if q.type == "yes_no":
        return "y yes · p partly · n no · u unknown" if q.partial else "y yes · n no · u unknown"
    if q.type == "single_choice":
        return "the number of one option · u unknown"
    if q.type == "multiple_choice":
        return "the numbers of all that apply, e.g. 1,3 · 0 none · u unknown"
    if q.type == "number":
        span = ""
        if q.minimum is not None and q.maximum is not None:
            span = f" from {q.minimum:g} to {q.maximum:g}"
        return f"a number{span}{f' ({q.unit})' if q.unit else ''} · u unknown"
    if q.type == "date":
        return "a date YYYY-MM-DD · u unknown"
    return "text · unknown"


# --- the interview ------------------------------------------------------------------------------------------

@dataclass
class Interview:
    """One interview: a Session holding the answers, the file they are saved to, and what happened so far."""

    kb: KnowledgeBase
    session: Any  # lexgap.api.Session
    out: Path
    save: Any  # callable(AnswersFile) -> None
    answered_now: list[str] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)
    last_remaining: int | None = None

    @property
    def answers(self) -> AnswersFile:
        return self.session.answers.data

    def run(self) -> bool:
        """Ask until nothing that matters is left (True) or the user stops (False). Raises click.Abort when
        the input ends or is interrupted: every answer given so far is already saved."""
        assessment = self.session.assessment
        while True:
            todo = pending(self.kb, self.answers, assessment, self.skipped)
            if not todo:
                return True
            q = todo[0]
            outcome = self.ask(q, len(todo))
            if outcome == "stop":
                return False
            if outcome == "skip":
                self.skipped.add(q.id)
                continue
            if outcome == "back":
                if not self.answered_now:
                    click.echo("  There is no earlier answer in this session to go back to.")
                    continue
                previous = self.answered_now.pop()
                self.session.retract_answer(previous)
                self.save(self.answers)
                self.skipped.discard(previous)
                assessment = self.session.assessment
                click.echo(f"  Back to question {self.kb.questions[previous].number}: its answer is withdrawn; "
                           "answer it again.")
                continue
            before = {w.id for w in assessment.warnings}
            assessment = self.session.assessment
            self.show_status(q, assessment)
            for w in assessment.warnings:
                if w.id not in before and w.kind in ("contradiction", "risk"):
                    echo_wrapped(f"Warning {w.id} ({w.kind}): {w.message} {w.advice}", indent="  ! ",
                                 hanging="    ")

    def ask(self, q: Question, remaining: int) -> str:
        sections = {s.id: s.title for s in self.kb.questionnaire.sections}
        click.echo("")
        more = ""
        if self.last_remaining is not None and remaining > self.last_remaining:
            added = remaining - self.last_remaining
            more = f"; {added} more now appl{'ies' if added == 1 else 'y'} because of your last answer"
        self.last_remaining = remaining
        click.echo(click.style(f"Question {q.number}", bold=True) + f"  ({sections.get(q.section, q.section)}; "
                   f"{len(self.answers.answers)} answered, at most {remaining} to go{more})")
        echo_wrapped(q.text)
        if q.type in ("single_choice", "multiple_choice"):
            for i, o in enumerate(q.options, 1):
                echo_wrapped(f"{i}. {o.label}", indent="  ", hanging="     ")
        echo_wrapped(f"Answer: {answer_hint(q)}   ({COMMANDS})", indent="  ", hanging="    ")
        while True:
            typed = click.prompt(">", default="", show_default=False, prompt_suffix=" ")
            command = typed.strip().casefold()
            if command in ("?", "help", "h"):
                self.guidance(q)
                continue
            if command in ("s", "skip"):
                click.echo("  Skipped for now; it will be asked again next time.")
                return "skip"
            if command in ("b", "back"):
                return "back"
            if command in ("q", "quit", "stop"):
                return "stop"
            if command in ("st", "status"):
                self.show_all(self.session.assessment)
                continue
            if not command:
                click.echo(f"  Type an answer ({answer_hint(q)}), or ? for guidance.")
                continue
            value, problem = parse_typed(q, typed)
            if problem:
                click.echo(f"  {problem}")
                continue
            citation = self.ask_citation(q, value)
            self.session.set_answer(q.id, value, citation=citation)
            self.save(self.answers)
            self.answered_now.append(q.id)
            return "answered"

    def ask_citation(self, q: Question, value: Any) -> str | None:
        """The national provision an answer on the law rests on; asked only for those answers (questions whose
        citation is 'required'), and skipped with Enter. Something typed that looks like an answer to a
        question ('1', 'y', 'n') is never taken for a citation."""
        if q.citation != "required" or value in ("unknown", "no", []):
            return None
        while True:
            typed = click.prompt("  National provision it rests on (law, article, date) — Enter to skip",
                                 default="", show_default=False, prompt_suffix="\n  > ")
            text = " ".join(typed.split())
            if not text:
                click.echo("  No provision cited: the report will list this answer among those to be cited.")
                return None
            if looks_like_an_answer(text):
                click.echo(f"  '{text}' looks like an answer, not a provision: type the law and its article, "
                           "or press Enter to skip.")
                continue
            return text

    def guidance(self, q: Question) -> None:
        echo_wrapped(f"Guidance: {q.guidance}", indent="  ", hanging="    ")
        if q.references:
            instruments = self.kb.instruments
            refs = "; ".join(f"{instruments[r.instrument].short_title if r.instrument in instruments else r.instrument}"
                             f", art. {r.article}" for r in q.references)
            click.echo(f"  Instruments: {refs}")
        if q.id in self.kb.show_if:
            from .wording import describe_condition

            click.echo(f"  Asked because {describe_condition(self.kb, self.kb.show_if[q.id])}.")
        if q.citation == "required":
            click.echo("  After the answer, give the national provision (title of the law, article, date).")

    def show_status(self, q: Question, assessment: Assessment) -> None:
        paragraphs = {p.number: p for p in assessment.paragraphs}
        for number in sorted(set(q.paragraphs)):
            p = paragraphs.get(number)
            if p is not None:
                echo_wrapped(paragraph_line(p), indent="  ", hanging="    ")

    def show_all(self, assessment: Assessment) -> None:
        click.echo("  Status of every paragraph so far:")
        for p in assessment.paragraphs:
            echo_wrapped(paragraph_line(p), indent="  ", hanging="    ")


def echo_wrapped(text: str, indent: str = "", hanging: str | None = None) -> None:
    """Print text wrapped at word boundaries to the terminal's width (never mid-word)."""
    import shutil
    import textwrap

    width = max(40, min(shutil.get_terminal_size((100, 24)).columns, 120))
    click.echo(textwrap.fill(text, width=width, initial_indent=indent,
                             subsequent_indent=indent if hanging is None else hanging,
                             break_long_words=False, break_on_hyphens=False))


def paragraph_line(p: Any) -> str:
    c = p.counts
    decided = c.get("met", 0) + c.get("partial", 0) + c.get("not_met", 0)
    total = decided + c.get("unknown", 0)
    score = pct(p.score)
    title = p.title if len(p.title) <= 48 else p.title[:47].rstrip(" ,;") + "…"
    return (f"OP{p.number} {title}: {decided} of {total} criteria decided ({c.get('met', 0)} met, "
            f"{c.get('partial', 0)} partly, {c.get('not_met', 0)} not met) — {LEVEL_LABELS[p.level].lower()}"
            + (f", score {score}" if p.level != "insufficient_information" else "")
            + f", coverage {pct(p.coverage)}")


def new_answers_file(kb: KnowledgeBase, name: str, assessors: list[str], date: dt.date, code: str | None,
                     fictional: bool) -> AnswersFile:
    return AnswersFile(state={"name": name, "code": code, "fictional": fictional},
                       assessment={"date": date, "assessors": assessors, "status": "draft", "pack": kb.pack.id,
                                   "pack_version": kb.pack.version})


def ask_header(kb: KnowledgeBase) -> AnswersFile:
    """The State and the assessment, asked before the first question."""
    click.echo(f"{kb.questionnaire.title}")
    click.echo("First, the State and who is answering. (Ctrl-C stops at any time; answers are saved as you go.)")
    while True:
        name = " ".join(click.prompt("Name of the State", default="", show_default=False).split())
        if name:
            break
        click.echo("  The name of the State is needed.")
    while True:
        code = click.prompt("ISO 3166 country code (two or three capital letters; Enter to leave empty)",
                            default="", show_default=False).strip()
        if not code or re.fullmatch(r"[A-Z]{2,3}", code):
            break
        click.echo("  Two or three capital letters, e.g. KE or KEN; XA to XZ for a fictional State.")
    while True:
        who = click.prompt("Who is answering (names, separated by ;)", default="", show_default=False)
        assessors = [a.strip() for a in who.split(";") if a.strip()]
        if assessors:
            break
        click.echo("  At least one name is needed.")
    while True:
        when = click.prompt("Date of the assessment (the law in force on that date)",
                            default=dt.date.today().isoformat()).strip()
        try:
            date = dt.date.fromisoformat(when)
            break
        except ValueError:
            click.echo("  Write the date as YYYY-MM-DD.")
    fictional = click.confirm("Is this a fictional State, for training only?", default=False)
    return new_answers_file(kb, name, assessors, date, code or None, fictional)


def start(kb: KnowledgeBase, answers: Answers, out: Path, save: Any, pack: str | None = None) -> Interview:
    from .api import Session

    return Interview(kb=kb, session=Session(answers, pack), out=out, save=save)


__all__ = [
    "YES_NO_VALUES",
    "Interview",
    "ask_header",
    "paragraph_line",
    "parse_typed",
    "start",
]
