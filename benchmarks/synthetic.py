"""Deterministic synthetic knowledge bases and questions for the speed benchmark.

Entries are FAQ-like: a topic of two or three words drawn Zipf-style from a large vocabulary (so topics
overlap, as real ones do), phrased five ways from question templates with everyday words. Questions
are paraphrases (a template the entry does not use), the same with a typo, and off-topic questions
built from words the knowledge never uses.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from pathlib import Path

from bot.core.models import Entry

COMMON = """account card payment transfer money country project fund policy member state defence system
budget review report plan support program service network cost time rule change problem limit access
data security cooperation agreement treaty mission force training industry market price rate tax law
council office team group process order request deadline document application status record""".split()

TEMPLATES = [
    "what is {a} {b}",
    "how does {a} {b} work",
    "tell me about the {b} {a}",
    "why is {a} {b} important for {c}",
    "when did the {a} {b} start",
    "who is responsible for {a} {b}",
    "can i get {c} from {a} {b}",
    "where do i find the {a} {b} {c}",
    "is the {a} {b} still active",
    "how much {c} does {a} {b} have",
    "what are the rules of {a} {b} on {c}",
    "{a} {b} {c} explained",
]

ONSETS = "b c d f g h j k l m n p r s t v w z br cr dr fr gr pl pr st tr".split()
VOWELS = "a e i o u ai ea io ou".split()
CODAS = ["", "", "n", "r", "s", "l", "m", "t", "nd", "st"]


def _words(rng: random.Random, count: int, syllables: tuple[int, int], exclude: set[str]) -> list[str]:
    found: dict[str, None] = {}
    while len(found) < count:
        word = "".join(
            rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(rng.randint(*syllables))
        )
        if word not in exclude:
            found[word] = None
    return list(found)


def _typo(rng: random.Random, text: str) -> str:
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 5]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word, position = words[i], rng.randrange(1, len(words[i]) - 1)
    edit = rng.choice(("swap", "drop", "double"))
    if edit == "swap":
        word = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    elif edit == "drop":
        word = word[:position] + word[position + 1 :]
    else:
        word = word[:position] + word[position] + word[position:]
    words[i] = word
    return " ".join(words)


@dataclass(frozen=True)
class Workload:
    entries: list[Entry]
    questions: list[str]
    expected: list[str | None]  # entry id, or None for an off-topic question


def generate(size: int, questions: int = 10_000, seed: int = 7, phrasings: int = 5) -> Workload:
    rng = random.Random(seed * 1_000_003 + size)
    vocabulary = _words(rng, max(2_000, size // 2), (2, 3), set(COMMON))
    off_topic_words = _words(rng, 3_000, (3, 4), set(vocabulary) | set(COMMON))
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(vocabulary))))
    entries: list[Entry] = []
    templates_of: list[list[int]] = []
    topics: list[tuple[str, str, str]] = []
    seen_topics: set[tuple[str, ...]] = set()
    while len(entries) < size:
        a, b = rng.choices(vocabulary, cum_weights=cumulative, k=2)
        c = rng.choice(COMMON)
        if a == b or (a, b, c) in seen_topics:
            continue
        seen_topics.add((a, b, c))
        chosen = rng.sample(range(len(TEMPLATES)), phrasings)
        entry_id = f"e{len(entries)}"
        answer = f"The {a} {b} deals with {c}: who runs it, what it costs and where the rules are published."
        entries.append(Entry(entry_id, tuple(TEMPLATES[t].format(a=a, b=b, c=c) for t in chosen), answer))
        templates_of.append(chosen)
        topics.append((a, b, c))
    asked: list[str] = []
    expected: list[str | None] = []
    for _ in range(questions):
        kind = rng.random()
        if kind < 0.15:  # off-topic: words the knowledge never uses
            asked.append(
                rng.choice(TEMPLATES).format(
                    a=rng.choice(off_topic_words), b=rng.choice(off_topic_words), c=rng.choice(off_topic_words)
                )
            )
            expected.append(None)
            continue
        number = rng.randrange(size)
        a, b, c = topics[number]
        unused = [t for t in range(len(TEMPLATES)) if t not in templates_of[number]]  # a paraphrase
        question = TEMPLATES[rng.choice(unused)].format(a=a, b=b, c=c)
        asked.append(_typo(rng, question) if kind < 0.35 else question)  # 20% with a typo
        expected.append(entries[number].id)
    return Workload(entries, asked, expected)


ENTRIES_PER_FILE = 1_000  # a large knowledge base is split over files, as people split a big FAQ by topic


def write_knowledge(workload: Workload, directory: Path, per_file: int = ENTRIES_PER_FILE) -> Path:
    """The workload's entries as knowledge files (one source, cited by every entry): what `python -m bot`
    loads, validates and indexes from disk."""
    directory.mkdir(parents=True, exist_ok=True)
    source = "sources:\n  - id: s\n    title: Synthetic source\n    url: https://example.org/s\n    date: 2026\n"
    for start in range(0, len(workload.entries), per_file):
        lines = [source if start == 0 else "", "entries:"]
        for entry in workload.entries[start : start + per_file]:
            lines.append(f"  - id: {entry.id}\n    questions:")
            lines += [f"      - {question}" for question in entry.questions]
            lines.append(f"    answer: |\n      {entry.answer}[^s]\n    sources: [s]\n")  # every claim cites its source
        (directory / f"part-{start // per_file:04d}.yaml").write_text("\n".join(lines), encoding="utf-8")
    return directory
