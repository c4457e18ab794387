"""Answers as a form shows and sends them: field names, reading a posted question, what each field shows,
and the fingerprints that tell a lost update (another window saved this question after the page was opened)
from an ordinary change. No web framework is imported here."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

from ..engine.answers import check_value
from ..engine.models import Answer, Question

TEXT_FIELDS = ("citation", "note", "source")
FIELD_PREFIX = {"value": "v", "citation": "c", "note": "n", "source": "s", "unknown": "u", "base": "b",
                "keep": "k"}
MAX_TEXT = 20_000
NONE_OF_THESE = "__none__"
NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$")


def field_name(kind: str, qid: str) -> str:
    """The form field of one part of one question's answer: 'v.offences.possession', 'c.offences.possession'."""
    return f"{FIELD_PREFIX[kind]}.{qid}"


@dataclass
class Posted:
    """One question's answer as read from a form: the value, the three texts, and what was typed."""

    question: Question
    value: Any = None
    texts: dict[str, str | None] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def empty(self) -> bool:
        return self.value is None and not any(self.texts.values())


LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029\x0b\x0c]")
Verdict = Literal["apply", "theirs", "conflict"]


def clean_text(text: str) -> str:
    """Text as it is saved: every kind of line break (Windows, NEL U+0085 from pasted documents, U+2028/9,
    vertical tab, form feed) becomes a newline; other control characters and lone surrogates, which an answers
    file cannot hold, are dropped; leading and trailing blanks are removed."""
    text = LINE_BREAKS.sub("\n", text)
    return "".join(c for c in text if c in "\t\n" or unicodedata.category(c) not in ("Cc", "Cs")).strip()


def _text(form: Any, name: str) -> str:
    value = form.get(name, "")
    return clean_text(value) if isinstance(value, str) else ""


def read_posted(form: Any, question: Question) -> Posted:
    """Read one question's fields from a submitted form (a MultiDict) and check the value."""
    qid = question.id
    posted = Posted(question)
    for kind in TEXT_FIELDS:
        text = _text(form, field_name(kind, qid))
        posted.raw[kind] = text
        posted.texts[kind] = text or None
        if len(text) > MAX_TEXT:
            posted.error = f"The {kind} is too long ({len(text):,} characters; at most {MAX_TEXT:,})."
    kind = question.type
    name = field_name("value", qid)
    unknown_ticked = form.get(field_name("unknown", qid)) == "unknown"
    posted.raw["unknown"] = unknown_ticked
    if kind in ("yes_no", "single_choice"):
        raw = _text(form, name)
        posted.raw["value"] = raw
        allowed = ("yes", "partial", "no") if kind == "yes_no" else tuple(o.value for o in question.options)
        if raw == "":
            posted.value = None
        elif raw == "unknown" or raw in allowed:
            posted.value = raw
        else:
            posted.error = "Choose one of the answers offered."
    elif kind == "multiple_choice":
        chosen = [v for v in form.getlist(name) if isinstance(v, str)]
        posted.raw["value"] = chosen
        options = [o.value for o in question.options]
        picked = [o for o in options if o in chosen]
        special = [v for v in chosen if v in ("unknown", NONE_OF_THESE)]
        if any(v not in options and v not in ("unknown", NONE_OF_THESE) for v in chosen):
            posted.error = "Tick only the options offered."
        elif len(special) > 1 or (special and picked):
            posted.error = "Tick the options that apply, or 'None of these', or 'Unknown' — not several of these."
        elif special == ["unknown"]:
            posted.value = "unknown"
        elif special == [NONE_OF_THESE]:
            posted.value = []
        else:
            posted.value = picked or None
    else:
        raw = _text(form, name)
        posted.raw["value"] = raw
        if unknown_ticked and raw:
            posted.error = "Either give an answer or tick 'Unknown', not both."
        elif unknown_ticked:
            posted.value = "unknown"
        elif raw == "":
            posted.value = None
        elif kind == "number":
            if not NUMBER.match(raw):
                posted.error = "Write a number with digits only (for example 18 or 2.5), without units or words."
            else:
                posted.value = float(raw) if "." in raw else int(raw)
        elif kind == "date":
            try:
                posted.value = dt.date.fromisoformat(raw).isoformat()
            except ValueError:
                posted.error = "Write the date as YYYY-MM-DD, for example 2024-03-31."
        else:
            posted.value = raw
    if posted.error is None and posted.value is not None:
        problem = check_value(question, posted.value)
        if problem:
            message, hint = problem
            posted.error = f"{message[:1].upper()}{message[1:]}: {hint}." if hint else f"{message}."
    return posted


def field_values(q: Question, answer: Answer | None, raw: dict[str, Any] | None) -> dict[str, Any]:
    """What each field of the question shows: what was typed (`raw`, after a refused save), else the answer."""
    if raw is not None:
        value = raw.get("value", "")
        return {"value": value, "values": value if isinstance(value, list) else [],
                "unknown": raw.get("unknown", False), **{k: raw.get(k, "") for k in TEXT_FIELDS}}
    shown: dict[str, Any] = {"value": "", "values": [], "unknown": False, "citation": "", "note": "", "source": ""}
    if answer is None:
        return shown
    for k in TEXT_FIELDS:
        shown[k] = getattr(answer, k) or ""
    v = answer.value
    if q.type == "multiple_choice":
        shown["values"] = ["unknown"] if v == "unknown" else [NONE_OF_THESE] if v == [] else (v or [])
    elif q.type in ("number", "date", "text") and v == "unknown":
        shown["unknown"] = True
    elif v is not None:
        shown["value"] = v if isinstance(v, str) else (f"{v:g}" if isinstance(v, float) else str(v))
    return shown


def fingerprint(q: Question, fields: dict[str, Any]) -> str:
    """A short digest of what the question's fields show; equal fingerprints mean the same answer."""
    value = sorted(fields["values"]) if q.type == "multiple_choice" else clean_text(str(fields["value"]))
    shown = [value, bool(fields["unknown"]), *(clean_text(str(fields[k] or "")) for k in TEXT_FIELDS)]
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()[:16]


def answer_fingerprint(q: Question, answer: Answer | None) -> str:
    return fingerprint(q, field_values(q, answer, None))


def verdict(posted: Posted, current: Answer | None, base: str | None, keep: str | None, acted: bool) -> Verdict:
    """Whether a posted answer may be saved over `current` when the file changed since the page was opened.

    `base`: the fingerprint of the answer the page showed; `keep`: the fingerprint of the saved answer the user
    chose to replace ("Keep my answer"); `acted`: the user acted on this very question (a script save), rather
    than sending the whole page. 'apply': nobody else changed it, or both agree; 'theirs': unchanged on this page
    but changed elsewhere (keep the saved answer); 'conflict': changed on both sides (save nothing, show both)."""
    q = posted.question
    saved = answer_fingerprint(q, current)
    mine = fingerprint(q, field_values(q, None, posted.raw))
    if saved in (base, keep, mine):
        return "apply"
    if mine == base and not acted:
        return "theirs"
    return "conflict"


def display(q: Question, answer: Answer | None) -> dict[str, str]:
    """An answer in words, for showing the one saved elsewhere beside the one typed here."""
    if answer is None:
        return {"value": "no answer (it was withdrawn)"}
    labels = {"yes": "Yes", "partial": "Partly", "no": "No", "unknown": "Unknown",
              **{o.value: o.label for o in q.options}}
    v = answer.value
    if v is None:
        shown = "not answered"
    elif isinstance(v, list):
        shown = "; ".join(labels.get(x, x) for x in v) or "none of these"
    elif isinstance(v, str):
        shown = labels.get(v, v)
    else:
        shown = f"{v:g}" if isinstance(v, float) else str(v)
    return {"value": shown, **{k: getattr(answer, k) for k in TEXT_FIELDS if getattr(answer, k)}}
