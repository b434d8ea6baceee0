"""Public datasets → knowledge files → the project's own loader. Each intent becomes one entry whose
questions are its training utterances; a test utterance is a member's question."""

from __future__ import annotations

import csv
import json
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT
from bot.core.loader import load_directory
from bot.core.models import Knowledge

DEFAULT_DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"
PLACEHOLDER_ANSWER = "-"  # the datasets have no answers; a constant adds no signal to any intent


@dataclass(frozen=True)
class Split:
    questions: list[str]
    labels: list[str]  # entry ids; "oos" for out-of-scope questions


def slug(intent: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", intent.lower()).strip("-")


def knowledge_from(pairs: Iterable[tuple[str, str]]) -> Knowledge:
    """Write the intents as a knowledge file and load it back through bot.core.loader."""
    by_intent: dict[str, list[str]] = {}
    for text, intent in pairs:
        by_intent.setdefault(slug(intent), []).append(" ".join(text.split()))
    entries = [
        {"id": intent, "questions": questions, "answer": PLACEHOLDER_ANSWER} for intent, questions in by_intent.items()
    ]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "intents.yaml"
        path.write_text(yaml.safe_dump({"entries": entries}, allow_unicode=True, width=1_000_000), encoding="utf-8")
        result = load_directory(directory)
    if not result.ok:
        raise ValueError(f"dataset did not load: {result.errors[:3]}")
    return result.knowledge


def split(pairs: Iterable[tuple[str, str]]) -> Split:
    rows = list(pairs)
    return Split([" ".join(t.split()) for t, _ in rows], [slug(i) if i != "oos" else "oos" for _, i in rows])


def banking77(root: Path) -> tuple[list[tuple[str, str]], Split]:
    def read(name: str) -> list[tuple[str, str]]:
        with (root / "banking77" / name).open(newline="", encoding="utf-8") as handle:
            return [(row["text"], row["category"]) for row in csv.DictReader(handle)]

    return read("train.csv"), split(read("test.csv"))


def first_per_intent(pairs: list[tuple[str, str]], count: int) -> list[tuple[str, str]]:
    """The first `count` examples of each intent in file order: a fixed, reproducible few-shot set."""
    seen: dict[str, int] = {}
    kept = []
    for text, intent in pairs:
        if seen.get(intent, 0) < count:
            seen[intent] = seen.get(intent, 0) + 1
            kept.append((text, intent))
    return kept


def clinc150(root: Path) -> dict[str, list[tuple[str, str]]]:
    data = json.loads((root / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    return {key: [(text, intent) for text, intent in rows] for key, rows in data.items()}
