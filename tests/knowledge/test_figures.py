"""Figures that stand in several shipped answers are stated alike (issue 20 item 4): PESCO's member states, the
EDF's 2021–27 total, SAFE's loans, EU-27 defence spending in 2024 and the Ukraine Support Loan. Each figure's
statements are found in every answer — the amount close to what it is the amount of, in one clause — and the
test fails when two of them disagree, naming the entries and their words."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytest

from bot.core.citations import strip_markers
from bot.core.loader import load_directory
from bot.core.models import Entry

from ..conftest import KNOWLEDGE

# Between what a figure is about and its amount: up to six words or a parenthesis without figures, and no other
# amount ("the EDF was agreed with about €7.95 billion", "SAFE (Security Action for Europe) lends member states
# up to €150 billion"); then a statement about another amount in the same clause is not taken for this one.
GAP = r"(?:[\s,:(]+(?:[A-Za-z'’-]+|\([^)€\d]*\))){0,6}?[\s,:(]+"
BILLIONS = r"€\s?(?P<value>\d+(?:\.\d+)?)\s?(?:billion|bn)\b"


@dataclass(frozen=True)
class Figure:
    name: str
    patterns: tuple[str, ...]
    at_least: int  # statements the shipped answers make of it: fewer means the patterns went blind
    unless: str = r"(?!)"  # a clause about another time, which may rightly give another number

    def statements(self, entries: Iterable[Entry]) -> Iterator[tuple[str, str, str]]:
        """(entry id, the amount, the clause) for every statement of this figure."""
        for entry in entries:
            for clause in clauses(entry.answer):
                if re.search(self.unless, clause):
                    continue
                for pattern in self.patterns:
                    for found in re.finditer(pattern, clause):
                        yield entry.id, found["value"], clause


def clauses(answer: str) -> Iterator[str]:
    """The answer as plain text, cut into sentences and list items (a figure is stated within one)."""
    text = strip_markers(answer).replace("**", "").replace("*", "")
    for line in text.splitlines():
        yield from re.split(r"(?<=[.;])\s+", line)


PESCO = r"\bPESCO\b|Permanent Structured Cooperation"
FIGURES = [
    Figure(
        "PESCO's member states",
        (
            rf"(?:{PESCO})\)?{GAP}(?P<value>\d+) (?:member states|members|participating states|states)\b",
            rf"joined (?:{PESCO})[^.;]*? as its (?P<value>\d+)th member",
        ),
        at_least=3,
        unless=r"\b(?:began|launched|established|start|2017)\b",  # it started with 25
    ),
    Figure(
        "the European Defence Fund's total for 2021–27",
        (
            rf"(?:European Defence Fund|\bEDF\b)(?:'s)?{GAP}{BILLIONS}(?: agreed)? for 2021[–-]27",
            rf"^(?=.*(?:European Defence Fund|\bEDF\b)).*\bagreed with (?:about )?{BILLIONS} for 2021[–-]27",
        ),
        at_least=4,
    ),
    Figure(  # a ceiling: "up to" it, or "SAFE's €150 billion of loans" (not a borrower's share, nor an entry fee)
        "SAFE's loans",
        (rf"\bSAFE\b(?:'s)?{GAP}up to {BILLIONS}", rf"\bSAFE's {BILLIONS} of loans"),
        at_least=8,
    ),
    Figure(
        "EU-27 defence spending in 2024",
        (rf"\bEU-27\b(?:'s)?{GAP}{BILLIONS}",),
        at_least=4,
        unless=r"^(?!.*\b2024\b)(?=.*\b20\d\d\b)",  # a clause naming another year (not "that year")
    ),
    Figure(
        "the Ukraine Support Loan",
        (
            rf"{BILLIONS} (?:Ukraine Support Loan|loan to Ukraine|Ukraine loan)\b",
            rf"Ukraine Support Loan\b{GAP}{BILLIONS}",
        ),
        at_least=6,
    ),
]


@pytest.fixture(scope="module")
def shipped() -> tuple[Entry, ...]:
    return load_directory(KNOWLEDGE).knowledge.entries


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.name)
def test_a_figure_that_stands_in_several_answers_is_the_same_in_each(figure: Figure, shipped: tuple[Entry, ...]):
    found = list(figure.statements(shipped))
    assert len({entry_id for entry_id, _, _ in found}) >= figure.at_least, found
    values = {value for _, value, _ in found}
    assert len(values) == 1, "\n".join(f"{entry_id}: {value}: {clause}" for entry_id, value, clause in found)


def test_the_statements_found_are_the_figures_and_a_disagreement_is_caught():
    pesco, edf, safe, spending, loan = FIGURES
    entries = [
        Entry("a", ("a?",), "Permanent Structured Cooperation (PESCO) has 26 members.[^s]"),
        Entry("b", ("b?",), "- PESCO: 25 member states.[^s]\n- PESCO began with 25 states in 2017.[^s]"),
        Entry(
            "c", ("c?",), "The EDF was agreed with about €7.95 billion for 2021–27; €1.07 billion went to 57 projects."
        ),
        Entry("d", ("d?",), "SAFE lends up to €150 billion; Poland, the largest SAFE borrower, took €43.7 billion."),
        Entry("e", ("e?",), "In 2024 the EU-27 spent €343 billion. In 2025 the EU-27 spent €381 billion."),
        Entry("g", ("g?",), "Over half of the EU-27's €343 billion that year; the EDA forecast €381 billion."),
        Entry("f", ("f?",), "The €60 billion defence part of the €90 billion Ukraine Support Loan."),
    ]
    assert [(e, v) for e, v, _ in pesco.statements(entries)] == [("a", "26"), ("b", "25")]  # disagree: caught
    assert {v for _, v, _ in edf.statements(entries)} == {"7.95"}
    assert [v for _, v, _ in safe.statements(entries)] == ["150"]
    assert [v for _, v, _ in spending.statements(entries)] == ["343", "343"]
    assert [v for _, v, _ in loan.statements(entries)] == ["90"]
