"""bot/core/loader/audit.py and near_duplicates.py: the four audit warnings `check` gives, and that they are
quiet on the shipped knowledge."""

import datetime as dt
import random
import string
from pathlib import Path

import pytest

from bot.core.loader import check_lints, load_directory, load_texts
from bot.core.loader import near_duplicates as near_duplicates_module
from bot.core.loader.audit import audit
from bot.core.loader.near_duplicates import near_duplicates
from bot.core.models import Entry, Knowledge, Severity, Source

from ...conftest import KNOWLEDGE

TODAY = dt.date(2026, 12, 7)
ANSWER = (
    "Permanent Structured Cooperation lets willing member states take on binding commitments and develop "
    "capabilities in joint projects; the Council established it on 11 December 2017."
)


def entry(entry_id: str, answer: str, **fields) -> Entry:
    return Entry(entry_id, (f"{entry_id}?",), answer, **fields)


def warnings(entries: list[Entry], sources: dict[str, Source] | None = None) -> list[tuple[str, str]]:
    found = audit(Knowledge(tuple(entries), sources or {}), TODAY)
    assert all(p.severity is Severity.WARNING for p in found)
    return [(p.key, p.message) for p in found]


def test_the_shipped_knowledge_gives_no_audit_warning_nor_any_other():
    assert check_lints(load_directory(KNOWLEDGE).knowledge, TODAY) == []


def test_two_answers_in_nearly_the_same_words_are_named_at_the_later_entry():
    copied = ANSWER.replace("willing member states", "willing EU member states").replace("[^a]", "")
    found = warnings(
        [entry("first", ANSWER + "[^a]"), entry("other", "Something else entirely."), entry("copy", copied)]
    )
    assert found == [
        (
            "copy.answer",
            "answer is nearly the same text as that of 'first' (:0, 99% alike): merge the two entries, or make each "
            "answer its own",
        )
    ]


def test_answers_that_share_only_boilerplate_are_not_near_duplicates():
    boilerplate = " according to the European Defence Agency and the European Court of Auditors."
    assert (
        warnings([entry("a", "PESCO has 26 members" + boilerplate), entry("b", "The EDF funds research" + boilerplate)])
        == []
    )


def test_near_duplicates_compare_only_answers_sharing_rare_trigrams_not_every_pair(monkeypatch: pytest.MonkeyPatch):
    # 3,000 answers sharing a long boilerplate: all pairs would be 4.5 million comparisons
    rng = random.Random(3)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(2000)]
    boilerplate = " is what the rules published for everyone by the European Defence Agency say."
    entries = [entry(f"e{n}", " ".join(rng.choices(words, k=6)) + boilerplate) for n in range(3000)]
    entries.append(entry("copy", entries[1234].answer.replace("Item", "item")))
    compared = []
    ratio = near_duplicates_module.fuzz.ratio
    monkeypatch.setattr(near_duplicates_module.fuzz, "ratio", lambda a, b, **k: compared.append(1) or ratio(a, b, **k))
    found = near_duplicates(entries)
    assert [(a.id, b.id) for a, b, _ in found] == [("e1234", "copy")]
    assert len(compared) < 10 * len(entries)


def test_a_source_dated_after_the_review_is_named_a_partial_date_from_its_first_day():
    sources = {
        "after": Source("after", "T", "https://e.org/1", date="2026-12-08"),
        "next-year": Source("next-year", "T", "https://e.org/2", date="2027"),
        "same-month": Source("same-month", "T", "https://e.org/3", date="2026-12"),
        "before": Source("before", "T", "https://e.org/4", date="2026-11-30"),
    }
    reviewed = entry("x", "A.", sources=tuple(sources), reviewed=dt.date(2026, 12, 7))
    never_reviewed = entry("y", "B.", sources=("after",))
    assert warnings([reviewed, never_reviewed], sources) == [
        (
            "x.sources",
            "cites 'after' (2026-12-08), 'next-year' (2027), dated after the entry was reviewed (2026-12-07): check "
            "the answer against it and update `reviewed`",
        )
    ]


def test_a_source_no_entry_cites_is_named_at_its_line():
    result = load_texts(
        {
            "k.yaml": "sources:\n  - {id: used, title: T, url: 'https://e.org/u'}\n"
            "  - {id: unused, title: T, url: 'https://e.org/n'}\n"
            "entries:\n  - id: x\n    questions: [Q?]\n    answer: A.[^used]\n    sources: [used]\n"
        }
    )
    [problem] = audit(result.knowledge, TODAY)
    assert str(problem) == "k.yaml:3: warning [sources.unused]: no entry cites this source"


@pytest.mark.parametrize(
    "statement",
    [
        "In 2023 the EU has 27 members.",
        "As of 2024, the target is 2% of GDP.",
        "- Members: as at March 2024 there are 23 allies in the EU.",
        "By 2025 all of them have reached it.",
        "At the end of 2023 the fund remains open.",
        "In early 2025 the plan stands.",
    ],
)
def test_an_old_year_stated_in_the_present_tense_is_named(statement: str):
    [(key, message)] = warnings([entry("x", statement, reviewed=dt.date(2026, 1, 10))])
    assert key == "x.answer" and "in the present tense, in an entry reviewed in 2026" in message


@pytest.mark.parametrize(
    "statement",
    [
        "In 2024 the EU-27 spent €343 billion.",
        "As of 2024 it had 23 allies.",
        "Since 2023 Denmark has been a member.",  # since: a span up to now, rightly in the present perfect
        "In 2026 the fund is open.",  # not older than the review
        'In February 2025 the auditors found that it "has not yet been achieved".',  # their words, their tense
        "The fund is open, as it was in 2023.",  # the year does not open the statement
        "In February 2023 its minister saw no reason to change a position governments have tied to neutrality.",
    ],
)
def test_a_past_tense_a_later_year_or_a_year_not_opening_the_statement_is_not_named(statement: str):
    assert warnings([entry("x", statement, reviewed=dt.date(2026, 1, 10))]) == []


def test_the_reference_year_is_the_review_else_today():
    assert warnings([entry("x", "In 2025 the fund is open.", reviewed=dt.date(2025, 6, 1))]) == []
    assert len(warnings([entry("x", "In 2025 the fund is open.")])) == 1  # never reviewed: against 2026


def test_check_prints_the_audit_warnings_and_still_exits_0(tmp_path: Path, run):
    (tmp_path / "k.yaml").write_text(
        "sources:\n  - {id: s, title: T, url: 'https://e.org/s', date: 2027}\n"
        "  - {id: spare, title: T, url: 'https://e.org/spare'}\n"
        "entries:\n  - id: x\n    questions: [Q?]\n    answer: In 2023 the EU has 27 members.[^s]\n"
        "    sources: [s]\n    reviewed: 2026-12-01\n"
    )
    result = run("check", str(tmp_path))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[-1].endswith("0 error(s), 3 warning(s)")
    assert f"{tmp_path / 'k.yaml'}:3: warning [sources.spare]: no entry cites this source" in lines
    assert any(line.startswith(f"{tmp_path / 'k.yaml'}:5: warning [x.sources]: cites 's' (2027)") for line in lines)
    assert any("[x.answer]: 'In 2023 the EU has 27 members.'… states 2023" in line for line in lines)
