"""Answers written by anyone cannot make a report load, fetch, attach or run anything."""
from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader

from lexgap import report
from lexgap.render.fetcher import ASSETS, AssetsOnlyFetcher, BlockedURL
from lexgap.render.pdf import html_to_pdf

from .report_fixtures import make_assessment, with_answer_texts


@pytest.fixture()
def probe():
    """A loopback HTTP server that records every request it receives."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"probe")

        def log_message(self, *_: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()
    server.server_close()


def hostile(base: str) -> tuple[str, str]:
    note = (f'<img src="file:///etc/passwd"> <link rel=attachment href="file:///etc/hostname"> '
            f'<img src="{base}/note-img"> see {base}/note-link <script>alert(1)</script>')
    citation = (f'<link rel="stylesheet" href="{base}/style.css"><object data="file:///etc/passwd"></object> '
                f'[link]({base}/md-link) <script src="{base}/script.js"></script>')
    return note, citation


def test_html_shows_hostile_answers_as_text(probe):
    base, seen = probe
    note, citation = hostile(base)
    html = report.render_html(with_answer_texts(make_assessment(), note, citation), report.ANNEXES)
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;link rel=attachment href=&#34;file:///etc/hostname&#34;&gt;" in html
    for tag in ("<img", "<link", "<script", "<object"):
        assert tag not in html
    assert seen == []


def test_markdown_shows_hostile_answers_as_text(probe):
    base, _ = probe
    note, citation = hostile(base)
    markdown = report.render_markdown(with_answer_texts(make_assessment(), note, citation), report.ANNEXES)
    assert r'\<img src="file:///etc/passwd"\>' in markdown
    assert r"\<script\>alert(1)\</script\>" in markdown
    assert rf"\[link\]({base}/md-link)" in markdown
    for tag in ("<img", "<link", "<script", "<object"):
        assert tag not in markdown.replace("\\<", "")


@pytest.mark.slow
def test_pdf_of_hostile_answers_fetches_nothing_and_attaches_only_the_answers(probe, tmp_path):
    base, seen = probe
    note, citation = hostile(base)
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"note: {note}\n")
    out = report.write_report(with_answer_texts(make_assessment(), note, citation), tmp_path / "r.pdf",
                              answers_path=answers, annexes=report.ANNEXES)
    reader = PdfReader(out)
    assert dict(reader.attachments) == {"answers.yaml": [answers.read_bytes()]}
    text = "".join("".join(page.extract_text() for page in reader.pages).split())  # line breaks may fall anywhere
    assert "file:///etc/passwd" in text and "<script>alert(1)</script>" in text
    assert seen == []


def test_fetcher_blocks_raw_markup_even_if_escaping_failed(probe):
    base, seen = probe
    raw = (f'<html lang="en"><head><title>t</title><link rel="stylesheet" href="{base}/css">'
           f'<link rel="attachment" href="file:///etc/hostname"></head><body>'
           f'<img src="file:///etc/passwd" alt="x"><img src="{base}/img" alt="y">'
           f'<object data="file:///etc/passwd"></object><p style="background: url({base}/bg)">x</p></body></html>')
    reader = PdfReader(io.BytesIO(html_to_pdf(raw, [("answers.yaml", b"a: 1\n")])))
    assert list(reader.attachments) == ["answers.yaml"]
    assert seen == []


def test_fetcher_allows_data_urls_and_packaged_assets_only(probe, tmp_path):
    base, seen = probe
    fetcher = AssetsOnlyFetcher()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    font = ASSETS / "fonts" / "DejaVuSans.ttf"
    assert fetcher.fetch(font.as_uri()).read()[:4] == b"\x00\x01\x00\x00"
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    for url in ("file:///etc/passwd", outside.as_uri(), f"{base}/x", "https://example.org/x",
                ASSETS.as_uri() + "/../report/report.css", ASSETS.as_uri() + "/fonts",
                f"file://remote-host{font}", font.as_uri() + "?x=1", "ftp://127.0.0.1/x"):
        with pytest.raises(BlockedURL):
            fetcher.fetch(url)
    assert seen == []


def test_fetcher_refuses_symlinks_that_leave_the_assets_folder(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (assets / "link.txt").symlink_to(secret)
    (assets / "ok.css").write_text("p {}")
    fetcher = AssetsOnlyFetcher(assets)
    assert fetcher.fetch((assets / "ok.css").as_uri()).read() == b"p {}"
    with pytest.raises(BlockedURL):
        fetcher.fetch((assets / "link.txt").as_uri())


def test_packaged_assets_are_only_fonts_and_their_licence():
    files = sorted(p.relative_to(ASSETS).as_posix() for p in Path(ASSETS).rglob("*") if p.is_file())
    assert files == ["fonts/DejaVuSans-Bold.ttf", "fonts/DejaVuSans.ttf", "fonts/LICENSE-DejaVu.txt"]
