"""bot/render/html.py: markdown that cannot run anything, and the pages the server and the static site share."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.models import Source
from bot.core.store import open_engine
from bot.render.html import (
    SERVER_PAGE,
    Page,
    Urls,
    answer_html,
    ask_page,
    entry_page,
    home_page,
    long_date,
    markdown_html,
    not_found_page,
    tag_slug,
    topic_page,
)
from bot.render.wording import NO_SUBJECT, NOT_SURE, OFF_TOPIC

from ..conftest import HOSTILE_QUESTION
from ..htmlcheck import assert_inert, parse
from ..messages import CONVERSATION_POST
from ..web.marked import MARKED_ENTRY, MARKED_QUESTION, add_marked_entry

STATIC_SUB = Urls(root="../", suffix=".html", static=True)


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](data:text/html,<script>alert(1)</script>)",
        "[x](vbscript:msgbox(1))",
        "<javascript:alert(1)>",
        '<div onclick="alert(1)">x</div>',
        "[x]: javascript:alert(1)\n\n[y][x]",
    ],
)
def test_markdown_renders_hostile_input_as_text(markdown):
    html = str(markdown_html(markdown))
    parsed = assert_inert(html)
    assert parsed.links() == [] and "<script" not in html and "<img" not in html


def test_an_image_is_a_link_never_fetched():
    html = str(markdown_html("![chart](https://example.org/chart.png)"))
    assert "<img" not in html and parse(html).links() == ["https://example.org/chart.png"]


def test_markdown_keeps_formatting_and_http_links_only():
    text = "**bold**, *it*, [ok](https://example.org/a?b=1&c=2), [rel](/x), [mail](mailto:a@b.c)\n\n- one\n- two"
    html = str(markdown_html(text))
    parsed = parse(html)
    assert parsed.links() == ["https://example.org/a?b=1&c=2"]
    assert parsed.all("a")[0]["rel"] == "nofollow noopener noreferrer"
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html and "<li>two</li>" in html
    assert "[rel](/x)" in parsed.plain and "[mail](mailto:a@b.c)" in parsed.plain


def test_an_answers_own_headings_sit_below_the_page_headings():
    assert "<h3>Title</h3>" in str(markdown_html("# Title")) and "<h6>" in str(markdown_html("###### deep"))


def test_tag_slug_is_the_tag_when_it_is_a_slug_and_safe_otherwise():
    assert tag_slug("third-states") == "third-states"
    odd = tag_slug("<b>odd tag</b>")
    assert odd.startswith("b-odd-tag-b-") and odd == tag_slug("<b>odd tag</b>") != tag_slug("b odd tag b")


def test_long_date_is_unambiguous():
    assert long_date(dt.date(2026, 12, 1)) == "1 December 2026"


def test_urls_for_the_server_and_the_static_export():
    assert (SERVER_PAGE.urls.home(), SERVER_PAGE.urls.entry("a"), SERVER_PAGE.urls.topic("b")) == ("/", "/q/a", "/t/b")
    assert (STATIC_SUB.home(), STATIC_SUB.entry("a"), STATIC_SUB.asset("style.css")) == (
        "../index.html",
        "../q/a.html",
        "../static/style.css",
    )


def test_home_page_is_accessible_and_lists_topics_and_questions(engine):
    html = home_page(engine)
    parsed = assert_inert(html)
    assert '<html lang="en">' in html and parsed.all("main") and parsed.all("nav")
    assert [h for h in parsed.tags if h[0] == "h1"] and parsed.all("h2")
    (label,) = parsed.all("label")
    (box,) = [i for i in parsed.all("input") if i.get("id") == label["for"]]
    assert box["name"] == "q" and parsed.all("form")[0]["action"] == "/ask"
    links = parsed.links()
    assert "/t/pesco" in links and "/q/pesco-what" in links
    assert len([link for link in links if link.startswith("/q/")]) == len(engine.knowledge.entries)
    assert not parsed.all("script")  # the server's pages need no JavaScript at all


def test_static_home_page_filters_instead_of_asking(engine):
    parsed = parse(home_page(engine, Page(Urls(root="", suffix=".html", static=True))))
    assert not [f for f in parsed.all("form") if "action" in f]
    assert parsed.all("script") == [{"src": "static/filter.js"}]
    items = [attrs for attrs in parsed.all("li") if "data-text" in attrs]
    assert len(items) == len(engine.knowledge.entries) and any("whats pesco" in i["data-text"] for i in items)


def test_entry_page_has_title_answer_numbered_sources_related_tags_and_review_date(engine):
    html = entry_page(engine, "pesco-what")
    parsed = assert_inert(html)
    entry = engine.entry("pesco-what")
    assert f"<h1>{entry.title}</h1>" in html and "<strong>" in html
    sources = html.split('<ol class="sources">')[1].split("</ol>")[0]
    assert sources.count("<li id=") == len(entry.sources) and 'href="https://' in sources
    assert engine.knowledge.sources[entry.sources[0]].publisher in sources
    assert {f"/q/{r}" for r in entry.related} <= set(parsed.links())
    assert {f"/t/{t}" for t in entry.tags if t in engine.topics} <= set(parsed.links())
    assert "/t/time-sensitive" not in parsed.links()  # a moderators' tag, not a topic
    assert f'Last reviewed <time datetime="{entry.reviewed.isoformat()}">' in html
    assert entry_page(engine, "no-such-entry") is None


def test_topic_page_lists_its_questions_and_hides_moderator_tags(engine):
    parsed = parse(topic_page(engine, "pesco"))
    assert {f"/q/{e.id}" for e in engine.entries_tagged("pesco")} <= set(parsed.links())
    assert topic_page(engine, "time-sensitive") is None and topic_page(engine, "nope") is None
    assert "/t/time-sensitive" not in parse(entry_page(engine, "pesco-members")).links()


def test_ask_page_shows_each_outcome_in_the_bots_words(engine):
    answered = parse(ask_page(engine, "What is PESCO?", engine.answer_message("What is PESCO?")))
    assert "/q/pesco-what" in answered.links() and "Sources" in answered.plain
    unsure = ask_page(engine, "pesco projects", engine.answer_message("pesco projects"))
    suggested = [f"/q/{c.entry.id}" for c in engine.ask("pesco projects").candidates]
    assert NOT_SURE.replace("'", "&#39;") in unsure and suggested and set(suggested) <= set(parse(unsure).links())
    off = parse(ask_page(engine, "best pizza in rome", engine.answer_message("best pizza in rome")))
    assert OFF_TOPIC in off.plain and "/t/pesco" in off.links()
    vague = parse(ask_page(engine, "Is that true?", engine.answer_message("Is that true?")))
    assert " ".join(NO_SUBJECT.split()) in vague.plain


def test_several_questions_get_several_answers(engine):
    message = "What is PESCO? And who is the High Representative?"
    reply = engine.answer_message(message)
    parsed = parse(ask_page(engine, message, reply))
    assert len(reply.answers) == 2
    assert len(parsed.all("section")) == 2 and "1. “What is PESCO?”" in parsed.plain


def test_empty_ask_page_is_just_the_box(engine):
    parsed = parse(ask_page(engine, "", None))
    assert not parsed.all("section") and parsed.all("input")[0]["value"] == ""


def test_a_hostile_entry_renders_as_inert_text_everywhere(hostile_engine):
    engine = hostile_engine
    pages = [
        entry_page(engine, "hostile-answer"),
        entry_page(engine, "hostile-answer", Page(STATIC_SUB)),
        home_page(engine),
        home_page(engine, Page(Urls(root="", suffix=".html", static=True))),
        ask_page(engine, HOSTILE_QUESTION, engine.answer_message(HOSTILE_QUESTION)),
        ask_page(engine, "<script>alert(7)</script>", engine.answer_message("<script>alert(7)</script>")),
        topic_page(engine, "<b>odd tag</b>"),
    ]
    for html in pages:
        assert_inert(html)
    entry = parse(pages[0])
    assert "Before <script>alert(1)</script> after." in entry.plain
    assert "[click](javascript:alert(1))" in entry.plain and "<img src=x onerror=alert(1)>" in entry.plain
    assert "<script>alert(2)</script> a hostile title" in entry.plain
    assert "https://example.org/page?a=1&b=2" in entry.links()


def test_not_found_page_links_home(engine):
    parsed = parse(not_found_page())
    assert "/" in parsed.links() and "Page not found" in parsed.plain


# ---- an answer as the other media show it: its lines, its lists, its numbered citations ------------------


@pytest.fixture
def marked_engine(knowledge_copy):
    built, result = open_engine(add_marked_entry(knowledge_copy))
    assert built is not None, result.errors
    return built


def answer_part(html: str) -> str:
    return html.split('<div class="answer">')[1].split("</div>")[0]


def test_each_line_of_an_answer_stays_a_line():
    html = str(answer_html("A mixed record.\n**Worked**: one thing.\n**Fell short**: another.", ()))
    assert html.count("<br") == 2 and html.count("<p>") == 1
    assert "<strong>Worked</strong>: one thing.<br />\n<strong>Fell short</strong>" in html


def test_a_line_after_a_list_is_not_swallowed_by_its_last_item():
    html = str(answer_html("Two were delivered:\n- the teams;\n- the command.\nThe rest is activity.", ()))
    assert html.split("</ul>")[1].strip() == "<p>The rest is activity.</p>"
    assert "<p>Two were delivered:</p>" in html and html.count("<li>") == 2
    nested = str(answer_html("- one\n  carried on\n  - inner\n- two", ()))
    assert nested.count("<ul>") == 2 and "one<br />\ncarried on" in nested


def test_markers_become_links_to_the_sources_numbered_in_the_entrys_order(marked_engine):
    entry = marked_engine.entry(MARKED_ENTRY)
    html = entry_page(marked_engine, MARKED_ENTRY)
    parsed = assert_inert(html)
    answer = answer_part(html)
    assert "[^" not in html and "marked-report]" not in parsed.plain
    # the first marker names the second source of the entry's list: it is [2], as on every medium
    first = parse(answer).all("a")[0]
    assert first == {"href": "#source-2", "aria-label": "source 2"}
    assert '<sup class="cite"><a href="#source-1" aria-label="source 1">[1]</a></sup>' in answer
    numbered = [a for a in parsed.all("li") if a.get("id", "").startswith("source-")]
    assert [a["id"] for a in numbered] == ["source-1", "source-2"]
    listed = html.split('<ol class="sources">')[1]
    for number, source_id in enumerate(entry.sources, 1):
        item = listed.split(f'<li id="source-{number}">')[1].split("</li>")[0]
        assert marked_engine.knowledge.sources[source_id].url in item
    cited = {a["href"] for a in parse(answer).all("a")}
    assert cited == {"#source-1", "#source-2"}
    assert answer.index("<ul>") < answer.index("After the list") and "</ul>\n<p>After the list" in answer


def test_several_answers_on_one_page_keep_their_source_ids_apart(marked_engine):
    message = f"{MARKED_QUESTION} Who is the High Representative?"
    reply = marked_engine.answer_message(message)
    assert len(reply.answers) == 2
    parsed = parse(ask_page(marked_engine, message, reply))
    ids = [a["id"] for a in parsed.all("li") if "source-" in a.get("id", "")]
    assert len(ids) == len(set(ids)) and "part-1-source-2" in ids and "part-2-source-1" in ids
    cites = [a["href"] for a in parsed.all("a") if a.get("href", "").startswith("#part-")]
    assert cites and all(href[1:] in ids for href in cites)
    single = parse(ask_page(marked_engine, MARKED_QUESTION, marked_engine.answer_message(MARKED_QUESTION)))
    assert "#source-2" in single.links() and {"id": "source-2"} in single.all("li")


def test_an_unknown_marker_is_dropped_and_no_link_can_be_forged():
    source = Source("known", "Known", "https://example.org/known")
    html = str(answer_html("Claim.[^known] Other.[^unknown] Forged \ue0007\ue001 here.", (source,)))
    parsed = assert_inert(html)
    assert parsed.links() == ["#source-1"] and "Other. Forged 7 here." in parsed.plain


def test_the_static_export_page_carries_the_same_numbered_links(marked_engine):
    html = entry_page(marked_engine, MARKED_ENTRY, Page(STATIC_SUB))
    assert "#source-2" in parse(answer_part(html)).links() and '<li id="source-2">' in html


# ---- a question box on every page ----------------------------------------------------------------------


def test_every_page_has_one_question_box_entry_pages_included(engine):
    boxed = {
        "entry": entry_page(engine, "pesco-what"),
        "topic": topic_page(engine, "pesco"),
        "404": not_found_page(),
        "home": home_page(engine),
        "ask": ask_page(engine, "What is PESCO?", engine.answer_message("What is PESCO?")),
    }
    for name, html in boxed.items():
        parsed = parse(html)
        asking = [f for f in parsed.all("form") if f.get("role") == "search" and "follow-up" not in f.get("class", "")]
        (form,) = asking  # one box to ask anew (an answer page also offers a follow-up: see test_app)
        assert form["action"] == "/ask" and form["method"] == "get", name
        (label,) = [a for a in parsed.all("label") if a["for"] != "follow-up"]
        (box,) = [i for i in parsed.all("input") if i.get("name") == "q" and i.get("id") != "follow-up"]
        assert box["id"] == label["for"] and box["maxlength"] == "4000", name
    header = boxed["entry"].split("<header")[1].split("</header>")[0]
    assert 'action="/ask"' in header  # in the site's header, above the answer


def test_the_answer_page_says_what_it_lacks_and_names_the_parts_it_could_not_answer(engine):
    parsed = assert_inert(ask_page(engine, CONVERSATION_POST, engine.answer_message(CONVERSATION_POST)))
    plain = parsed.plain
    assert "I have nothing on Mexico specifically The closest I have:" in plain
    assert plain.index("Mexico specifically") < plain.index("I couldn't answer")
    assert "“And who won the football last night?” — moderators will see it" in plain


def test_the_answer_page_links_the_answers_past_the_three_it_shows(engine):
    post = "What is PESCO? What is the European Defence Fund? What is the EDA? And what is the European Peace Facility?"
    parsed = assert_inert(ask_page(engine, post, engine.answer_message(post)))
    title = "I answer 3 questions at a time: ask me these again on their own"
    assert f"{title} “And what is the European Peace Facility?”" in parsed.plain
    assert any(a["href"].endswith("european-peace-facility") for a in parsed.all("a"))
