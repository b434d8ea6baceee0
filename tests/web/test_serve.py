"""`python -m bot serve` as a user runs it: a real process that prints its address, answers, reloads on
SIGHUP, and stops cleanly."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

from ..conftest import run_cli
from .conftest import SERVE_READY, running, serve
from .marked import add_marked_entry
from .test_server import SECRET


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server on 127.0.0.1
        return json.loads(response.read())


def get_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        return response.read().decode()


def test_serve_prints_its_address_answers_reloads_on_sighup_and_stops_cleanly(knowledge_copy):
    with serve(knowledge_copy) as (process, address):
        assert address.startswith("http://127.0.0.1:")
        assert get_json(address + "api/ask?q=What+is+PESCO%3F")["entry_id"] == "pesco-what"

        # An edit the poll cannot see (same size, same modification time): only SIGHUP picks it up.
        pesco = knowledge_copy / "pesco.yaml"
        stat = pesco.stat()
        pesco.write_text(pesco.read_text().replace("- What is PESCO?", "- What is PESCO!", 1))
        os.utime(pesco, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while "What is PESCO!" not in get_text(address + "q/pesco-what"):
            assert time.monotonic() < deadline, "SIGHUP did not reload the knowledge"
            time.sleep(0.05)

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_serve_refuses_broken_knowledge_with_the_checks_message(knowledge_copy):
    (knowledge_copy / "pesco.yaml").write_text("entries: [")
    result = run_cli("serve", "--port", "0", "--knowledge", str(knowledge_copy))
    assert result.returncode == 1 and "pesco.yaml" in result.stderr and "python -m bot check" in result.stderr


def test_serve_on_a_taken_port_says_so_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_cli("serve", "--port", str(taken.getsockname()[1]))
    assert result.returncode == 2 and "cannot listen on 127.0.0.1:" in result.stderr
    assert "Traceback" not in result.stderr


# ---- under hostile clients, as a user runs it -----------------------------------------------------------

FILE_LIMIT = 256  # redteam D5 at a quarter of its size: 1,050 idle connections under a 1,024-file limit
IDLE_CONNECTIONS = 300


def output_after_stop(process) -> str:
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
    return "".join(process.startup_lines) + process.stdout.read()


def get_from(url: str, source: str) -> tuple[int, str]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10, source_address=(source, 0))
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_serve_keeps_answering_while_one_client_holds_more_connections_than_its_file_limit(knowledge_copy):
    with serve(knowledge_copy, open_files=FILE_LIMIT) as (process, address):
        port = urlsplit(address).port
        held = []
        try:
            for _ in range(IDLE_CONNECTIONS):
                held.append(socket.create_connection(("127.0.0.1", port), timeout=5, source_address=("127.0.0.2", 0)))
            for n in range(10):  # ten other people, each asking once, while the connections are held
                status, body = get_from(address + "api/ask?q=What+is+PESCO%3F", f"127.0.3.{n + 1}")
                assert status == 200 and json.loads(body)["entry_id"] == "pesco-what"
            assert len(os.listdir(f"/proc/{process.pid}/fd")) < FILE_LIMIT // 2
        finally:
            for connection in held:
                connection.close()
        output = output_after_stop(process)
    assert f"within the file limit of {FILE_LIMIT}: raise the limit" in output  # said at start
    assert "Too many open files" not in output and "out of system resource" not in output
    assert len(output.splitlines()) < 10  # a line or two about the limits, not a flood


def test_serve_names_no_visitor_and_no_question_in_its_log(knowledge_copy):
    with serve(knowledge_copy) as (process, address):
        get_from(address + "ask?q=" + SECRET, "127.0.0.5")
        port = urlsplit(address).port
        with socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.5", 0)) as raw:
            raw.sendall(b"get /ask?q=" + SECRET.encode() + b" HTTP/1.1\r\n\r\n")  # a request aiohttp refuses
            assert raw.recv(100).split(b" ")[1] == b"400"
        output = output_after_stop(process)
    assert "127.0.0.5" not in output and SECRET not in output


def test_serve_with_a_base_url_publishes_a_sitemap_and_says_where_it_is(knowledge_copy, engine):
    with serve(knowledge_copy, "--base-url", "https://faq.example.org/") as (process, address):
        status, sitemap = get_from(address + "sitemap.xml", "127.0.0.1")
        assert status == 200 and "<loc>https://faq.example.org/q/pesco-what</loc>" in sitemap
        robots = get_from(address + "robots.txt", "127.0.0.1")[1]
        assert "Sitemap: https://faq.example.org/sitemap.xml" in robots
        assert json.loads(get_from(address + "healthz", "127.0.0.1")[1])["entries"] == len(engine.knowledge.entries)
        output_after_stop(process)


def test_serve_follows_reload_seconds_and_zero_leaves_only_sighup(knowledge_copy, tmp_path):
    def config(seconds: float) -> str:
        path = tmp_path / f"reload-{seconds}.toml"
        path.write_text(f'[knowledge]\ndir = "{knowledge_copy}"\nreload_seconds = {seconds}\n')
        return str(path)

    probe = "q/marked-record"
    with running("-m", "bot", "serve", "--port", "0", "--config", config(0), ready=SERVE_READY) as (process, address):
        assert "not watching the knowledge files" in "".join(process.startup_lines)
        add_marked_entry(knowledge_copy)
        time.sleep(1.5)  # the default would have polled: nothing must have looked
        assert get_from(address + probe, "127.0.0.1")[0] == 404
        process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while get_from(address + probe, "127.0.0.1")[0] != 200:
            assert time.monotonic() < deadline, "SIGHUP did not reload with reload_seconds = 0"
            time.sleep(0.05)
    (knowledge_copy / "marked.yaml").unlink()
    with running("-m", "bot", "serve", "--port", "0", "--config", config(0.1), ready=SERVE_READY) as (_, address):
        add_marked_entry(knowledge_copy)
        deadline = time.monotonic() + 10
        while get_from(address + probe, "127.0.0.1")[0] != 200:
            assert time.monotonic() < deadline, "reload_seconds = 0.1 did not reload"
            time.sleep(0.05)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--base-url", "faq.example.org", "--base-url must be"), ("--proxy", "my-proxy", "--proxy must be")],
)
def test_serve_refuses_a_bad_option_in_one_line(option, value, message):
    result = run_cli("serve", "--port", "0", option, value)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
