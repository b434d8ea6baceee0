"""bot/ops/links.py against local sites (tests/fakes/link_sites.py): each way a cited page can answer gets its
verdict; HEAD first, GET only where HEAD is refused; redirects followed and recorded; the limits overall and per
site hold; the User-Agent names the project. Nothing here touches the internet."""

from __future__ import annotations

import socket
import time

import pytest

from bot.core.models import Entry, Knowledge, Source
from bot.ops.link_report import LinkCheckSettings, Verdict, report_json, report_text
from bot.ops.links import MAX_REDIRECTS, check_knowledge, check_urls

from ..fakes.link_sites import SLOW_S, LinkSites

pytestmark = pytest.mark.timeout(60)
QUICK = LinkCheckSettings(timeout_s=1.0)  # the never-answering page costs a second, not 20


@pytest.fixture
async def sites():
    served = await LinkSites().start()
    yield served
    await served.stop()


async def checked(sites: LinkSites, path: str):
    (result,) = await check_urls([sites.url(path)], QUICK)
    return result


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_a_page_that_answers_is_ok_after_one_head_request(sites):
    result = await checked(sites, "/ok")
    assert (result.verdict, result.status, result.method, result.hops) == (Verdict.OK, 200, "HEAD", ())
    assert sites.seen("/ok") == ["HEAD"]  # the page itself is never downloaded


@pytest.mark.parametrize(("path", "status"), [("/gone", 404), ("/broken", 500)])
async def test_an_error_status_is_dead(sites, path, status):
    result = await checked(sites, path)
    assert (result.verdict, result.status, result.error) == (Verdict.DEAD, status, None)
    assert result.detail in {"404 Not Found", "500 Internal Server Error"}


async def test_a_page_that_never_answers_is_dead_after_the_timeout(sites):
    started = time.monotonic()
    result = await checked(sites, "/never")
    assert (result.verdict, result.status, result.error) == (Verdict.DEAD, None, "timeout")
    assert result.detail == "no answer within 1 s"
    assert time.monotonic() - started < 5


async def test_a_name_that_does_not_resolve_and_a_refused_connection_are_dead():
    # .invalid never resolves (RFC 6761): resolvers answer at once, no network needed
    dns, refused = await check_urls(["http://no-such-site.invalid/page", f"http://127.0.0.1:{free_port()}/"], QUICK)
    assert (dns.verdict, dns.error) == (Verdict.DEAD, "dns")
    assert (refused.verdict, refused.error) == (Verdict.DEAD, "refused")


async def test_a_permanent_redirect_is_moved_and_shows_where_it_lands(sites):
    result = await checked(sites, "/moved")
    assert (result.verdict, result.status, result.final_url) == (Verdict.MOVED, 200, sites.url("/ok"))
    assert [(hop.url, hop.status, hop.to) for hop in result.hops] == [(sites.url("/moved"), 301, sites.url("/ok"))]


async def test_a_temporary_redirect_is_reported_but_not_moved(sites):
    result = await checked(sites, "/temporary")
    assert (result.verdict, result.final_url, result.hops[0].status) == (Verdict.REDIRECTED, sites.url("/ok"), 302)


async def test_a_redirect_to_a_dead_page_is_dead_with_its_chain(sites):
    result = await checked(sites, "/moved-then-gone")
    assert (result.verdict, result.status, result.final_url) == (Verdict.DEAD, 404, sites.url("/gone"))
    assert [hop.status for hop in result.hops] == [308]


async def test_a_redirect_loop_and_a_redirect_off_the_web_are_dead(sites):
    loop, ftp = await check_urls([sites.url("/loop"), sites.url("/to-ftp")], QUICK)
    assert (loop.verdict, loop.error) == (Verdict.DEAD, "redirects")
    assert len(sites.seen("/loop")) <= MAX_REDIRECTS + 1
    assert (ftp.verdict, ftp.error) == (Verdict.DEAD, "invalid")


@pytest.mark.parametrize("path", ["/no-head", "/head-forbidden", "/reset-on-head"])
async def test_a_page_that_refuses_head_is_asked_with_get(sites, path):
    result = await checked(sites, path)
    assert (result.verdict, result.status, result.method) == (Verdict.OK, 200, "GET")
    *heads, get = sites.seen(path)
    assert get == "GET" and heads in (["HEAD"], ["HEAD", "HEAD"])  # aiohttp retries a dropped idempotent request once


async def test_a_dead_page_is_not_asked_twice(sites):
    await check_urls([sites.url("/gone"), sites.url("/broken")], QUICK)
    assert sites.seen("/gone") == ["HEAD"] and sites.seen("/broken") == ["HEAD"]


async def test_every_request_names_the_project():
    sites = await LinkSites().start()
    try:
        await check_urls([sites.url("/ok"), sites.url("/moved")], QUICK)
    finally:
        await sites.stop()
    agents = {r.user_agent for r in sites.requests}
    assert len(agents) == 1 and agents.pop().startswith("defence-faq-bot/")


async def test_no_site_gets_more_than_its_share_and_no_more_than_the_limit_are_in_flight():
    sites = await LinkSites().start("127.0.0.1", "127.0.0.2", "127.0.0.3")
    try:
        urls = [sites.url(f"/slow/{n}", host) for host in sites.ports for n in range(6)]
        started = time.monotonic()
        results = await check_urls(urls, LinkCheckSettings(timeout_s=5, concurrency=4, per_host=2))
        elapsed = time.monotonic() - started
    finally:
        await sites.stop()
    assert {r.verdict for r in results} == {Verdict.OK}
    assert max(sites.most_in_flight.values()) == 2  # per site: reached, never passed
    assert sites.most_in_flight_overall == 4  # 3 sites x 2 would be 6: the overall limit binds
    assert elapsed >= len(urls) / 4 * SLOW_S * 0.9  # it did wait its turns


async def test_each_url_is_checked_once_and_the_report_names_the_entries_citing_it(sites):
    knowledge = Knowledge(
        entries=(
            Entry("pesco-what", ("What is PESCO?",), "…", sources=("dead-source", "fine-source")),
            Entry("pesco-members", ("Who is in PESCO?",), "…", sources=("dead-source",)),
        ),
        sources={
            "dead-source": Source("dead-source", "Gone", sites.url("/gone")),
            "fine-source": Source("fine-source", "Here", sites.url("/ok")),
            "same-page": Source("same-page", "Here again", sites.url("/ok")),
            "moved-source": Source("moved-source", "Moved", sites.url("/moved")),
        },
    )
    report = await check_knowledge(knowledge, QUICK)
    assert sites.seen("/ok") == ["HEAD", "HEAD"]  # once for its own URL, once at the end of /moved's redirect
    assert [link.result.verdict for link in report.links] == [Verdict.DEAD, Verdict.MOVED, Verdict.OK]
    assert report.any_dead and report.counts == {
        Verdict.DEAD: 1,
        Verdict.MOVED: 1,
        Verdict.REDIRECTED: 0,
        Verdict.OK: 1,
    }
    text = report_text(report)
    assert (
        f"{sites.url('/gone')}\n    404 Not Found\n    source dead-source, cited by pesco-what, pesco-members" in text
    )
    assert f"301 → {sites.url('/ok')} → 200 OK\n    source moved-source, cited by no entry" in text
    assert "Redirected" not in text and "fine-source" not in text  # only what needs a look is listed
    data = report_json(report)
    ok = next(link for link in data["links"] if link["verdict"] == "ok")
    assert ok["sources"] == [{"id": "fine-source", "entries": ["pesco-what"]}, {"id": "same-page", "entries": []}]
