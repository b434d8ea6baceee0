"""Text → terms. Applied identically to knowledge phrasings (once, at index time) and to questions.

The mapping only has to be *consistent*, not linguistically right: "exercise" becoming "exercize"
on both sides is harmless, while "defence" and "defense" meeting in one term is the point.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

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
        question idea understand stuff thing things lot""".split()
    )
    | CHAT
)

_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_DOTTED_ACRONYM = re.compile(r"\b(?:[a-z]\.){2,}")
# "US" in capitals is the country; lower-cased it would vanish as the stopword "us".
_US = re.compile(r"\bU\.?S\.?(?=\W|$)")
_STEMMER = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower case, accents removed, typographic quotes and dashes made plain."""
    if not text.isascii():  # most questions are plain ASCII: skip the per-character pass
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    if "U" in text:
        text = _US.sub("USA", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    text = text.lower()
    return _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text) if "." in text else text


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
    cleaned = word.removesuffix("'s").replace("'", "")
    return _STEMMER.stemWord(_americanise(cleaned)) if not cleaned.isdigit() else cleaned


def tokens(text: str) -> list[str]:
    """The raw tokens of a text, before token_words: what a bulk build normalises once per distinct token."""
    return _TOKEN.findall(fold(text))


def token_words(token: str) -> list[str]:
    """The words one token stands for: a casual spelling made plain, split at hyphens ("anti-torpedo")
    unless a known spelling ("co-operation")."""
    token = _CASUAL.get(token.removesuffix("'s"), token)
    if token in _SPELLINGS:
        return [token]
    if "-" in token:
        return [part for part in token.split("-") if part]
    return [token]


def words(text: str) -> list[str]:
    """Folded words of a text: its tokens' words (token_words), in order."""
    folded = fold(text)
    found = _TOKEN.findall(folded)
    if "-" not in folded and "'" not in folded:  # the common case: token_words is a _CASUAL lookup (no value
        return [_CASUAL.get(token, token) for token in found]  # has a hyphen), spared the per-token call
    return [word for token in found for word in token_words(token)]


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS]


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
        if not self._phrases:
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
