"""bot/web/site.py and `python -m bot site`: the same pages as static files whose links all work."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.render.html import tag_slug
from bot.web.site import BadBaseUrl, export_site, normalise_base_url

from ..htmlcheck import assert_inert, parse

BASE = "https://faq.example.org/defence"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def exported(tmp_path_factory, engine) -> Path:
    out = tmp_path_factory.mktemp("site")
    export_site(engine, out, BASE + "/")
    return out


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_every_entry_and_topic_has_a_page(exported, engine):
    assert (exported / "index.html").is_file() and (exported / "404.html").is_file()
    assert {p.stem for p in (exported / "q").glob("*.html")} == {e.id for e in engine.knowledge.entries}
    assert {p.stem for p in (exported / "t").glob("*.html")} == {tag_slug(t) for t in engine.topics}
    assert (exported / "static" / "style.css").is_file() and (exported / "static" / "filter.js").is_file()


def test_every_link_and_asset_resolves_to_a_file(exported):
    """What a plain static file server (or file://) does with each relative address."""
    for page in pages(exported):
        if page.name == "404.html":
            continue  # its links are absolute (it is served at any depth); checked below
        parsed = assert_inert(page.read_text())
        addresses = parsed.links() + [a["href"] for a in parsed.all("link") if a["rel"] in {"stylesheet", "icon"}]
        addresses += [a["src"] for a in parsed.all("script")]
        for address in addresses:
            if address.startswith(("https://", "http://", "#")):
                continue
            target = (page.parent / urlsplit(address).path).resolve()
            assert target.is_file(), f"{page.relative_to(exported)} links to {address}, which does not exist"


def test_canonical_links_and_the_404_page_use_the_base_url(exported):
    entry = parse((exported / "q" / "pesco-what.html").read_text())
    (canonical,) = [a for a in entry.all("link") if a["rel"] == "canonical"]
    assert canonical["href"] == f"{BASE}/q/pesco-what.html"
    (home,) = [a for a in parse((exported / "index.html").read_text()).all("link") if a["rel"] == "canonical"]
    assert home["href"] == f"{BASE}/"
    not_found = parse((exported / "404.html").read_text())
    assert f"{BASE}/index.html" in not_found.links()


def test_sitemap_lists_every_page_with_review_dates(exported, engine):
    root = ET.parse(exported / "sitemap.xml").getroot()  # noqa: S314 - our own file
    locations = [url.findtext(f"{SITEMAP_NS}loc") for url in root]
    assert len(locations) == 1 + len(engine.knowledge.entries) + len(engine.topics)
    assert f"{BASE}/q/pesco-what.html" in locations and all(loc.startswith(BASE + "/") for loc in locations)
    for loc in locations:
        relative = loc.removeprefix(BASE + "/") or "index.html"
        assert (exported / relative).is_file()
    lastmods = {url.findtext(f"{SITEMAP_NS}loc"): url.findtext(f"{SITEMAP_NS}lastmod") for url in root}
    assert lastmods[f"{BASE}/q/pesco-what.html"] == engine.entry("pesco-what").reviewed.isoformat()


def test_static_pages_carry_the_policy_and_only_the_filter_script(exported):
    for page in pages(exported):
        html = page.read_text()
        assert "Content-Security-Policy" in html and "script-src 'self'" in html
        scripts = parse(html).all("script")
        assert scripts == ([{"src": "static/filter.js"}] if page == exported / "index.html" else [])
        assert "/ask" not in html  # no server to ask


def test_every_other_page_has_a_box_that_leads_to_the_home_pages_filter(exported):
    for page in pages(exported):
        forms = parse(page.read_text()).all("form")
        if page == exported / "index.html":
            assert [f["id"] for f in forms] == ["filter-form"]  # its own box, the filter itself
            continue
        (box,) = forms
        assert box["method"] == "get" and box["action"].endswith("index.html")
        target = box["action"] if page.name == "404.html" else (page.parent / box["action"]).resolve()
        assert page.name == "404.html" or target == (exported / "index.html").resolve()
    entry = parse((exported / "q" / "pesco-what.html").read_text())
    assert {"id": "site-q", "name": "q"}.items() <= entry.all("input")[0].items()


def test_robots_txt_allows_every_page_and_names_the_sitemap(exported, tmp_path, engine):
    assert (exported / "robots.txt").read_text() == f"User-agent: *\nDisallow:\nSitemap: {BASE}/sitemap.xml\n"
    export_site(engine, tmp_path)
    assert (tmp_path / "robots.txt").read_text() == "User-agent: *\nDisallow:\n"  # no address, no sitemap


def test_without_a_base_url_no_sitemap_and_no_canonical(tmp_path, engine):
    summary = export_site(engine, tmp_path)
    assert not summary.sitemap and not (tmp_path / "sitemap.xml").exists()
    assert 'rel="canonical"' not in (tmp_path / "q" / "pesco-what.html").read_text()


def test_a_re_export_removes_pages_of_entries_that_are_gone(tmp_path, engine):
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "removed-entry.html").write_text("old")
    (tmp_path / "notes.txt").write_text("not ours")
    summary = export_site(engine, tmp_path)
    assert summary.removed == 1 and not (tmp_path / "q" / "removed-entry.html").exists()
    assert (tmp_path / "notes.txt").read_text() == "not ours"


def test_the_hostile_entry_is_inert_in_the_export(tmp_path, hostile_engine):
    export_site(hostile_engine, tmp_path)
    for page in pages(tmp_path):
        assert_inert(page.read_text())
    assert (tmp_path / "t" / f"{tag_slug('<b>odd tag</b>')}.html").is_file()


@pytest.mark.parametrize(
    "bad",
    [
        "faq.example.org",
        "javascript:alert(1)",
        "ftp://x.org",
        "https://",
        "https://a b",
        'https://example.org/faq"><script>alert(1)</script>',
        "https://example.org/<b>",
    ],
)
def test_base_url_must_be_absolute_http(bad):
    with pytest.raises(BadBaseUrl):
        normalise_base_url(bad)


def test_site_command(run, tmp_path):
    result = run("site", str(tmp_path / "out"), "--base-url", BASE)
    assert result.returncode == 0, result.stderr
    assert "questions" in result.stdout and "python -m http.server -d" in result.stdout
    assert (tmp_path / "out" / "sitemap.xml").is_file()
    plain = run("site", str(tmp_path / "plain"))
    assert "No --base-url" in plain.stdout
    bad = run("site", str(tmp_path / "bad"), "--base-url", "example.org")
    assert bad.returncode == 2 and "--base-url must be" in bad.stderr and not (tmp_path / "bad").exists()
