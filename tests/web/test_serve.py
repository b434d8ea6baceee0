"""`python -m bot serve` as a user runs it: a real process that prints its address, answers, reloads on
SIGHUP, and stops cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
import urllib.request

from ..conftest import run_cli
from .conftest import serve


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
