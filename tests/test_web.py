"""Server-side tests of `lexgap serve` with Flask's test client: CSRF, Host/Origin checks, path traversal,
upload limits, atomic saves with backups, answers round trip, show_if, live status, escaping, downloads."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

flask = pytest.importorskip("flask", reason="Flask is not installed (pip install 'flask>=3.1,<4')")

from lexgap.engine.answers import load_answers
from lexgap.web.app import MAX_REQUEST, MAX_YAML_UPLOAD, create_app
from lexgap.web.storage import DataFolder, UnsafeName, is_safe_stem, make_stem

TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')
CONDITIONAL = "treaty.opsc_report"      # show_if: treaty.opsc == "party"
CONTROLLING = "treaty.opsc"


@pytest.fixture()
def app(tmp_path):
    application = create_app(tmp_path / "data", pdf_in_worker=False, testing=True)
    yield application
    worker = application.extensions.get("lexgap_pdf")
    if worker:
        worker.close()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def data_dir(app) -> Path:
    return app.extensions["lexgap"].folder.root


def token(client, path: str = "/") -> str:
    response = client.get(path)
    match = TOKEN.search(response.data)
    assert match, f"no CSRF token on {path}"
    return match.group(1).decode()


def create(client, name: str = "Testland", **extra: str) -> str:
    form = {"csrf_token": token(client), "state_name": name, "assessors": "Ministry of Justice",
            "date": "2026-11-01", "status": "draft", "fictional": "yes", **extra}
    response = client.post("/new", data=form)
    assert response.status_code == 302, response.data[:2000]
    return response.headers["Location"].split("/")[2]


def save(client, stem: str, qid: str, value=None, *, as_json: bool = True, **texts: str):
    form: dict = {"csrf_token": token(client, f"/a/{stem}/section/treaty"), "q": qid, "view": "section:treaty"}
    if as_json:
        form["only"] = qid
    if value is not None:
        form[f"v.{qid}"] = value
    for key, text in texts.items():
        form[f"{key[0]}.{qid}"] = text
    headers = {"X-Requested-With": "lexgap", "Accept": "application/json"} if as_json else {}
    return client.post(f"/a/{stem}/answers", data=form, headers=headers)


def answers_on_disk(app, stem: str):
    ws = app.extensions["lexgap"]
    return load_answers(ws.folder.path(stem), ws.kb).data.answers


def question_of_type(app, kind: str, conditional: bool = False):
    kb = app.extensions["lexgap"].kb
    return next(q for q in kb.questionnaire.questions if q.type == kind and (q.id in kb.show_if) == conditional
                and (kind != "yes_no" or q.partial))


# --- pages and creation ------------------------------------------------------------------------------------

def test_start_page_create_and_list(client, app, data_dir):
    page = client.get("/")
    assert page.status_code == 200
    assert b"There are no assessments" in page.data
    stem = create(client, "Republic of Arcadia")
    assert stem == "republic-of-arcadia-2026-11-01"
    assert (data_dir / f"{stem}.yaml").is_file()
    loaded = load_answers(data_dir / f"{stem}.yaml", app.extensions["lexgap"].kb).data
    assert loaded.state.name == "Republic of Arcadia" and loaded.state.fictional
    listing = client.get("/").data
    assert b"Republic of Arcadia" in listing and f"{stem}.yaml".encode() in listing
    # a second assessment of the same State and date gets its own file
    assert create(client, "Republic of Arcadia") == f"{stem}-2"


def test_create_refuses_incomplete_details_and_keeps_them(client, data_dir):
    response = client.post("/new", data={"csrf_token": token(client), "state_name": "Veridia", "assessors": "",
                                         "date": "not a date", "status": "draft"})
    assert response.status_code == 422
    assert b"Name at least one assessor" in response.data and b"Write the date as YYYY-MM-DD" in response.data
    assert b'value="Veridia"' in response.data          # what was typed is still there
    assert not list(data_dir.glob("*.yaml"))


def test_questionnaire_lists_sections_in_printed_order_with_guidance(client, app):
    stem = create(client)
    page = client.get(f"/a/{stem}/section/treaty").data.decode()
    kb = app.extensions["lexgap"].kb
    numbers = re.findall(r'<span class="qnum">([^<]+)</span>', page)
    assert numbers[:3] == ["T.1", "T.2", "T.3"]
    assert numbers.index("T.9") < numbers.index("T.10")
    assert kb.questions["treaty.crc"].guidance.split(".")[0] in page
    assert "Instruments:" in page and "National provision cited" in page
    assert '<label for="c.treaty.crc">' in page            # every field labelled
    for section in kb.questionnaire.sections:
        assert f"/a/{stem}/section/{section.id}" in page
    assert client.get(f"/a/{stem}/paragraph/1").status_code == 200
    assert client.get(f"/a/{stem}/paragraph/99").status_code == 404
    assert client.get(f"/a/{stem}/section/nope").status_code == 404


# --- CSRF, Host and Origin ---------------------------------------------------------------------------------

def test_csrf_required_on_every_form(client, data_dir):
    stem = create(client)
    before = (data_dir / f"{stem}.yaml").read_bytes()
    for path, form in [("/new", {"state_name": "X", "assessors": "Y", "date": "2026-01-01", "status": "draft"}),
                       (f"/a/{stem}/details", {"state_name": "X", "assessors": "Y", "date": "2026-01-01",
                                               "status": "draft"}),
                       ("/upload", {})]:
        assert client.post(path, data=form).status_code == 400
        assert client.post(path, data={**form, "csrf_token": "forged"}).status_code == 400
    # the answers form: JSON callers get an error, nothing is saved
    response = client.post(f"/a/{stem}/answers", data={"q": CONTROLLING, "only": CONTROLLING,
                                                       f"v.{CONTROLLING}": "party", "csrf_token": "x"},
                           headers={"X-Requested-With": "lexgap"})
    assert response.status_code == 400 and response.get_json()["ok"] is False
    # a plain form post is shown again with what was typed, unsaved, and a fresh token
    response = client.post(f"/a/{stem}/answers", data={"q": "treaty.crc", "v.treaty.crc": "party",
                                                       "c.treaty.crc": "Typed citation", "view": "section:treaty"})
    assert response.status_code == 400
    assert b"Nothing was saved" in response.data and b'value="Typed citation"' in response.data
    assert TOKEN.search(response.data)
    assert (data_dir / f"{stem}.yaml").read_bytes() == before
    assert list(data_dir.glob("*.yaml")) == [data_dir / f"{stem}.yaml"]


def test_token_header_accepted(client, app):
    stem = create(client)
    tok = token(client)
    response = client.post(f"/a/{stem}/answers", data={"q": CONTROLLING, "only": CONTROLLING,
                                                       f"v.{CONTROLLING}": "party"},
                           headers={"X-CSRF-Token": tok, "X-Requested-With": "lexgap"})
    assert response.status_code == 200 and response.get_json()["saved"]


def test_cross_origin_post_refused_even_with_token(client, data_dir):
    tok = token(client)
    response = client.post("/new", data={"csrf_token": tok, "state_name": "X", "assessors": "Y",
                                         "date": "2026-01-01", "status": "draft"},
                           headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    response = client.post("/new", data={"csrf_token": tok, "state_name": "X", "assessors": "Y",
                                         "date": "2026-01-01", "status": "draft"}, headers={"Origin": "null"})
    assert response.status_code == 403
    assert not list(data_dir.glob("*.yaml"))


def test_foreign_host_refused_dns_rebinding(client):
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/", headers={"Host": "attacker.example:8174"}).status_code == 400
    for host in ("127.0.0.1:8174", "localhost", "[::1]:8174"):
        assert client.get("/", headers={"Host": host}).status_code == 200


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_external_assets(client):
    stem = create(client)
    page = client.get(f"/a/{stem}/section/treaty").data.decode()
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert not re.match(r"^(https?:)?//", url), url
    assert "<style" not in page and " style=" not in page and "onclick" not in page
    assert client.get("/static/lexgap.js").status_code == 200
    assert client.get("/static/lexgap.css").status_code == 200


# --- file names ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", ["../etc/passwd", "..", ".", "a/b", "a\\b", "a.b", "", ".hidden", "x" * 101,
                                  "nul\x00", "é", "-a"])
def test_unsafe_stems_rejected(tmp_path, stem):
    assert not is_safe_stem(stem)
    with pytest.raises(UnsafeName):
        DataFolder(tmp_path).path(stem)


@pytest.mark.parametrize("path", ["/a/..%2f..%2fetc%2fpasswd/", "/a/../section/treaty", "/a/%2e%2e/section/treaty",
                                  "/a/..%2fsecret/answers.yaml", "/a/nothing-here/answers.yaml",
                                  "/a/a.b/report.html", "/a/.lexgap-web-secret/answers.yaml"])
def test_path_traversal_urls_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_symlink_in_data_folder_is_not_followed(client, data_dir, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("secret: 1\n")
    (data_dir / "link.yaml").symlink_to(outside)
    listing = client.get("/").data
    assert b"link.yaml" in listing and b"Not listed" in listing  # named as left out, never opened
    assert client.get("/a/link/answers.yaml").status_code == 404
    assert client.get("/a/link/section/treaty").status_code == 404


def test_uploaded_file_name_never_reaches_the_file_system(client, app, data_dir, tmp_path):
    stem = create(client, "Veridia")
    text = (data_dir / f"{stem}.yaml").read_bytes()
    for evil in ["../../evil.yaml", "/etc/cron.d/x.yaml", "..\\..\\evil.yaml", "a/../../b.yaml"]:
        response = client.post("/upload", data={"csrf_token": token(client), "file": (__import__("io").BytesIO(text),
                                                                                      evil)})
        assert response.status_code == 302
    assert not (tmp_path / "evil.yaml").exists() and not (data_dir.parent / "evil.yaml").exists()
    names = sorted(p.name for p in data_dir.glob("*.yaml"))
    assert all(n.startswith("veridia-2026-11-01") for n in names) and len(names) == 5


def test_make_stem():
    assert make_stem("République de Veridia", "2026-11-01") == "republique-de-veridia-2026-11-01"
    assert make_stem("../../etc", "x") == "etc-x"
    assert make_stem("日本", "2026") == "assessment-2026"
    assert is_safe_stem(make_stem("a" * 500, "2026-01-01"))


# --- uploads --------------------------------------------------------------------------------------------------

def upload(client, content: bytes, name: str):
    import io

    return client.post("/upload", data={"csrf_token": token(client), "file": (io.BytesIO(content), name)})


def test_upload_valid_yaml_keeps_the_original_text(client, data_dir):
    text = (b"# my comments\nschema_version: 1\nstate: {name: Upland, fictional: true}\n"
            b"assessment: {date: 2026-10-01, assessors: [Me], status: draft, pack: res-74-174, "
            b"pack_version: \"1.0.0\"}\nanswers:\n  treaty.opsc: party\n")
    response = upload(client, text, "whatever.yml")
    assert response.status_code == 302
    assert (data_dir / "upland-2026-10-01.yaml").read_bytes() == text


def test_upload_invalid_yaml_lists_problems_and_saves_nothing(client, data_dir):
    text = (b"schema_version: 1\nstate: {name: Upland}\nassessment: {date: 2026-10-01, assessors: [Me], "
            b"status: draft, pack: res-74-174, pack_version: \"1.0.0\"}\nanswers:\n  treaty.opsc: maybe\n"
            b"  not.a_question: yes\n")
    response = upload(client, text, "x.yaml")
    assert response.status_code == 422
    body = response.data.decode()
    assert "line 5" in body and "not one of the options" in body and "unknown question id" in body
    assert not list(data_dir.glob("*.yaml"))


@pytest.mark.parametrize("content,name,status,message", [
    (b"\x00\x01binary", "x.yaml", 422, b"binary"),
    (b"\xff\xfe not utf8", "x.yaml", 422, b"UTF-8"),
    (b"a: &x 1\nb: *x\n", "x.yaml", 422, b"anchors and aliases"),
    (b"hello", "x.txt", 422, b"Upload an answers file"),
    (b"", "", 422, b"Choose a file"),
])
def test_upload_refusals(client, data_dir, content, name, status, message):
    response = upload(client, content, name)
    assert response.status_code == status and message in response.data
    assert not list(data_dir.glob("*.yaml"))


def test_upload_size_limits(client, data_dir):
    big_yaml = b"# " + b"x" * (MAX_YAML_UPLOAD + 10) + b"\n"
    response = upload(client, big_yaml, "big.yaml")
    assert response.status_code == 413 and b"larger than" in response.data
    huge = b"x" * (MAX_REQUEST + 1024)
    response = upload(client, huge, "huge.yaml")
    assert response.status_code == 413 and b"File too large" in response.data
    assert not list(data_dir.glob("*.yaml"))


def test_workbook_upload(client, data_dir):
    import importlib.util

    response = upload(client, b"PK\x03\x04 not really a zip", "filled.xlsx")
    assert response.status_code == 422
    if importlib.util.find_spec("lexgap.workbook") is None:
        assert b"cannot be read by this version" in response.data
    else:
        assert b"not an Excel workbook" in response.data
    assert not list(data_dir.glob("*.yaml"))


def test_workbook_zip_bomb_refused(client, data_dir):
    import importlib.util
    import io
    import zipfile

    if importlib.util.find_spec("lexgap.workbook") is None:
        pytest.skip("lexgap.workbook is not there yet: workbook uploads are refused outright")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (60 * 1024 * 1024))
    response = upload(client, buffer.getvalue(), "bomb.xlsx")
    assert response.status_code == 422 and b"50 MB" in response.data


# --- answering ------------------------------------------------------------------------------------------------

def test_answer_saves_atomically_with_backup(client, app, data_dir):
    stem = create(client)
    path = data_dir / f"{stem}.yaml"
    first = path.read_bytes()
    response = save(client, stem, CONTROLLING, "party", citation="Act 12 of 2003, s. 4")
    data = response.get_json()
    assert response.status_code == 200 and data["ok"] and data["saved"]
    assert answers_on_disk(app, stem)[CONTROLLING].value == "party"
    assert answers_on_disk(app, stem)[CONTROLLING].citation == "Act 12 of 2003, s. 4"
    backups = app.extensions["lexgap"].folder.backups(stem)
    assert len(backups) == 1 and backups[0].read_bytes() == first
    second = path.read_bytes()
    save(client, stem, "treaty.crc", "party")
    backups = app.extensions["lexgap"].folder.backups(stem)
    assert len(backups) == 2 and backups[0].read_bytes() == second
    assert not [p for p in data_dir.iterdir() if p.name.endswith(".tmp")]


def test_backups_are_pruned(tmp_path):
    folder = DataFolder(tmp_path, keep_backups=3)
    for i in range(6):
        folder.write("x", f"version {i}\n".encode())
    kept = folder.backups("x")
    assert [p.read_text() for p in kept] == ["version 4\n", "version 3\n", "version 2\n"]
    assert (tmp_path / "x.yaml").read_text() == "version 5\n"


def test_failed_write_keeps_old_file_and_typed_input(client, app, data_dir, monkeypatch):
    stem = create(client)
    path = data_dir / f"{stem}.yaml"
    before = path.read_bytes()
    tok = token(client, f"/a/{stem}/section/treaty")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    response = client.post(f"/a/{stem}/answers", data={"csrf_token": tok, "q": "treaty.crc", "view": "section:treaty",
                                                       "v.treaty.crc": "party", "n.treaty.crc": "Typed note"})
    monkeypatch.undo()
    assert response.status_code == 500
    assert b"Nothing was saved" in response.data and b"Typed note" in response.data
    assert path.read_bytes() == before
    assert not [p for p in data_dir.rglob("*.tmp")]
    # and the app is not confused afterwards: the next save works
    assert save(client, stem, "treaty.crc", "party").get_json()["saved"]
    assert answers_on_disk(app, stem)["treaty.crc"].value == "party"


def test_invalid_answer_is_refused_and_shown_again(client, app):
    stem = create(client)
    number = question_of_type(app, "number")
    section = number.section
    tok = token(client, f"/a/{stem}/section/{section}")
    response = client.post(f"/a/{stem}/answers", data={"csrf_token": tok, "q": number.id,
                                                       "view": f"section:{section}",
                                                       f"v.{number.id}": "eighteen", f"n.{number.id}": "kept note"})
    assert response.status_code == 422
    body = response.data.decode()
    assert 'value="eighteen"' in body and "kept note" in body and "Write a number" in body
    assert number.id not in answers_on_disk(app, stem)
    data = save(client, stem, number.id, "abc").get_json()
    assert not data["ok"] and "number" in data["errors"][number.id]


def test_every_question_type_round_trips(client, app):
    stem = create(client)
    kb = app.extensions["lexgap"].kb
    cases = []
    for kind in ("yes_no", "single_choice", "multiple_choice", "number"):
        q = question_of_type(app, kind)
        if kind == "yes_no":
            cases.append((q, "partial", "partial"))
        elif kind == "single_choice":
            cases.append((q, q.options[-1].value, q.options[-1].value))
        elif kind == "multiple_choice":
            cases.append((q, [q.options[1].value, q.options[0].value], [q.options[0].value, q.options[1].value]))
        else:
            low = int(q.minimum or 0)
            cases.append((q, str(low + 1), low + 1))
    for q, posted, expected in cases:
        response = save(client, stem, q.id, posted, note="line one\nline two: with 'quotes' & <b>")
        assert response.get_json()["ok"], response.get_json()
        answer = answers_on_disk(app, stem)[q.id]
        assert answer.value == expected
        assert answer.note == "line one\nline two: with 'quotes' & <b>"
    multi = question_of_type(app, "multiple_choice")
    assert save(client, stem, multi.id, "__none__").get_json()["ok"]
    assert answers_on_disk(app, stem)[multi.id].value == []
    assert save(client, stem, multi.id, "unknown").get_json()["ok"]
    assert answers_on_disk(app, stem)[multi.id].value == "unknown"
    # 'unknown' with an option ticked is contradictory and refused
    tok = token(client)
    response = client.post(f"/a/{stem}/answers", data={"csrf_token": tok, "q": multi.id, "only": multi.id,
                                                       f"v.{multi.id}": ["unknown", multi.options[0].value]},
                           headers={"X-Requested-With": "lexgap"})
    assert multi.id in response.get_json()["errors"]
    assert kb.questions[multi.id]


def test_clearing_fields_and_retracting(client, app):
    stem = create(client)
    save(client, stem, "treaty.crc", "party", citation="Act 1", note="N", source="S")
    response = save(client, stem, "treaty.crc", "party", citation="", note="N", source="")
    assert response.get_json()["saved"]
    answer = answers_on_disk(app, stem)["treaty.crc"]
    assert (answer.citation, answer.note, answer.source) == (None, "N", None)
    # no value, but a note: the note is kept (value null)
    save(client, stem, "treaty.crc", "", note="still checking")
    answer = answers_on_disk(app, stem)["treaty.crc"]
    assert answer.value is None and answer.note == "still checking"
    # nothing at all: the answer is withdrawn
    save(client, stem, "treaty.crc", "")
    assert "treaty.crc" not in answers_on_disk(app, stem)


def test_show_if_questions_appear_and_disappear(client, app):
    stem = create(client)
    page = client.get(f"/a/{stem}/section/treaty").data.decode()
    block = re.search(rf'<div class="question[^"]*" id="q-{re.escape(CONDITIONAL)}"[^>]*>\s*<fieldset[^>]*>', page)
    assert block and " hidden" in block.group(0) and "disabled" in block.group(0)
    data = save(client, stem, CONTROLLING, "party").get_json()
    assert data["states"][CONDITIONAL] == "shown"
    page = client.get(f"/a/{stem}/section/treaty").data.decode()
    block = re.search(rf'<div class="question[^"]*" id="q-{re.escape(CONDITIONAL)}"[^>]*>\s*<fieldset[^>]*>', page)
    assert " hidden" not in block.group(0) and "disabled" not in block.group(0)
    # answered, then ruled out: kept in the file, marked as set aside, not hidden
    save(client, stem, CONDITIONAL, "yes")
    data = save(client, stem, CONTROLLING, "not_party").get_json()
    assert data["states"][CONDITIONAL] == "set_aside"
    assert answers_on_disk(app, stem)[CONDITIONAL].value == "yes"
    assert "set aside" in data["status_html"].lower()
    # unanswered and ruled out: hidden again
    save(client, stem, CONDITIONAL, "")
    assert save(client, stem, CONTROLLING, "not_party").get_json()["states"][CONDITIONAL] == "hidden"


def test_plain_form_post_without_javascript(client, app):
    stem = create(client)
    tok = token(client, f"/a/{stem}/section/treaty")
    form = {"csrf_token": tok, "view": "section:treaty", "q": ["treaty.crc", CONTROLLING],
            "v.treaty.crc": "party", f"v.{CONTROLLING}": "party", "save": CONTROLLING}
    response = client.post(f"/a/{stem}/answers", data=form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/a/{stem}/section/treaty#q-{CONTROLLING}")
    page = client.get(response.headers["Location"].split("#")[0]).data.decode()
    assert "Saved." in page
    assert re.search(r'id="v\.treaty\.crc--party" name="v\.treaty\.crc" value="party" checked', page)
    block = re.search(rf'id="q-{re.escape(CONDITIONAL)}"[^>]*>', page).group(0)
    assert "hidden" not in block
    # "save and continue" goes to the next section
    form = {"csrf_token": tok, "view": "section:treaty", "q": ["treaty.crc"], "v.treaty.crc": "party",
            "go": "section:definitions"}
    response = client.post(f"/a/{stem}/answers", data=form)
    assert response.headers["Location"].endswith(f"/a/{stem}/section/definitions")


def test_live_status_changes_with_answers(client, app):
    stem = create(client)
    page = client.get(f"/a/{stem}/section/treaty").data.decode()
    row = re.search(r'<tr id="status-p17"[^>]*data-level="([a-z_]+)"', page)
    assert row.group(1) == "insufficient_information"
    save(client, stem, "treaty.untoc", "party")
    data = save(client, stem, "treaty.tip", "party").get_json()
    level = re.search(r'<tr id="status-p17"[^>]*data-level="([a-z_]+)"', data["status_html"]).group(1)
    assert level != "insufficient_information"
    assert "Paragraph 17" in data["announce"]
    assert data["counts"]["treaty"].startswith("2 of ")


def test_everything_is_escaped(client, app, data_dir):
    evil = '<script>alert("x")</script>'
    stem = create(client, evil, region="<img src=x onerror=alert(1)>")
    page = client.get(f"/a/{stem}/section/treaty").data.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page
    save(client, stem, "treaty.crc", "party", note='"><script>alert(2)</script>', citation="</textarea><b>x")
    page = client.get(f"/a/{stem}/section/treaty").data.decode()
    assert "<script>alert(2)" not in page and "</textarea><b>" not in page
    listing = client.get("/").data.decode()
    assert "<script>alert" not in listing
    html = client.get(f"/a/{stem}/report.html").data.decode()
    assert "<script>alert" not in html


def test_templates_all_autoescape(app):
    env = app.jinja_env
    for name in env.list_templates():
        if name.startswith("web/"):
            assert env.get_template(name).render is not None
            assert app.select_jinja_autoescape(name) is True


def test_details_edit(client, app):
    stem = create(client)
    save(client, stem, "treaty.crc", "party")
    tok = token(client, f"/a/{stem}/details")
    response = client.post(f"/a/{stem}/details", data={"csrf_token": tok, "state_name": "Testland (revised)",
                                                       "assessors": "A\nB", "date": "2026-11-02", "status": "final",
                                                       "sources": "Penal Code"})
    assert response.status_code == 302
    data = load_answers(app.extensions["lexgap"].folder.path(stem), app.extensions["lexgap"].kb).data
    assert data.state.name == "Testland (revised)" and data.assessment.assessors == ["A", "B"]
    assert data.assessment.status == "final" and data.answers["treaty.crc"].value == "party"


def test_file_changed_outside_the_app_is_reloaded(client, app, data_dir):
    stem = create(client)
    save(client, stem, "treaty.crc", "party")
    path = data_dir / f"{stem}.yaml"
    path.write_text(path.read_text().replace("party", "signatory"))
    page = client.get(f"/a/{stem}/section/treaty").data.decode()
    assert re.search(r'value="signatory" checked', page)


def test_broken_file_in_folder_is_listed_with_its_problem(client, data_dir):
    (data_dir / "broken.yaml").write_text("state: [\n")
    listing = client.get("/").data.decode()
    assert "broken.yaml" in listing and "cannot be opened" in listing
    response = client.get("/a/broken/section/treaty")
    assert response.status_code == 422 and "line" in response.data.decode()


def test_concurrent_saves_lose_nothing(app):
    client_a, client_b = app.test_client(), app.test_client()
    stem = create(client_a)
    ids = [q.id for q in app.extensions["lexgap"].kb.questionnaire.questions
           if q.type == "yes_no" and q.id not in app.extensions["lexgap"].kb.show_if][:10]
    errors = []

    def work(client, qids):
        try:
            for qid in qids:
                assert save(client, stem, qid, "yes").get_json()["ok"]
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(client_a, ids[::2])),
               threading.Thread(target=work, args=(client_b, ids[1::2]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    on_disk = answers_on_disk(app, stem)
    assert all(on_disk[q].value == "yes" for q in ids)


# --- downloads ---------------------------------------------------------------------------------------------------

def test_download_answers_and_html_report(client, data_dir):
    stem = create(client)
    save(client, stem, "treaty.crc", "party")
    response = client.get(f"/a/{stem}/answers.yaml")
    assert response.status_code == 200 and response.data == (data_dir / f"{stem}.yaml").read_bytes()
    assert response.headers["Content-Disposition"] == f'attachment; filename="{stem}.yaml"'
    response = client.get(f"/a/{stem}/report.html")
    assert response.status_code == 200 and b"Testland" in response.data
    assert response.headers["Content-Disposition"] == f'attachment; filename="{stem}-report.html"'


@pytest.mark.slow
def test_pdf_report_in_worker_process(tmp_path):
    app = create_app(tmp_path / "data", pdf_in_worker=True, pdf_timeout=180, testing=True)
    try:
        client = app.test_client()
        stem = create(client)
        save(client, stem, "treaty.crc", "party")
        response = client.get(f"/a/{stem}/report.pdf")
        assert response.status_code == 200, response.data[:500]
        assert response.data.startswith(b"%PDF-")
        assert response.headers["Content-Disposition"] == f'attachment; filename="{stem}-report.pdf"'
    finally:
        app.extensions["lexgap_pdf"].close()


@pytest.mark.slow
def test_pdf_timeout_gives_a_plain_message(tmp_path):
    app = create_app(tmp_path / "data", pdf_in_worker=True, pdf_timeout=0.01, testing=True)
    try:
        client = app.test_client()
        stem = create(client)
        response = client.get(f"/a/{stem}/report.pdf")
        assert response.status_code == 504 and b"took too long" in response.data
    finally:
        app.extensions["lexgap_pdf"].close()


# --- the command ---------------------------------------------------------------------------------------------

def test_command_module_does_not_import_flask():
    code = ("import sys, lexgap.commands.serve; "
            "print(json.dumps(['flask' in sys.modules, 'lexgap.engine.knowledge' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [False, False]


def test_serve_warns_on_non_loopback_address(tmp_path, monkeypatch):
    import werkzeug.serving
    from click.testing import CliRunner

    from lexgap.cli import cli

    class FakeServer:
        server_port = 8174

        def serve_forever(self):
            raise KeyboardInterrupt

        def server_close(self):
            pass

    seen = {}

    def fake_make_server(host, port, app, threaded):
        seen.update(host=host, port=port, threaded=threaded, app=app)
        return FakeServer()

    monkeypatch.setattr(werkzeug.serving, "make_server", fake_make_server)
    runner = CliRunner()
    result = runner.invoke(cli, ["serve", "--data", str(tmp_path / "d"), "--host", "0.0.0.0", "--port", "8174"])
    assert result.exit_code == 0, result.output
    assert "WARNING" in result.stderr and "no login" in result.stderr
    assert seen["host"] == "0.0.0.0" and seen["threaded"]
    result = runner.invoke(cli, ["serve", "--data", str(tmp_path / "d")])
    assert result.exit_code == 0 and "WARNING" not in result.stderr
    assert "http://127.0.0.1:8174/" in result.stdout
    assert seen["host"] == "127.0.0.1"
    assert seen["app"].config["SESSION_COOKIE_NAME"] == "lexgap_session_8174"    # one cookie per instance


def test_serve_reports_a_busy_port(tmp_path):
    import socket

    from click.testing import CliRunner

    from lexgap.cli import cli

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--data", str(tmp_path / "d"), "--port", str(port)])
    assert result.exit_code == 1 and "--port 0 for any free port" in result.stderr


def test_workbook_round_trip_through_upload(client, app, data_dir):
    workbook = pytest.importorskip("lexgap.workbook", reason="lexgap.workbook is not there yet")
    import io

    stem = create(client, "Workbookland")
    save(client, stem, "treaty.crc", "party", citation="Act 1 of 1990")
    save(client, stem, CONTROLLING, "party")
    response = client.get(f"/a/{stem}/questionnaire.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    blank = client.get("/questionnaire.xlsx")
    assert blank.status_code == 200 and blank.data[:2] == b"PK"
    response = client.post("/upload", data={"csrf_token": token(client),
                                            "file": (io.BytesIO(response.data), "filled.xlsx")})
    assert response.status_code == 302, response.data[:3000]
    new_stem = response.headers["Location"].split("/")[2]
    assert new_stem == f"{stem}-2"
    assert answers_on_disk(app, new_stem) == answers_on_disk(app, stem)
    assert workbook  # the module is the one the app used


def test_copy_a_bundled_example(tmp_path):
    examples = tmp_path / "examples"
    examples.mkdir()
    text = (b"schema_version: 1\nstate: {name: Arcadia, fictional: true}\nassessment: {date: 2026-10-01, "
            b"assessors: [Me], status: draft, pack: res-74-174, pack_version: \"1.0.0\"}\nanswers:\n"
            b"  treaty.crc: party\n")
    (examples / "arcadia.yaml").write_bytes(text)
    app = create_app(tmp_path / "data", pdf_in_worker=False, testing=True, examples_dir=examples)
    client = app.test_client()
    assert b"Copy the example" in client.get("/").data
    response = client.post("/example", data={"csrf_token": token(client), "example": "arcadia"})
    assert response.status_code == 302
    assert (tmp_path / "data" / "arcadia-2026-10-01.yaml").read_bytes() == text
    for bad in ["../arcadia", "arcadia.yaml", "/etc/passwd", "missing"]:
        assert client.post("/example", data={"csrf_token": token(client), "example": bad}).status_code == 404


def test_secret_key_file_is_private_and_kept(tmp_path):
    folder = DataFolder(tmp_path)
    key = folder.secret_key()
    assert (tmp_path / ".lexgap-web-secret").stat().st_mode & 0o777 == 0o600
    assert DataFolder(tmp_path).secret_key() == key and len(key) >= 32


@pytest.mark.slow
def test_serve_runs_and_stops_cleanly(tmp_path):
    import signal
    import time
    import urllib.request

    code = ("from lexgap.cli import cli; "
            f"cli(['serve', '--data', {str(tmp_path / 'd')!r}, '--port', '0'], standalone_mode=True)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line + proc.stderr.read()
        deadline = time.time() + 20
        while True:
            try:
                with urllib.request.urlopen(match.group(0), timeout=5) as response:
                    assert response.status == 200 and b"Self-assessments" in response.read()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        out, _err = proc.communicate(timeout=20)
        assert proc.returncode == 0 and "Stopped" in out
        assert (tmp_path / "d" / ".lexgap-web-secret").is_file()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


# --- the factory, its blueprints and the security hooks, view by view -------------------------------------------

def url_args(rule, stem: str, app) -> dict:
    ws = app.extensions["lexgap"]
    values = {"stem": stem, "section_id": ws.kb.questionnaire.sections[0].id,
              "number": ws.kb.paragraphs[0].paragraph, "filename": "lexgap.css"}
    return {name: values[name] for name in rule.arguments}


def test_factory_registers_the_blueprints(app):
    assert set(app.blueprints) == {"start", "questionnaire", "details", "downloads"}
    for rule in app.url_map.iter_rules():
        assert rule.endpoint == "static" or rule.endpoint.split(".")[0] in app.blueprints, rule.endpoint


def test_every_page_and_download_answers_on_its_own(client, app, monkeypatch):
    from lexgap.web import downloads

    # the PDF itself is made (slowly) in test_pdf_report_in_worker_process; here only the view is exercised
    monkeypatch.setattr(downloads, "render_inline", lambda assessment, files: b"%PDF-1.7 " + files[0][1])
    stem = create(client)
    expected = {"application/pdf", "application/yaml", "text/html", "text/css",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    seen = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        with app.test_request_context():
            url = flask.url_for(rule.endpoint, **url_args(rule, stem, app))
        response = client.get(url)
        if rule.endpoint == "questionnaire.assessment_home":
            assert response.status_code == 302 and "/section/" in response.headers["Location"]
        else:
            assert response.status_code == 200, (rule.endpoint, response.data[:300])
            assert response.mimetype in expected, (rule.endpoint, response.mimetype)
            assert response.headers["X-Frame-Options"] == "DENY"
        seen.add(rule.endpoint)
    assert {"start.index", "questionnaire.section_page", "questionnaire.paragraph_page", "details.edit",
            "downloads.report_pdf", "downloads.answers_file"} <= seen


def test_every_form_post_is_refused_without_a_token(client, app, data_dir):
    stem = create(client)
    path = data_dir / f"{stem}.yaml"
    before = path.read_bytes()
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert {r.endpoint for r in posts} == {"start.new_assessment", "start.copy_example", "start.upload",
                                           "questionnaire.save_answers", "details.edit"}
    for rule in posts:
        with app.test_request_context():
            url = flask.url_for(rule.endpoint, **url_args(rule, stem, app))
        response = client.post(url, data={"state_name": "X", "assessors": "Y", "date": "2026-01-01",
                                          "status": "draft", "q": "treaty.crc", "v.treaty.crc": "party"})
        assert response.status_code == 400, rule.endpoint
        assert b"Nothing was" in response.data, rule.endpoint
    assert path.read_bytes() == before and len(list(data_dir.glob("*.yaml"))) == 1


def test_security_init_app_on_a_bare_app():
    from lexgap.web import security

    bare = flask.Flask("bare", template_folder=str(Path(__file__).resolve().parent.parent / "lexgap" / "templates"))
    bare.config.update(SECRET_KEY="k" * 32, LEXGAP_ALLOWED_HOSTS=security.LOOPBACK_HOSTS)
    bare.jinja_env.globals.update(url_for=lambda *a, **k: "/")
    bare.add_url_rule("/", "index", lambda: flask.render_template_string("{{ csrf_token() }}"))
    bare.add_url_rule("/hard", "hard", lambda: "done", methods=["POST"])
    bare.add_url_rule("/soft", "soft", security.soft_csrf(lambda: "failed" if flask.g.csrf_failed else "ok"),
                      methods=["POST"])
    bare.jinja_env.globals["pack"] = type("P", (), {"id": "p", "version": "1"})
    security.init_app(bare)
    client = bare.test_client()
    tok = client.get("/").data.decode()
    assert len(tok) > 30
    assert client.post("/hard", data={"csrf_token": tok}).data == b"done"
    assert client.post("/hard", data={}).status_code == 400
    assert client.post("/soft", data={}).data == b"failed"
    assert client.post("/soft", headers={"X-CSRF-Token": tok}).data == b"ok"
    assert client.post("/hard", data={"csrf_token": tok}, headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_two_apps_in_one_process_keep_to_their_own_folders(tmp_path):
    one = create_app(tmp_path / "one", pdf_in_worker=False, testing=True)
    two = create_app(tmp_path / "two", pdf_in_worker=False, testing=True)
    stem = create(one.test_client(), "Onland")
    assert b"Onland" in one.test_client().get("/").data
    assert b"Onland" not in two.test_client().get("/").data
    assert two.test_client().get(f"/a/{stem}/section/treaty").status_code == 404


def test_views_one_by_one_in_a_request_context(app, client):
    from werkzeug.exceptions import HTTPException

    from lexgap.web import downloads, pages, questionnaire, start

    stem = create(client)
    with app.test_request_context("/"):
        html, code = start.index()
        assert code == 200 and "Testland" in html
        assert pages.parse_view("section:treaty") == ("section", "treaty")
        assert pages.parse_view("paragraph:99") is None and pages.parse_view("../x") is None
        assert pages.view_url(stem, ("paragraph", 3), "treaty.crc").endswith(f"/a/{stem}/paragraph/3#q-treaty.crc")
        page, code = questionnaire.section_page(stem, "treaty")
        assert code == 200 and 'id="q-treaty.crc"' in page
        response = downloads.answers_file(stem)
        assert response.headers["Content-Disposition"] == f'attachment; filename="{stem}.yaml"'
        with pytest.raises(HTTPException) as info:
            questionnaire.section_page("no-such-file", "treaty")
        assert info.value.code == 404


# --- lost updates: a page opened before another window saved --------------------------------------------------

def page_form(client, stem: str, section: str = "treaty") -> dict:
    """Every field of the section's form as the page shows it (what a browser would send back untouched)."""
    html = client.get(f"/a/{stem}/section/{section}").data.decode()
    form: dict = {"csrf_token": TOKEN.search(html.encode()).group(1).decode(), "q": []}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        if name == "q":
            form["q"].append(value)
        elif name != "csrf_token":
            form[name] = value
    for name, value in re.findall(r'<input type="radio" id="[^"]+" name="([^"]+)" value="([^"]*)" checked', html):
        form[name] = value
    return form


def test_a_stale_full_form_never_withdraws_another_windows_answer(client, app):
    stem = create(client)
    stale = page_form(client, stem)                      # window B opens the page: T.1 unanswered
    assert len(stale["version"]) == 16 and stale["b.treaty.crc"]
    assert save(client, stem, "treaty.crc", "party", citation="Act 1").get_json()["saved"]   # window A answers
    stale["v.treaty.untoc"] = "party"                    # B answers another question, then "Save answers"
    response = client.post(f"/a/{stem}/answers", data=stale)
    assert response.status_code == 302                   # nothing to resolve: B never touched T.1
    on_disk = answers_on_disk(app, stem)
    assert on_disk["treaty.crc"].value == "party" and on_disk["treaty.crc"].citation == "Act 1"
    assert on_disk["treaty.untoc"].value == "party"


def test_an_answer_changed_in_two_windows_is_a_conflict_showing_both(client, app):
    stem = create(client)
    stale = page_form(client, stem)
    save(client, stem, "treaty.crc", "party", note="from window A")
    stale["v.treaty.crc"] = "signatory"
    stale["n.treaty.crc"] = "from window B"
    stale["v.treaty.untoc"] = "party"
    response = client.post(f"/a/{stem}/answers", data=stale)
    assert response.status_code == 409
    page = response.data.decode()
    assert "changed in another window" in page and "Keep my answer" in page
    assert "from window A" in page and "from window B" in page          # both visible
    assert re.search(r'name="v\.treaty\.crc" value="signatory" checked', page)   # mine in the fields
    assert "The other answers were saved." in page
    on_disk = answers_on_disk(app, stem)
    assert on_disk["treaty.crc"].value == "party" and on_disk["treaty.crc"].note == "from window A"
    assert on_disk["treaty.untoc"].value == "party"
    # sending the re-shown page again still does not replace A's answer ...
    again = page_form_from(page)
    assert client.post(f"/a/{stem}/answers", data=again).status_code == 409
    assert answers_on_disk(app, stem)["treaty.crc"].note == "from window A"
    # ... "Keep my answer" does
    keep = re.search(r'name="(k\.treaty\.crc)" value="([0-9a-f]+)"', page)
    response = client.post(f"/a/{stem}/answers", data={**again, keep.group(1): keep.group(2)})
    assert response.status_code == 302
    assert answers_on_disk(app, stem)["treaty.crc"].note == "from window B"


def page_form_from(html: str) -> dict:
    form: dict = {"csrf_token": TOKEN.search(html.encode()).group(1).decode(), "q": []}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        if name == "q":
            form["q"].append(value)
        elif name != "csrf_token":
            form[name] = value
    for name, value in re.findall(r'<input type="radio" id="[^"]+" name="([^"]+)" value="([^"]*)" checked', html):
        form[name] = value
    for name, value in re.findall(r'<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        form[name] = value
    return form


def test_script_save_of_a_stale_answer_is_a_conflict(client, app):
    stem = create(client)
    stale = page_form(client, stem)
    save(client, stem, "treaty.crc", "party")
    form = {"csrf_token": stale["csrf_token"], "view": "section:treaty", "version": stale["version"],
            "q": "treaty.crc", "only": "treaty.crc", "v.treaty.crc": "", "b.treaty.crc": stale["b.treaty.crc"]}
    headers = {"X-Requested-With": "lexgap", "Accept": "application/json"}
    data = client.post(f"/a/{stem}/answers", data=form, headers=headers).get_json()
    assert not data["ok"] and not data["saved"] and "Party" in data["conflicts"]["treaty.crc"]
    assert data["version"] == stale["version"]              # the page stays marked as stale
    assert answers_on_disk(app, stem)["treaty.crc"].value == "party"
    keep = re.search(r'value="([0-9a-f]+)" data-keep', data["conflicts"]["treaty.crc"]).group(1)
    data = client.post(f"/a/{stem}/answers", data={**form, "k.treaty.crc": keep}, headers=headers).get_json()
    assert data["ok"] and data["saved"] and "treaty.crc" not in answers_on_disk(app, stem)
    # an up-to-date page takes the new version and fingerprint with each save
    fresh = page_form(client, stem)
    form = {**form, "version": fresh["version"], "b.treaty.crc": fresh["b.treaty.crc"], "v.treaty.crc": "party"}
    form.pop("k.treaty.crc", None)
    data = client.post(f"/a/{stem}/answers", data=form, headers=headers).get_json()
    assert data["ok"] and data["version"] != fresh["version"] and data["bases"]["treaty.crc"] != fresh["b.treaty.crc"]
    assert data["version"] == page_form(client, stem)["version"]


# --- refused saves leave nothing behind; pasted text is accepted ------------------------------------------------

def test_pasted_line_breaks_and_control_characters_are_normalised(client, app):
    stem = create(client)
    note = "first line\x85second line\u2028third\r\nfourth\x0bfifth\x01\x7f\x9b end"
    data = save(client, stem, "treaty.crc", "party", note=note, citation="Act\x85 1").get_json()
    assert data["ok"] and data["saved"], data
    answer = answers_on_disk(app, stem)["treaty.crc"]
    assert answer.note == "first line\nsecond line\nthird\nfourth\nfifth end"
    assert answer.citation == "Act\n 1"
    page = client.get(f"/a/{stem}/section/treaty").data.decode()
    assert "first line\nsecond line" in page


def test_a_refused_save_leaves_the_session_exactly_as_the_file(client, app, data_dir, monkeypatch):
    from lexgap.web import workspace as ws_module

    stem = create(client)
    save(client, stem, "treaty.crc", "party", note="kept")
    before = (data_dir / f"{stem}.yaml").read_bytes()

    def refuse(*_args, **_kwargs):
        raise ValueError("the answers would not read back unchanged; nothing was written")

    monkeypatch.setattr(ws_module, "checked_yaml", refuse)
    response = save(client, stem, "treaty.crc", "signatory", note="refused")
    assert response.status_code == 500 and "Nothing was saved" in response.get_json()["error"]
    response = save(client, stem, "treaty.untoc", "party", as_json=False)
    assert response.status_code == 500 and b"Nothing was saved" in response.data
    monkeypatch.undo()
    assert (data_dir / f"{stem}.yaml").read_bytes() == before
    page = client.get(f"/a/{stem}/section/treaty").data.decode()   # the session is the file, not the refused text
    assert "refused" not in page and re.search(r'name="v\.treaty\.crc" value="party" checked', page)
    assert not re.search(r'name="v\.treaty\.untoc" value="party" checked', page)
    ws = app.extensions["lexgap"]
    assert ws.open(stem).answers.data == load_answers(ws.folder.path(stem), ws.kb).data
    assert save(client, stem, "treaty.untoc", "party").get_json()["saved"]      # and later saves work
    assert answers_on_disk(app, stem)["treaty.crc"].note == "kept"


@pytest.mark.slow
def test_any_text_through_the_save_route_is_saved_or_refused_plainly(app):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from lexgap.web.forms import clean_text

    client = app.test_client()
    stem = create(client)
    ws = app.extensions["lexgap"]
    tok = token(client, f"/a/{stem}/section/treaty")

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.text(st.characters(codec="utf-8"), max_size=40), st.sampled_from(["party", "signatory", ""]))
    def check(text, value):
        response = client.post(f"/a/{stem}/answers", data={"csrf_token": tok, "q": "treaty.crc", "only": "treaty.crc",
                                                           "v.treaty.crc": value, "n.treaty.crc": text},
                               headers={"X-Requested-With": "lexgap"})
        assert response.status_code in (200, 422), response.data[:300]
        on_disk = load_answers(ws.folder.path(stem), ws.kb).data
        assert ws.open(stem).answers.data == on_disk
        if response.get_json()["ok"] and (value or clean_text(text)):
            assert on_disk.answers["treaty.crc"].note == (clean_text(text) or None)
        elif response.get_json()["ok"]:
            assert "treaty.crc" not in on_disk.answers

    check()


def test_any_value_for_any_question_through_the_save_route(app):
    """Random questions, values, texts, versions and fingerprints, as the page's script would post them:
    never a server error, and the open session always equals the file. LEXGAP_WEB_FUZZ=N runs N examples."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    client = app.test_client()
    stem = create(client)
    ws = app.extensions["lexgap"]
    tok = token(client, f"/a/{stem}/section/treaty")
    questions = [q for q in ws.questions]
    options = sorted({o.value for q in questions for o in q.options})
    text = st.text(st.characters(codec="utf-8"), max_size=30)
    value = st.one_of(st.sampled_from(options + ["yes", "no", "partial", "unknown", "__none__", "", "2024-02-30",
                                                 "18", "-1", "1e9", "2.5"]), text)
    examples = int(os.environ.get("LEXGAP_WEB_FUZZ", "40"))

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(questions), st.lists(value, max_size=3), text, text, st.booleans(),
           st.one_of(st.none(), st.text("0123456789abcdef", max_size=16)), st.booleans())
    def check(q, values, citation, note, unknown, base, stale):
        form = {"csrf_token": tok, "q": q.id, "only": q.id, f"v.{q.id}": values, f"c.{q.id}": citation,
                f"n.{q.id}": note, "view": "section:treaty"}
        if unknown:
            form[f"u.{q.id}"] = "unknown"
        if base is not None:
            form[f"b.{q.id}"] = base
            form["version"] = "0" * 16 if stale else ws.version(stem)
        response = client.post(f"/a/{stem}/answers", data=form, headers={"X-Requested-With": "lexgap"})
        assert response.status_code == 200, response.data[:300]
        reply = response.get_json()
        assert reply["ok"] or reply["errors"].get(q.id) or reply["conflicts"].get(q.id), reply
        on_disk = load_answers(ws.folder.path(stem), ws.kb).data
        assert ws.open(stem).answers.data == on_disk

    check()


# --- private files --------------------------------------------------------------------------------------------------

def test_data_folder_and_files_are_private_and_modes_kept(tmp_path):
    old = os.umask(0o022)
    try:
        app = create_app(tmp_path / "new" / "data", pdf_in_worker=False, testing=True)
        client = app.test_client()
        root = tmp_path / "new" / "data"
        assert root.stat().st_mode & 0o777 == 0o700 and (tmp_path / "new").stat().st_mode & 0o777 == 0o700
        stem = create(client)
        path = root / f"{stem}.yaml"
        assert path.stat().st_mode & 0o777 == 0o600
        save(client, stem, "treaty.crc", "party")
        assert path.stat().st_mode & 0o777 == 0o600
        backups = app.extensions["lexgap"].folder.backups(stem)
        assert backups and all(b.stat().st_mode & 0o777 == 0o600 for b in backups)
        assert (root / ".backups").stat().st_mode & 0o777 == 0o700
        assert (root / ".backups" / stem).stat().st_mode & 0o777 == 0o700
        path.chmod(0o640)                                   # the user's own choice is kept on replace
        save(client, stem, "treaty.crc", "signatory")
        assert path.stat().st_mode & 0o777 == 0o640
        upload_stem = upload(client, path.read_bytes(), "mine.yaml").headers["Location"].split("/")[2]
        assert (root / f"{upload_stem}.yaml").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


def test_orphan_temporary_copies_are_removed_at_start(tmp_path):
    root = tmp_path / "data"
    app = create_app(root, pdf_in_worker=False, testing=True)
    stem = create(app.test_client())
    (root / ".backups" / stem).mkdir(parents=True, exist_ok=True)
    orphans = [root / f".{stem}.yaml.0123456789ab.tmp", root / ".backups" / stem / f".{stem}.x.yaml.abcdef012345.tmp"]
    fresh = root / f".{stem}.yaml.ffffffffffff.tmp"        # may be another server's save in progress
    kept = [root / ".notes.tmp", root / "mine.0123456789ab.tmp", fresh]
    for path in orphans + kept:
        path.write_text("half a file")
    for path in orphans + kept[:2]:
        os.utime(path, (1_000_000_000, 1_000_000_000))
    removed = DataFolder(root).create()
    assert sorted(removed) == sorted(str(p.relative_to(root)) for p in orphans)
    assert not any(p.exists() for p in orphans) and all(p.exists() for p in kept)
    create_app(root, pdf_in_worker=False, testing=True)    # the app does it when it starts
    assert (root / f"{stem}.yaml").is_file()


def test_two_instances_on_one_host_keep_their_own_sessions(tmp_path):
    """Browsers share cookies between ports of one host: each instance names its cookie after its port."""
    from lexgap.web.app import session_cookie_name

    one = create_app(tmp_path / "one", pdf_in_worker=False, testing=True, port=8174)
    two = create_app(tmp_path / "two", pdf_in_worker=False, testing=True, port=8175)
    assert session_cookie_name(8174) != session_cookie_name(8175)
    browser_one, browser_two = one.test_client(), two.test_client()
    stem = create(browser_one, "Onland")
    tok = token(browser_one, f"/a/{stem}/section/treaty")
    token(browser_two)                                       # the other instance sets its own cookie ...
    for cookie in [browser_two.get_cookie(session_cookie_name(8175))]:
        browser_one.set_cookie(cookie.key, cookie.value)     # ... which the browser sends to both ports
    response = browser_one.post(f"/a/{stem}/answers", data={"csrf_token": tok, "q": "treaty.crc", "only": "treaty.crc",
                                                            "v.treaty.crc": "party"},
                                headers={"X-Requested-With": "lexgap"})
    assert response.get_json()["saved"], response.get_json()


# --- the status panel from the first answer ----------------------------------------------------------------------

def status_rows(html: str) -> dict[int, str]:
    return {int(n): re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
            for n, body in re.findall(r'<tr id="status-p(\d+)"[^>]*>(.*?)</tr>', html, re.S)}


def test_each_paragraph_says_what_is_decided_so_far(client, app):
    stem = create(client)
    for qid in ("treaty.crc", "treaty.opsc", "treaty.untoc", "treaty.tip"):
        data = save(client, stem, qid, "party").get_json()
    ws = app.extensions["lexgap"]
    assessment = ws.assessment(ws.open(stem))
    rows = status_rows(data["status_html"])
    assert len(rows) == len(assessment.paragraphs)
    decided_somewhere = False
    for p in assessment.paragraphs:
        statuses = [f.status for f in assessment.findings if f.paragraph == p.number and f.status != "not_applicable"]
        decided = [s for s in statuses if s != "unknown"]
        met, gaps = decided.count("met"), decided.count("partial") + decided.count("not_met")
        expected = f"{len(decided)} of {len(statuses)} criteria decided"
        assert expected in rows[p.number], (p.number, rows[p.number])
        if decided:
            decided_somewhere = True
            assert f"{expected}: {met} met, {gaps} gap" in rows[p.number]
        assert (p.short_title or p.title) in rows[p.number]  # titles on screen, not only in tooltips
    assert decided_somewhere


def test_no_headline_score_below_the_packs_coverage_threshold(client, app):
    stem = create(client)
    for qid in ("treaty.crc", "treaty.opsc", "treaty.untoc", "treaty.tip"):
        data = save(client, stem, qid, "party").get_json()
    ws = app.extensions["lexgap"]
    summary = ws.assessment(ws.open(stem)).summary
    threshold = ws.kb.pack.scoring.min_coverage
    assert summary.legal_coverage < threshold
    html = data["status_html"]
    assert 'id="no-score"' in html and f"a score is shown from {round(threshold * 100)}%" in html
    assert not re.search(r"score \d+%, coverage", html)
    for number, row in status_rows(html).items():
        p = next(p for p in ws.assessment(ws.open(stem)).paragraphs if p.number == number)
        assert ("no score yet" in row) == (p.coverage < threshold or p.score is None), row
    # a well answered example shows its score
    response = client.post("/example", data={"csrf_token": token(client), "example": "arcadia"})
    example = response.headers["Location"].split("/")[2]
    page = client.get(f"/a/{example}/section/treaty").data.decode()
    summary = ws.assessment(ws.open(example)).summary
    assert summary.legal_coverage >= threshold
    assert f"score {round(summary.legal_score * 100)}%, coverage {round(summary.legal_coverage * 100)}%" in page


def test_the_questions_that_would_decide_the_most_are_offered(client, app):
    stem = create(client)
    html = client.get(f"/a/{stem}/section/treaty").data.decode()
    panel = html[html.index("Questions that would decide the most next"):html.index('<table class="status-table"')]
    links = re.findall(r'href="(/a/[^"]+#q-([^"]+))">([^<]+)</a>', panel)
    assert 1 <= len(links) <= 5
    counts = [int(n) for n in re.findall(r"\((\d+) criteri", panel)]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 2
    url, first, number = links[0]
    page = client.get(url.split("#")[0])
    assert page.status_code == 200 and f'id="q-{first}"' in page.data.decode()
    # answering it takes it off the list
    q = app.extensions["lexgap"].kb.questions[first]
    value = {"yes_no": "yes", "single_choice": q.options[0].value if q.options else "",
             "multiple_choice": "__none__", "number": str(int(q.minimum or 1))}.get(q.type, "unknown")
    data = save(client, stem, first, value).get_json()
    assert data["ok"], data
    assert f"#q-{first}\"" not in data["status_html"]
    # on a paragraph's page: the questions of that paragraph
    page = client.get(f"/a/{stem}/paragraph/1").data.decode()
    assert "Questions that would decide most in paragraph 1" in page
    ws = app.extensions["lexgap"]
    panel = page[page.index("decide most in paragraph 1"):page.index('<table class="status-table"')]
    listed = [qid for _u, qid, _n in re.findall(r'href="(/a/[^"]+#q-([^"]+))">([^<]+)</a>', panel)]
    settling = {g.question.id for g in ws.assessment(ws.open(stem)).information_gaps if g.paragraph == 1}
    assert listed and set(listed) <= settling and first not in listed


def test_the_page_says_answers_save_themselves(client):
    stem = create(client)
    page = client.get(f"/a/{stem}/section/treaty").data.decode()
    bar = page[page.index('class="form-actions sticky-actions"'):page.index("</form>")]
    assert 'id="save-summary"' in bar and "Answers save themselves" in bar
    assert re.search(r'<button type="submit" name="save" value="" class="nojs-only">Save answers</button>', bar)
    assert '<span class="nojs-only">Save and continue</span><span class="js-only">Next</span>' in bar


def test_details_changed_in_another_window_are_not_replaced_silently(client, app):
    stem = create(client)
    html = client.get(f"/a/{stem}/details").data.decode()
    base = re.search(r'name="base" value="([0-9a-f]+)"', html).group(1)
    stale = {"csrf_token": TOKEN.search(html.encode()).group(1).decode(), "base": base, "state_name": "Testland",
             "assessors": "Ministry of Justice", "date": "2026-11-01", "status": "draft", "fictional": "yes",
             "confidentiality": "For official use only"}
    # window A renames the State
    assert client.post(f"/a/{stem}/details", data={**stale, "state_name": "Testland (A)"}).status_code == 302
    # window B, opened before, sends its details unchanged except the status: A's name is not replaced
    response = client.post(f"/a/{stem}/details", data={**stale, "status": "final"})
    assert response.status_code == 409
    page = response.data.decode()
    assert "changed in another window" in page and "Testland (A)" in page
    assert '<option value="final" selected>' in page                         # B's choice is still in the form
    data = load_answers(app.extensions["lexgap"].folder.path(stem), app.extensions["lexgap"].kb).data
    assert data.state.name == "Testland (A)" and data.assessment.status == "draft"
    # saving again, knowingly, replaces them
    again = {**stale, "status": "final", "base": re.search(r'name="base" value="([0-9a-f]+)"', page).group(1)}
    assert client.post(f"/a/{stem}/details", data=again).status_code == 302
    data = load_answers(app.extensions["lexgap"].folder.path(stem), app.extensions["lexgap"].kb).data
    assert data.state.name == "Testland" and data.assessment.status == "final"


def test_a_plain_fact_question_offers_no_partly(client, app):
    stem = create(client)
    kb = app.extensions["lexgap"].kb
    plain = next(q for q in kb.questionnaire.questions if q.type == "yes_no" and not q.partial)
    page = client.get(f"/a/{stem}/section/{plain.section}").get_data(as_text=True)
    assert f'{plain.id}--yes"' in page and f'{plain.id}--no"' in page
    assert f'{plain.id}--partial"' not in page
    refused = save(client, stem, plain.id, "partial").get_json()
    assert not refused["ok"]
