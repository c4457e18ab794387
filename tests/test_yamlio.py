"""The strict YAML reader: YAML 1.2 scalars, no duplicates, no aliases, located errors."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lexgap.engine.yamlio import load, parse_text
from lexgap.errors import InputError, MissingFileError


def test_yes_no_and_country_codes_stay_strings():
    doc = parse_text("a: yes\nb: no\nc: NO\nd: off\ne: true\n", "x.yaml")
    assert doc.data == {"a": "yes", "b": "no", "c": "NO", "d": "off", "e": True}


def test_dates_and_sexagesimal_and_octal_are_not_reinterpreted():
    doc = parse_text("d: 2019-12-18\nt: 1:20\no: 0777\n", "x.yaml")
    assert doc.data == {"d": "2019-12-18", "t": "1:20", "o": 777}


def test_positions_are_recorded():
    doc = parse_text("a:\n  b: [1, 2]\n", "x.yaml")
    assert doc.pos(("a", "b", 1)) == (2, 10)
    assert doc.pos(("a", "missing")) == (2, 3)


@pytest.mark.parametrize("text, message", [
    ("a: 1\na: 2\n", "x.yaml:2:1: duplicate key 'a' (first defined on line 1)"),
    ("a: &x [1]\nb: *x\n", "x.yaml:1:4: anchors and aliases"),
    ("a:\n\tb: 1\n", "x.yaml:2:1: tab characters cannot be used"),
    ("", "x.yaml: the file is empty"),
    ("a: b: c\n", "x.yaml:1:5: a colon appears where YAML did not expect one"),
    ("a: [1, 2\n", "x.yaml:2:1:"),
    ("<<: {a: 1}\n", "merge keys"),
])
def test_refusals_are_located_and_plain(text, message):
    with pytest.raises(InputError) as info:
        parse_text(text, "x.yaml")
    assert message in str(info.value)


def test_missing_binary_and_oversized_files(tmp_path):
    with pytest.raises(MissingFileError, match="no such file"):
        load(tmp_path / "nope.yaml")
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(InputError, match="binary file"):
        load(binary)
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 100 + "\n")
    with pytest.raises(InputError, match="too large"):
        load(big, max_bytes=50)
    with pytest.raises(InputError, match="folder"):
        load(tmp_path)


def _both_readers(text: str):
    """What the C-accelerated reader and the pure-Python reader make of the same text."""
    from lexgap.engine import yamlio

    def read(fast: bool):
        keep = yamlio._FastStrictLoader
        if not fast:
            yamlio._FastStrictLoader = None
        try:
            doc = parse_text(text, "x.yaml")
            return ("ok", doc.data, doc.positions)
        except InputError as exc:
            return ("error", [str(p) for p in exc.problems])
        finally:
            yamlio._FastStrictLoader = keep

    return read(True), read(False)


def test_the_fast_reader_reads_every_bundled_file_as_the_python_reader_does():
    from .conftest import ROOT

    files = sorted((ROOT / "lexgap").rglob("*.yaml")) + sorted((ROOT / "tests" / "bad_inputs").rglob("*.yaml"))
    assert len(files) > 40
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        fast, slow = _both_readers(text)
        assert fast == slow, path


YAMLISH = st.text(alphabet=st.sampled_from(list("ab01:-[]{}'\" \n\t\r\x85#yesnoNO.~!|>,?%@`&*<=")), max_size=80)


@given(YAMLISH)
@settings(max_examples=400, deadline=None)
def test_the_fast_reader_agrees_with_the_python_reader_on_hostile_text(text):
    fast, slow = _both_readers(text)
    assert fast == slow
