"""Text → terms. Applied identically to knowledge phrasings (once, at index time) and to questions.

The mapping only has to be *consistent*, not linguistically right: "exercise" becoming "exercize"
on both sides is harmless, while "defence" and "defense" meeting in one term is the point.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import snowballstemmer

from .language import CHAT

# Whole-word British → American spellings the suffix rules below do not cover.
_SPELLINGS = {
    "defence": "defense",
    "defences": "defenses",
    "offence": "offense",
    "licence": "license",
    "programme": "program",
    "programmes": "programs",
    "catalogue": "catalog",
    "analyse": "analyze",
    "cheque": "check",
    "cheques": "checks",
    "grey": "gray",
    "travelled": "traveled",
    "travelling": "traveling",
    "cancelled": "canceled",
    "cancelling": "canceling",
    "enrolment": "enrollment",
    "fulfil": "fulfill",
    "judgement": "judgment",
    "ageing": "aging",
    "co-operation": "cooperation",
}

# Casual spellings of question words, typed without the apostrophe or shortened.
_CASUAL = {
    "whats": "what",
    "whos": "who",
    "hows": "how",
    "wheres": "where",
    "whens": "when",
    "whys": "why",
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    # chat shorthand (members' own, from the blind eval-dev sets): read as the word, never a name
    "smth": "something",
    "sth": "something",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "thru": "through",
    "tho": "though",
    "abt": "about",
    "govt": "government",
    "disinfo": "disinformation",
    "misinfo": "misinformation",
    "gen": "generation",  # "next-gen"; the knowledge's "Gen." (a general's rank) stands before a name it also has
}

# Only words that never decide between two answers; idf already discounts the merely common ones.
# Question words stay: "when" and "who" change the answer. (A longer list cost 3 points on CLINC150.)
STOPWORDS = frozenset(
    """a an the is are was were be been being am do does did of in on at to for from by with as and or it
    its it's i me my we us our you your this that these those please hi hello hey""".split()
)

# Conversational filler and chat words: ignored when the knowledge never uses the word, a weak term when it
# does (a FAQ may well have "tell me a joke"). Unknown words otherwise count against a match.
FILLER = (
    frozenset(
        """tell about explain know give show info information want need would could can should will some any
        something anything more bit quick quickly briefly simple simply exactly actually really just mean
        means meant thanks thank pls plz okay ok so well now anyone someone everyone guys wondering curious
        question idea understand stuff thing things lot basically essentially literally honestly seriously
        genuinely totally truly somewhere anywhere somehow even nowadays currently roughly""".split()
    )
    | CHAT
)

_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_DOTTED_ACRONYM = re.compile(r"\b(?:[a-z]\.){2,}")
MIN_ACRONYM_DOTS = 2
# "US" in capitals is the country; lower-cased it would vanish as the stopword "us".
_US = re.compile(r"\bU\.?S\.?(?=\W|$)")
_STEMMER = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower case, accents removed, typographic quotes and dashes made plain."""
    if not text.isascii():  # most questions are plain ASCII: skip the per-character pass
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
        text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    if "U" in text:
        text = _US.sub("USA", text)
    text = text.lower()
    if text.count(".") < MIN_ACRONYM_DOTS:  # a sentence's one full stop is common: skip the acronym pass
        return text
    return _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)


# "colour" → "color" and "centre" → "center", but not "four", "hour", "tour" or "tre"-less short words.
MIN_OUR_WORD = 6
MIN_TRE_WORD = 5


def _americanise(word: str) -> str:
    if word in _SPELLINGS:
        return _SPELLINGS[word]
    for british, american in (("isation", "ization"), ("ising", "izing"), ("ised", "ized"), ("ise", "ize")):
        if word.endswith(british) and len(word) > len(british) + 1:
            return word[: -len(british)] + american
    if len(word) >= MIN_OUR_WORD and word.endswith("our"):
        return word[:-3] + "or"
    if len(word) >= MIN_TRE_WORD and word.endswith("tre"):
        return word[:-3] + "ter"
    return word


# Distinct words seen: the shipped knowledge has ~2,500, a 100k-entry one ~60,000 plus members' typos;
# beyond this the least recently used are forgotten, so memory stays bounded on a long-running bot.
TERM_CACHE_SIZE = 500_000


@functools.lru_cache(maxsize=TERM_CACHE_SIZE)
def term(word: str) -> str:
    """One folded word → its index term (spelling unified, then stemmed)."""
    if word[-1:] == "k" and word[:-1].isdigit():  # "60k troops": the 60000 a phrasing writes
        return word[:-1] + "000"
    cleaned = word.removesuffix("'s").replace("'", "")
    return _STEMMER.stemWord(_americanise(cleaned)) if not cleaned.isdigit() else cleaned


def tokens(text: str) -> list[str]:
    """The raw tokens of a text, before token_words: what a bulk build normalises once per distinct token."""
    return _TOKEN.findall(fold(text))


MIN_SHORTHAND_PART = 3  # letters a part of a hyphenated word needs to be read as chat shorthand


def token_words(token: str) -> list[str]:
    """The words one token stands for: a casual spelling made plain, split at hyphens ("anti-torpedo")
    unless a known spelling ("co-operation")."""
    token = _CASUAL.get(token.removesuffix("'s"), token)
    if token in _SPELLINGS:
        return [token]
    if "-" in token:
        # "next-gen" is next generation; a letter or two stays itself ("u-boat" is no "you boat")
        return [
            _CASUAL.get(part, part) if len(part) >= MIN_SHORTHAND_PART else part for part in token.split("-") if part
        ]
    return [token]


def words(text: str) -> list[str]:
    """Folded words of a text: its tokens' words (token_words), in order."""
    return list(_words(text))


# A member's question is split, classified, checked for a subject and matched: each asks for its words.
RECENT_TEXTS = 256


@functools.lru_cache(maxsize=RECENT_TEXTS)
def _words(text: str) -> tuple[str, ...]:
    folded = fold(text)
    found = _TOKEN.findall(folded)
    if "-" not in folded and "'" not in folded:  # the common case: token_words is a _CASUAL lookup (no value
        return tuple(_CASUAL.get(token, token) for token in found)  # has a hyphen), spared the per-token call
    return tuple(word for token in found for word in token_words(token))


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS]


@dataclass(frozen=True, slots=True)
class TextTerms:
    """Many texts' terms (each text's content_words as terms), before synonym phrases are folded: that needs
    every file's synonyms, this needs nothing but the texts, so a helper process can work it out for its
    share of a large knowledge base (loader/parallel.py). Terms are numbers into `names`, text after text."""

    names: list[str]
    terms: np.ndarray  # int32
    per_text: np.ndarray  # int64: how many terms each text has
    surface: Counter[str]  # the content words, counted

    @classmethod
    def of(cls, texts: Sequence[str]) -> TextTerms:
        """In bulk: a 100,000-entry knowledge base has 5M words but 40,000 distinct ones, so each distinct
        token is made words and terms once and numpy spreads the result over every place it occurs."""
        token_lists = [tokens(text) for text in texts]
        per_text_tokens = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(texts))
        flat = list(chain.from_iterable(token_lists))
        distinct = list(dict.fromkeys(flat))
        code_of = {token: code for code, token in enumerate(distinct)}
        codes = np.fromiter(map(code_of.__getitem__, flat), dtype=np.int64, count=len(flat))
        del token_lists, flat

        numbers: dict[str, int] = {}
        surface: Counter[str] = Counter()
        token_terms: list[int] = []
        token_sizes = np.zeros(len(distinct), dtype=np.int64)
        for code, (token, frequency) in enumerate(zip(distinct, np.bincount(codes).tolist(), strict=True)):
            found = [word for word in token_words(token) if word not in STOPWORDS]  # as content_words does
            for word in found:
                surface[word] += frequency
                token_terms.append(numbers.setdefault(term(word), len(numbers)))
            token_sizes[code] = len(found)
        # each token's place → its terms: a gather through the distinct tokens' terms
        sizes = token_sizes[codes]
        places = run_starts(sizes)
        offsets = np.repeat(run_starts(token_sizes)[:-1][codes] - places[:-1], sizes)
        terms = np.asarray(token_terms, dtype=np.int32)[offsets + np.arange(places[-1])]
        bounds = places[run_starts(per_text_tokens)]
        return cls(list(numbers), terms, bounds[1:] - bounds[:-1], surface)

    def plain(self) -> tuple[list[str], bytes, bytes, dict[str, int]]:
        """As plain data for marshal (see loader/parallel.py plain)."""
        return (
            self.names,
            self.terms.astype(np.int32).tobytes(),
            self.per_text.astype(np.int64).tobytes(),
            dict(self.surface),
        )

    @classmethod
    def from_plain(cls, plain: tuple[list[str], bytes, bytes, dict[str, int]]) -> TextTerms:
        names, terms, per_text, surface = plain
        return cls(
            names, np.frombuffer(terms, dtype=np.int32), np.frombuffer(per_text, dtype=np.int64), Counter(surface)
        )

    @classmethod
    def joined(cls, parts: Sequence[TextTerms]) -> TextTerms:
        """The parts' texts one after the other, as one."""
        numbers: dict[str, int] = {}
        surface: Counter[str] = Counter()
        renumbered = []
        for part in parts:
            local = np.fromiter(
                (numbers.setdefault(name, len(numbers)) for name in part.names), dtype=np.int32, count=len(part.names)
            )
            renumbered.append(local[part.terms])
            surface.update(part.surface)
        empty = np.zeros(0, dtype=np.int64)
        per_text = np.concatenate([empty, *(part.per_text for part in parts)])
        return cls(list(numbers), np.concatenate([empty.astype(np.int32), *renumbered]), per_text, surface)


def run_starts(sizes: Sequence[int] | np.ndarray) -> np.ndarray:
    """Where each of consecutive runs of these sizes starts, and the end of the last (a CSR offsets array)."""
    starts = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(np.asarray(sizes, dtype=np.int64), out=starts[1:])
    return starts


class Normalizer:
    """Turns text into a tuple of terms, folding synonym phrases onto one canonical term.

    `correct` lets the index swap an unknown word for a known one (typos) before it becomes a term.
    """

    def __init__(self, synonyms: Mapping[str, Iterable[str]] | None = None) -> None:
        # phrase (tuple of terms) → canonical terms; matched longest first
        self._phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._canonical_words: dict[tuple[str, ...], tuple[str, ...]] = {}  # canonical terms → their words
        self.synonym_words: set[str] = set()
        for canonical, equivalents in (synonyms or {}).items():
            target = self._raw_terms(content_words(canonical))
            if not target:
                continue
            self._canonical_words[target] = tuple(content_words(canonical))
            self.synonym_words.update(content_words(canonical))
            for equivalent in equivalents:
                self.synonym_words.update(content_words(equivalent))
                phrase = self._raw_terms(content_words(equivalent))
                if phrase and phrase != target:
                    self._phrases[phrase] = target
        self._longest = max((len(p) for p in self._phrases), default=0)
        self.phrase_starts = frozenset(phrase[0] for phrase in self._phrases)  # a text without these has none

    @staticmethod
    def _raw_terms(found: list[str], correct: Callable[[str], str] | None = None) -> tuple[str, ...]:
        if correct is not None:
            found = [correct(w) for w in found]
        return tuple(term(w) for w in found)

    def terms(self, text: str, correct: Callable[[str], str] | None = None) -> tuple[str, ...]:
        return self.terms_of_words(content_words(text), correct)

    def phrasing_key(self, text: str) -> str:
        """What makes two phrasings the same to the matcher: their set of terms. (Used for the collision
        warnings and what rapidfuzz compares.)"""
        return " ".join(sorted(set(self.terms(text))))

    def terms_of_words(self, found: list[str], correct: Callable[[str], str] | None = None) -> tuple[str, ...]:
        """Terms of already split content words (see content_words): lets a caller split text once."""
        return self.terms_and_words(found, correct)[0]

    def terms_and_words(
        self, found: list[str], correct: Callable[[str], str] | None = None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The terms, and for each the word it stands for (a synonym phrase stands as its canonical word),
        so a caller can ask how common that word is in English."""
        if correct is not None:
            found = [correct(w) for w in found]
        raw = tuple(term(w) for w in found)
        if self.phrase_starts.isdisjoint(raw):  # most texts: no synonym phrase can start anywhere
            return raw, tuple(found)
        terms: list[str] = []
        surfaces: list[str] = []
        i = 0
        while i < len(raw):
            for size in range(min(self._longest, len(raw) - i), 0, -1):
                replacement = self._phrases.get(raw[i : i + size])
                if replacement is not None:
                    terms.extend(replacement)
                    surfaces.extend(self._canonical_words[replacement])
                    i += size
                    break
            else:
                terms.append(raw[i])
                surfaces.append(found[i])
                i += 1
        return tuple(terms), tuple(surfaces)
