"""The questionnaire as a workbook and back: the round-trip property, re-validation of every value, refusals,
and `lexgap questionnaire export/import` through CliRunner."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from lexgap.cli import cli
from lexgap.engine.answers import Answers, parse_answers
from lexgap.engine.models import Answer, AnswersFile
from lexgap.errors import InputError
from lexgap.answers_yaml import answers_to_yaml
from lexgap.workbook import COL, ILLEGAL, META, QUESTIONS, STATE, export_workbook, import_workbook

from .conftest import example_files
from .strategies import answer_sets

PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc"))
TEXT = st.text(PRINTABLE, min_size=1, max_size=30).filter(lambda s: s.strip())
LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=20).filter(
    lambda s: s.strip())
DATES = st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2100, 12, 31))


def fits_a_cell(value) -> bool:
    """Text answers a workbook can carry unchanged (no control characters, not empty, not 'unknown')."""
    return not isinstance(value, str) or (bool(value.strip()) and not ILLEGAL.search(value)
                                          and value.casefold() != "unknown" or value == "unknown")


@st.composite
def answers_files(draw, kb):
    values = draw(answer_sets(kb))
    assume(all(fits_a_cell(v) for q, v in values.items() if kb.questions[q].type == "text"))
    answers = {}
    for qid, value in values.items():
        answers[qid] = Answer(value=value, citation=draw(st.none() | TEXT), note=draw(st.none() | TEXT),
                              source=draw(st.none() | TEXT),
                              method=draw(st.none() | st.sampled_from(["desk_review", "official_reply", "interview",
                                                                       "self_assessment"])),
                              as_of=draw(st.none() | DATES))
    state = {"name": draw(LINE), "code": draw(st.none() | st.from_regex(r"\A[A-Z]{2,3}\Z")),
             "region": draw(st.none() | LINE), "federal": draw(st.booleans()), "fictional": draw(st.booleans())}
    assessment = {"date": draw(DATES), "assessors": draw(st.lists(LINE, min_size=1, max_size=3)),
                  "status": draw(st.sampled_from(["draft", "final"])), "pack": kb.pack.id,
                  "pack_version": kb.pack.version, "sources": draw(st.lists(LINE, max_size=2)),
                  "confidentiality": draw(st.sampled_from(["For official use only", "Restricted", "Public"]))}
    return AnswersFile(state=state, assessment=assessment, answers=answers)


def roundtrip(kb, data: AnswersFile, tmp: Path) -> AnswersFile:
    path = tmp / "roundtrip.xlsx"
    path.write_bytes(export_workbook(kb, Answers("answers.yaml", data)))
    return import_workbook(path, kb)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_answers_to_workbook_to_answers_is_identical(kb, tmp_path, data):
    original = data.draw(answers_files(kb))
    assert roundtrip(kb, original, tmp_path) == original


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_answers_to_yaml_to_answers_is_identical(kb, data):
    original = data.draw(answers_files(kb))
    text = answers_to_yaml(original, kb, ["a header"])
    assert parse_answers(text, kb, "written.yaml").data == original


def test_a_blank_workbook_has_instructions_lists_and_hidden_ids(kb, tmp_path):
    path = tmp_path / "blank.xlsx"
    path.write_bytes(export_workbook(kb))
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Instructions" and wb.active.title == "Instructions"
    ws = wb[QUESTIONS]
    questions = kb.questionnaire.questions
    assert ws.max_row == len(questions) + 1
    assert [ws.cell(row=i + 2, column=COL["id"]).value for i in range(len(questions))] == [q.id for q in questions]
    assert ws.column_dimensions["L"].hidden and ws.protection.sheet
    assert not ws.cell(row=2, column=COL["answer"]).protection.locked
    assert ws.cell(row=2, column=COL["question"]).protection.locked
    assert wb["Lists"].sheet_state == "hidden" and wb[META].sheet_state == "veryHidden"
    validations = {str(dv.formula1): dv for dv in ws.data_validations.dataValidation}
    yes_no_row = next(i + 2 for i, q in enumerate(questions) if q.type == "yes_no")
    assert f"F{yes_no_row}" in validations["=LX_YES_NO"].sqref
    choice_row, choice = next((i + 2, q) for i, q in enumerate(questions) if q.type == "single_choice")
    dv = next(dv for dv in ws.data_validations.dataValidation if f"F{choice_row}" in dv.sqref)
    name = str(dv.formula1).lstrip("=")
    target = wb.defined_names[name].attr_text
    assert target.startswith("Lists!")
    column = target.split("!")[1].split(":")[0].replace("$", "").rstrip("0123456789")
    listed = [c.value for c in wb["Lists"][column] if c.value]
    assert listed == [o.label for o in choice.options] + ["Unknown"]
    multi_row, multi = next((i + 2, q) for i, q in enumerate(questions) if q.type == "multiple_choice")
    how = ws.cell(row=multi_row, column=COL["how"]).value
    assert "(a) " + multi.options[0].label in how
    shown = next((i + 2, q) for i, q in enumerate(questions) if q.id in kb.show_if)
    assert ws.cell(row=shown[0], column=COL["how"]).value.startswith("Only if the answer to question")


def test_text_that_looks_like_a_formula_stays_text(kb, tmp_path):
    q = next(q for q in kb.questionnaire.questions if q.type == "yes_no")
    data = AnswersFile(state={"name": "=cmd|' /C calc'!A0"},
                       assessment={"date": "2026-01-01", "assessors": ["+Jane"], "status": "draft",
                                   "pack": kb.pack.id, "pack_version": kb.pack.version},
                       answers={q.id: Answer(value="yes", citation="=SUM(A1:A9)", note="@note")})
    path = tmp_path / "f.xlsx"
    path.write_bytes(export_workbook(kb, Answers("a.yaml", data)))
    wb = load_workbook(path)
    cell = wb[STATE]["B2"]
    assert cell.value == "=cmd|' /C calc'!A0" and cell.data_type == "s"
    assert import_workbook(path, kb) == data


def test_export_refuses_what_a_cell_cannot_hold(kb):
    q = next(q for q in kb.questionnaire.questions if q.type == "yes_no")
    data = AnswersFile(state={"name": "Veridia"},
                       assessment={"date": "2026-01-01", "assessors": ["A"], "status": "draft", "pack": kb.pack.id,
                                   "pack_version": kb.pack.version},
                       answers={q.id: Answer(value="yes", note="bell \x07 here")})
    with pytest.raises(InputError) as caught:
        export_workbook(kb, Answers("veridia.yaml", data))
    message = str(caught.value)
    assert "veridia.yaml" in message and q.id in message and "control character" in message


# --- a focal point's workbook, filled badly ------------------------------------------------------------------

def first(kb, kind: str, start: int = 0):
    index, q = next((i, q) for i, q in enumerate(kb.questionnaire.questions) if q.type == kind and i >= start)
    return index + 2, q


def filled(kb, tmp_path: Path, rows: dict[int, dict[str, object]], state: dict[str, object] | None = None) -> Path:
    """A blank export filled by a 'respondent' with openpyxl: values bypass the drop-down lists."""
    blank = tmp_path / "blank.xlsx"
    blank.write_bytes(export_workbook(kb))
    wb = load_workbook(blank)
    st_ws = wb[STATE]
    values = {"state.name": "Veridia", "assessment.date": dt.datetime(2026, 5, 1), "assessment.assessors": "Jane Doe"}
    values.update(state or {})
    for row in range(2, st_ws.max_row + 1):
        key = st_ws.cell(row=row, column=4).value
        if key in values:
            st_ws.cell(row=row, column=2).value = values[key]
    ws = wb[QUESTIONS]
    for row, cells in rows.items():
        for key, value in cells.items():
            ws.cell(row=row, column=COL[key]).value = value
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    return path


def test_values_are_normalised_where_unambiguous(kb, tmp_path):
    yes_row, yes_q = first(kb, "yes_no")
    choice_row, choice = first(kb, "single_choice")
    multi_row, multi = first(kb, "multiple_choice")
    number_row, number = first(kb, "number")
    low = int(number.minimum or 0)
    path = filled(kb, tmp_path, {
        yes_row: {"answer": "  partly ", "as_of": "2026-04-30", "method": "official reply"},
        choice_row: {"answer": choice.options[-1].label.upper()},
        multi_row: {"answer": "a\n" + multi.options[-1].label + "; " + multi.options[1].value if len(multi.options) > 2
                    else "a"},
        number_row: {"answer": str(low)},
    })
    data = import_workbook(path, kb)
    assert data.answers[yes_q.id] == Answer(value="partial", as_of=dt.date(2026, 4, 30), method="official_reply")
    assert data.answers[choice.id].value == choice.options[-1].value
    expected = [multi.options[0].value] + ([multi.options[-1].value, multi.options[1].value]
                                           if len(multi.options) > 2 else [])
    assert data.answers[multi.id].value == expected
    assert data.answers[number.id].value == low
    assert data.state.name == "Veridia" and data.assessment.date == dt.date(2026, 5, 1)
    assert data.assessment.assessors == ["Jane Doe"] and data.assessment.status == "draft"


def test_any_invalid_row_refuses_the_whole_workbook_listing_each(kb, tmp_path):
    yes_row, _ = first(kb, "yes_no")
    yes_row2, _ = first(kb, "yes_no", yes_row - 1)
    choice_row, _ = first(kb, "single_choice")
    multi_row, _ = first(kb, "multiple_choice")
    number_row, _ = first(kb, "number")
    last = len(kb.questionnaire.questions) + 1
    rows = {
        yes_row: {"answer": "maybe"},
        yes_row2 + 1 if yes_row2 + 1 not in (choice_row, multi_row, number_row) else yes_row2: {"answer": True},
        choice_row: {"answer": "perhaps"},
        multi_row: {"answer": "a; zz"},
        number_row: {"answer": "12 years"},
        last + 1: {"answer": "Yes"},
    }
    path = filled(kb, tmp_path, rows, state={"state.code": "kenya", "assessment.date": "31/12/2026"})
    with pytest.raises(InputError) as caught:
        import_workbook(path, kb)
    problems = [str(p) for p in caught.value.problems]
    assert all(p.startswith(str(path)) for p in problems)
    text = "\n".join(problems)
    for row in (yes_row, choice_row, multi_row, number_row, last + 1):
        assert f"sheet 'Questionnaire', row {row}" in text, row
    assert "'maybe' is not an answer" in text and "Yes, Partly, No or Unknown" in text
    assert "'zz' not among the options" in text and "a number is expected" in text
    assert "answer but no question id" in text
    assert "sheet 'State and assessment', row 3: ISO 3166 code" in text
    assert "Date of the assessment" in text and "YYYY-MM-DD" in text
    assert len(problems) >= 8


def test_duplicated_and_unknown_ids_are_reported(kb, tmp_path):
    row_a, q_a = first(kb, "yes_no")
    row_b, _ = first(kb, "yes_no", row_a - 1)
    path = filled(kb, tmp_path, {row_a: {"answer": "Yes"}, row_b: {"answer": "No", "id": q_a.id},
                                 row_b + 1: {"answer": "No", "id": "offences.made_up"}})
    with pytest.raises(InputError) as caught:
        import_workbook(path, kb)
    text = str(caught.value)
    assert f"row {row_b}: question {q_a.number} also appears in row {row_a}" in text
    assert "'offences.made_up' is not in the questionnaire" in text


def test_workbooks_not_made_by_lexgap_are_named_as_such(kb, tmp_path):
    plain = tmp_path / "plain.xlsx"
    Workbook().save(plain)
    with pytest.raises(InputError, match="not made by 'lexgap questionnaire export'"):
        import_workbook(plain, kb)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("just text", encoding="utf-8")
    with pytest.raises(InputError, match="not an Excel workbook"):
        import_workbook(fake, kb)
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match="save it as .xlsx"):
        import_workbook(old, kb)


def test_a_resaved_workbook_whose_hidden_sheet_became_visible_still_imports(kb, tmp_path):
    row, q = first(kb, "yes_no")
    path = filled(kb, tmp_path, {row: {"answer": "No"}})
    wb = load_workbook(path)
    wb[META].sheet_state = "visible"  # LibreOffice turns veryHidden into hidden; users may unhide it
    wb.save(path)
    assert import_workbook(path, kb).answers[q.id].value == "no"


def test_a_workbook_for_another_major_pack_version_is_refused(kb, tmp_path):
    path = tmp_path / "blank.xlsx"
    path.write_bytes(export_workbook(kb))
    wb = load_workbook(path)
    ws = wb[META]
    for row in range(1, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == "pack_version":
            ws.cell(row=row, column=2).value = "9.0.0"
    wb.save(path)
    with pytest.raises(InputError, match="version 9.0.0"):
        import_workbook(path, kb)


# --- the commands -----------------------------------------------------------------------------------------------

def invoke(command, *args):
    return CliRunner().invoke(cli, ["questionnaire", command] + [str(a) for a in args])


def test_export_and_import_commands(kb, tmp_path):
    from .test_compare import write_state

    answers = write_state(tmp_path, kb, 3, name="Veridia")
    book = tmp_path / "veridia.xlsx"
    result = invoke("export", "--xlsx", book, "--answers", answers)
    assert result.exit_code == 0, result.output
    assert "prefilled" in result.stdout and "questionnaire import" in result.stdout
    out = tmp_path / "back.yaml"
    result = invoke("import", book, "-o", out)
    assert result.exit_code == 0, result.output
    from lexgap.engine.answers import load_answers

    assert load_answers(out, kb).data == load_answers(answers, kb).data
    assert out.read_text(encoding="utf-8").startswith("# Imported from veridia.xlsx")


def test_commands_never_overwrite_without_force(kb, tmp_path):
    book = tmp_path / "q.xlsx"
    assert invoke("export", "--xlsx", book).exit_code == 0
    before = book.read_bytes()
    result = invoke("export", "--xlsx", book)
    assert result.exit_code == 1 and "already exists" in result.stderr and "--force" in result.stderr
    assert book.read_bytes() == before
    assert invoke("export", "--xlsx", book, "--force").exit_code == 0
    row, _ = first(kb, "yes_no")
    filled_book = filled(kb, tmp_path, {row: {"answer": "Yes"}})
    out = tmp_path / "mine.yaml"
    out.write_text("# my own notes\n", encoding="utf-8")
    result = invoke("import", filled_book, "-o", out)
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert out.read_text(encoding="utf-8") == "# my own notes\n"
    assert invoke("import", filled_book, "-o", out, "--force").exit_code == 0
    assert "Veridia" in out.read_text(encoding="utf-8")


def test_import_command_refuses_invalid_workbooks_and_writes_nothing(kb, tmp_path):
    row, _ = first(kb, "yes_no")
    book = filled(kb, tmp_path, {row: {"answer": "maybe"}})
    out = tmp_path / "answers.yaml"
    result = invoke("import", book, "-o", out)
    assert result.exit_code == 3 and not out.exists()
    assert f"sheet 'Questionnaire', row {row}" in result.stderr and "Traceback" not in result.output
    result = invoke("import", tmp_path / "missing.xlsx", "-o", out)
    assert result.exit_code == 5 and "no such file" in result.stderr
    result = invoke("import", book, "-o", tmp_path / "answers.txt")
    assert result.exit_code == 1 and ".yaml" in result.stderr
    result = invoke("export", "--xlsx", tmp_path / "q.csv")
    assert result.exit_code == 1 and ".xlsx" in result.stderr
    result = invoke("export", "--xlsx", tmp_path / "q.xlsx", "--answers", tmp_path / "none.yaml")
    assert result.exit_code == 5 and not (tmp_path / "q.xlsx").exists()
    for name, content, expected in (("answers.yml", b"state: {name: X}\n", "answers file, not a workbook"),
                                    ("notes.txt", b"not a workbook", "not an Excel workbook")):
        (tmp_path / name).write_bytes(content)
        result = invoke("import", tmp_path / name, "-o", out)
        assert result.exit_code == 3 and expected in result.stderr and not out.exists()
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_workbook_bytes_are_a_valid_zip_even_for_an_empty_answers_file(kb):
    data = AnswersFile(state={"name": "Veridia"},
                       assessment={"date": "2026-01-01", "assessors": ["A"], "status": "final", "pack": kb.pack.id,
                                   "pack_version": kb.pack.version})
    raw = export_workbook(kb, Answers("v.yaml", data))
    assert load_workbook(io.BytesIO(raw), read_only=True).sheetnames[:3] == ["Instructions", STATE, QUESTIONS]


@pytest.mark.skipif(not example_files(), reason="the bundled examples are not there yet")
@pytest.mark.parametrize("example", example_files(), ids=lambda p: p.name)
def test_bundled_examples_round_trip_through_a_workbook(kb, tmp_path, example):
    from lexgap.engine.answers import load_answers

    original = load_answers(example, kb)
    assert roundtrip(kb, original.data, tmp_path) == original.data
