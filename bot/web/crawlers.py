"""What search engines read: robots.txt and sitemap.xml, for the server and the static export alike."""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from ..core.engine import Engine
from ..render.html import Urls

# What a crawler should not fetch from the server: each question costs matching work, and its answer page
# is already at the entry's own address.
SERVER_ONLY_PATHS = ("/ask", "/api/")


def sitemap_xml(engine: Engine, base: str, urls: Urls) -> str:
    """https://www.sitemaps.org/protocol.html: every page at its absolute address (`urls` rooted at `base`,
    the site's address without its final slash), with the entry's review date as lastmod."""
    rows = [f"  <url><loc>{escape(base)}/</loc></url>"]
    for entry in engine.knowledge.entries:
        lastmod = f"<lastmod>{entry.reviewed.isoformat()}</lastmod>" if entry.reviewed else ""
        rows.append(f"  <url><loc>{escape(urls.entry(entry.id))}</loc>{lastmod}</url>")
    rows += [f"  <url><loc>{escape(urls.topic(tag))}</loc></url>" for tag in engine.topics]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(rows) + "\n</urlset>\n"
    )


def robots_txt(base: str | None, *, server: bool) -> str:
    """Every page may be crawled (the server's question endpoints excepted); with the site's address, where
    the sitemap is. Crawlers read robots.txt only at a host's root: publish the site there, or copy these
    lines into the root's robots.txt."""
    prefix = urlsplit(base).path.rstrip("/") if base else ""
    lines = ["User-agent: *"]
    lines += [f"Disallow: {prefix}{path}" for path in SERVER_ONLY_PATHS] if server else ["Disallow:"]
    if base:
        lines.append(f"Sitemap: {base}/sitemap.xml")
    return "\n".join(lines) + "\n"
