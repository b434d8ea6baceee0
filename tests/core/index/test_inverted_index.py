"""bot/core/index/inverted_index.py: an index updated by an edit answers exactly as one built afresh."""

from __future__ import annotations

from bot.core.index import Index
from bot.core.models import Entry

from .conftest import CORPUS


def answers(index: Index, questions: list[str]) -> list[list[tuple[str, float, str, float]]]:
    return [
        [(c.entry.id, c.score, c.matched_question, c.coverage) for c in index.search(question, 4)]
        for question in questions
    ]


PROBES = [
    "what is pesco",
    "which countries are in nato",
    "edf research money",
    "does the eu have an army",
    "new zorblax initiative",
    "is ireland in pesco or nato",
    "pesko countries",
]


def test_an_edited_index_answers_exactly_as_a_fresh_one_after_random_edit_sequences():
    import random

    rng = random.Random(11)
    entries = [Entry(name, tuple(questions), f"About {name}.") for name, questions in CORPUS.items()]
    index = Index(entries)
    words = "zorblax initiative pesco nato fund army ireland research members new plans money eu".split()
    for step in range(40):
        kind = rng.choice(["alias", "answer", "add", "remove", "replace"])
        position = rng.randrange(len(entries)) if entries else 0
        phrase = " ".join(rng.sample(words, 3))
        if kind == "alias" and entries:
            e = entries[position]
            entries[position] = Entry(e.id, (*e.questions, phrase), e.answer)
        elif kind == "answer" and entries:
            e = entries[position]
            entries[position] = Entry(e.id, e.questions, f"{e.answer} {phrase}")
        elif kind == "add":
            entries.insert(position, Entry(f"new-{step}", (f"what is {phrase}", phrase), f"It is {phrase}."))
        elif kind == "remove" and len(entries) > 1:
            entries.pop(position)
        elif entries:
            e = entries[position]
            entries[position] = Entry(e.id, (phrase,), e.answer)
        index = index.updated(entries)
        assert answers(index, PROBES) == answers(Index(entries), PROBES), (step, kind)
