"""Accuracy of an engine on a labelled question file: the numbers `python -m bot eval` prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .engine import Engine
from .models import Answer, Status

OFF_TOPIC_LABEL = "none"


class EvalFileError(Exception):
    pass


@dataclass(frozen=True)
class Case:
    question: str
    expect: str  # an entry id, or "none" for an off-topic question


@dataclass
class EvalReport:
    total: int = 0
    in_scope: int = 0
    top1_correct: int = 0  # the right entry was the first thing shown (answer or first suggestion)
    answered_correct: int = 0  # answered outright with the right entry
    answered_wrong: int = 0  # answered outright with a wrong entry: the costly mistake
    off_topic: int = 0
    none_correct: int = 0
    none_total: int = 0
    misses: list[dict[str, object]] = field(default_factory=list)

    @staticmethod
    def _pct(part: int, whole: int) -> float:
        return round(100 * part / whole, 1) if whole else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "questions": self.total,
            "in_scope": self.in_scope,
            "off_topic": self.off_topic,
            "top1_accuracy": self._pct(self.top1_correct, self.in_scope),
            "answered_accuracy": self._pct(self.answered_correct, self.in_scope),
            "wrong_answer_rate": self._pct(self.answered_wrong, self.in_scope),
            "off_topic_precision": self._pct(self.none_correct, self.none_total),
            "off_topic_recall": self._pct(self.none_correct, self.off_topic),
            "misses": self.misses,
        }


def load_cases(path: Path, known_ids: set[str]) -> list[Case]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EvalFileError(f"{path}: {exc}") from None
    if not isinstance(data, list):
        raise EvalFileError(f"{path}: expected a list of {{question, expect}} items")
    cases = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str) or "expect" not in item:
            raise EvalFileError(f"{path}: item {number} needs 'question' (text) and 'expect' (entry id or none)")
        expect = "none" if item["expect"] is None else str(item["expect"])
        if expect != OFF_TOPIC_LABEL and expect not in known_ids:
            raise EvalFileError(f"{path}: item {number} expects unknown entry id {expect!r}")
        cases.append(Case(item["question"], expect))
    return cases


def evaluate(engine: Engine, cases: list[Case]) -> EvalReport:
    report = EvalReport(total=len(cases))
    for case in cases:
        answer = engine.ask(case.question)
        shown = answer.candidates[0].entry.id if answer.candidates else OFF_TOPIC_LABEL
        if answer.status is Status.NONE:
            report.none_total += 1
        if case.expect == OFF_TOPIC_LABEL:
            report.off_topic += 1
            if answer.status is Status.NONE:
                report.none_correct += 1
            else:
                report.misses.append(_miss(case, answer, shown))
            continue
        report.in_scope += 1
        report.top1_correct += shown == case.expect
        if answer.status is Status.ANSWERED:
            if shown == case.expect:
                report.answered_correct += 1
            else:
                report.answered_wrong += 1
        if not (answer.status is Status.ANSWERED and shown == case.expect):
            report.misses.append(_miss(case, answer, shown))
    return report


def _miss(case: Case, answer: Answer, shown: str) -> dict[str, object]:
    return {
        "question": case.question,
        "expect": case.expect,
        "status": answer.status.value,
        "got": shown,
        "score": answer.score,
    }
