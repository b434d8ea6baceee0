"""Shared fixtures. The fake Discord server and the harness that runs the bot on it live in tests/fakes/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot import cli
from bot.core.edit_lock import LOCK_FILE
from bot.core.engine import Engine
from bot.core.models import Entry, Knowledge
from bot.core.store import open_engine

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


def run_cli(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, as a user would (for what only a new process shows)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=60,
        check=False,
    )


@dataclass
class CliRun:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliRun]:
    """Run `python -m bot ARGS` in this process (bot.cli.main), capturing what it prints."""

    def invoke(*args: str, stdin: str | None = None) -> CliRun:
        if stdin is not None:
            import io

            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = cli.main(list(args))
        out = capsys.readouterr()
        return CliRun(code, out.out, out.err)

    return invoke


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file in the directory, byte for byte, but the edit lock (made by the first edit, and empty
    until a save: edit_lock.py)."""
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.name != LOCK_FILE}


def entry_of(knowledge: Knowledge, entry_id: str) -> Entry | None:
    return next((e for e in knowledge.entries if e.id == entry_id), None)


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The warm-start cache goes to a temporary directory, never the user's ~/.cache (subprocesses too)."""
    cache = tmp_path_factory.mktemp("xdg-cache")
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(cache)
    yield cache
    if saved is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = saved


@pytest.fixture
def knowledge_copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private copy of the shipped knowledge that a test may break or edit. Always at the same path, made
    afresh for each test: the engine cache (keyed by the files' paths and bytes) then starts each test warm,
    as a restarted bot would, instead of building and training the engine again in every test."""
    target = tmp_path_factory.getbasetemp() / "knowledge-copy" / "knowledge"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(KNOWLEDGE, target)
    yield target
    shutil.rmtree(target, ignore_errors=True)


@pytest.fixture(scope="session")
def engine() -> Engine:
    built, result = open_engine(KNOWLEDGE)
    assert built is not None, result.errors
    return built


# An entry and a source written to attack a web page: every field a page shows carries markup, script or a
# hostile link. The web tests serve it and the browser tests check that nothing runs and it reads as text.
HOSTILE_YAML = """\
sources:
  - id: hostile-source
    title: "<script>alert(2)</script> a hostile title"
    url: 'https://example.org/x?a=1&b="><script>alert(3)</script>'
    publisher: "<img src=x onerror=alert(4)>"
entries:
  - id: hostile-answer
    questions:
      - What does the hostile answer say?
      - hostile <script>alert(5)</script> phrasing
    answer: |
      Before <script>alert(1)</script> after.
      A [click](javascript:alert(1)) link, <img src=x onerror=alert(1)>, [d](data:text/html,<script>alert(1)</script>),
      [v](vbscript:msgbox(1)), [r](/relative) and <a href="javascript:alert(6)">raw</a>.
      A [real link](https://example.org/page?a=1&b=2) and <https://example.org/auto>.[^hostile-source]
    sources: [hostile-source]
    tags: [pesco, "<b>odd tag</b>"]
    reviewed: 2026-11-30
"""
HOSTILE_QUESTION = "What does the hostile answer say?"


@pytest.fixture
def hostile_knowledge(knowledge_copy: Path) -> Path:
    """The shipped knowledge plus the hostile entry (which passes `check`: its text is only text)."""
    (knowledge_copy / "hostile.yaml").write_text(HOSTILE_YAML, encoding="utf-8")
    return knowledge_copy


@pytest.fixture
def hostile_engine(hostile_knowledge: Path) -> Engine:
    built, result = open_engine(hostile_knowledge)
    assert built is not None, result.errors
    return built
