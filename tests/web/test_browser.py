"""The pages in a real browser: Debian's chromium driven by Playwright, against `python -m bot serve` in a
subprocess and against the static export behind a plain static file server (`python -m http.server`).
The knowledge is the shipped one plus a hostile entry and an entry whose answer carries citation markers.

Playwright's own browser download is never used: the tests launch the system's chromium
(`apt-get install chromium`). Without it the module skips with one line. Every page is screenshotted into
tests/web/artifacts/ (git-ignored); any dialog (alert, confirm) fails the test, as does any error in the
console, which is where a Content-Security-Policy violation shows.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from bot.core.loader import load_directory
from bot.core.store import open_engine
from bot.web.site import export_site

from ..conftest import HOSTILE_QUESTION, HOSTILE_YAML, KNOWLEDGE
from .conftest import ARTIFACTS, running, serve
from .marked import MARKED_ENTRY, add_marked_entry

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("chromium not found: apt-get install chromium (see README)", allow_module_level=True)
try:
    from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Playwright, expect, sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    pytest.skip("playwright not installed: pip install -e '.[test]'", allow_module_level=True)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # containers and CI runners have no user namespaces for chromium's sandbox
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STATIC_READY = re.compile(r"\((http://[^)]+/)\)")  # http.server: "Serving HTTP on ... (http://127.0.0.1:PORT/)"
EXPECT_MS = 5_000  # how long an expectation waits for the page: generous, the pages answer in milliseconds
HANDLERS_MS = 300  # time for a hostile onerror or a late script to fire, had anything slipped through


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped knowledge plus the hostile entry: the PESCO answer and the attack in one site."""
    directory = tmp_path_factory.mktemp("browser") / "knowledge"
    shutil.copytree(KNOWLEDGE, directory)
    (directory / "hostile.yaml").write_text(HOSTILE_YAML, encoding="utf-8")
    return add_marked_entry(directory)  # and an answer whose claims carry citation markers


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def server(hostile_dir: Path) -> Iterator[str]:
    with serve(hostile_dir) as (_, address):
        yield address


@pytest.fixture(scope="module")
def static_dir(hostile_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    engine, result = open_engine(hostile_dir)
    assert engine is not None, result.errors
    out = tmp_path_factory.mktemp("static-site")
    export_site(engine, out)
    return out


@pytest.fixture(scope="module")
def static_site(static_dir: Path) -> Iterator[str]:
    with running(
        "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(static_dir), "0", ready=STATIC_READY
    ) as (
        _,
        address,
    ):
        yield address


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1000, "height": 800}, java_script_enabled=True)
    tab = context.new_page()
    tab.set_default_timeout(EXPECT_MS)
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":  # a CSP violation, a missing file, a script error
            errors.append(f"{message.text} ({message.location.get('url', '')})")

    tab.on("dialog", on_dialog)
    tab.on("console", on_console)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    tab.wait_for_timeout(HANDLERS_MS)
    context.close()
    assert dialogs == [], f"a dialog fired: {dialogs}"
    assert errors == [], f"console errors (a CSP violation shows here): {errors}"


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def styled(page: Page) -> bool:
    """The one stylesheet was loaded and applied (the policy allows it; a broken link would not)."""
    return page.evaluate("getComputedStyle(document.body).margin") == "0px"


# ---- python -m bot serve -------------------------------------------------------------------------------


def test_home_page_loads_with_the_question_box_and_topics(page: Page, server: str):
    page.goto(server)
    expect(page).to_have_title(re.compile("European defence cooperation FAQ"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_label("Ask a question")).to_be_visible()
    expect(page.get_by_role("link", name="PESCO", exact=True)).to_be_visible()  # the topic's name (topics.yaml)
    assert styled(page)
    screenshot(page, "serve-home")


def test_a_question_typed_in_the_box_gets_the_cited_answer(page: Page, server: str):
    page.goto(server)
    page.get_by_label("Ask a question").fill("What is PESCO?")
    page.get_by_label("Ask a question").press("Enter")
    page.wait_for_url("**/ask?q=*")
    expect(page.get_by_role("heading", level=2, name="What is PESCO?")).to_be_visible()
    expect(page.locator(".answer")).to_contain_text("Permanent Structured Cooperation")
    sources = page.locator("ol.sources a")
    expect(sources.first).to_contain_text("Council Decision (CFSP) 2017/2315")
    hrefs = [sources.nth(i).get_attribute("href") for i in range(sources.count())]
    assert hrefs and all(href.startswith("https://") for href in hrefs)
    screenshot(page, "serve-answer")


def _entry_sources(entry_id: str) -> tuple[str, ...]:
    """The sources an entry of the shipped knowledge cites (its page lists each once)."""
    return next(e.sources for e in load_directory(KNOWLEDGE).knowledge.entries if e.id == entry_id)


def test_an_entry_page_shows_its_sources_as_links(page: Page, server: str):
    page.goto(server + "q/pesco-what")
    expect(page.get_by_role("heading", level=1)).to_have_text("What is PESCO?")
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    expect(page.locator("ol.sources li")).to_have_count(len(_entry_sources("pesco-what")))
    expect(page.get_by_role("link", name=re.compile("^Council Decision"))).to_have_attribute(
        "href", re.compile("^https://")
    )
    expect(page.locator("p.reviewed time").first).to_have_text(re.compile(r"^\d{1,2} \w+ \d{4}$"))
    screenshot(page, "serve-entry")
    page.get_by_role("link", name="Which countries are in PESCO?").click()
    page.wait_for_url("**/q/pesco-members")


def test_a_did_you_mean_link_leads_to_the_entry(page: Page, server: str):
    page.goto(server + "ask?q=" + quote_plus("pesco projects"))
    expect(page.get_by_role("heading", name="Did you mean…")).to_be_visible()
    choices = page.locator("ul.choices a")
    assert choices.count() >= 2
    screenshot(page, "serve-did-you-mean")
    title = choices.first.inner_text()
    choices.first.click()
    page.wait_for_url("**/q/*")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_off_topic_gets_the_bots_reply_and_topics(page: Page, server: str):
    page.goto(server + "ask?q=" + quote_plus("best pizza in rome"))
    expect(page.get_by_role("heading", name="I only know about European defence cooperation")).to_be_visible()
    page.get_by_role("link", name="Non-EU partners", exact=True).click()  # a topic by the name members see
    page.wait_for_url("**/t/third-states")
    expect(page.get_by_role("heading", level=1)).to_have_text("Topic: Non-EU partners")
    screenshot(page, "serve-topic")


def test_the_hostile_answer_renders_as_text_and_nothing_runs(page: Page, server: str):
    page.goto(server + "ask?q=" + quote_plus(HOSTILE_QUESTION))
    answer = page.locator(".answer")
    expect(answer).to_contain_text("Before <script>alert(1)</script> after.")
    expect(answer).to_contain_text("[click](javascript:alert(1))")
    expect(answer).to_contain_text("<img src=x onerror=alert(1)>")
    expect(page.locator("ol.sources")).to_contain_text("<script>alert(2)</script> a hostile title")
    assert page.locator("main img, main script, main iframe").count() == 0
    screenshot(page, "serve-hostile")
    page.goto(server + "q/hostile-answer")
    expect(page.get_by_role("heading", level=1)).to_have_text(HOSTILE_QUESTION)
    page.goto(server + "ask?q=" + quote_plus("<script>alert(8)</script><img src=x onerror=alert(9)>"))
    expect(page.get_by_label("Ask a question")).to_have_value("<script>alert(8)</script><img src=x onerror=alert(9)>")


def test_an_unknown_entry_shows_the_404_page(browser: Browser, server: str):
    page = browser.new_page()  # not the checked tab: chromium logs the expected 404 as a console error
    response = page.goto(server + "q/no-such-entry")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    screenshot(page, "serve-404")
    page.close()


def test_the_box_on_an_entry_page_asks_the_server(page: Page, server: str):
    page.goto(server + "q/pesco-what")
    box = page.get_by_label("Ask a question")  # the header's box: the entry page has no other
    expect(box).to_be_visible()
    box.fill("Is Ireland in PESCO?")
    box.press("Enter")
    page.wait_for_url("**/ask?q=*")
    expect(page.locator("section.part h2").first).to_contain_text("Ireland")


def test_the_follow_up_box_keeps_the_subject_of_the_answer_before(page: Page, server: str):
    page.goto(server + "ask?q=" + quote_plus("Is Denmark in PESCO?"))
    box = page.get_by_label("Ask a follow-up about “Denmark PESCO”")
    box.fill("and when did they join?")
    box.press("Enter")
    page.wait_for_url("**/ask?*subject=*")
    expect(page.locator("section.part h2").first).to_have_text("When did Denmark join PESCO?")
    screenshot(page, "serve-follow-up")


def test_a_citation_marker_leads_to_its_numbered_source_and_each_line_stays_a_line(page: Page, server: str):
    page.goto(server + f"q/{MARKED_ENTRY}")
    answer = page.locator(".answer")
    worked = answer.locator("strong", has_text="Worked").bounding_box()
    fell_short = answer.locator("strong", has_text="Fell short").bounding_box()
    assert worked and fell_short and fell_short["y"] > worked["y"] + worked["height"] / 2  # its own line
    closing = answer.get_by_text("After the list, a closing sentence.")
    expect(closing).to_be_visible()
    assert closing.evaluate("node => node.closest('li') === null")  # not swallowed by the list above it
    marker = answer.get_by_role("link", name="source 2").first
    expect(marker).to_have_text("[2]")
    screenshot(page, "serve-citations")
    marker.click()
    page.wait_for_url("**#source-2")
    expect(page.locator("ol.sources li:target")).to_contain_text("The marked report")


# ---- python -m bot site, behind a static file server ---------------------------------------------------


def test_static_home_filter_narrows_the_list(page: Page, static_site: str):
    page.goto(static_site)
    box = page.get_by_label("Find a question")
    expect(box).to_be_visible()  # filter.js ran (the page's policy allows our own script) and showed it
    items = page.locator("#question-list li")
    total = items.count()
    box.fill("ireland")
    visible = page.locator("#question-list li:visible")
    shown = visible.count()
    assert 0 < shown < total
    texts = [visible.nth(i).get_attribute("data-text") or "" for i in range(shown)]
    assert all("ireland" in text for text in texts)
    expect(page.locator("#filter-count")).to_have_text(f"{shown} of {total} questions")
    screenshot(page, "static-home-filtered")
    box.fill("zzzz qqqq")
    expect(page.locator("#no-match")).to_be_visible()
    box.fill("")
    expect(visible).to_have_count(total)


def test_static_pages_link_to_each_other(page: Page, static_site: str):
    page.goto(static_site)
    assert styled(page)
    screenshot(page, "static-home")
    page.get_by_role("link", name="What is PESCO?", exact=True).click()
    page.wait_for_url("**/q/pesco-what.html")
    expect(page.locator("ol.sources a").first).to_have_attribute("href", re.compile("^https://"))
    assert styled(page)
    screenshot(page, "static-entry")
    page.get_by_role("link", name="PESCO", exact=True).click()
    page.wait_for_url("**/t/pesco.html")
    page.get_by_role("link", name="European defence cooperation FAQ").click()
    page.wait_for_url("**/index.html")


def test_the_box_on_a_static_entry_page_starts_the_home_pages_filter(page: Page, static_site: str):
    page.goto(static_site + "q/pesco-what.html")
    page.get_by_label("Find a question").fill("ireland")
    page.get_by_label("Find a question").press("Enter")
    page.wait_for_url("**/index.html?q=ireland")
    expect(page.locator("#filter")).to_have_value("ireland")
    shown = page.locator("#question-list li:visible")
    assert 0 < shown.count() < page.locator("#question-list li").count()
    screenshot(page, "static-filter-from-entry")


def test_static_hostile_entry_is_text(page: Page, static_site: str):
    page.goto(static_site + "q/hostile-answer.html")
    expect(page.locator(".answer")).to_contain_text("Before <script>alert(1)</script> after.")
    assert page.locator("main img, main script").count() == 0


def test_static_site_opened_from_disk(page: Page, static_dir: Path):
    page.goto((static_dir / "index.html").as_uri())
    page.get_by_label("Find a question").fill("nato")
    assert 0 < page.locator("#question-list li:visible").count() < page.locator("#question-list li").count()
    page.get_by_label("Find a question").fill("")
    page.get_by_role("link", name="What is PESCO?", exact=True).click()
    page.wait_for_url("**/q/pesco-what.html")
    assert styled(page)
