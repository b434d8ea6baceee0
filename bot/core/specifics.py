"""The specific things a question names — countries, organisations, programmes, people, companies, acronyms,
years and figures — which an entry must explain before it is given as *the* answer.

"is Japan in SAFE?" matches the SAFE entry on "SAFE"; if that entry never mentions Japan, answering it would be
confidently wrong (engine.py then says it has nothing on Japan specifically and offers the closest it has).
What counts as specific is measured, not listed: how a word is written in the question (a capital inside a
sentence, an acronym in capitals, digits), how English writes it (only with a capital: SCOWL's word list), how
the knowledge writes it (capitalised where it appears), and rarity (unknown to English and to the knowledge,
and not a common word misspelt).
A word many entries use ("NATO", "European", "EU") is the domain's vocabulary, not a specific thing.
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .language import CHAT, RARE_ZIPF, misspells_common_word, zipf
from .normalize import FILLER, STOPWORDS, fold, token_words

DATA = Path(__file__).with_name("data")
PROPER_NOUNS = DATA / "proper_nouns.txt"  # from SCOWL, see the file's header
RARE_ENGLISH_WORDS = DATA / "rare_english_words.txt.gz"  # from SCOWL, see the file's header

# A word in more than this share of the entries is the domain's own vocabulary ("pesco", "nato", "european"):
# chosen with `python -m benchmarks tune` on the tuning parts (see docs/matching.md).
DOMAIN_SHARE = 0.06
_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_BOUNDARY = re.compile(r"[.!?:;\n]|\s-\s|—")  # between two words: the second starts a sentence
_STARTS_AFTER = frozenset(".!?:;\n-•—")  # the last character before a word that starts a sentence or an item
MIN_ACRONYM_LETTERS = 2


# "the 6th wave" is explained by an entry that says "sixth wave"
ordinal_words = dict(
    zip(
        "1st 2nd 3rd 4th 5th 6th 7th 8th 9th 10th".split(),
        "first second third fourth fifth sixth seventh eighth ninth tenth".split(),
        strict=True,
    )
)


@functools.cache
def proper_nouns() -> frozenset[str]:
    with PROPER_NOUNS.open(encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@functools.cache
def rare_english_words() -> frozenset[str]:
    """Read only when a question has a word neither the knowledge nor the frequency list knows (~10 ms)."""
    with gzip.open(RARE_ENGLISH_WORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@dataclass(frozen=True, slots=True)
class Named:
    """A word of the question and how it was written."""

    word: str  # folded, as the matcher reads it
    written: str  # as the member wrote it
    capitalised: bool  # a capital inside a sentence, or an acronym in capitals
    figure: bool  # digits: a year, a number, a share


@functools.lru_cache(maxsize=1024)  # a question is checked against each candidate, and titles again and again
def named_words(text: str, ignore: frozenset[str] = frozenset()) -> tuple[Named, ...]:
    """The question's words that could name a specific thing, by how they were written; `ignore`: words that
    never do (question words, pronouns)."""
    shouting = text.isupper()  # a message in capitals says nothing by its capitals
    found: list[Named] = []
    previous_end = 0
    for match in _TOKEN.finditer(text):
        written = match.group()
        if written.islower():  # most words: no capital to read, only the word itself
            capitalised = False
        else:
            starts_sentence = previous_end == 0 or bool(_BOUNDARY.search(text, previous_end, match.start()))
            letters = [c for c in written if c.isalpha()]
            acronym = len(letters) >= MIN_ACRONYM_LETTERS and all(c.isupper() for c in letters)
            capital = written[:1].isupper() and written not in {"I", "I'm", "I've", "I'd", "I'll"}
            capitalised = not shouting and (acronym or (capital and not starts_sentence))
        previous_end = match.end()
        for word in token_words(fold(written)):
            if word in STOPWORDS or word in FILLER or word in CHAT or word in ignore:
                continue
            found.append(Named(word, written, capitalised, any(c.isdigit() for c in word)))
    return tuple(found)


@functools.lru_cache(maxsize=4096)  # the titles of answered entries: what a follow-up leans on
def names(text: str) -> str:
    """The names a (well-written) text has: its capitalised words and acronyms ("When was PESCO launched?" →
    "PESCO"); empty when it names nothing."""
    return " ".join(n.written for n in named_words(text) if n.capitalised or n.word in proper_nouns())


def is_specific(named: Named, *, known: bool, capitalised_in_knowledge: Callable[[str], bool]) -> bool:
    """Does this word name a specific thing? `known`: some entry has the word (after spelling correction)."""
    if named.figure or named.capitalised or named.word in proper_nouns():
        return True
    if not known:  # in neither English nor the knowledge: a name (a company, a system), not "militarily" or a typo
        return (
            zipf(named.word) <= RARE_ZIPF
            and named.word not in rare_english_words()
            and not misspells_common_word(named.word)
        )
    return capitalised_in_knowledge(named.word)


def written_capitalised(word: str, text: str) -> bool | None:
    """How `text` writes `word` inside its sentences: True when always with a capital (a name: "Lithuania"; not
    "military", capitalised in "Military Mobility" but not elsewhere), None when the text never has it inside a
    sentence (at a sentence's start a capital says nothing)."""
    capital = lower = 0
    for match in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE):
        before = text[max(0, match.start() - 4) : match.start()].rstrip(" \"'(“‘*_")
        if not before or before[-1] in _STARTS_AFTER:
            continue
        if match.group()[:1].isupper():
            capital += 1
        else:
            lower += 1
    return lower == 0 if capital + lower else None
