"""`lexgap serve` in a real headless Chromium, driven by Playwright.

Needs Debian's `chromium` package (/usr/bin/chromium, or set LEXGAP_CHROMIUM) and the `playwright` Python
package; Playwright's own browser download is never used. Without either, these tests are skipped with the
reason, unless LEXGAP_REQUIRE_BROWSER=1 is set (CI sets it), in which case they fail.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LEXGAP_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("LEXGAP_REQUIRE_BROWSER") == "1"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package 'playwright' is not installed (pip install 'playwright>=1.49,<2')"
    try:
        import flask  # noqa: F401
    except ImportError:
        return "Flask is not installed (pip install 'flask>=3.1,<4')"
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set LEXGAP_CHROMIUM)"
    return None


_REASON = _missing()
if _REASON and REQUIRED:
    raise RuntimeError(f"browser tests required (LEXGAP_REQUIRE_BROWSER=1) but {_REASON}")
pytestmark = [pytest.mark.skipif(_REASON is not None, reason=_REASON or ""),
              pytest.mark.slow]  # a real browser: run by CI, left out of the quick loop (-m "not slow")


def expect(locator):  # playwright's assertion helper, imported only when playwright is there
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def esc(qid: str) -> str:
    """A CSS id selector for ids with dots."""
    return "#" + qid.replace(".", "\\.")


@pytest.fixture()
def server(tmp_path):
    from werkzeug.serving import make_server

    from lexgap.web.app import create_app

    app = create_app(tmp_path / "data", pdf_in_worker=True, pdf_timeout=180)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", app
    finally:
        httpd.shutdown()
        httpd.server_close()
        app.extensions["lexgap_pdf"].close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def create_assessment(page, base: str, name: str = "Testland") -> None:
    page.goto(base + "/")
    page.get_by_label("Name of the State").fill(name)
    page.get_by_label("Assessors").fill("Ministry of Justice")
    page.get_by_label("This is a fictional State").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Create the assessment").click()
    assert "/section/treaty" in page.url


def row_text(page, number: int) -> str:
    return page.locator(f"#status-p{number}").inner_text()


def wait_saved(page, qid: str) -> None:
    page.wait_for_selector(f"{esc('m-' + qid)}.saved")


def test_from_empty_folder_to_pdf(page, server, tmp_path):
    base, app = server
    create_assessment(page, base)
    conditional = page.locator(esc("q-treaty.opsc_report"))
    assert conditional.is_hidden()
    before = row_text(page, 17)
    assert "Insufficient information" in before

    # answer two questions: paragraph 17's status changes beside the form
    page.get_by_role("group", name=re.compile("T.6")).get_by_label(re.compile(r"^Party")).check()
    wait_saved(page, "treaty.untoc")
    page.get_by_role("group", name=re.compile("T.7")).get_by_label(re.compile(r"^Party")).check()
    wait_saved(page, "treaty.tip")
    page.wait_for_function("document.querySelector('#status-p17').dataset.level !== 'insufficient_information'")
    after = row_text(page, 17)
    assert after != before and "Insufficient information" not in after

    # a conditional question appears when its condition holds
    opsc = page.get_by_role("group", name=re.compile(r"T\.2 "))
    opsc.get_by_label(re.compile(r"^Party")).check()
    conditional.wait_for(state="visible")
    assert conditional.get_attribute("data-state") == "shown"
    conditional.get_by_label("Yes").check()
    wait_saved(page, "treaty.opsc_report")
    citation = page.locator(esc("c.treaty.opsc"))
    citation.fill("Act No. 12 of 2003, section 4")
    expect(page.locator(esc("m-treaty.opsc"))).to_have_text(re.compile(r"^Saved"))

    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(tmp_path / "lexgap-web.png"))
    if os.environ.get("LEXGAP_SCREENSHOT"):
        shutil.copy(tmp_path / "lexgap-web.png", os.environ["LEXGAP_SCREENSHOT"])

    # reload: everything is still there
    page.reload()
    assert page.locator(esc("v.treaty.untoc--party")).is_checked()
    assert page.locator(esc("v.treaty.opsc--party")).is_checked()
    assert page.locator(esc("v.treaty.opsc_report--yes")).is_checked()
    assert page.locator(esc("c.treaty.opsc")).input_value() == "Act No. 12 of 2003, section 4"
    assert page.locator(esc("q-treaty.opsc_report")).is_visible()
    assert row_text(page, 17) == after

    # the answers file on disk has them too
    from lexgap.engine.answers import load_answers

    ws = app.extensions["lexgap"]
    stem = page.url.split("/a/")[1].split("/")[0]
    saved = load_answers(ws.folder.path(stem), ws.kb).data.answers
    assert saved["treaty.opsc"].citation == "Act No. 12 of 2003, section 4"
    assert saved["treaty.opsc_report"].value == "yes"

    # the PDF report, one click away
    with page.expect_download(timeout=180_000) as download_info:
        page.get_by_role("link", name="Download the PDF report").click()
    download = download_info.value
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF-") and download.suggested_filename == f"{stem}-report.pdf"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the answers file").click()
    assert Path(download_info.value.path()).read_bytes() == ws.folder.path(stem).read_bytes()


def test_works_without_javascript(browser, server):
    base, _app = server
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        create_assessment(page, base, "Nojsland")
        assert page.locator(esc("q-treaty.opsc_report")).is_hidden()
        before = row_text(page, 3)
        page.get_by_role("group", name=re.compile(r"T\.2 ")).get_by_label(re.compile(r"^Party")).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Save answers", exact=True).last.click()
        assert page.locator(esc("q-treaty.opsc_report")).is_visible()
        assert page.locator(esc("v.treaty.opsc--party")).is_checked()
        assert row_text(page, 3) != before
        assert "Saved." in page.locator(".flash-area").inner_text()
        # a wrong number is refused, shown again as typed, with the reason beside it
        page.goto(page.url.split("/section/")[0] + "/section/definitions")
        number = page.locator("input[inputmode=decimal]").first
        number.fill("eighteen")
        with page.expect_navigation():
            page.get_by_role("button", name="Save answers", exact=True).last.click()
        assert page.locator("input[inputmode=decimal]").first.input_value() == "eighteen"
        assert "Write a number" in page.locator(".has-error .field-error").first.inner_text()
    finally:
        context.close()


def test_keyboard_only_and_labels(page, server):
    base, _app = server
    page.goto(base + "/")

    def tab_to(selector: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} cannot be reached with the Tab key")

    tab_to("#state_name")
    page.keyboard.type("Keyland")
    tab_to("#assessors")
    page.keyboard.type("Legislative department")
    tab_to("button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/section/treaty" in page.url
    # answer T.1 with the keyboard alone: arrow keys move through a radio group
    tab_to("input[name='v.treaty.crc']")
    page.keyboard.press("ArrowDown")
    wait_saved(page, "treaty.crc")
    assert page.locator("input[name='v.treaty.crc']:checked").count() == 1
    # every visible field has a label; the status says its level in words, not only by colour
    unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll('input, select, textarea'))
        .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
        .map(el => el.name || el.id)""")
    assert unlabelled == []
    levels = page.locator(".status-table .level-label").all_inner_texts()
    assert len(levels) == 21 and all(text.strip() for text in levels)


def test_multiple_choice_exclusive_options(page, server):
    base, app = server
    create_assessment(page, base, "Choiceland")
    ws = app.extensions["lexgap"]
    q = next(q for q in ws.questions if q.type == "multiple_choice" and q.id not in ws.kb.show_if)
    page.goto(page.url.split("/section/")[0] + f"/section/{q.section}")
    first = page.locator(esc(f"v.{q.id}--{q.options[0].value}"))
    none = page.locator(esc(f"v.{q.id}--none"))
    first.check()
    wait_saved(page, q.id)
    none.check()
    assert not first.is_checked()
    expect(page.locator(esc("m-" + q.id))).to_have_text(re.compile(r"^Saved"))
    from lexgap.engine.answers import load_answers

    stem = page.url.split("/a/")[1].split("/")[0]
    assert load_answers(ws.folder.path(stem), ws.kb).data.answers[q.id].value == []


def test_lost_update_between_two_windows_is_shown_never_dropped(browser, server):
    """Window B opened before window A saved: B's full-form save keeps A's answer; a change made in both is
    shown side by side, with JavaScript and without, until the user chooses."""
    base, app = server
    from lexgap.engine.answers import load_answers

    ws = app.extensions["lexgap"]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    nojs = browser.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 1000})
    try:
        a = context.new_page()
        create_assessment(a, base, "Twoland")
        url = a.url
        stem = url.split("/a/")[1].split("/")[0]
        b = nojs.new_page()
        b.goto(url)                                     # window B, without JavaScript, opened now
        c = context.new_page()
        c.goto(url)                                     # window C, with JavaScript, opened now

        a.get_by_role("group", name=re.compile(r"T\.1 ")).get_by_label(re.compile(r"^Party")).check()
        wait_saved(a, "treaty.crc")
        # B answers another question and presses "Save answers": A's answer stays
        b.get_by_role("group", name=re.compile(r"T\.6 ")).get_by_label(re.compile(r"^Party")).check()
        with b.expect_navigation():
            b.get_by_role("button", name="Save answers", exact=True).last.click()
        saved = load_answers(ws.folder.path(stem), ws.kb).data.answers
        assert saved["treaty.crc"].value == "party" and saved["treaty.untoc"].value == "party"
        assert "Saved." in b.locator(".flash-area").inner_text()

        # C (script) changes T.1 too: a conflict, both answers on screen, nothing replaced
        c.get_by_role("group", name=re.compile(r"T\.1 ")).get_by_label(re.compile(r"^Signed")).check()
        box = c.locator(esc("x-treaty.crc") + " .conflict-box")
        box.wait_for(state="visible")
        assert "changed in another window" in box.inner_text() and "Party" in box.inner_text()
        assert c.locator(esc("v.treaty.crc--signatory")).is_checked()
        expect(c.locator(esc("m-treaty.crc"))).to_have_text(re.compile(r"^Not saved"))
        assert load_answers(ws.folder.path(stem), ws.kb).data.answers["treaty.crc"].value == "party"
        # "Keep my answer" replaces it, knowingly
        box.get_by_role("button", name="Keep my answer").click()
        expect(c.locator(esc("m-treaty.crc"))).to_have_text(re.compile(r"^Saved"))
        assert not box.count()
        assert load_answers(ws.folder.path(stem), ws.kb).data.answers["treaty.crc"].value == "signatory"

        # B (no script) still shows T.1 as A left it and changes it: shown side by side too
        b.goto(url)
        b.get_by_role("group", name=re.compile(r"T\.6 ")).get_by_label(re.compile(r"^Signed")).check()
        a.reload()
        a.get_by_role("group", name=re.compile(r"T\.6 ")).get_by_label(re.compile(r"^Neither")).check()
        wait_saved(a, "treaty.untoc")
        with b.expect_navigation():
            b.get_by_role("button", name="Save answers", exact=True).last.click()
        assert "changed in another window" in b.locator(".banner-error").inner_text()
        assert "Neither signed nor party" in b.locator(esc("x-treaty.untoc")).inner_text()
        assert b.locator(esc("v.treaty.untoc--signatory")).is_checked()
        assert load_answers(ws.folder.path(stem), ws.kb).data.answers["treaty.untoc"].value == "not_party"
        with b.expect_navigation():
            b.locator(esc("x-treaty.untoc")).get_by_role("button", name="Keep my answer").click()
        assert load_answers(ws.folder.path(stem), ws.kb).data.answers["treaty.untoc"].value == "signatory"
    finally:
        context.close()
        nojs.close()


def test_refused_save_is_not_kept_and_pasted_text_is_accepted(page, server, monkeypatch):
    base, app = server
    from lexgap.engine.answers import load_answers
    from lexgap.web import workspace as ws_module

    ws = app.extensions["lexgap"]
    create_assessment(page, base, "Pasteland")
    stem = page.url.split("/a/")[1].split("/")[0]
    note = page.locator(esc("n.treaty.crc"))
    note.fill("Copied from the ministry's memo\u0085second paragraph")      # NEL, as Word pastes it
    wait_saved(page, "treaty.crc")
    assert load_answers(ws.folder.path(stem), ws.kb).data.answers["treaty.crc"].note == (
        "Copied from the ministry's memo\nsecond paragraph")

    def refuse(*_args, **_kwargs):
        raise ValueError("the answers would not read back unchanged; nothing was written")

    monkeypatch.setattr(ws_module, "checked_yaml", refuse)
    page.get_by_role("group", name=re.compile(r"T\.1 ")).get_by_label(re.compile(r"^Party")).check()
    expect(page.locator(esc("m-treaty.crc"))).to_have_text(re.compile(r"^Not saved: Nothing was saved"))
    monkeypatch.undo()
    page.reload()                                       # the page shows the file, not the refused answer
    assert not page.locator(esc("v.treaty.crc--party")).is_checked()
    assert "second paragraph" in page.locator(esc("n.treaty.crc")).input_value()
    page.get_by_role("group", name=re.compile(r"T\.1 ")).get_by_label(re.compile(r"^Party")).check()
    wait_saved(page, "treaty.crc")                      # and the next save works
    assert load_answers(ws.folder.path(stem), ws.kb).data.answers["treaty.crc"].value == "party"


def test_saving_model_is_plain_and_status_means_something_early(page, server):
    base, app = server
    create_assessment(page, base, "Earlyland")
    save_buttons = page.locator("button", has_text="Save answers")
    assert save_buttons.count() >= 1 and not any(b.is_visible() for b in save_buttons.all())
    assert page.get_by_role("button", name="Save answers").count() == 0
    summary = page.locator("#save-summary")
    assert summary.is_visible() and "save themselves" in summary.inner_text()
    page.get_by_role("group", name=re.compile(r"T\.6 ")).get_by_label(re.compile(r"^Party")).check()
    wait_saved(page, "treaty.untoc")
    expect(summary).to_have_text(re.compile(r"All answers on this page are saved"))
    page.get_by_role("group", name=re.compile(r"T\.7 ")).get_by_label(re.compile(r"^Party")).check()
    wait_saved(page, "treaty.tip")
    row = page.locator("#status-p17")
    expect(row).to_contain_text(re.compile(r"\d+ of \d+ criteria decided: \d+ met, \d+ gaps?"))
    assert "UNTOC and TIP Protocol" in row.inner_text()
    assert page.locator("#no-score").is_visible()         # far below the pack's coverage threshold
    assert page.locator(".next-questions li").count() >= 1
    assert page.get_by_role("button", name=re.compile(r"^Next")).is_visible()


def test_two_instances_on_different_ports_do_not_break_each_other(browser, tmp_path):
    from werkzeug.serving import make_server

    from lexgap.web.app import create_app, session_cookie_name

    servers = []
    try:
        for name in ("one", "two"):
            app = create_app(tmp_path / name, pdf_in_worker=False)
            httpd = make_server("127.0.0.1", 0, app, threaded=True)
            app.config["SESSION_COOKIE_NAME"] = session_cookie_name(httpd.server_port)   # as `lexgap serve` does
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            servers.append((httpd, f"http://127.0.0.1:{httpd.server_port}"))
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        one, two = context.new_page(), context.new_page()
        create_assessment(one, servers[0][1], "Onland")
        create_assessment(two, servers[1][1], "Twoland")         # the second instance sets its own cookie
        one.get_by_role("group", name=re.compile(r"T\.1 ")).get_by_label(re.compile(r"^Party")).check()
        wait_saved(one, "treaty.crc")                             # the first one's page still works
        two.get_by_role("group", name=re.compile(r"T\.1 ")).get_by_label(re.compile(r"^Party")).check()
        wait_saved(two, "treaty.crc")
        context.close()
    finally:
        for httpd, _url in servers:
            httpd.shutdown()
            httpd.server_close()
