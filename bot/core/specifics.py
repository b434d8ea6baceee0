"""The specific things a question names — countries, organisations, programmes, people, companies, acronyms,
years and figures — which an entry must explain before it is given as *the* answer.

"is Japan in SAFE?" matches the SAFE entry on "SAFE"; if that entry never mentions Japan, answering it would be
confidently wrong (engine.py then says it has nothing on Japan specifically and offers the closest it has).
What counts as specific is measured, not listed: how a word is written in the question (a capital inside a
sentence, an acronym in capitals, digits), how English writes it (only with a capital: SCOWL's word list), how
the knowledge writes it (capitalised where it appears), and rarity (unknown to English and to the knowledge,
and not a common word misspelt).
A word many entries use ("NATO", "European", "EU") is the domain's vocabulary, not a specific thing.
SpecificsCheck finds those an entry does not explain.
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .citations import strip_markers
from .language import CHAT, RARE_ZIPF, misspells_common_word, zipf
from .models import Entry
from .normalize import FILLER, STOPWORDS, content_words, fold, term, token_words
from .questions import QUESTION_WORDS

if TYPE_CHECKING:
    from .index import Index

DATA = Path(__file__).with_name("data")
PROPER_NOUNS = DATA / "proper_nouns.txt"  # from SCOWL, see the file's header
RARE_ENGLISH_WORDS = DATA / "rare_english_words.txt.gz"  # from SCOWL, see the file's header

# A word in more than this share of the entries is the domain's own vocabulary ("pesco", "nato", "european"):
# chosen with `python -m benchmarks tune` on the tuning parts (see docs/matching.md).
DOMAIN_SHARE = 0.06
REMEMBERED_WORDS = 50_000  # question words' facts kept (a few hundred bytes each); then forgotten all at once
KNOWLEDGE_CASE_SAMPLE = 3  # entries read to see how the knowledge writes a word: a name is capitalised in all
COMMON_ZIPF = 4.5  # "paper" 5.1, "union" 4.9; Zipf 4.5 is about 30 times in a million words
YEAR_DIGITS = 4
YEAR_SLACK = 2  # years; chosen on the tuning parts (0 turned "still HR/VP in 2025?" into "closest")
# The next four were set by reasoning, not swept; on the tuning parts they changed only the replies they were for
# (two "nothing on 170+" and one "nothing on somali" became answers).
FIGURE_SLACK = 0.1  # a member's figure this close to the entry's is the same one, said roughly ("170+" for 178)
MIN_SLACK_FIGURE = 20  # smaller figures are counts said exactly ("2 or 3 countries"), not rounded
FORM_SLACK = 2  # letters: "Somali" / "Somalia", "Austrian" / "Austria"; "Japanese" / "Japan" is a synonym's job
MIN_FORM_LETTERS = 5  # shorter stems are too often other words' beginnings
_THOUSANDS = re.compile(r"(\d),(\d{3})\b")
_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_BOUNDARY = re.compile(r"[.!?:;\n]|\s-\s|—")  # between two words: the second starts a sentence
_STARTS_AFTER = frozenset(".!?:;\n-•—")  # the last character before a word that starts a sentence or an item
MIN_ACRONYM_LETTERS = 2
_AFTER_A_NAME = re.compile(r"[A-Z][\w'-]*[ -]$")  # the text so far ends with a capitalised word...
NAME_WORD_CHARS = 40  # ...looked for this far back: a longer word is no name's
_BEFORE_A_NAME = re.compile(r"[ -](?:of |for |and )?[A-Z]")  # a capitalised word comes next ("Eastern Flank")


# "the 6th wave" is explained by an entry that says "sixth wave", "Feb 2025" by one that says "February 2025"
written_out = dict(
    zip(
        "1st 2nd 3rd 4th 5th 6th 7th 8th 9th 10th jan feb mar apr jun jul aug sep sept oct nov dec".split(),
        "first second third fourth fifth sixth seventh eighth ninth tenth january february march april june july "
        "august september september october november december".split(),
        strict=True,
    )
)


# "why on earth", "what on earth": no planet asked about (the knowledge writes "Earth observation")
_INTENSIFIER = re.compile(r"\b(why|what|how|who|where) on earth\b", re.IGNORECASE)
# "€140bn", "5x for defence": an amount written short is explained by its number ("140 billion", "five-fold"); "5k"
# is already 5000 as a term (normalize.term)
_SHORT_AMOUNT = re.compile(r"(\d+)(?:bn|mn|b|m|x)")
# a count written as a word ("five-fold", "three times") explains the member's digit
_NUMBER_WORDS = dict(zip("two three four five six seven eight nine ten".split(), map(str, range(2, 11)), strict=True))


@functools.lru_cache(maxsize=REMEMBERED_WORDS)
def said_as(word: str) -> str:
    """The term an entry would explain a question's word by: its written-out form ("6th" → "sixth") or its
    amount's number ("140bn" → "140", "5x" → "5")."""
    short = _SHORT_AMOUNT.fullmatch(word)
    return short[1] if short is not None else term(written_out.get(word, word))


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
            if word in STOPWORDS or word in FILLER or word in CHAT or word in ignore or len(word) == 1:
                continue  # a single letter names nothing ("R&D", "plan B")
            found.append(Named(word, written, capitalised, any(c.isdigit() for c in word)))
    return tuple(found)


@functools.lru_cache(maxsize=4096)  # the titles of answered entries: what a follow-up leans on
def names(text: str) -> str:
    """The names a (well-written) text has: its capitalised words and acronyms ("When was PESCO launched?" →
    "PESCO"); empty when it names nothing."""
    return " ".join(n.written for n in named_words(text) if n.capitalised or n.word in proper_nouns())


def is_specific(named: Named, *, known: bool, capitalised_in_knowledge: Callable[..., bool]) -> bool:
    """Does this word name a specific thing? `known`: some entry has the word (after spelling correction)."""
    if named.figure or named.capitalised or named.word in proper_nouns():
        return True
    if not known:  # in neither English nor the knowledge: a name (a company, a system), not "militarily" or a typo
        return (
            zipf(named.word) <= RARE_ZIPF
            and named.word not in rare_english_words()
            and not misspells_common_word(named.word)
        )
    # written in lower case, a common English word names something only if the knowledge capitalises it on its
    # own ("japan"): inside a longer name ("White Paper", "European Union") it is the word ("still on paper")
    return capitalised_in_knowledge(named.word, alone=zipf(named.word) >= COMMON_ZIPF)


def written_capitalised(word: str, text: str, *, alone: bool = False) -> bool | None:
    """How `text` writes `word` inside its sentences: True when always with a capital (a name: "Lithuania"; not
    "military", capitalised in "Military Mobility" but not elsewhere), None when the text never has it inside a
    sentence (at a sentence's start a capital says nothing). `alone`: a capital next to another capitalised word
    ("White Paper", "Eastern Flank Watch") or opening a quoted title says nothing either."""
    capital = lower = 0
    for match in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE):
        before = text[max(0, match.start() - 4) : match.start()].rstrip(" \"'(“‘*_")
        if not before or before[-1] in _STARTS_AFTER:
            continue
        if (
            alone
            and match.group()[:1].isupper()
            and (
                _AFTER_A_NAME.search(text, max(0, match.start() - NAME_WORD_CHARS), match.start())
                or _BEFORE_A_NAME.match(text, match.end())
                or text[match.start() - 1] in "\"“‘('"  # a quoted title's first word: "Fit for war by 2030?"
            )
        ):
            continue
        if match.group()[:1].isupper():
            capital += 1
        else:
            lower += 1
    return lower == 0 if capital + lower else None


def written_in_capitals(holders: list[Entry], word: str, *, alone: bool = False) -> bool:
    """Do the entries that use a word write it with a capital inside their sentences (a name)?"""
    votes = [written_capitalised(word, f"{e.title}\n{strip_markers(e.answer)}", alone=alone) for e in holders]
    return sum(v is True for v in votes) > sum(v is False for v in votes)


class SpecificsCheck:
    """Which of the specific things a text names an entry does not explain, for one knowledge's index; what it
    learns about entries and words is remembered, since the same ones come back question after question."""

    def __init__(self, index: Index, entry: Callable[[str], Entry | None]) -> None:
        """`entry`: the knowledge's entry by id (Engine.entry), for an entry's related entries."""
        self.index = index
        self.entry = entry
        self._explained_terms: dict[str, frozenset[str]] = {}  # filled as entries are answered
        self._words: dict[str, tuple[str, list[Entry], float]] = {}  # _word_facts

    def lacking(self, text: str, entry: Entry, *, every_word: bool = False, stated: str = "") -> tuple[str, ...]:
        """The specific things `text` names (named_words, is_specific) that the entry does not explain — in its
        questions, answer, tags or the synonyms — as the member wrote them. `every_word`: every content word counts.
        `stated`: the member's statements the question was read with; of these only the things no entry knows
        count ("I read Indonesia wants in on SAFE. Has it applied?"), not the names around what is asked
        ("Starmer signed a partnership with the EU. What does it cover?": measured on eval-dev.yaml)."""
        if "arth" in text:  # the regex only where it can match: lacking runs for every candidate of every question
            text = _INTENSIFIER.sub(r"\1", text)
        missing = self._lacking(text, entry, every_word=every_word, known_too=True)
        if stated:
            missing += tuple(m for m in self._lacking(stated, entry, known_too=False) if m not in missing)
        return missing

    def _lacking(self, text: str, entry: Entry, *, every_word: bool = False, known_too: bool) -> tuple[str, ...]:
        explained = self.explained(entry)
        may_be_missing = functools.partial(self._may_be_missing, entry=entry, known_too=known_too)
        if not any(may_be_missing(w) for w in content_words(text) if said_as(w) not in explained):
            # every word of the text is the entry's own or the domain's: most questions stop here, before
            # reading how each word was written (a fifth of an answer's time at 3,000 entries)
            return ()
        folded: tuple[str, ...] | None = None  # synonym phrases ("high representative") folded onto one term: made
        phrases_explained = False  # only when a word is not explained as it is (most questions never need it)
        missing: dict[str, None] = {}
        for named in named_words(text, QUESTION_WORDS):
            if said_as(named.word) in explained or not may_be_missing(named.word):
                continue
            if folded is None:
                folded = self.index.normalizer.terms(text)
                phrases_explained = all(t in explained for t in set(folded) - {term(w) for w in content_words(text)})
            word, holders, _ = self._word_facts(named.word)
            if term(written_out.get(word, word)) not in folded and phrases_explained:
                continue
            if every_word or is_specific(
                named, known=bool(holders), capitalised_in_knowledge=functools.partial(written_in_capitals, holders)
            ):
                missing.setdefault(named.written, None)
        return tuple(missing)

    def _may_be_missing(self, word: str, *, entry: Entry, known_too: bool) -> bool:
        """Could this word of the text, which the entry does not have as it is written, be a specific thing the
        entry lacks? Not when spelling corrected it to the entry's own word, the entry dates a year near it, or
        it is the domain's vocabulary (or, with `known_too` false, known to some entry): _lacking's cheap tests."""
        corrected, holders, share = self._word_facts(word)
        if said_as(corrected) in self.explained(entry):
            return False
        return not (
            self._year_explained(corrected, entry)
            or self._figure_explained(said_as(corrected), entry)
            or self._form_explained(corrected, entry)
            or share > DOMAIN_SHARE
            or (holders and not known_too)
        )

    def _word_facts(self, word: str) -> tuple[str, list[Entry], float]:
        """A question's word as the knowledge knows it (spelling corrected), a few entries that have it and the
        share of entries that do: remembered, since the same words come back question after question."""
        facts = self._words.get(word)
        if facts is None:
            if len(self._words) >= REMEMBERED_WORDS:
                self._words.clear()
            corrected = self.index.correct_spelling(word)
            facts = self._words[word] = (corrected, *self.index.entries_with(corrected, KNOWLEDGE_CASE_SAMPLE))
        return facts

    def _year_explained(self, word: str, entry: Entry) -> bool:
        """A year is explained by an entry that dates something within YEAR_SLACK of it: "is Kallas still HR in
        2025?" is answered by "since 1 December 2024"; "spending in 2019" is not by 2024's figures."""
        if not (word.isdigit() and len(word) == YEAR_DIGITS):
            return False
        year = int(word)
        return any(
            abs(year - int(t)) <= YEAR_SLACK for t in self.explained(entry) if t.isdigit() and len(t) == YEAR_DIGITS
        )

    def _figure_explained(self, word: str, entry: Entry) -> bool:
        """A member's round figure is explained by an entry with a figure within FIGURE_SLACK of it: "170+ weapon
        systems" by "178"; not a small count ("2 or 3"), nor a year (_year_explained). A figure that names the
        subject is explained by the entry's related entries too: "has any of the €150bn loan thing been paid
        out?" by the payments entry, related to the SAFE entry that has the 150 billion."""
        if not word.isdigit() or len(word) == YEAR_DIGITS or int(word) < MIN_SLACK_FIGURE:
            return False
        figure = int(word)
        return any(
            abs(figure - int(t)) <= FIGURE_SLACK * int(t)
            for holder in (entry, *filter(None, map(self.entry, entry.related)))
            for t in self.explained(holder)
            if t.isdigit() and len(t) != YEAR_DIGITS and int(t) >= MIN_SLACK_FIGURE
        )

    def _form_explained(self, word: str, entry: Entry) -> bool:
        """A name is explained by an entry with another form of it, a letter or two longer or shorter: the country
        for its people ("Somali" by "Somalia", "Russian" by "Russia", "German" by "Germany")."""
        found = term(word)
        if len(found) < MIN_FORM_LETTERS or found.isdigit():
            return False
        return any(
            abs(len(t) - len(found)) <= FORM_SLACK and (t.startswith(found) or found.startswith(t))
            for t in self.explained(entry)
            if len(t) >= MIN_FORM_LETTERS
        )

    def explained(self, entry: Entry) -> frozenset[str]:
        """The terms an entry explains: those of its questions, answer and tags (synonyms folded in)."""
        found = self._explained_terms.get(entry.id)
        if found is None:
            normalizer = self.index.normalizer
            answer = _THOUSANDS.sub(r"\1\2", strip_markers(entry.answer))  # "5,000" is the "5000" members write
            texts = (*entry.questions, answer, *(tag.replace("-", " ") for tag in entry.tags))
            folded = {t for text in texts for t in normalizer.terms(text)}
            raw = {term(written_out.get(w, w)) for text in texts for w in content_words(text)}
            counts = {_NUMBER_WORDS[t] for t in raw if t in _NUMBER_WORDS}
            found = self._explained_terms[entry.id] = frozenset(folded | raw | counts)
        return found
