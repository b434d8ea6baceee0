"""bot/core/loader/claims.py: the claim-marker rule is an error wherever the loader validates — `check`, every
start of the engine, and a moderator's edit (through the store, refused with the same message)."""

from pathlib import Path

import pytest

from bot.core.citations import cite_unmarked
from bot.core.loader import load_directory, load_texts
from bot.core.models import Entry
from bot.core.store import EditRefused, KnowledgeStore

from ...conftest import snapshot
from .conftest import GOOD_SOURCE

SOURCES = GOOD_SOURCE + "  - {id: s2, title: B, url: 'https://example.org/b'}\n"


def problems(entry_yaml: str) -> list[tuple[int, str, str]]:
    result = load_texts({"k.yaml": SOURCES + "entries:\n" + entry_yaml})
    return [(p.line, p.key, p.message) for p in result.errors]


def test_a_fully_marked_answer_with_a_lead_in_passes():
    assert (
        problems(
            "  - id: x\n    questions: [Q?]\n    answer: |\n"
            "      First claim.[^s1]\n\n      Examples:\n      - one[^s2]\n      - two[^s1][^s2]\n"
            "    sources: [s1, s2]\n"
        )
        == []
    )


def test_each_unmarked_paragraph_and_list_item_is_an_error_at_its_own_line():
    found = problems(
        "  - id: x\n    questions: [Q?]\n    answer: |\n"
        "      First claim.[^s1]\n\n"  # lines 13-14
        "      Second claim, with no marker, over a long line that runs on.\n"  # 15
        "      - one[^s2]\n"  # 16
        "      - two\n        continued\n"  # 17-18
        "    sources: [s1, s2]\n"
    )
    assert found == [
        (
            15,
            "x.answer",
            "paragraph “Second claim, with no marker, over a lon…” names no source: end each claim with a "
            "marker like [^s1] naming the source that holds it",
        ),
        (
            17,
            "x.answer",
            "list item “two continued” names no source: end each claim with a marker like [^s1] naming the "
            "source that holds it",
        ),
    ]


def test_a_lead_in_is_excused_only_on_one_line_right_above_a_list():
    two_lines = "      A claim first.\n      Examples:\n      - one[^s1]\n"
    not_above_a_list = "      Examples:\n\n      Nothing listed.[^s1]\n"
    for answer in (two_lines, not_above_a_list):
        found = problems(f"  - id: x\n    questions: [Q?]\n    answer: |\n{answer}    sources: [s1]\n")
        assert [(line, key) for line, key, _ in found] == [(13, "x.answer")], answer


def test_a_marker_naming_a_source_the_entry_does_not_cite_is_an_error_at_its_line():
    found = problems(
        "  - id: x\n    questions: [Q?]\n    answer: |\n      One.[^s1]\n      - Two.[^s2][^s2]\n    sources: [s1]\n"
    )
    assert found == [
        (
            14,
            "x.answer",
            "marker [^s2] names a source the entry does not cite: add 's2' to its sources, or correct the marker",
        )
    ]


def test_a_cited_source_no_marker_uses_is_an_error_at_its_line_in_sources():
    found = problems("  - id: x\n    questions: [Q?]\n    answer: One.[^s1]\n    sources:\n      - s1\n      - s2\n")
    assert found == [
        (
            15,
            "x.sources",
            "'s2' is cited but no marker in the answer uses it: mark the claims it holds with [^s2], or remove it",
        )
    ]


def test_an_answer_that_is_not_a_literal_block_has_its_problems_at_the_answer_line():
    found = problems('  - id: x\n    questions: [Q?]\n    answer: "One.[^s1]\\n\\nTwo."\n    sources: [s1]\n')
    assert [(line, key) for line, key, _ in found] == [(12, "x.answer")]


def test_an_answer_with_no_marker_at_all_is_said_once_per_block_not_again_per_source():
    found = problems("  - id: x\n    questions: [Q?]\n    answer: Plain.\n    sources: [s1, s2]\n")
    assert [key for _, key, _ in found] == ["x.answer"]


def test_an_entry_citing_nothing_is_left_to_checks_uncited_rule(tmp_path: Path, run):
    assert problems("  - id: x\n    questions: [Q?]\n    answer: Plain.\n") == []
    (tmp_path / "k.yaml").write_text(SOURCES + "entries:\n  - id: x\n    questions: [Q?]\n    answer: Plain.\n")
    result = run("check", str(tmp_path))
    assert result.returncode == 1 and "k.yaml:10: error [x.sources]: entry cites no source" in result.stdout


def test_check_refuses_an_unmarked_paragraph_with_file_line_and_exit_1(tmp_path: Path, run):
    (tmp_path / "k.yaml").write_text(
        SOURCES + "entries:\n  - id: x\n    questions: [Q?]\n    answer: |\n      One.\n    sources: [s1]\n"
    )
    result = run("check", str(tmp_path))
    assert result.returncode == 1
    assert f"{tmp_path / 'k.yaml'}:13: error [x.answer]: paragraph “One.” names no source" in result.stdout


def test_the_shipped_knowledge_marks_every_claim():
    assert [p for p in load_directory(Path(__file__).parents[3] / "knowledge").errors] == []


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("A new claim.", "x-new.answer: paragraph “A new claim.” names no source"),
        (
            "A new claim.[^eda-pesco] More.[^pesco-progress-report-2025]",
            "x-new.answer: marker [^pesco-progress-report-2025] names a",
        ),
    ],
)
def test_a_moderators_edit_is_refused_with_the_checks_message_and_nothing_is_written(
    knowledge_copy: Path, answer: str, message: str
):
    store = KnowledgeStore(knowledge_copy)
    before = snapshot(knowledge_copy)
    with pytest.raises(EditRefused) as refused:
        store.add_entry(Entry("x-new", ("What is new?",), answer, ("eda-pesco",)))
    assert str(refused.value).startswith(message)
    assert snapshot(knowledge_copy) == before and store.engine.entry("x-new") is None


def test_a_moderators_rewrite_that_drops_a_sources_marker_is_refused(knowledge_copy: Path):
    store = KnowledgeStore(knowledge_copy)
    entry = store.engine.entry("pesco-what")
    rewritten = Entry(entry.id, entry.questions, "PESCO is a framework.[^council-decision-2017-2315]", entry.sources)
    with pytest.raises(EditRefused) as refused:
        store.replace_entry(rewritten)
    [first, *_] = refused.value.problems
    assert first.short() == (
        "pesco-what.sources: 'council-denmark-new-projects' is cited but no marker in the answer uses it: mark the "
        "claims it holds with [^council-denmark-new-projects], or remove it"
    )
    assert store.replace_entry(
        Entry(entry.id, entry.questions, cite_unmarked("PESCO is a framework.", entry.sources), entry.sources)
    ).after
