"""Accuracy of an engine on a labelled question file: the numbers `python -m bot eval` prints.

A case expects one entry, several (a post with several questions), `none` (off-topic: no answer, no
choices) or `prompt` (no subject of its own: the bot asks what it is about). Every message goes through
Engine.answer_message, as a member's would. A file may be one list, or parts (`tuning`, `held_out`) that
are reported separately.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .engine import Engine
from .models import Answer, NoAnswer, Reply, Status

OFF_TOPIC_LABEL = "none"
PROMPT_LABEL = "prompt"
LABELS = (OFF_TOPIC_LABEL, PROMPT_LABEL)
# Confidence bands of the reliability table: is an answer at 40 right as often as one at 90?
BANDS = ((0, 50), (50, 60), (60, 70), (70, 80), (80, 90), (90, 101))


class EvalFileError(Exception):
    pass


@dataclass(frozen=True)
class Case:
    question: str
    expect: tuple[str, ...]  # entry ids in the order asked, or one of LABELS
    kind: str = ""

    @property
    def label(self) -> str | None:
        return self.expect[0] if self.expect[0] in LABELS else None


@dataclass(frozen=True)
class Miss:
    question: str
    expect: str
    got: str
    score: float


@dataclass
class Band:
    low: int
    high: int
    answered: int = 0
    right: int = 0


@dataclass
class EvalReport:
    questions: int = 0
    in_scope: int = 0  # messages that ask one question the knowledge answers
    top1_correct: int = 0  # the right entry was the first thing shown (answer or first choice)
    answered_correct: int = 0  # answered outright with the right entry
    answered_wrong: int = 0  # answered outright with a wrong entry: the costly mistake
    off_topic: int = 0
    off_topic_answered: int = 0  # an off-topic message that got an answer: as costly
    none_correct: int = 0  # off-topic messages that got the off-topic reply (no answer, no choices)
    none_total: int = 0  # messages that got the off-topic reply
    prompts: int = 0
    prompts_correct: int = 0  # content-free messages that got the "what is it about?" prompt
    prompts_answered: int = 0
    posts: int = 0
    post_expected: int = 0  # entries the posts ask about
    post_found: int = 0  # ...of those, answered
    post_answered: int = 0  # entries answered for posts
    post_right: int = 0  # ...of those, asked about
    bands: list[Band] = field(default_factory=lambda: [Band(low, high) for low, high in BANDS])
    misses: list[Miss] = field(default_factory=list)

    def _answered(self, score: float, right: bool) -> None:
        score = min(max(score, 0.0), 100.0)  # rounding can leave an exact match a hair over 100
        band = next(b for b in self.bands if b.low <= score < b.high)
        band.answered += 1
        band.right += right

    def as_dict(self) -> dict[str, object]:
        return {
            "questions": self.questions,
            "in_scope": self.in_scope,
            "off_topic": self.off_topic,
            "prompts": self.prompts,
            "posts": self.posts,
            "top1_accuracy": _pct(self.top1_correct, self.in_scope),
            "answered_accuracy": _pct(self.answered_correct, self.in_scope),
            "wrong_answer_rate": _pct(self.answered_wrong, self.in_scope),
            "off_topic_answered_rate": _pct(self.off_topic_answered, self.off_topic),
            "off_topic_precision": _pct(self.none_correct, self.none_total),
            "off_topic_recall": _pct(self.none_correct, self.off_topic),
            "prompt_accuracy": _pct(self.prompts_correct, self.prompts),
            "post_recall": _pct(self.post_found, self.post_expected),
            "post_precision": _pct(self.post_right, self.post_answered),
            "reliability": [
                {"band": f"{b.low}-{min(b.high, 100)}", "answered": b.answered, "right": _pct(b.right, b.answered)}
                for b in self.bands
            ],
            "misses": [vars(m) for m in self.misses],
        }


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def load_cases(path: Path, known_ids: set[str]) -> dict[str, list[Case]]:
    """Cases by part. A plain list is one part, "all"."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EvalFileError(f"{path}: {exc}") from None
    parts = {"all": data} if isinstance(data, list) else data
    if not isinstance(parts, dict) or not all(isinstance(v, list) for v in parts.values()):
        raise EvalFileError(f"{path}: expected a list of {{question, expect}} items, or parts of such lists")
    return {name: list(_cases(path, name, items, known_ids)) for name, items in parts.items()}


def _cases(path: Path, part: str, items: list[object], known_ids: set[str]) -> Iterable[Case]:
    for number, item in enumerate(items, 1):
        where = f"{path}: {part} item {number}"
        if not isinstance(item, dict) or not isinstance(item.get("question"), str) or "expect" not in item:
            raise EvalFileError(f"{where} needs 'question' (text) and 'expect' (entry id, list of ids, none or prompt)")
        raw = item["expect"]
        expect = (
            tuple(str(e) for e in raw) if isinstance(raw, list) else (OFF_TOPIC_LABEL if raw is None else str(raw),)
        )
        for entry_id in expect:
            if entry_id not in LABELS and entry_id not in known_ids:
                raise EvalFileError(f"{where} expects unknown entry id {entry_id!r}")
        yield Case(item["question"], expect, str(item.get("kind", "")))


def evaluate(engine: Engine, cases: list[Case]) -> EvalReport:
    return tally(cases, [engine.answer_message(case.question) for case in cases])


def tally(cases: list[Case], replies: list[Reply]) -> EvalReport:
    """The report for replies already made (the tuner makes them from cached candidates)."""
    report = EvalReport(questions=len(cases))
    for case, reply in zip(cases, replies, strict=True):
        primary = reply.primary
        answered = [a for a in reply.answers if a.entry is not None]
        if primary.status is Status.NONE:
            report.none_total += 1
        if case.label == OFF_TOPIC_LABEL:
            _off_topic(report, case, reply, answered)
        elif case.label == PROMPT_LABEL:
            _prompt(report, case, primary, answered)
        elif len(case.expect) > 1:
            _post(report, case, answered)
        else:
            _single(report, case, primary)
    return report


def _shown(answer: Answer) -> str:
    if answer.candidates:
        return answer.candidates[0].entry.id
    return PROMPT_LABEL if answer.reason is NoAnswer.NO_SUBJECT else OFF_TOPIC_LABEL


def _off_topic(report: EvalReport, case: Case, reply: Reply, answered: list[Answer]) -> None:
    report.off_topic += 1
    caught = all(part.status is Status.NONE for part in reply.parts)
    report.none_correct += caught
    report.off_topic_answered += bool(answered)
    for answer in answered:
        report._answered(answer.score, right=False)
    if not caught:
        report.misses.append(Miss(case.question, OFF_TOPIC_LABEL, _shown(reply.primary), reply.primary.score))


def _prompt(report: EvalReport, case: Case, primary: Answer, answered: list[Answer]) -> None:
    report.prompts += 1
    right = primary.reason is NoAnswer.NO_SUBJECT
    report.prompts_correct += right
    report.prompts_answered += bool(answered)
    for answer in answered:
        report._answered(answer.score, right=False)
    if not right:
        report.misses.append(Miss(case.question, PROMPT_LABEL, _shown(primary), primary.score))


def _post(report: EvalReport, case: Case, answered: list[Answer]) -> None:
    report.posts += 1
    expected = set(case.expect)
    got = {a.entry.id for a in answered if a.entry is not None}
    report.post_expected += len(expected)
    report.post_found += len(expected & got)
    report.post_answered += len(got)
    report.post_right += len(expected & got)
    for answer in answered:
        report._answered(answer.score, right=answer.entry is not None and answer.entry.id in expected)
    if got != expected:
        report.misses.append(Miss(case.question, " ".join(case.expect), " ".join(sorted(got)) or "-", 0.0))


def _single(report: EvalReport, case: Case, primary: Answer) -> None:
    report.in_scope += 1
    expected = case.expect[0]
    shown = _shown(primary)
    report.top1_correct += shown == expected
    if primary.status is Status.ANSWERED:
        right = shown == expected
        report.answered_correct += right
        report.answered_wrong += not right
        report._answered(primary.score, right)
    if not (primary.status is Status.ANSWERED and shown == expected):
        report.misses.append(Miss(case.question, expected, f"{primary.status.value} {shown}", primary.score))
