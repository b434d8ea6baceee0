"""bot/render/text.py and plain.py: what the CLI prints (markdown shown as text, citation markers as [n]
matching the numbered sources), and the JSON contract tooling parses."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.core.models import Answer, Status
from bot.core.store import open_engine
from bot.render.plain import markdown_text
from bot.render.text import answer_json, answer_text

from ..conftest import ROOT

# Markers in an order other than the sources list's: the numbers follow the list, as on every medium.
MARKED = """\
sources:
  - {id: tea-guide, title: Tea guide, url: 'https://example.org/tea', publisher: Example, date: 2024}
  - {id: kettles, title: Kettles, url: 'https://example.org/kettles', publisher: Other, date: 2023}
entries:
  - id: tea
    questions: [How do I make tea?, tea recipe, brewing tea]
    answer: |
      Boil **fresh** water [^kettles].

      Then:
      - steep the leaves for *three* minutes [^tea-guide]
      - read [the guide](https://example.org/tea) [^tea-guide][^kettles]
    sources: [tea-guide, kettles]
"""


@pytest.fixture
def marked(tmp_path):
    (tmp_path / "tea.yaml").write_text(MARKED)
    return tmp_path


@pytest.fixture
def tea(marked):
    engine, result = open_engine(marked)
    assert engine is not None, result.errors
    return engine.answer_entry("tea")


def test_an_answer_has_its_numbered_sources_and_related_questions(engine):
    text = answer_text(engine.answer_entry("pesco-what"))
    assert text.startswith("What is PESCO?\n\n")
    assert "\nSources:\n  [1] " in text and "\n      https://" in text
    assert "\nRelated: " in text and text.endswith("(confidence 100/100)")


def test_markdown_is_shown_as_text_and_markers_as_the_numbers_of_the_sources_list(tea):
    text = answer_text(tea)
    assert text.split("\n\nSources:")[0] == (
        "How do I make tea?\n\n"
        "Boil fresh water [2].\n\n"
        "Then:\n"
        "- steep the leaves for three minutes [1]\n"
        "- read the guide (https://example.org/tea) [1][2]"
    )
    assert "  [1] Tea guide — Example, 2024\n      https://example.org/tea\n  [2] Kettles — Other, 2023" in text


def test_the_json_keeps_the_answer_as_written_and_adds_it_numbered(tea):
    obj = answer_json(tea)
    assert obj["answer"].startswith("Boil **fresh** water [^kettles].")
    assert obj["answer_numbered"].startswith("Boil **fresh** water [2].")
    assert "[the guide](https://example.org/tea) [1][2]" in obj["answer_numbered"]
    assert [c["id"] for c in obj["citations"]] == ["tea-guide", "kettles"]


def test_no_raw_markdown_from_the_shipped_knowledge(engine):
    answer = engine.answer_entry("pesco-what")
    assert "**" in answer.entry.answer
    assert "**" not in answer_text(answer) and "](" not in answer_text(answer)


def test_on_a_terminal_emphasis_is_bold_and_in_a_pipe_it_is_plain(marked):
    """A real pseudo-terminal as the CLI's stdout, against a pipe."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    args = [sys.executable, "-m", "bot", "ask", "--knowledge", str(marked), "how do I make tea"]
    reader, writer = os.openpty()
    try:
        process = subprocess.run(
            args, stdout=writer, stderr=subprocess.PIPE, cwd=ROOT, env=env, timeout=60, check=False
        )
        assert process.returncode == 0, process.stderr
        on_terminal = os.read(reader, 65536).decode()
    finally:
        os.close(writer)
        os.close(reader)
    assert "\x1b[1mHow do I make tea?\x1b[0m" in on_terminal and "Boil \x1b[1mfresh\x1b[0m water [2]." in on_terminal
    assert "**" not in on_terminal
    piped = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60, check=False)
    assert "\x1b[" not in piped.stdout and "Boil fresh water [2]." in piped.stdout
    no_color = subprocess.run(
        args, stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**env, "NO_COLOR": "1"}, timeout=60, check=False
    )
    assert "\x1b[" not in no_color.stdout


def test_off_topic_names_topics_and_never_an_entry(engine):
    answer = engine.ask("best pizza in rome")
    obj = answer_json(answer)
    assert (obj["status"], obj["entry_id"], obj["answer"], obj["answer_numbered"], obj["citations"]) == (
        "none",
        None,
        None,
        None,
        [],
    )
    assert obj["suggestions"] == []
    assert "PESCO" in answer_text(answer) and "third-states" not in answer_text(answer)  # names, not tags
    assert answer_text(Answer("x", Status.NONE, ())).endswith("cooperation.")


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("a **b** _c_ `d`", "a b c d"),
        ("[site](https://e.org) and <https://e.org/x>", "site (https://e.org) and https://e.org/x"),
        (
            "Intro:\n- one\n  more\n- two\n  1. deep\n  2. deeper",
            "Intro:\n- one\n  more\n- two\n  1. deep\n  2. deeper",
        ),
        ("- loose\n\n- list", "- loose\n\n- list"),
        ("3. three\n4. four", "3. three\n4. four"),
        ("# Title\n\n> quoted **x**\n>\n> more", "Title\n\n> quoted x\n>\n> more"),
        ("```\ncode  *kept*\n```", "    code  *kept*"),
        ("<b>raw</b> \\*escaped\\*", "<b>raw</b> *escaped*"),
        ("see ![a chart](https://e.org/i.png)!", "see a chart (https://e.org/i.png)!"),
    ],
)
def test_markdown_text(markdown, text):
    assert markdown_text(markdown) == text


def test_json_lines_carry_the_numbered_answer(marked):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--knowledge", str(marked), "-"],
        input="how do I make tea\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert json.loads(result.stdout)["answer_numbered"].startswith("Boil **fresh** water [2].")
