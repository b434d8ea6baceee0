"""docs/development.md's layout section ("Where things live") names every module of bot/, and no module grows past the
size at which a file does two jobs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"
MAX_LINES = 400  # roughly where a module does two jobs (docs/development.md, "Where things live")


def layout() -> str:
    text = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    section = text.split("## Where things live", 1)[1]
    return section.split("```", 2)[1]


def modules() -> list[Path]:
    return sorted(p for p in BOT.rglob("*.py") if p.name != "__init__.py")


def test_the_layout_names_every_module():
    block = layout()
    missing = [str(p.relative_to(BOT)) for p in modules() if not re.search(rf"(?<![\w]){re.escape(p.stem)}\b", block)]
    assert missing == []


def test_no_module_is_over_the_size_of_one_job_and_each_says_its_job_first():
    too_long = {str(p.relative_to(BOT)): n for p in modules() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert too_long == {}
    silent = [str(p.relative_to(BOT)) for p in BOT.rglob("*.py") if not p.read_text().startswith('"""')]
    assert silent == []
