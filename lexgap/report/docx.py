"""HTML to a Word document (python-docx): the report's own HTML, read back into Word headings, paragraphs,
lists and tables, so that the Word version carries exactly what the HTML and PDF carry.

Only the markup lexgap's templates produce is understood: h1-h4, p, div, section, ul/ol/li, dl/dt/dd,
table/thead/tbody/tr/th/td (colspan), strong/b, em/i, span, a and br. The contents page is left out (Word
makes its own from the headings); each `.chapter` starts a new page; the confidentiality marking is put in
every page's header and footer. python-docx is imported here, only when a Word document is made.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

BLOCKS = {"p", "div", "section", "header", "nav", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody",
          "tr", "th", "td", "h1", "h2", "h3", "h4", "caption", "figure", "figcaption", "body", "html", "colgroup"}
SKIP = {"head", "style", "script", "svg", "colgroup", "col"}
VOID = {"br", "col", "meta", "img", "hr", "link"}
SPACE = re.compile(r"\s+")
SMALL = {"small", "cite", "obligation", "meta"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Any] = field(default_factory=list)  # Node or str

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    """The HTML as a small tree of Nodes and strings."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def html_to_docx(html: str, title: str, marking: str, author: str = "") -> bytes:
    """Build the Word document from the report's HTML; returns the .docx bytes."""
    import docx
    from docx.shared import Pt

    from ..render.pdf import creation_time

    document = docx.Document()
    styles = document.styles
    styles["Normal"].font.name = "DejaVu Sans"
    styles["Normal"].font.size = Pt(9)
    when = creation_time().replace(tzinfo=None)
    props = document.core_properties
    props.title, props.author, props.subject, props.keywords = title, author, marking, "lexgap"
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    section = document.sections[0]
    for part in (section.header, section.footer):
        para = part.paragraphs[0]
        para.text = ""
        run = para.add_run(marking)
        run.bold = True
        run.font.size = Pt(8)
    _Writer(document).block(parse(html), document)
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip(out.getvalue(), when.timetuple()[:6])


def _fixed_zip(data: bytes, date_time: tuple) -> bytes:
    """The same package with every member dated `date_time`, so that a fixed date gives identical bytes."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=max(date_time, (1980, 1, 1, 0, 0, 0)))
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


class _Writer:
    def __init__(self, document: Any) -> None:
        self.document = document
        self.first = True

    # --- blocks ---------------------------------------------------------------------------------------
    def block(self, node: Node, container: Any, list_depth: int = 0) -> None:
        """Write the children of `node` into `container`: runs of inline content become paragraphs."""
        pending: list[Any] = []
        for child in node.children:
            if isinstance(child, Node) and (child.tag in BLOCKS or child.tag in SKIP):
                self.flush(pending, container, node)
                pending = []
                self.element(child, container, list_depth)
            else:
                pending.append(child)
        self.flush(pending, container, node)

    def element(self, node: Node, container: Any, list_depth: int) -> None:
        tag = node.tag
        if tag in SKIP or "toc" in node.classes:
            return
        if "chapter" in node.classes and not self.first:
            from docx.enum.text import WD_BREAK

            self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        if tag in ("h1", "h2", "h3", "h4"):
            self.first = False
            heading = self.document.add_heading(level=int(tag[1])) if container is self.document else \
                self.new_paragraph(container)
            self.inline(node, heading, bold=container is not self.document)
        elif tag in ("ul", "ol"):
            self.list(node, container, list_depth)
        elif tag == "table":
            self.table(node, container)
        elif tag in ("p", "dt", "caption", "figcaption"):
            para = self.new_paragraph(container)
            self.inline(node, para, bold=tag in ("dt", "caption"), small="small" in node.classes)
        else:
            self.block(node, container, list_depth)

    def flush(self, pending: list[Any], container: Any, parent: Node) -> None:
        if not any(_text(x).strip() for x in pending):
            return
        para = self.new_paragraph(container)
        self.inline(Node("span", {}, pending), para, small=bool(parent.classes & SMALL))

    def new_paragraph(self, container: Any, style: str | None = None) -> Any:
        if container is not self.document and len(container.paragraphs) == 1 and not container.paragraphs[0].text \
                and not getattr(container, "_lexgap_used", False):
            container._lexgap_used = True  # the empty paragraph every table cell starts with
            para = container.paragraphs[0]
            if style:
                para.style = style
            return para
        return container.add_paragraph(style=style)

    def list(self, node: Node, container: Any, depth: int) -> None:
        from docx.shared import Mm

        number = 0
        for item in (c for c in node.children if isinstance(c, Node) and c.tag == "li"):
            number = int(item.attrs["value"]) if item.attrs.get("value", "").isdigit() else number + 1
            inline_part = Node("span", {}, [c for c in item.children
                                            if not (isinstance(c, Node) and c.tag in BLOCKS)])
            para = self.new_paragraph(container)
            para.paragraph_format.left_indent = Mm(5 * (depth + 1))
            para.paragraph_format.first_line_indent = Mm(-4)
            marker = f"{number}. " if node.tag == "ol" else ("" if "plain" in node.classes or
                                                                _starts_with_mark(inline_part) else "• ")
            if marker:
                para.add_run(marker)
            self.inline(inline_part, para)
            for child in item.children:
                if isinstance(child, Node) and child.tag in BLOCKS:
                    if child.tag in ("ul", "ol"):
                        self.list(child, container, depth + 1)
                    else:
                        sub = Node("div", child.attrs, [child])
                        self.block(sub, container, depth + 1)

    def table(self, node: Node, container: Any) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        caption = next((c for c in node.children if isinstance(c, Node) and c.tag == "caption"), None)
        if caption is not None:
            self.inline(caption, self.new_paragraph(container), bold=True)
        rows: list[tuple[Node, bool]] = []
        for child in node.children:
            if isinstance(child, Node) and child.tag in ("thead", "tbody"):
                rows += [(r, child.tag == "thead") for r in child.children if isinstance(r, Node) and r.tag == "tr"]
            elif isinstance(child, Node) and child.tag == "tr":
                rows.append((child, False))
        if not rows:
            return
        width = max(sum(int(c.attrs.get("colspan", "1") or 1) for c in r.children
                        if isinstance(c, Node) and c.tag in ("td", "th")) for r, _ in rows)
        table = container.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for i, (row, header) in enumerate(rows):
            col = 0
            for cell_node in (c for c in row.children if isinstance(c, Node) and c.tag in ("td", "th")):
                span = int(cell_node.attrs.get("colspan", "1") or 1)
                cell = table.cell(i, col)
                if span > 1:
                    cell = cell.merge(table.cell(i, min(col + span, width) - 1))
                bold = cell_node.tag == "th"
                inner = Node("div", {}, [Node("strong", {}, cell_node.children)] if bold else cell_node.children)
                self.block(inner, cell)
                col += span
            if header:
                tr_pr = table.rows[i]._tr.get_or_add_trPr()
                mark = OxmlElement("w:tblHeader")
                mark.set(qn("w:val"), "true")
                tr_pr.append(mark)

    # --- inline ---------------------------------------------------------------------------------------
    def inline(self, node: Node, para: Any, bold: bool = False, italic: bool = False, small: bool = False) -> None:
        from docx.shared import Pt

        pieces: list[tuple[str, bool, bool, bool]] = []

        def walk(n: Node, b: bool, i: bool, s: bool) -> None:
            for child in n.children:
                if isinstance(child, str):
                    pieces.append((child, b, i, s))
                elif child.tag == "br":
                    pieces.append(("\n", b, i, s))
                elif child.tag not in SKIP:
                    walk(child, b or child.tag in ("strong", "b"), i or child.tag in ("em", "i")
                         or "obligation" in child.classes, s or bool(child.classes & SMALL))

        walk(node, bold, italic, small)
        text_so_far = ""
        for text, b, i, s in pieces:
            if text == "\n":
                para.add_run().add_break()
                text_so_far = ""
                continue
            text = SPACE.sub(" ", text)
            if not text_so_far or text_so_far.endswith(" "):
                text = text.lstrip()
            if not text:
                continue
            run = para.add_run(text)
            run.bold, run.italic = b or None, i or None
            if s:
                run.font.size = Pt(7.5)
            text_so_far += text
        if para.runs:
            para.runs[-1].text = para.runs[-1].text.rstrip()


def _text(x: Any) -> str:
    return x if isinstance(x, str) else "".join(_text(c) for c in x.children)


def _starts_with_mark(node: Node) -> bool:
    return _text(node).lstrip()[:1] in "●◐○?–"
