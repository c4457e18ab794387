"""A strict YAML reader: YAML 1.2 scalars, no duplicate keys, no aliases, capped size, and positions.

`yes`, `no` and `NO` stay strings; dates stay strings (the models parse them); only `true`/`false` are
booleans. Every node's line and column are kept so that later validation errors can point at them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, MissingFileError, Problem

MAX_BYTES = 2 * 1024 * 1024

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

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.events.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            raise _Refused(
                mark,
                "anchors and aliases (&name, *name) are not allowed",
                "write the repeated content out in full",
            )
        return super().compose_node(parent, index)


def _construct_int(loader: "_StrictLoader", node: yaml.ScalarNode) -> int:
    return int(loader.construct_scalar(node), 10)  # "0777" is 777, as in YAML 1.2, not octal


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)  # type: ignore[type-var]  # stub too narrow

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
    _FastStrictLoader = _FastLoader
# Text the Python reader must see: anchors and aliases (its check), and the rarely used syntax on which
# libyaml is more lenient than PyYAML: tabs, tags, complex keys, reserved indicators, directives and odd
# block-scalar headers. Each is matched where it could start a token, so ordinary prose in comments and
# values ("Child?", "Smith & Jones") keeps the fast path.
_INDICATORS = re.compile(r"[&*!?@`]")
_FLOW_QUESTION = re.compile(r"[\[{][^\n]*\?")
_ODD_SYNTAX = re.compile(r"[|>][-+0-9]*[^\s\-+0-9]|^%", re.M)


def _fast_path(text: str) -> bool:
    if _FastStrictLoader is None or "\t" in text:
        return False
    for match in _INDICATORS.finditer(text):
        start = match.start()
        if start == 0 or text[start - 1].isspace() or text[start - 1] in ",[{":
            return False
    if "?" in text and _FLOW_QUESTION.search(text):
        return False
    return _ODD_SYNTAX.search(text) is None


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


def parse_text(text: str, file: str) -> Document:
    """Parse YAML text strictly; raise InputError with a located message on any problem."""
    if "\x00" in text:
        raise InputError(Problem(file, "this is a binary file, not a YAML text file",
                                 "give the path of the .yaml file"))
    if _FastStrictLoader is not None and _fast_path(text):
        fast = _FastStrictLoader(text)
        try:
            node = fast.get_single_node()
            if node is not None:
                found: dict[Path_, tuple[int, int]] = {}
                return Document(file, _build(fast, node, (), found), found)
        except (yaml.YAMLError, _Refused):
            pass  # read again below, for the exact message
        finally:
            fast.dispose()
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
    except _Refused as exc:
        raise InputError(Problem(file, exc.message, exc.hint, exc.mark.line + 1, exc.mark.column + 1)) from None
    except yaml.MarkedYAMLError as exc:
        raise InputError(_syntax_problem(file, exc)) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(file, f"this is not valid YAML ({exc})", "check the file's syntax")) from None
    finally:
        loader.dispose()
    if node is None:
        raise InputError(Problem(file, "the file is empty", "fill it in, or give the path of another file"))
    positions: dict[Path_, tuple[int, int]] = {}
    try:
        data = _build(loader, node, (), positions)
    except _Refused as exc:
        raise InputError(Problem(file, exc.message, exc.hint, exc.mark.line + 1, exc.mark.column + 1)) from None
    except yaml.constructor.ConstructorError as exc:
        raise InputError(_syntax_problem(file, exc)) from None
    return Document(file, data, positions)


def read_text(path: str | Path, max_bytes: int = MAX_BYTES) -> str:
    """Read a text file for parsing, with plain messages for missing, oversized or binary files."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise MissingFileError(Problem(name, "no such file", "check the path and the file name"))
    if p.is_dir():
        raise InputError(Problem(name, "this is a folder, not a file", "give the path of a .yaml file inside it"))
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(Problem(
                name, f"the file is too large ({size:,} bytes; the limit is {max_bytes:,})",
                "check that this is an answers or rule file; split it if it really is one"))
        raw = p.read_bytes()
    except PermissionError:
        raise MissingFileError(Problem(name, "the file cannot be read (permission denied)",
                                       "check the file's permissions")) from None
    if b"\x00" in raw:
        raise InputError(Problem(name, "this is a binary file, not a YAML text file",
                                 "give the path of the .yaml file"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(Problem(name, f"the file is not UTF-8 text (byte {exc.start})",
                                 "save it as UTF-8 text")) from None


def load(path: str | Path, max_bytes: int = MAX_BYTES) -> Document:
    """Read and strictly parse one YAML file."""
    return parse_text(read_text(path, max_bytes), str(path))
