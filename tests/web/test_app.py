"""bot/web/app.py through aiohttp's test client: every page, the API contract, and the server's guards."""

from __future__ import annotations

import asyncio
import json
import logging
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestServer

from bot.core.questions import MAX_MESSAGE_CHARS
from bot.render.text import reply_json
from bot.render.wording import NO_SUBJECT, OFF_TOPIC
from bot.web.app import CLIENT_MAX_SIZE, SECURITY_HEADERS, Site, create_app
from bot.web.pages import PageCache
from bot.web.ratelimit import RateLimiter

from ..conftest import HOSTILE_QUESTION
from ..htmlcheck import assert_inert, parse
from ..messages import CONVERSATION_POST
from ..test_cli import SEED_POST
from .conftest import live_engine
from .marked import MARKED_ENTRY, MARKED_QUESTION, add_marked_entry
from .test_site import SITEMAP_NS

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)


def assert_secure_headers(response):
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"


async def page(client, path, status=200):
    response = await client.get(path)
    assert response.status == status, await response.text()
    assert response.content_type == "text/html" and response.charset == "utf-8"
    assert_secure_headers(response)
    return await response.text()


# ---- pages ---------------------------------------------------------------------------------------------


async def test_home_page_has_the_question_box_topics_and_every_question(client, engine):
    html = await page(client, "/")
    parsed = assert_inert(html)
    assert parsed.all("form")[0] == {"class": "ask", "role": "search", "action": "/ask", "method": "get"}
    assert parsed.all("label")[0]["for"] == "q" and parsed.all("link")[-1]["href"] == "/static/style.css"
    links = parsed.links()
    assert {f"/t/{tag}" for tag in engine.topics} <= set(links)
    assert {f"/q/{e.id}" for e in engine.knowledge.entries} <= set(links)


async def test_entry_page_at_its_stable_url(client, engine):
    parsed = assert_inert(await page(client, "/q/pesco-what"))
    entry = engine.entry("pesco-what")
    assert parsed.plain.count(entry.title) >= 1 and "Permanent Structured Cooperation" in parsed.plain
    assert [engine.knowledge.sources[s].url for s in entry.sources] == [
        link for link in parsed.links() if link.startswith("https://")
    ]
    assert "Last reviewed" in parsed.plain


async def test_topic_page(client, engine):
    parsed = parse(await page(client, "/t/pesco"))
    assert {f"/q/{e.id}" for e in engine.entries_tagged("pesco")} <= set(parsed.links())


@pytest.mark.parametrize("path", ["/q/no-such-entry", "/t/no-such-topic", "/t/time-sensitive", "/nowhere", "/q/"])
async def test_unknown_ids_tags_and_paths_get_the_404_page(client, path):
    html = await page(client, path, status=404)
    assert "Page not found" in html and 'href="/"' in html


async def test_head_works_like_get_without_a_body(client):
    response = await client.head("/q/pesco-what")
    assert response.status == 200 and await response.read() == b""
    assert_secure_headers(response)


async def test_the_stylesheet_and_icon_are_served_and_nothing_else_from_static(client):
    response = await client.get("/static/style.css")
    assert response.status == 200 and response.content_type == "text/css"
    assert "max-age" in response.headers["Cache-Control"]
    assert_secure_headers(response)
    icon = await client.get("/static/icon.svg")
    assert icon.status == 200 and icon.content_type == "image/svg+xml"
    for path in ("/static/nope.css", "/static/..%2Fapp.py", "/static/../web/app.py"):
        assert (await client.get(path)).status == 404


# ---- asking --------------------------------------------------------------------------------------------


async def test_ask_answers_with_the_cited_answer(client, engine):
    parsed = assert_inert(await page(client, "/ask?q=What+is+PESCO%3F"))
    assert "/q/pesco-what" in parsed.links() and "Sources" in parsed.plain
    citations = [engine.knowledge.sources[s].url for s in engine.entry("pesco-what").sources]
    assert set(citations) <= set(parsed.links())
    assert parsed.all("input")[0]["value"] == "What is PESCO?"


async def test_ask_offers_did_you_mean_links_to_the_entries(client, engine):
    parsed = parse(await page(client, "/ask?q=pesco+projects"))
    choices = [f"/q/{c.entry.id}" for c in engine.ask("pesco projects").candidates]
    assert len(choices) >= 2 and set(choices) <= set(parsed.links()) and "Did you mean" in parsed.plain


async def test_an_answer_page_offers_a_follow_up_that_keeps_what_the_conversation_is_about(client):
    first = parse(await page(client, "/ask?" + urlencode({"q": "Is Denmark in PESCO?"})))
    hidden = {a["name"]: a["value"] for a in first.all("input") if a.get("type") == "hidden"}
    assert hidden == {"entry": "denmark-joins-pesco", "subject": "Denmark PESCO"}
    assert "Ask a follow-up about “Denmark PESCO”" in first.plain
    follow_up = parse(await page(client, "/ask?" + urlencode({"q": "and when did they join?", **hidden})))
    assert "23 May 2023" in follow_up.plain
    alone = parse(await page(client, "/ask?" + urlencode({"q": "and when did they join?"})))
    assert "23 May 2023" not in alone.plain  # without the conversation it stands alone


async def test_the_api_takes_the_conversation_back_and_refuses_a_forged_one(client):
    first = await (await client.get("/api/ask", params={"q": "Is Denmark in PESCO?"})).json()
    assert first["conversation"] == {"entry": "denmark-joins-pesco", "subject": "Denmark PESCO"}
    params = {"q": "and when did they join?", **first["conversation"]}
    follow_up = await (await client.get("/api/ask", params=params)).json()
    assert follow_up["entry_id"] == "denmark-joins-pesco" and follow_up["conversation"] == first["conversation"]
    forged = {"q": "and when did they join?", "entry": "x" * 5000, "subject": "pesco"}
    assert (await client.get("/api/ask", params=forged)).status == 200  # ignored, never an error


async def test_ask_off_topic_and_no_subject_in_the_bots_words(client):
    off = parse(await page(client, "/ask?q=best+pizza+in+rome"))
    assert OFF_TOPIC in off.plain and "/t/pesco" in off.links()
    vague = parse(await page(client, "/ask?q=Is+that+true%3F"))
    assert " ".join(NO_SUBJECT.split()) in vague.plain


async def test_a_message_with_several_questions_gets_several_answers(client, engine):
    reply = engine.answer_message(SEED_POST)
    parsed = parse(await page(client, "/ask?" + urlencode({"q": SEED_POST})))
    answered = [f"/q/{a.entry.id}" for a in reply.answers]
    assert len(answered) >= 2 and set(answered) <= set(parsed.links())
    assert len(parsed.all("section")) == len(reply.answers) + len(reply.unsure)


async def test_ask_without_a_question_shows_the_box(client):
    parsed = parse(await page(client, "/ask?q=++"))
    assert parsed.all("input")[0]["id"] == "q" and not parsed.all("section")


@pytest.mark.parametrize(
    "question",
    [
        "What is PESCO?",
        "is irleand in pesco",
        "pesco projects",
        "best pizza in rome",
        "Is that true?",
        CONVERSATION_POST,
    ],
)
async def test_api_returns_exactly_the_clis_json(client, run, question):
    response = await client.get("/api/ask", params={"q": question})
    assert response.status == 200 and response.content_type == "application/json"
    assert_secure_headers(response)
    cli = run("ask", "--json", question)
    assert await response.json() == json.loads(cli.stdout)


async def test_api_json_equals_reply_json_for_a_post(client, engine):
    response = await client.get("/api/ask", params={"q": SEED_POST})
    assert await response.json() == json.loads(json.dumps(reply_json(engine.answer_message(SEED_POST))))


async def test_api_without_a_question_is_a_400_with_a_reason(client):
    response = await client.get("/api/ask")
    assert response.status == 400 and "missing the question" in (await response.json())["error"]


async def test_a_long_question_is_cut_to_the_message_limit(client):
    response = await client.get("/api/ask", params={"q": "What is PESCO? " + "padding " * 800})
    body = await response.json()
    assert response.status == 200 and body["entry_id"] == "pesco-what"
    assert sum(len(part["question"]) for part in body["parts"]) <= MAX_MESSAGE_CHARS


async def test_a_huge_request_line_is_refused_before_any_work(client):
    response = await client.get("/ask", params={"q": "x" * 20_000})
    assert response.status in {400, 414}


# ---- read-only and rate-limited ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@pytest.mark.parametrize("path", ["/", "/ask", "/api/ask", "/q/pesco-what", "/nowhere"])
async def test_anything_but_get_and_head_is_405(client, method, path):
    response = await client.request(method, path, data=b"x" * 10)
    assert response.status == 405 and response.headers["Allow"] == "GET,HEAD"
    assert_secure_headers(response)


async def test_request_bodies_are_capped(client):
    assert client.server.app._client_max_size == CLIENT_MAX_SIZE
    response = await client.post("/", data=b"x" * (CLIENT_MAX_SIZE * 100))
    assert response.status == 405


async def test_asking_too_fast_gets_429_with_retry_after_as_a_page_or_json(make_client):
    client = await make_client(limiter=RateLimiter(rate=0.01, burst=2))
    assert (await client.get("/ask?q=pesco")).status == 200
    assert (await client.get("/api/ask?q=pesco")).status == 200
    limited = await client.get("/ask?q=pesco")
    assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1
    assert_secure_headers(limited)
    parsed = assert_inert(await limited.text())
    assert limited.content_type == "text/html" and "asking very quickly" in parsed.plain and "/" in parsed.links()
    assert [f["action"] for f in parsed.all("form")] == ["/ask"]  # the box to ask again, in the site's layout
    api = await client.get("/api/ask?q=pesco")
    assert api.status == 429 and (await api.json())["retry_after"] == int(api.headers["Retry-After"])
    assert (await client.get("/q/pesco-what")).status == 200  # browsing has its own allowance


async def test_pages_have_their_own_limit_and_health_assets_and_robots_have_none(make_client):
    client = await make_client(page_limiter=RateLimiter(rate=0.01, burst=3))
    assert [(await client.get(path)).status for path in ("/", "/q/pesco-what", "/nowhere")] == [200, 200, 404]
    for path in ("/t/pesco", "/", "/q/no-such-entry", "/sitemap.xml", "/ask"):  # an unknown path costs one too
        limited = await client.get(path)
        assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1, path
        assert limited.content_type == "text/html" and "opening pages very quickly" in await limited.text()
        assert_secure_headers(limited)
    for path in ("/healthz", "/static/style.css", "/robots.txt", "/api/ask?q=pesco", "/ask?q=pesco") * 3:
        assert (await client.get(path)).status == 200, path


@pytest.mark.parametrize("header", sorted(SECURITY_HEADERS))
async def test_security_headers_on_every_kind_of_response(client, header):
    for response in [await client.get("/"), await client.get("/nope"), await client.get("/api/ask?q=pesco")]:
        assert response.headers[header] == SECURITY_HEADERS[header]


# ---- hostile knowledge ---------------------------------------------------------------------------------


async def test_a_hostile_answer_is_inert_on_every_page(make_client, hostile_knowledge):
    client = await make_client(hostile_knowledge)
    entry = assert_inert(await page(client, "/q/hostile-answer"))
    assert "Before <script>alert(1)</script> after." in entry.plain
    assert "[click](javascript:alert(1))" in entry.plain and "<img src=x onerror=alert(1)>" in entry.plain
    asked = assert_inert(await page(client, "/ask?" + urlencode({"q": HOSTILE_QUESTION})))
    assert "/q/hostile-answer" in asked.links()
    for path in ("/", "/t/pesco", "/ask?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/q/%3Cscript%3E"):
        assert_inert(await (await client.get(path)).text())
    api = await client.get("/api/ask", params={"q": HOSTILE_QUESTION})
    assert (await api.json())["answer"].startswith("Before <script>")  # JSON carries the text as it is
    assert api.content_type == "application/json"


# ---- reloading -----------------------------------------------------------------------------------------


async def wait_for(predicate, timeout=5.0):
    async with asyncio.timeout(timeout):
        while not await predicate():
            await asyncio.sleep(0.02)


async def test_an_edit_to_the_files_is_served_without_a_restart(make_client, knowledge_copy):
    client = await make_client(knowledge_copy, reload_every=0.05)
    pesco = knowledge_copy / "pesco.yaml"
    pesco.write_text(pesco.read_text().replace("What is PESCO?", "What exactly is PESCO?", 1))

    async def shows_the_edit():
        return "What exactly is PESCO?" in await (await client.get("/q/pesco-what")).text()

    await wait_for(shows_the_edit)


async def test_a_broken_edit_keeps_the_old_knowledge_and_logs_one_line(make_client, knowledge_copy, caplog):
    client = await make_client(knowledge_copy, reload_every=0.05)
    pesco = knowledge_copy / "pesco.yaml"
    good = pesco.read_text()
    with caplog.at_level(logging.INFO, logger="bot.live"):
        pesco.write_text(good + "\n  - this: [is not yaml\n")

        async def logged():
            return any("not reloaded" in r.getMessage() for r in caplog.records)

        await wait_for(logged)
        (problem,) = [r for r in caplog.records if "not reloaded" in r.getMessage()]
        assert "\n" not in problem.getMessage() and "pesco.yaml" in problem.getMessage() and problem.exc_info is None
        response = await client.get("/api/ask", params={"q": "What is PESCO?"})
        assert (await response.json())["entry_id"] == "pesco-what"  # still answering from the old knowledge

        pesco.write_text(good.replace("What is PESCO?", "What exactly is PESCO?", 1))

        async def recovered():
            return "What exactly is PESCO?" in await (await client.get("/q/pesco-what")).text()

        await wait_for(recovered)


async def test_sighup_reloads_even_when_nothing_looks_changed(knowledge_copy):
    live = live_engine(knowledge_copy)
    before = live.engine
    app = create_app(live, reload_every=60)  # the poll would not come for a minute: only the request reloads
    async with TestServer(app):
        await asyncio.sleep(0)  # let the watcher start
        live.request_reload()
        async with asyncio.timeout(5):
            while live.engine is before:
                await asyncio.sleep(0.02)


# ---- for monitors and crawlers -------------------------------------------------------------------------


async def test_healthz_says_the_entries_and_the_knowledge_version_and_follows_a_reload(
    make_client, knowledge_copy, engine
):
    client = await make_client(knowledge_copy, reload_every=0.05)
    first = await client.get("/healthz")
    assert first.status == 200 and first.content_type == "application/json"
    assert first.headers["Cache-Control"] == "no-store"
    assert_secure_headers(first)
    body = await first.json()
    entries = len(engine.knowledge.entries)
    assert body["status"] == "ok" and body["entries"] == entries and len(body["knowledge_version"]) == 12
    assert (await (await client.get("/healthz")).json()) == body  # the same knowledge, the same version
    add_marked_entry(knowledge_copy)

    async def changed():
        now = await (await client.get("/healthz")).json()
        return now["entries"] == entries + 1 and now["knowledge_version"] != body["knowledge_version"]

    await wait_for(changed)


async def test_robots_txt_keeps_crawlers_off_the_questions_and_names_the_sitemap(make_client):
    plain = await make_client()
    robots = await plain.get("/robots.txt")
    assert robots.content_type == "text/plain"
    assert await robots.text() == "User-agent: *\nDisallow: /ask\nDisallow: /api/\n"
    assert (await plain.get("/sitemap.xml")).status == 404  # no public address given: nothing to list
    published = await make_client(site=Site("https://faq.example.org/defence"))
    assert (await (await published.get("/robots.txt")).text()).splitlines()[1:] == [
        "Disallow: /defence/ask",
        "Disallow: /defence/api/",
        "Sitemap: https://faq.example.org/defence/sitemap.xml",
    ]


async def test_sitemap_lists_every_page_the_server_serves(make_client, engine):
    base = "https://faq.example.org"
    client = await make_client(site=Site(base), page_limiter=RateLimiter(rate=1000, burst=1000))
    response = await client.get("/sitemap.xml")
    assert response.status == 200 and response.content_type == "application/xml"
    root = ET.fromstring(await response.text())  # noqa: S314 - our own server's XML
    locations = [url.findtext(f"{SITEMAP_NS}loc") for url in root]
    assert len(locations) == 1 + len(engine.knowledge.entries) + len(engine.topics)
    assert f"{base}/q/pesco-what" in locations and f"{base}/t/pesco" in locations
    for location in locations:
        assert (await client.get(location.removeprefix(base))).status == 200, location
    entry = parse(await (await client.get("/q/pesco-what")).text())
    assert {"rel": "canonical", "href": f"{base}/q/pesco-what"} in entry.all("link")
    topic = parse(await (await client.get("/t/pesco")).text())
    assert {"rel": "canonical", "href": f"{base}/t/pesco"} in topic.all("link")


# ---- pages rendered once per knowledge version ---------------------------------------------------------


async def test_a_page_is_rendered_once_per_knowledge_version(make_client, knowledge_copy):
    pages = PageCache()
    client = await make_client(knowledge_copy, reload_every=0.05, pages=pages)
    first = await asyncio.gather(*(client.get("/") for _ in range(8)))
    assert {r.status for r in first} == {200} and pages.renders == 1  # eight at once wait for one render
    assert (await client.get("/")).status == 200 and pages.renders == 1
    add_marked_entry(knowledge_copy)

    async def shows_the_new_entry():
        return "/q/marked-record" in await (await client.get("/")).text()

    await wait_for(shows_the_new_entry)
    assert pages.renders >= 2


async def test_the_cache_keeps_within_its_budget_dropping_the_least_recently_served(make_client):
    sizes = PageCache()
    sized = await make_client(pages=sizes, page_limiter=RateLimiter(rate=1000, burst=1000))
    for entry_id in ("pesco-what", "pesco-members", "pesco-legal-basis", "pesco-commitments"):
        assert (await sized.get(f"/q/{entry_id}")).status == 200
    three = sorted(len(page) for page in sizes._pages.values())[1:]  # room for the three largest, not four
    pages = PageCache(budget_bytes=sum(three))
    client = await make_client(pages=pages, page_limiter=RateLimiter(rate=1000, burst=1000))
    for entry_id in ("pesco-what", "pesco-members", "pesco-what", "pesco-legal-basis", "pesco-commitments"):
        assert (await client.get(f"/q/{entry_id}")).status == 200
    # pesco-members went: served before pesco-what's second visit, though first rendered after it
    assert list(pages) == ["/q/pesco-what", "/q/pesco-legal-basis", "/q/pesco-commitments"]
    assert pages.renders == 4
    assert (await client.get("/q/pesco-members")).status == 200 and pages.renders == 5  # rendered again


# ---- citations -----------------------------------------------------------------------------------------


async def test_answers_link_their_markers_to_the_numbered_sources_on_every_page(make_client, knowledge_copy):
    client = await make_client(add_marked_entry(knowledge_copy))
    for path in (f"/q/{MARKED_ENTRY}", "/ask?" + urlencode({"q": MARKED_QUESTION})):
        parsed = assert_inert(await page(client, path))
        cited = {link for link in parsed.links() if link.startswith("#source-")}
        assert cited == {"#source-1", "#source-2"}, path
        assert {a["id"] for a in parsed.all("li") if "id" in a} >= {"source-1", "source-2"}
        assert "[^marked" not in parsed.plain


async def test_the_api_keeps_its_contract_with_markers(make_client, knowledge_copy, engine):
    """The same keys as before; `answer` keeps its markers as written and `citations` are listed in the order
    the markers are numbered, so a client can number them: [n] is citations[n - 1]."""
    client = await make_client(add_marked_entry(knowledge_copy))
    body = await (await client.get("/api/ask", params={"q": MARKED_QUESTION})).json()
    before = await (await client.get("/api/ask", params={"q": "What is PESCO?"})).json()
    assert body.keys() == before.keys() and body["citations"][0].keys() == before["citations"][0].keys()
    assert body["entry_id"] == MARKED_ENTRY and "[^marked-report]" in body["answer"]
    assert [c["id"] for c in body["citations"]] == ["marked-treaty", "marked-report"]
