"""`python -m bot site OUT/`: the same pages as the server, written as files for any static host.

Layout: index.html, q/<entry-id>.html, t/<tag>.html, 404.html, robots.txt, static/style.css,
static/icon.svg, static/filter.js and, when the site's address is known (--base-url), sitemap.xml. Every
link is relative, so the folder works from any path of any host and opened straight from disk (file://).
There is no /ask without a server: the home page's box filters the list of questions instead
(static/filter.js), and every other page's box leads there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..core.engine import Engine
from ..render.html import Page, Urls, entry_page, home_page, not_found_page, tag_slug, topic_page
from .assets import ASSETS, asset
from .crawlers import robots_txt, sitemap_xml

ROOT_URLS = Urls(root="", suffix=".html", static=True)  # index.html, 404.html
SUB_URLS = Urls(root="../", suffix=".html", static=True)  # q/*.html, t/*.html
_BASE_URL = re.compile(r"^https?://[^\s/?#\"'<>\\]+(/[^\s?#\"'<>\\]*)?$", re.IGNORECASE)  # no markup in it


class BadBaseUrl(ValueError):
    """--base-url is not an absolute http(s) address."""


@dataclass(frozen=True)
class Export:
    out: Path
    entries: int
    topics: int
    files: int
    removed: int  # pages of entries or topics that no longer exist, deleted from an earlier export
    sitemap: bool


def normalise_base_url(base_url: str) -> str:
    """'https://example.org/faq/' → 'https://example.org/faq' (pages are joined on with a slash)."""
    if not _BASE_URL.match(base_url):
        raise BadBaseUrl(
            f"--base-url must be an absolute http(s) address like https://example.org/faq, not {base_url!r}"
        )
    return base_url.rstrip("/")


def export_site(engine: Engine, out: Path, base_url: str | None = None) -> Export:
    base = normalise_base_url(base_url) if base_url else None
    written: dict[str, str | bytes] = {}

    def canonical(path: str) -> str | None:
        return f"{base}/{path}" if base else None

    written["index.html"] = home_page(engine, Page(ROOT_URLS, canonical("")))
    for entry in engine.knowledge.entries:
        path = f"q/{entry.id}.html"
        page = entry_page(engine, entry.id, Page(SUB_URLS, canonical(path)))
        assert page is not None, "every entry of the engine has a page"
        written[path] = page
    for tag in engine.topics:
        path = f"t/{tag_slug(tag)}.html"
        page = topic_page(engine, tag, Page(SUB_URLS, canonical(path)))
        assert page is not None, "every topic of the engine has a page"
        written[path] = page
    # A host serves 404.html at any depth, where relative links would break: absolute ones when we can.
    not_found_urls = Urls(root=f"{base}/", suffix=".html", static=True) if base else ROOT_URLS
    written["404.html"] = not_found_page(Page(not_found_urls))
    for name in ASSETS:
        written[f"static/{name}"] = asset(name)
    written["robots.txt"] = robots_txt(base, server=False)
    if base:
        written["sitemap.xml"] = sitemap_xml(engine, base, Urls(root=f"{base}/", suffix=".html", static=True))

    removed = _remove_stale_pages(out, set(written))
    for path, content in written.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return Export(out, len(engine.knowledge.entries), len(engine.topics), len(written), removed, base is not None)


def _remove_stale_pages(out: Path, keep: set[str]) -> int:
    """Pages an earlier export wrote for entries or topics since removed; q/ and t/ hold only our pages."""
    stale = [
        page
        for folder in ("q", "t")
        if (out / folder).is_dir()
        for page in (out / folder).glob("*.html")
        if f"{folder}/{page.name}" not in keep
    ]
    for page in stale:
        page.unlink()
    return len(stale)
