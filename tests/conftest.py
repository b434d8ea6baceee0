"""Shared fixtures. The fake Discord server lives in tests/fake_discord.py."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


def run_cli(*args: str, stdin: str | None = None, cwd: Path | None = None):
    """Run the real CLI in a subprocess, as a user would."""
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=60,
    )


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped knowledge that a test may break or edit."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


@pytest.fixture(scope="session")
def engine():
    from bot.core.answer import Engine

    built, result = Engine.from_directory(KNOWLEDGE)
    assert result.ok, result.errors
    return built
