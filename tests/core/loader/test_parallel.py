"""A large knowledge base is read by two processes (bot/core/loader/parallel.py): the knowledge, every problem at its
line and the engine's answers are what one process reading alone gives, and a helper that fails to start or
crashes costs only time."""

from __future__ import annotations

import logging
import sys

import pytest

from bot.core.engine import Engine
from bot.core.loader import LoadResult, load_texts

WORDS = "pesco fund agency nato army budget radar drone cyber frigate tank satellite treaty council training".split()
ALONE = 10**12  # helper_min_bytes no knowledge reaches
FILES = 8  # the helper reads the last few files (more than one, so their order counts)


def knowledge(broken: bool = False) -> dict[str, str]:
    """Eight files, each with a source and entries citing it and the first file's, related across files,
    tagged and dated; synonyms in one this process reads and one the helper reads; hyphens, apostrophes,
    accents and dotted acronyms in the text. `broken`: problems on both sides."""
    files = {}
    for f in range(FILES):
        lines = ["sources:", f"  - id: s{f}", "    title: A source", "    url: https://example.org/s"]
        lines += ["    publisher: Someone", "    date: 2024-11"] if f % 2 else []
        lines.append("entries:")
        for n in range(12):
            a, b, c = (WORDS[(f * 3 + n) % 15], WORDS[(f + n * 5) % 15], WORDS[(f * 7 + n * 2) % 15])
            cited = ["nowhere"] if broken and n == 5 else ["s0", f"s{f}"]
            lines += [
                f"  - id: e{f}-{n}",
                "    questions:",
                f"      - what is the {a} {b} programme {f}{n}",
                f"      - who's running the {b}-{c} co-operation",
                f"      - Défense {c} questions n°{n}",
                f"    answer: The {a} and {b} work together on {c} at E.U. level.[^{cited[0]}][^{cited[-1]}]",
                f"    sources: [{', '.join(cited)}]",
                f"    tags: [topic-{n % 3}, time-sensitive]",
                f"    related: [e{(f + 1) % FILES}-{n}]",
                "    reviewed: 2026-10-01",
                "    review_by: 2027-06-30",
            ]
        if broken and f in (2, FILES - 1):
            lines += ["  - id: e0-1", "    questions: [again]", "    answer: A duplicate id."]
        if f in (3, FILES - 2):
            lines += ["synonyms:", f"  {WORDS[f]}: [{WORDS[f + 1]} {WORDS[f + 2]}]"]
        files[f"part-{f}.yaml"] = "\n".join(lines) + "\n"
    return files


def same_load(helped: LoadResult, alone: LoadResult) -> None:
    assert helped.knowledge == alone.knowledge
    assert [str(p) for p in helped.problems] == [str(p) for p in alone.problems]


def test_a_helper_reads_part_of_a_large_knowledge_base_and_nothing_changes(caplog):
    files = knowledge()
    with caplog.at_level(logging.DEBUG, logger="bot.core.loader"):
        helped = load_texts(files, helper_min_bytes=0)
    assert "knowledge files in a helper process" in caplog.text
    alone = load_texts(files, helper_min_bytes=ALONE)
    same_load(helped, alone)
    assert helped.ok and helped.text_terms is not None and alone.text_terms is None
    with_terms, without = Engine(helped.knowledge, text_terms=helped.text_terms), Engine(alone.knowledge)
    questions = [q for e in alone.knowledge.entries for q in e.questions] + ["nato budget", "cyber co-operation"]
    for question in questions:
        assert with_terms.candidates(question, 4) == without.candidates(question, 4), question


def test_problems_on_both_sides_of_the_split_are_reported_as_reading_alone_reports_them():
    files = knowledge(broken=True)
    helped, alone = load_texts(files, helper_min_bytes=0), load_texts(files, helper_min_bytes=ALONE)
    same_load(helped, alone)
    messages = [p.message for p in alone.errors]
    first = files["part-0.yaml"].splitlines().index("  - id: e0-1") + 1
    assert messages.count(f"duplicate id 'e0-1' (first at part-0.yaml:{first})") == 2
    assert messages.count("unknown source id 'nowhere'") == FILES


def test_a_file_the_helper_cannot_parse_is_reported_as_reading_alone_reports_it():
    files = knowledge()
    files[f"part-{FILES - 1}.yaml"] += "# \x07\n"  # not YAML at all: the entries it defines are missing
    helped, alone = load_texts(files, helper_min_bytes=0), load_texts(files, helper_min_bytes=ALONE)
    same_load(helped, alone)
    assert helped.unparsed == alone.unparsed == (f"part-{FILES - 1}.yaml",)
    assert [p.message for p in alone.errors] == [
        "U+0007 at column 3 is a control character, which YAML does not allow: delete it"
    ]


@pytest.mark.parametrize(
    ("executable", "logged"),
    [("/nonexistent/python", "could not start a helper"), ("/bin/false", "the helper reading the knowledge failed")],
)
def test_a_helper_that_cannot_start_or_fails_leaves_its_files_to_this_process(monkeypatch, caplog, executable, logged):
    files = knowledge()
    alone = load_texts(files, helper_min_bytes=ALONE)
    monkeypatch.setattr(sys, "executable", executable)
    with caplog.at_level(logging.WARNING, logger="bot.core.loader"):
        helped = load_texts(files, helper_min_bytes=0)
    assert logged in caplog.text
    same_load(helped, alone)
