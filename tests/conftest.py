"""Shared fixtures. The fake Discord server and the harness that runs the bot on it live in tests/fakes/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot import cli
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
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def entry_of(knowledge: Knowledge, entry_id: str) -> Entry | None:
    return next((e for e in knowledge.entries if e.id == entry_id), None)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped knowledge that a test may break or edit."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


@pytest.fixture(scope="session")
def engine() -> Engine:
    built, result = open_engine(KNOWLEDGE)
    assert built is not None, result.errors
    return built
