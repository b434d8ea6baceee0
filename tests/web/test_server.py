"""bot/web/server.py on real sockets: what aiohttp answers itself carries the site's headers and names no
visitor in the log, each client's connections are capped, the oldest give way past the total, and idle or
half-sent requests are closed."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote

import aiohttp
import pytest

from bot.web.app import SECURITY_HEADERS, Site
from bot.web.ratelimit import RateLimiter, client_key
from bot.web.server import MAX_REQUEST_LINE

SECRET = "zq-secret-question-text"  # a question's words: never in the log unless DEBUG asks for it


async def exchange(served, data: bytes, source: str = "127.0.0.1", timeout: float = 5.0) -> bytes:
    """Send raw bytes, read until the server closes the connection."""
    reader, writer = await asyncio.open_connection(served.host, served.port, local_addr=(source, 0))
    try:
        writer.write(data)
        await writer.drain()
        async with asyncio.timeout(timeout):
            return await reader.read()
    finally:
        writer.close()


def head(response: bytes) -> tuple[int, dict[str, str], str]:
    top, _, body = response.partition(b"\r\n\r\n")
    status_line, *lines = top.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body.decode("utf-8", "replace")


async def get(served, path: str, source: str = "127.0.0.1", headers: dict[str, str] | None = None):
    connector = aiohttp.TCPConnector(local_addr=(source, 0), force_close=True)
    session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=10))
    async with session, session.get(served.url + path, headers=headers) as response:
        return response.status, await response.text()


async def hold(served, count: int, source: str) -> list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    return [await asyncio.open_connection(served.host, served.port, local_addr=(source, 0)) for _ in range(count)]


async def closed_by_server(connections, within: float = 2.0) -> int:
    """How many of these idle connections the server closes (EOF) within `within` seconds."""

    async def eof(reader: asyncio.StreamReader) -> bool:
        try:
            async with asyncio.timeout(within):
                return await reader.read() == b""
        except TimeoutError:
            return False

    return sum(await asyncio.gather(*(eof(reader) for reader, _ in connections)))


def close_all(connections) -> None:
    for _, writer in connections:
        writer.close()


# ---- aiohttp's own answers -----------------------------------------------------------------------------

MALFORMED = {
    "request line too long": b"GET /ask?q=" + b"a" * (MAX_REQUEST_LINE + 10) + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "lowercase method": b"get / HTTP/1.1\r\nHost: x\r\n\r\n",
    "invalid method": b"G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n",
    "200 headers": b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: 1\r\n" * 200 + b"\r\n",
    "length and chunked": b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
    "bad header byte": b"GET / HTTP/1.1\r\nHost: x\r\nX-Bad\x00: y\r\n\r\n",
}


@pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_request_aiohttp_refuses_gets_the_refusal_page_with_every_security_header(hardened, data):
    served = await hardened()
    status, headers, body = head(await exchange(served, data))
    assert status == 400
    for name, value in SECURITY_HEADERS.items():
        assert headers[name.lower()] == value
    assert headers["content-type"].startswith("text/html") and "This request could not be read" in body
    assert '<a href="/">' in body  # the site's own layout: a way back


async def test_a_refused_request_names_no_visitor_and_no_question_in_the_log_unless_debug(hardened, caplog):
    served = await hardened()
    long_question = b"GET /ask?q=" + SECRET.encode() + b"+" + b"x" * MAX_REQUEST_LINE + b" HTTP/1.1\r\n\r\n"
    with caplog.at_level(logging.INFO):
        assert head(await exchange(served, long_question, source="127.0.0.7"))[0] == 400
        assert head(await exchange(served, b"get / HTTP/1.1\r\n\r\n", source="127.0.0.7"))[0] == 400
    assert "127.0.0.7" not in caplog.text and SECRET not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # a client's junk is not our error
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="bot.web.server"):
        await exchange(served, long_question, source="127.0.0.7")
    assert "127.0.0.7" in caplog.text and SECRET in caplog.text  # asked for: log_level = "DEBUG"


async def test_the_longest_question_the_box_allows_is_answered_not_refused(hardened):
    served = await hardened()
    question = "What is PESCO? " + "防" * 3985  # 4,000 characters, 9 bytes each once percent-encoded
    path = "/ask?q=" + quote(question)
    assert len(path) > 35_000
    status, html = await get(served, path)
    assert status == 200 and "/q/pesco-what" in html


async def test_a_request_body_is_never_read_its_connection_is_closed_after_the_answer(hardened):
    served = await hardened()
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n" + b"x" * 65536
    async with asyncio.timeout(2):  # no lingering to read the other 9.9 MB
        status, _, body = head(await exchange(served, request))
    assert status == 200 and '"status": "ok"' in body


# ---- connections ---------------------------------------------------------------------------------------


async def test_a_client_past_its_cap_has_new_connections_closed_and_others_are_served(hardened, caplog):
    served = await hardened(per_client=8)
    with caplog.at_level(logging.WARNING, logger="bot.web.server"):
        held = await hold(served, 20, "127.0.0.2")
        try:
            assert await closed_by_server(held[8:]) == 12  # at once, not after a timeout
            assert await closed_by_server(held[:8], within=0.2) == 0
            assert served.limits.of("127.0.0.2") == 8
            status, _ = await get(served, "/api/ask?q=what+is+pesco", source="127.0.0.3")
            assert status == 200
        finally:
            close_all(held)
    (report,) = [r.getMessage() for r in caplog.records]  # one line, however many were closed
    assert "closed at once" in report and "127.0.0.2" not in report


async def test_past_the_total_the_oldest_connection_gives_way_to_a_new_client(hardened):
    served = await hardened(total=6)
    held = [(await hold(served, 1, f"127.0.5.{n}"))[0] for n in range(1, 7)]
    try:
        await asyncio.sleep(0.1)
        assert len(served.limits) == 6
        status, _ = await get(served, "/api/ask?q=what+is+pesco", source="127.0.5.99")
        assert status == 200
        assert await closed_by_server(held[:1]) == 1  # the oldest made room
        assert await closed_by_server(held[1:], within=0.2) == 0
    finally:
        close_all(held)


async def test_idle_and_half_sent_requests_are_closed_after_the_timeout(hardened):
    served = await hardened(keepalive_seconds=0.5)
    silent = await hold(served, 1, "127.0.0.4")
    half_sent = await hold(served, 1, "127.0.0.4")
    half_sent[0][1].write(b"GET / HTTP/1.1\r\nHost: x\r\n")  # the blank line that ends it never comes
    reader, writer = (await hold(served, 1, "127.0.0.4"))[0]
    try:
        for _ in range(2):  # a kept-alive connection serves requests within the timeout...
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200")
            await reader.readuntil(b"}")
            await asyncio.sleep(0.2)
        assert await closed_by_server(silent + half_sent + [(reader, writer)], within=3) == 3  # ...then goes
    finally:
        close_all([*silent, *half_sent, (reader, writer)])


async def test_a_trusted_proxy_has_no_cap_and_its_clients_are_limited_one_by_one(hardened):
    served = await hardened(
        per_client=4, site=Site(proxies=frozenset({"127.0.0.1"})), limiter=RateLimiter(rate=0.01, burst=1)
    )
    held = await hold(served, 10, "127.0.0.1")
    try:
        assert await closed_by_server(held, within=0.3) == 0 and served.limits.of("127.0.0.1") == 10

        async def ask(source: str, forwarded: str) -> int:
            return (await get(served, "/api/ask?q=pesco", source, {"X-Forwarded-For": forwarded}))[0]

        assert await ask("127.0.0.1", "198.51.100.1") == 200
        assert await ask("127.0.0.1", "198.51.100.1") == 429  # the client the proxy named
        assert await ask("127.0.0.1", "198.51.100.1, 198.51.100.2") == 200  # the proxy's own entry is last
        assert await ask("127.0.0.2", "198.51.100.3") == 200  # not a proxy: the header proves nothing...
        assert await ask("127.0.0.2", "198.51.100.4") == 429  # ...and this is the same client
    finally:
        close_all(held)


def test_a_client_is_its_address_or_its_ipv6_slash_64():
    assert client_key("192.0.2.7") == "192.0.2.7" and client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("fe80::1%eth0") == "fe80::/64" and client_key(None) == "unknown"
