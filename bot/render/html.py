"""Answers and entries → HTML pages for the web adapter (bot/web): the one place HTML is made.

Everything that comes from the knowledge is treated as untrusted text. Jinja2 escapes every value it
inserts; an answer's markdown goes through markdown-it with raw HTML off, images off, and only absolute
http(s) links kept as links — `javascript:`, `data:`, relative and every other link stays visible as the
text it is. An answer keeps its line breaks and lists as the CLI and Discord show them (core/citations.py
reads its blocks), and each `[^source-id]` marker becomes a link to its numbered source under the answer.
The bot's sentences come from wording.py, as in the CLI and on Discord. The templates are
package data in bot/web/templates; the server (bot/web/app.py) and the static export (bot/web/site.py)
render the same pages and differ only in their Urls.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup

from ..core.citations import blocks, number_markers
from ..core.conversation import Context, context_after
from ..core.engine import Engine
from ..core.models import Answer, Entry, NoAnswer, Reply, Source, Status
from ..core.questions import MAX_MESSAGE_CHARS
from . import wording

SITE_NAME = "European defence cooperation FAQ"
ANSWER_HEADING_SHIFT = 2  # an answer's own "# heading" sits under the page's h1 and the answer's h2
LINK_REL = "nofollow noopener noreferrer"  # links in answers lead to sources we cite, not ones we vouch for
_HTTP_LINK = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG_HASH_CHARS = 8  # enough to keep two tags that read alike as one slug apart


# A numbered marker travels through markdown-it as these two private-use characters around its number (no
# markup can be smuggled in that way: raw HTML is off), then becomes the link. Any in the answer itself go.
_CITE_OPEN, _CITE_CLOSE = "\ue000", "\ue001"
_NUMBERED_CITE = re.compile(f"{_CITE_OPEN}(\\d+){_CITE_CLOSE}")


class _SafeMarkdown(MarkdownIt):
    """CommonMark with raw HTML off; a link is a link only when it is absolute http(s)."""

    def validateLink(self, url: str) -> bool:  # markdown-it calls it for every link destination
        return is_http_url(url)


def _link_rel_and_heading_levels(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in {"heading_open", "heading_close"}:
            token.tag = f"h{min(int(token.tag[1]) + ANSWER_HEADING_SHIFT, 6)}"
        for child in token.children or ():
            if child.type == "link_open":
                child.attrSet("rel", LINK_REL)


@functools.cache
def _markdown() -> MarkdownIt:
    # breaks: a line break in an answer is one on the page, as in the CLI and on Discord
    md = _SafeMarkdown("commonmark", {"html": False, "breaks": True})
    md.disable("image")  # an image would be fetched from a third party on every view; its text stays
    md.core.ruler.push("faq_links_and_headings", _link_rel_and_heading_levels)
    return md


def markdown_html(text: str) -> Markup:
    """An answer's markdown as HTML that cannot run anything (see the module docstring)."""
    return Markup(_markdown().render(text))  # noqa: S704 - markdown-it escaped every character of the input


def _as_shown_elsewhere(answer: str) -> str:
    """The answer's markdown with a blank line between its blocks (core/citations.py: paragraphs and list
    items), so a line after a list item starts a paragraph, as the CLI and Discord show it, instead of
    running on in the item (CommonMark's lazy continuation)."""
    parts: list[str] = []
    previous_item = False
    for block in blocks(answer):
        if parts:
            parts.append("\n" if previous_item and block.list_item else "\n\n")
        parts.append(block.text)
        previous_item = block.list_item
    return "".join(parts)


def answer_html(answer: str, citations: Sequence[Source], anchor: str = "") -> Markup:
    """An answer as HTML (markdown_html), each `[^source-id]` marker a link to its numbered source in the
    list under it: `<li id="{anchor}source-N">` (sources_list_ids), numbered as every medium numbers them."""
    text = answer.replace(_CITE_OPEN, "").replace(_CITE_CLOSE, "")
    text = number_markers(text, [s.id for s in citations], shown=f"{_CITE_OPEN}{{}}{_CITE_CLOSE}".format)
    html = str(markdown_html(_as_shown_elsewhere(text)))

    def link(number: re.Match[str]) -> str:
        n = number[1]
        return f'<sup class="cite"><a href="#{anchor}source-{n}" aria-label="source {n}">[{n}]</a></sup>'

    return Markup(_NUMBERED_CITE.sub(link, html))  # noqa: S704 - markdown_html escaped the text; `link` adds a number


def is_http_url(url: object) -> bool:
    """Only absolute http(s) addresses become links (the loader already refuses others in sources)."""
    return isinstance(url, str) and bool(_HTTP_LINK.match(url))


def tag_slug(tag: str) -> str:
    """A tag as it appears in a URL and a file name: itself when it is a slug (every shipped tag is), else
    a slug of it with a short hash, so any tag a moderator types gets a safe, stable address."""
    if _SLUG.match(tag):
        return tag
    readable = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-") or "tag"
    return f"{readable}-{hashlib.sha256(tag.encode()).hexdigest()[:TAG_HASH_CHARS]}"


def long_date(day: dt.date) -> str:
    """'1 December 2026': unambiguous to every reader, unlike 01/12/2026."""
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True, slots=True)
class Urls:
    """Where pages are, seen from the page being rendered. The server uses absolute paths (/q/pesco-what);
    the static export relative ones with .html (q/pesco-what.html), so it works from any folder of any
    static host and from file://."""

    root: str = "/"  # from this page to the site's root: "/" on the server; "" or "../" in the export
    suffix: str = ""  # ".html" in the static export
    static: bool = False  # the static export has no /ask: its home page filters the list instead

    def home(self) -> str:
        return f"{self.root}index.html" if self.static else self.root

    def entry(self, entry_id: str) -> str:
        return f"{self.root}q/{entry_id}{self.suffix}"

    def topic(self, tag: str) -> str:
        return f"{self.root}t/{tag_slug(tag)}{self.suffix}"

    def asset(self, name: str) -> str:
        return f"{self.root}static/{name}"

    def ask(self) -> str:
        return f"{self.root}ask"


SERVER_URLS = Urls()


@dataclass(frozen=True, slots=True)
class Page:
    """What every page needs besides its own content."""

    urls: Urls = SERVER_URLS
    canonical: str | None = None  # the page's absolute address, when the site's base URL is known


SERVER_PAGE = Page()


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot.web", "templates"),
        autoescape=True,  # every template is HTML: escape everything that is not already Markup
        undefined=StrictUndefined,  # a misspelt variable is an error in the tests, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    env.tests["http_url"] = is_http_url
    env.globals.update(
        site_name=SITE_NAME,
        wording=wording,
        source_details=wording.source_details,
        answer_html=answer_html,
        max_message_chars=MAX_MESSAGE_CHARS,
        Status=Status,
        NoAnswer=NoAnswer,
    )
    return env


def _render(template: str, page: Page, **context: Any) -> str:
    return _environment().get_template(template).render(urls=page.urls, canonical=page.canonical, **context)


def _search_text(entry: Entry) -> str:
    """What the static site's filter looks in: every phrasing, lower-cased (the JS folds accents too)."""
    return " ".join(q.lower() for q in entry.questions)


def home_page(engine: Engine, page: Page = SERVER_PAGE) -> str:
    """The question box (on the static site: a filter), the topics, and every canonical question."""
    entries = sorted(engine.knowledge.entries, key=lambda e: e.title.lower())
    return _render(
        "home.html",
        page,
        topics=[(tag, engine.topic_name(tag), count) for tag, count in engine.topic_counts()],
        questions=[(e, _search_text(e)) for e in entries],
    )


def entry_page(engine: Engine, entry_id: str, page: Page = SERVER_PAGE) -> str | None:
    """One entry at its stable address; None if there is no such entry."""
    answer = engine.answer_entry(entry_id)
    if answer is None or answer.entry is None:
        return None
    visible_tags = [(t, engine.topic_name(t)) for t in answer.entry.tags if t in engine.topics]
    return _render("entry.html", page, answer=answer, entry=answer.entry, tags=visible_tags)


def topic_page(engine: Engine, tag: str, page: Page = SERVER_PAGE) -> str | None:
    """The questions filed under a topic; None if no browsable topic has this tag or slug."""
    found = next((t for t in engine.topics if tag in {t, tag_slug(t)}), None)
    if found is None:
        return None
    entries = sorted(engine.entries_tagged(found), key=lambda e: e.title.lower())
    return _render("topic.html", page, tag=found, name=engine.topic_name(found), entries=entries)


def ask_page(
    engine: Engine, message: str, reply: Reply | None, before: Context | None = None, page: Page = SERVER_PAGE
) -> str:
    """The answer page: every question found in the message, each answered, with choices, the closest it has,
    or the off-topic reply or the no-subject prompt, exactly as the CLI and Discord decide; and a box for a
    follow-up that keeps what the conversation is about (`before`: what it was about before this message)."""
    parts: Sequence[Answer] = reply.shown if reply is not None else ()
    unanswered = reply.unanswered if reply is not None else ()
    left_out = reply.left_out if reply is not None else ()
    follow_up = context_after(before, reply) if reply is not None else None
    return _render(
        "ask.html",
        page,
        message=message,
        parts=parts,
        several=len(parts) > 1,
        topics=[(tag, engine.topic_name(tag)) for tag in engine.topics],
        unanswered=unanswered,
        left_out=left_out,
        follow_up=follow_up,
    )


def not_found_page(page: Page = SERVER_PAGE) -> str:
    return _render("404.html", page)


# The server's own refusals, in the site's layout (status → title, text).
TOO_MANY_QUESTIONS = "You are asking very quickly. Please try again in {seconds} s."
TOO_MANY_PAGES = "You are opening pages very quickly. Please try again in {seconds} s."
REFUSALS = {
    400: ("This request could not be read", "Your browser sent something the server does not understand."),
    500: ("Something went wrong", "The server failed to answer this request. Please try again later."),
}


@functools.lru_cache(maxsize=64)  # a client being refused gets the same few pages over and over
def message_page(title: str, text: str, page: Page = SERVER_PAGE) -> str:
    """A page that only says something: a refusal (429, 400, 500) in the site's own layout."""
    return _render("message.html", page, title=title, text=text)


def refusal_page(status: int) -> str:
    title, text = REFUSALS.get(status, REFUSALS[500] if status >= 500 else REFUSALS[400])  # noqa: PLR2004
    return message_page(title, text)
