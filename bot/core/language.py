"""English as members write it in chat: how common a word is in general English, and the words that carry
no subject of their own. Data, not rules: the matcher (index.py) and the question splitter (questions.py)
decide what to do with it."""

from __future__ import annotations

import functools
from pathlib import Path

ENGLISH_FREQUENCY = Path(__file__).with_name("data") / "english_frequency.tsv"  # from wordfreq, CC BY-SA 4.0
RARE_ZIPF = 2.5  # words missing from the list (which stops at Zipf 3) are at least this rare

# Chat words that are never the subject of a question about defence: ignored when the knowledge does not
# use them, so "yo bot whats the deal with pesco lol" is a question about PESCO. (Checked with
# `python -m bot eval` on the tuning part; each word here is common in chat and rare in the knowledge.)
CHAT = frozenset(
    """lol lmao rofl haha hahaha xd omg wtf idk imo imho tbh ngl fr btw fyi afaik iirc tldr tl dr eli5 eli
    yo yall ya bro bruh dude mate guys folks pls plz please thx ty tysm cheers hi hello hey hiya heya sup
    bot bots ok okay okey yeah yep yup nope hmm hm um uh erm ah oh wow cool nice kinda sorta gonna wanna
    gotta lemme gimme dunno deal""".split()
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
    return english_zipf().get(word, RARE_ZIPF)
