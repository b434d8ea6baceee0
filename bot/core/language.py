"""English as members write it in chat: how common a word is in general English, whether an unknown word is a
common one misspelt, and the words that carry no subject of their own. Data, not rules: the matcher
(index.py), the question splitter (questions.py) and the specifics check decide what to do with it."""

from __future__ import annotations

import functools
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

ENGLISH_FREQUENCY = Path(__file__).with_name("data") / "english_frequency.tsv"  # from wordfreq, CC BY-SA 4.0
RARE_ZIPF = 2.5  # words missing from the list (which stops at Zipf 3) are at least this rare
# A word English does not have, one letter from a common word, is that word misspelt ("recomended", "beginer"),
# not a name. Shorter words are a letter from too many others ("thales", "tales"); rarer targets catch names
# ("starlink" is a letter from "starling", Zipf 3.0).
TYPO_MIN_LETTERS = 7
TYPO_TARGET_ZIPF = 3.5

# Chat words that are never the subject of a question about defence: ignored when the knowledge does not
# use them, so "yo bot whats the deal with pesco lol" is a question about PESCO. (Checked with
# `python -m bot eval` on the tuning part; each word here is common in chat and rare in the knowledge.)
CHAT = frozenset(
    """lol lmao rofl haha hahaha xd omg wtf idk imo imho tbh ngl fr btw fyi afaik iirc tldr tl dr eli5 eli
    yo yall ya bro bruh dude mate guys folks pls plz please thx ty tysm cheers hi hello hey hiya heya sup
    bot bots ok okay okey yeah yep yup nope hmm hm um uh erm ah oh wow cool nice kinda sorta gonna wanna
    gotta lemme gimme dunno deal rn qs ppl rly nvm srsly irl""".split()
)


@functools.cache
def english_zipf() -> dict[str, float]:
    """word → Zipf frequency (7.7 for "the", 3.0 for a word seen once per million words)."""
    table: dict[str, float] = {}
    with ENGLISH_FREQUENCY.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("#"):
                word, _, zipf = line.rstrip("\n").partition("\t")
                table[word] = float(zipf)
    return table


def zipf(word: str) -> float:
    """How common the word is in English. A negation written without its apostrophe ("doesnt", "isnt") is as
    common as the word with it: the list has "doesn't" at 5.5 but "doesnt" at 4.1, as rare as "exist"."""
    table = english_zipf()
    found = table.get(word, RARE_ZIPF)
    if word.endswith("nt") and "'" not in word:
        return max(found, table.get(f"{word[:-2]}n't", RARE_ZIPF))
    return found


@functools.cache
def _common_words_by_start() -> dict[tuple[str, int], list[str]]:
    """Common English words by first letter and length: where a typo's word is looked for."""
    by_start: dict[tuple[str, int], list[str]] = {}
    for word, frequency in english_zipf().items():
        if frequency >= TYPO_TARGET_ZIPF and word.isalpha():
            by_start.setdefault((word[0], len(word)), []).append(word)
    return by_start


@functools.lru_cache(maxsize=4096)
def misspells_common_word(word: str) -> bool:
    """Is this word (one English does not have) a common English word with one letter wrong, missing, extra or
    swapped, after its first (members rarely mistype that, and it keeps the search to a few hundred words)?"""
    if len(word) < TYPO_MIN_LETTERS:
        return False
    by_start = _common_words_by_start()
    choices = [w for size in (len(word) - 1, len(word), len(word) + 1) for w in by_start.get((word[0], size), ())]
    return process.extractOne(word, choices, scorer=DamerauLevenshtein.distance, score_cutoff=1) is not None
