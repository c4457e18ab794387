"""A strict YAML reader: YAML 1.2 scalars, no duplicate keys, no aliases, capped size, and positions.

`yes`, `no` and `NO` stay strings; dates stay strings (the models parse them); only `true`/`false` are
booleans. Every node's line and column are kept so that later validation errors can point at them.
"""
from __future__ import annotations

import itertools
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, Problem
from ..inputs import decode_text, read_limited

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 50  # levels of nesting; lexgap's own files use at most 6
MAX_DIGITS = 100  # digits in a number

Path_ = tuple[Any, ...]


class _StrictResolver(yaml.resolver.BaseResolver):
    """Resolves plain scalars as YAML 1.2's core schema does, not as YAML 1.1."""


_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_StrictResolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"])
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


class _StrictLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    yaml.constructor.SafeConstructor,
    _StrictResolver,
):
    def __init__(self, stream: str):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _StrictResolver.__init__(self)

        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.events.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            raise _Refused(
                mark,
                "anchors and aliases (&name, *name) are not allowed",
                "write the repeated content out in full",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _too_deep(event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _too_deep(mark: yaml.Mark) -> "_Refused":
    return _Refused(mark, f"lists and mappings are nested more than {MAX_DEPTH} levels deep here, deeper than "
                    "lexgap reads", "check the brackets and the indentation; lexgap's files need only a few levels")


def _construct_int(loader: "_StrictLoader", node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if len(text.lstrip("+-")) > MAX_DIGITS:
        raise _too_long(node, len(text.lstrip("+-")))
    return int(text, 10)  # "0777" is 777, as in YAML 1.2, not octal


def _construct_float(loader: "_StrictLoader", node: yaml.ScalarNode) -> float:
    text = loader.construct_scalar(node)
    digits = sum(c.isdigit() for c in text)
    if digits > MAX_DIGITS:
        raise _too_long(node, digits)
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(node.start_mark, f"the number {text} is too large to be read",
                       "check the value; put it in quotes if it is meant as text")
    return value


def _too_long(node: yaml.ScalarNode, digits: int) -> "_Refused":
    return _Refused(node.start_mark, f"this number has {digits:,} digits; lexgap reads numbers of up to "
                    f"{MAX_DIGITS} digits",
                    "check the value; put it in quotes if it is meant as text")


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)  # type: ignore[type-var]  # stub too narrow
_StrictLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)  # type: ignore[type-var]

_FastStrictLoader: type | None = None

if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _FastLoader(CParser, yaml.constructor.SafeConstructor, _StrictResolver):
        """The same reading with libyaml's C parser (about eight times faster), for text without the
        syntax _fast_path looks for; any problem is re-read by the Python reader, whose messages are the
        ones users see (tests/test_yamlio.py checks that both readers agree)."""

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            _StrictResolver.__init__(self)

    _FastLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)  # type: ignore[type-var]
    _FastLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)  # type: ignore[type-var]
    _FastStrictLoader = _FastLoader
# Text the Python reader must see: anchors and aliases (its check), and the rarely used syntax on which
# libyaml is more lenient than PyYAML: tabs, tags, complex keys, reserved indicators, directives and odd
# block-scalar headers. Each is looked for only where a node can start (at the start of a line or list
# item, after ": ", or after "[", "{" and ","), so ordinary prose in values and comments ("Smith & Jones",
# "age >= 18", "a != b", "Child?") keeps the fast path.
_NODE_START = r"(?:^[ ]*(?:[-?][ ]+)*|:[ ]+|[\[{,][ ]*)"
_AT_NODE_START = re.compile(_NODE_START + r"(?:[&*!?@`%]|[|>][-+0-9]*[^\s\-+0-9])", re.M)
_FLOW_QUESTION = re.compile(r"[\[{][^\n]*(?<![^\s\[{,])\?(?![^\s\]},:])")


_BRACKET_DEPTH = {"[": 1, "{": 1, "]": -1, "}": -1}
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BLOCK_PREFIX = re.compile(r"^[ ?-]+", re.M)


def _surely_shallow(text: str) -> bool:
    """True when the text cannot nest deeper than MAX_DEPTH (libyaml's C reader has no limit of its own
    and crashes the interpreter on very deep text). Brackets nest at most (highest - lowest running
    count) deep; block structure at most two levels per column of indentation and '- ' prefix."""
    brackets = _NOT_BRACKET.sub("", text)
    flow = 0
    if len(brackets) > MAX_DEPTH:
        running = list(itertools.accumulate(map(_BRACKET_DEPTH.__getitem__, brackets)))
        flow = max(running) - min(0, min(running))
    prefix = max((len(m) for m in _BLOCK_PREFIX.findall(text)), default=0)
    return flow + 2 * prefix + 2 <= MAX_DEPTH


def _fast_path(text: str) -> bool:
    if _FastStrictLoader is None or "\t" in text:
        return False
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = text.replace("\r", "\n").replace("\x85", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    if "?" in text and _FLOW_QUESTION.search(text):
        return False
    return _AT_NODE_START.search(text) is None and _surely_shallow(text)


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark, message: str, hint: str):
        self.mark, self.message, self.hint = mark, message, hint


@dataclass
class Document:
    """A parsed YAML file: its data and the (line, column) of every node, keyed by path."""

    file: str
    data: Any
    positions: dict[Path_, tuple[int, int]]

    def pos(self, path: Path_) -> tuple[int, int] | None:
        """The position of the node at `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), None)

    def problem(self, path: Path_, message: str, hint: str = "") -> Problem:
        line, column = self.pos(path) or (None, None)
        return Problem(self.file, message, hint, line, column)


def _build(loader: _StrictLoader, node: yaml.Node, path: Path_, positions: dict) -> Any:
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if len(path) > 2 * MAX_DEPTH:  # keys count as levels here; the composer has checked the real depth
        raise _too_deep(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        first_seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused(key_node.start_mark, "merge keys (<<) are not allowed", "write the keys out in full")
            key = _build(loader, key_node, path + ("<key>",), {})
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise _Refused(key_node.start_mark, "a key must be a plain word or number", "")
            if key in result:
                raise _Refused(
                    key_node.start_mark,
                    f"duplicate key '{key}' (first defined on line {first_seen[key]})",
                    "keep one of the two entries and delete the other",
                )
            first_seen[key] = key_node.start_mark.line + 1
            result[key] = _build(loader, value_node, path + (key,), positions)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), positions) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


_SCANNER_HINTS = [
    ("'\\t'", "tab characters cannot be used for indentation in YAML", "indent with spaces instead of tabs"),
    ("mapping values are not allowed", "a colon appears where YAML did not expect one",
     "put text that contains ': ' in quotes, or check the indentation of this line"),
    ("could not find expected ':'", "a line is missing the ':' between a key and its value",
     "check this line and the one before it"),
    ("did not find expected key", "the indentation is inconsistent here",
     "align this line with the other keys of the same block"),
    ("did not find expected '-' indicator", "a list item is not aligned with the others",
     "align every '- ' of the list at the same column"),
    ("found unexpected end of stream", "the file ends inside a quoted text or bracket", "close the quote or bracket"),
]


def _syntax_problem(file: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    raw = f"{exc.context or ''} {exc.problem or ''}"
    for needle, message, hint in _SCANNER_HINTS:  # noqa: B007 - used after the break
        if needle in raw:
            break
    else:
        message = f"this is not valid YAML ({(exc.problem or 'syntax error').strip()})"
        hint = "check quotes, colons and indentation on this line"
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    return Problem(file, message, hint, line, column)


# What YAML allows in a file (PyYAML's own check, which would fail without saying where)
_NOT_YAML = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def _check_characters(text: str, file: str) -> None:
    if "\x00" in text:
        raise InputError(Problem(file, "this is a binary file, not a YAML text file",
                                 "give the path of the .yaml file"))
    bad = _NOT_YAML.search(text)
    if bad:
        start = bad.start()
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        kind = "control character" if unicodedata.category(bad.group()) == "Cc" else "character"
        raise InputError(Problem(file, f"the file contains the {kind} U+{ord(bad.group()):04X}, which YAML does "
                                 "not allow", "delete it (most editors do not show it; it often comes with text "
                                 "pasted from another program)", line, column))


def _refused(file: str, exc: _Refused) -> InputError:
    return InputError(Problem(file, exc.message, exc.hint, exc.mark.line + 1, exc.mark.column + 1))


def parse_text(text: str, file: str) -> Document:
    """Parse YAML text strictly; raise InputError with a located message on any problem."""
    _check_characters(text, file)
    if _FastStrictLoader is not None and _fast_path(text):
        fast = None
        try:
            fast = _FastStrictLoader(text)
            node = fast.get_single_node()
            if node is not None:
                found: dict[Path_, tuple[int, int]] = {}
                return Document(file, _build(fast, node, (), found), found)
        except (yaml.YAMLError, _Refused, RecursionError):
            pass  # read again below, for the exact message
        finally:
            if fast is not None:
                fast.dispose()
    loader = None
    try:
        loader = _StrictLoader(text)
        node = loader.get_single_node()
        if node is None:
            raise InputError(Problem(file, "the file is empty", "fill it in, or give the path of another file"))
        positions: dict[Path_, tuple[int, int]] = {}
        return Document(file, _build(loader, node, (), positions), positions)
    except _Refused as exc:
        raise _refused(file, exc) from None
    except yaml.MarkedYAMLError as exc:
        raise InputError(_syntax_problem(file, exc)) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(file, f"this is not valid YAML ({exc})", "check the file's syntax")) from None
    except RecursionError:  # pragma: no cover - the depth limit comes first
        raise InputError(Problem(file, f"the data is nested too deeply (the limit is {MAX_DEPTH} levels)",
                                 "check the brackets and indentation")) from None
    finally:
        if loader is not None:
            loader.dispose()


def read_text(path: str | Path, max_bytes: int = MAX_BYTES, what: str = "YAML") -> str:
    """Read a text file for parsing, with plain messages for missing, oversized, special, binary and
    non-UTF-8 files (checked before anything is read)."""
    hint = _SIZE_HINTS.get(what, "")
    return decode_text(read_limited(path, max_bytes, f"{what} file", hint), str(path), what)


_SIZE_HINTS = {"YAML": "check that this is an answers or rule file; split it if it really is one",
               "JSON": "check that this is an assessment saved by 'lexgap assess --format json'"}


def load(path: str | Path, max_bytes: int = MAX_BYTES) -> Document:
    """Read and strictly parse one YAML file."""
    return parse_text(read_text(path, max_bytes), str(path))
