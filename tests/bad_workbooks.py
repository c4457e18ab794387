"""Hostile workbooks made on the fly from a freshly exported questionnaire (tests/bad_inputs/ runs them)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path


def exported(filled: bool = False) -> bytes:
    """A new questionnaire workbook; `filled` with the answers of the bundled example Arcadia."""
    from lexgap.engine.answers import load_answers
    from lexgap.engine.knowledge import load_knowledge
    from lexgap.workbook import export_workbook

    kb = load_knowledge()
    if not filled:
        return export_workbook(kb)
    example = Path(__file__).resolve().parent.parent / "lexgap" / "questionnaires" / "examples" / "arcadia.yaml"
    return export_workbook(kb, load_answers(example, kb))


def _questionnaire_part(archive: zipfile.ZipFile) -> str:
    """The worksheet part of the questionnaire sheet (the largest one)."""
    sheets = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/sheet")]
    return max(sheets, key=lambda i: i.file_size).filename


def rewrite(data: bytes, change, extra: dict[str, bytes] | None = None, level: int = 6) -> bytes:
    """A copy of the workbook `data` with `change(name, content) -> content` applied to every part."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def formula_in_answer(path: Path) -> None:
    """Arcadia's answers, but the first question's answer cell (F2) holds a formula."""
    from openpyxl import load_workbook

    from lexgap.workbook.layout import COL, QUESTIONS

    wb = load_workbook(io.BytesIO(exported(filled=True)))
    ws = wb[QUESTIONS]
    ws.cell(row=2, column=COL["answer"]).value = '=IF(1=1,"Yes","No")'
    wb.save(path)


def entity_expansion(path: Path) -> None:
    """'Billion laughs': the questionnaire sheet declares entities that expand to gigabytes."""
    laughs = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %s "%s">' % (chr(98 + i).encode(), (b"&" + chr(97 + i).encode() + b";") * 10) for i in range(9)
    ) + b"]>"
    data = exported()
    part = _questionnaire_part(zipfile.ZipFile(io.BytesIO(data)))

    def change(name: str, content: bytes) -> bytes:
        if name != part:
            return content
        head, _, rest = content.partition(b"?>")
        return head + b"?>" + laughs + rest.replace(b"<v>", b"<v>&j;", 1)
    path.write_bytes(rewrite(data, change))


def external_entity(path: Path) -> None:
    """The workbook part declares an external entity that would read /etc/passwd."""
    data = exported()

    def change(name: str, content: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return content
        head, _, rest = content.partition(b"?>")
        return head + b'?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + rest
    path.write_bytes(rewrite(data, change))


def zip_bomb(path: Path, unpacked: int = 300 * 1024 * 1024) -> None:
    """A workbook whose shared-strings part (which openpyxl reads whole) unpacks to `unpacked` bytes of
    blanks: 300 MB by default, in a file of about 350 KB."""
    source = zipfile.ZipFile(io.BytesIO(exported()))
    out = io.BytesIO()
    sst = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", f'<Relationship Id="rIdBomb" Type="{sst}" '
                                          'Target="sharedStrings.xml"/></Relationships>'.encode())
            elif info.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                          b'"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                                          b'sharedStrings+xml"/></Types>')
            target.writestr(info.filename, content)
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as handle:
            handle.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
                         b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>x</t></si>')
            blank = b" " * (1024 * 1024)
            for _ in range(unpacked // len(blank)):
                handle.write(blank)
            handle.write(b"</sst>")
    path.write_bytes(out.getvalue())


if __name__ == "__main__":  # make the measured bomb: python3 -m tests.bad_workbooks OUT.xlsx [MB]
    import sys

    zip_bomb(Path(sys.argv[1]), int(sys.argv[2]) * 1024 * 1024 if len(sys.argv) > 2 else 300 * 1024 * 1024)
