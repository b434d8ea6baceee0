"""Comparisons answered side by side (Engine.answer_message): a question comparing two things ("EPF vs EDF",
"how is CARD different from PESCO?", one comparing what the statement or question before it named) gets one
entry written for the comparison, else each side's own answer. How a comparison is written: comparisons.py."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .comparisons import compared, compares_them, named_then_compared, sides, stated_sides
from .models import Answer, Entry, Status
from .questions import has_subject

if TYPE_CHECKING:
    from .conversation import Context
    from .engine import Engine

NAME_WORDS = 3  # a comparison's side this short is a name ("EPF", "the EDA"): each side asked as "What is X?"
# "the EU navy op in the Red Sea and the one that chases pirates": "one" is the other side's head, the words before
# its first preposition or relative pronoun
_ONE = re.compile(r"^(?:the )?ones? (?=\S)", re.IGNORECASE)
_HEAD_ENDS = re.compile(r"\s(?:in|on|of|for|from|at|with|by|that|which|who|off|near|against)\s", re.IGNORECASE)


def _one_for_the_other(pair: tuple[str, str]) -> tuple[str, str]:
    """A side that is "the one that …" made the other side's head and that: ("the EU navy op in the Red Sea", "the
    one that chases pirates") → (…, "the EU navy op that chases pirates")."""
    first, second = pair
    if bool(_ONE.match(first)) == bool(_ONE.match(second)):
        return pair
    if _ONE.match(first):
        second, first = _one_for_the_other((second, first))
        return first, second
    return first, _ONE.sub(_HEAD_ENDS.split(first, maxsplit=1)[0] + " ", second, count=1)


class SideBySide:
    """The comparisons of one engine's knowledge."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def compared(self, question: str, context: Context | None) -> list[Answer] | None:
        """A comparison ("EPF vs EDF", "how is CARD different from PESCO?"): one entry if one explains both
        sides (a comparison entry), else each side's answer, side by side; None when it is not a comparison
        or a side finds nothing (then it is asked as one question)."""
        found = sides(question)
        if found is None:
            return None
        whole = self.engine.ask(question, context)
        answers = [
            self.engine.ask_alone(f"What is {side}?" if len(side.split()) <= NAME_WORDS else side)
            for side in _one_for_the_other(found)
        ]
        entries = {a.entry.id for a in answers if a.entry is not None}
        both_sides = len(entries) == len(found)
        if whole.entry is not None and self._written_to_compare(whole.entry, found, entries if both_sides else set()):
            return [whole]
        if not both_sides:  # a side no entry answers outright ("standard vs express delivery"): one question
            return None
        return [replace(a, question=side) for a, side in zip(answers, found, strict=True)]

    def compared_in_statement(self, question: str, statement: str, context: Context | None) -> list[Answer] | None:
        """A question comparing two things the statement before it named ("There's a PESCO project and a
        Commission package. Why do we need both?"): an entry written for the comparison, else the two halves of
        the statement, each answered outright by its own entry, side by side; None when the statement does not
        split so."""
        if not statement or not compares_them(question):
            return None
        best: tuple[float, list[Answer]] | None = None
        for pair in stated_sides(statement):
            if not all(map(has_subject, pair)):
                continue
            answers = [self.engine.ask_alone(side) for side in pair]
            if any(a.status is not Status.ANSWERED for a in answers) or answers[0].entry == answers[1].entry:
                continue
            weakest = min(a.score for a in answers)
            if best is None or weakest > best[0]:
                best = (weakest, [replace(a, question=side.strip()) for a, side in zip(answers, pair, strict=True)])
        if best is None:
            return None
        # an entry written for this comparison: it compares two things sharing words with each side as the
        # member wrote it or with its entry's title
        whole = self.engine.ask(question, context)
        first, second = (f"{a.question} {a.entry.title if a.entry else ''}" for a in best[1])
        side_entries = {a.entry.id for a in best[1] if a.entry is not None}
        if whole.entry is not None and self._written_to_compare(whole.entry, (first, second), side_entries):
            return [whole]
        return best[1]

    def compared_after_naming(self, question: str, context: Context | None) -> list[Answer] | None:
        """A question whose first clause names two things and a later one compares them ("E5 and the Weimar
        triangle - france, germany and poland are in both, so what does one do that the other doesn't?"), read
        as a statement and a question comparing what it named; that answer itself when it is answered whole."""
        splits = named_then_compared(question)
        if not splits:
            return None
        whole = self.engine.ask(question, context)
        if whole.status is Status.ANSWERED:
            return [whole]
        return next(filter(None, (self.compared_in_statement(tail, head, context) for head, tail in splits)), None)

    def _written_to_compare(self, entry: Entry, pair: tuple[str, str], side_entries: set[str]) -> bool:
        """An entry for this comparison, unless it is one side's own entry that also lists the comparison among
        its phrasings ("EDIRPA vs EDIP" in "What is EDIRPA?"): then both sides' entries say more. An entry whose
        title compares ("Is Article 42(7) like NATO's Article 5?") is written for it, whatever the sides find."""
        if not self._compares(entry, pair):
            return False
        return entry.id not in side_entries or compared(entry.questions[0]) is not None

    def _compares(self, entry: Entry, pair: tuple[str, str]) -> bool:
        """Is this a comparison entry for these two things: one of its questions compares two things that share
        words with these two ("Is Article 42(7) like NATO's Article 5?" for "is 42.7 the same as article 5")?"""
        terms = self.engine.index.normalizer.terms
        wanted = [set(terms(side)) for side in pair]
        for found in filter(None, map(compared, entry.questions)):
            have = [set(terms(side)) for side in found]
            if (wanted[0] & have[0] and wanted[1] & have[1]) or (wanted[0] & have[1] and wanted[1] & have[0]):
                return True
        return False
