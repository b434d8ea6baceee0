"""The audit lints `check` warns about (never errors: the engine answers well either way, but a person should
look): answers nearly the same text (near_duplicates.py), a source dated after the entry's `reviewed` date, a
source no entry cites, and an old year stated in the present tense.

An old year in the present tense, precisely: a sentence or list item (after an optional `Label:`) that opens
with a time phrase naming a year before the year the entry was reviewed (today's, if it never was) — `In 2023`,
`As of 2024`, `As at March 2024`, `By 2024`, `At the end of 2023` — and whose first tensed verb after it is in
the present tense (is, are, has, have, remains, remain, stands, stand). "In 2023 the EU has 27 members" and
"As of 2024, the target is 2%" are flagged; "In 2024 the EU-27 spent €343 billion", "As of 2024 it had 23",
"Since 2023 Denmark has been a member" (since is not a time phrase that closes) and "In 2027 it is due" (not old)
are not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from ..citations import strip_markers
from ..models import Entry, Knowledge, Problem, Severity
from .near_duplicates import near_duplicates

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_OPENING_YEAR = re.compile(
    rf"^(?:[-*+]\s+|\d+[.)]\s+)?(?:[^:]{{1,40}}:\s+)?"  # a list mark, then a `Label:`
    rf"(?:In|As of|As at|By|At the end of|By the end of)\s+(?:(?:early|mid|late)[- ])?(?:\d{{1,2}}\s+)?"
    rf"(?:{_MONTH}\s+)?(?P<year>(?:19|20)\d\d)\b(?P<rest>.*)",
    re.IGNORECASE,
)
_TENSED = re.compile(  # present forms, or a past one: a regular past (-ed) or a common irregular
    r"\b(?P<present>is|are|has|have|remains|remain|stands|stand)\b|\b(?:was|were|had|did|remained|stood|became|"
    r"rose|fell|grew|spent|began|made|took|gave|won|led|sent|set|put|got|went|came|met|held|paid|sold|bought|"
    r"brought|built|kept|left|lost|meant|said|told|thought|forecast|found|saw|chose|wrote|knew|ran|drew|fought|"
    r"struck|broke|spoke|sought|taught|caught|felt|heard|understood|withdrew|undertook|overtook|foresaw|"
    r"\w+ed)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")  # someone's words keep their own tense


def audit(knowledge: Knowledge, today: dt.date, *, complete: bool = True) -> list[Problem]:
    """Every audit warning for the knowledge (see the module's docstring); `complete`: every file was read,
    so a source no entry cites is truly unused."""
    warnings = _near_duplicate_answers(knowledge) + (_unused_sources(knowledge) if complete else [])
    for entry in knowledge.entries:
        warnings += _sources_after_review(entry, knowledge)
        warnings += _old_years_in_present_tense(entry, (entry.reviewed or today).year)
    return warnings


def _warning(entry: Entry, key: str, message: str) -> Problem:
    return Problem(entry.file, entry.line, f"{entry.id}.{key}", message, Severity.WARNING)


def _near_duplicate_answers(knowledge: Knowledge) -> list[Problem]:
    return [
        _warning(
            later,
            "answer",
            f"answer is nearly the same text as that of {earlier.id!r} ({earlier.file}:{earlier.line}, {ratio:.0f}% "
            "alike): merge the two entries, or make each answer its own",
        )
        for earlier, later, ratio in near_duplicates(knowledge.entries)
    ]


def _unused_sources(knowledge: Knowledge) -> list[Problem]:
    cited = {source_id for entry in knowledge.entries for source_id in entry.sources}
    return [
        Problem(source.file, source.line, f"sources.{source.id}", "no entry cites this source", Severity.WARNING)
        for source in knowledge.sources.values()
        if source.id not in cited
    ]


def _sources_after_review(entry: Entry, knowledge: Knowledge) -> list[Problem]:
    """A source published after the entry was last reviewed: the review cannot have checked against it. A
    partial date counts from its first day (a source of "2026-12" may predate a review on 2026-12-07)."""
    if entry.reviewed is None:
        return []
    later = []
    for source_id in entry.sources:
        source = knowledge.sources.get(source_id)
        if source is not None and source.date and _first_day(source.date) > entry.reviewed:
            later.append(f"{source_id!r} ({source.date})")
    if not later:
        return []
    message = (
        f"cites {', '.join(later)}, dated after the entry was reviewed ({entry.reviewed.isoformat()}): check the "
        "answer against it and update `reviewed`"
    )
    return [_warning(entry, "sources", message)]


def _first_day(date: str) -> dt.date:
    year, month, day = ([*map(int, date.split("-")), 1, 1])[:3]
    return dt.date(year, month, day)


def _old_years_in_present_tense(entry: Entry, reviewed_year: int) -> list[Problem]:
    return [
        _warning(
            entry,
            "answer",
            f"{statement[:60]!r}… states {year} in the present tense, in an entry reviewed in {reviewed_year}: "
            "say it in the past, or as of now",
        )
        for statement, year in _opening_years(entry.answer)
        if year < reviewed_year and _first_tense_is_present(statement)
    ]


def _opening_years(answer: str) -> Iterator[tuple[str, int]]:
    """Each sentence or list item that opens with a time phrase naming a year, with the year."""
    for line in strip_markers(answer).replace("**", "").splitlines():
        for sentence in re.split(r"(?<=[.;!?])\s+", line.strip()):
            found = _OPENING_YEAR.match(sentence)
            if found:
                yield sentence, int(found["year"])


def _first_tense_is_present(statement: str) -> bool:
    found = _OPENING_YEAR.match(statement)
    verb = _TENSED.search(_QUOTED.sub("", found["rest"])) if found else None
    return verb is not None and verb["present"] is not None
