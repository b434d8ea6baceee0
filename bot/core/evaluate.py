"""Accuracy of an engine on a labelled question file: the numbers `python -m bot eval` prints.

A case expects one entry, several (a post with several questions, a comparison), `none` (off-topic: no
answer, no choices), `prompt` (no subject of its own: the bot asks what it is about) or `lacking` (it names a
specific thing the knowledge lacks: the closest entries said as such, choices or off-topic are right, an
outright answer is wrong). In a list, `unanswered` is a part the reply must say it could not answer. Every
message goes through Engine.answer_message, as a member's would. A file may be one list, or parts (`tuning`,
`held_out`) that are reported separately; each case's `kind` is reported too (right and wrong per kind).
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
LACKING_LABEL = "lacking"
UNANSWERED_LABEL = "unanswered"  # in a list: one part the reply must name as not answered
LABELS = (OFF_TOPIC_LABEL, PROMPT_LABEL, LACKING_LABEL)
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

    @property
    def entries(self) -> tuple[str, ...]:
        """The entries a message with several parts must get, without the parts it must name as unanswered."""
        return tuple(e for e in self.expect if e != UNANSWERED_LABEL)


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
class KindTally:
    """One kind of case (casual, post, comparison…): how many, right in full, answered wrong."""

    cases: int = 0
    right: int = 0
    wrong: int = 0


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
    lacking: int = 0  # questions about a specific thing the knowledge lacks
    lacking_answered: int = 0  # ...answered outright anyway: confidently wrong
    unanswered_expected: int = 0  # parts of posts the reply must name as unanswered
    unanswered_named: int = 0  # ...that it named (or said it had only the closest for)
    posts: int = 0
    post_expected: int = 0  # entries the posts ask about
    post_found: int = 0  # ...of those, answered
    post_answered: int = 0  # entries answered for posts
    post_right: int = 0  # ...of those, asked about
    kinds: dict[str, KindTally] = field(default_factory=dict)
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
            "lacking": self.lacking,
            "lacking_answered_rate": _pct(self.lacking_answered, self.lacking),
            "unanswered_named_rate": _pct(self.unanswered_named, self.unanswered_expected),
            "kinds": {
                kind: {"cases": t.cases, "right": _pct(t.right, t.cases), "wrong": _pct(t.wrong, t.cases)}
                for kind, t in sorted(self.kinds.items())
            },
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
            if entry_id not in (*LABELS, UNANSWERED_LABEL) and entry_id not in known_ids:
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
            right, wrong = _off_topic(report, case, reply, answered)
        elif case.label == PROMPT_LABEL:
            right, wrong = _prompt(report, case, primary, answered)
        elif case.label == LACKING_LABEL:
            right, wrong = _lacking(report, case, reply, answered)
        elif len(case.expect) > 1:
            right, wrong = _post(report, case, reply, answered)
        else:
            right, wrong = _single(report, case, primary)
        tally = report.kinds.setdefault(case.kind or "-", KindTally())
        tally.cases += 1
        tally.right += right
        tally.wrong += wrong
    return report


def _shown(answer: Answer) -> str:
    if answer.candidates:
        return answer.candidates[0].entry.id
    return PROMPT_LABEL if answer.reason is NoAnswer.NO_SUBJECT else OFF_TOPIC_LABEL


def _off_topic(report: EvalReport, case: Case, reply: Reply, answered: list[Answer]) -> tuple[bool, bool]:
    report.off_topic += 1
    caught = all(part.status is Status.NONE for part in reply.parts)
    report.none_correct += caught
    report.off_topic_answered += bool(answered)
    for answer in answered:
        report._answered(answer.score, right=False)
    if not caught:
        report.misses.append(Miss(case.question, OFF_TOPIC_LABEL, _shown(reply.primary), reply.primary.score))
    return caught, bool(answered)


def _prompt(report: EvalReport, case: Case, primary: Answer, answered: list[Answer]) -> tuple[bool, bool]:
    report.prompts += 1
    right = primary.reason is NoAnswer.NO_SUBJECT
    report.prompts_correct += right
    report.prompts_answered += bool(answered)
    for answer in answered:
        report._answered(answer.score, right=False)
    if not right:
        report.misses.append(Miss(case.question, PROMPT_LABEL, _shown(primary), primary.score))
    return right, bool(answered)


def _lacking(report: EvalReport, case: Case, reply: Reply, answered: list[Answer]) -> tuple[bool, bool]:
    """Right: no outright answer (the closest said as such, choices, or off-topic)."""
    report.lacking += 1
    report.lacking_answered += bool(answered)
    for answer in answered:
        report._answered(answer.score, right=False)
    if answered:
        report.misses.append(Miss(case.question, LACKING_LABEL, f"answered {_shown(answered[0])}", answered[0].score))
    return not answered, bool(answered)


def _post(report: EvalReport, case: Case, reply: Reply, answered: list[Answer]) -> tuple[bool, bool]:
    report.posts += 1
    expected = set(case.entries)
    got = {a.entry.id for a in answered if a.entry is not None}
    report.post_expected += len(expected)
    report.post_found += len(expected & got)
    report.post_answered += len(got)
    report.post_right += len(expected & got)
    for answer in answered:
        report._answered(answer.score, right=answer.entry is not None and answer.entry.id in expected)
    must_name = case.expect.count(UNANSWERED_LABEL)
    named = min(must_name, len(reply.unanswered) + len(reply.closest))
    report.unanswered_expected += must_name
    report.unanswered_named += named
    right = got == expected and named == must_name
    if not right:
        said = " ".join([*sorted(got), *[UNANSWERED_LABEL] * (len(reply.unanswered) + len(reply.closest))])
        report.misses.append(Miss(case.question, " ".join(case.expect), said or "-", 0.0))
    return right, bool(got - expected)


def _single(report: EvalReport, case: Case, primary: Answer) -> tuple[bool, bool]:
    report.in_scope += 1
    expected = case.expect[0]
    shown = _shown(primary)
    report.top1_correct += shown == expected
    if primary.status is Status.ANSWERED:
        right = shown == expected
        report.answered_correct += right
        report.answered_wrong += not right
        report._answered(primary.score, right)
    right = primary.status is Status.ANSWERED and shown == expected
    if not right:
        report.misses.append(Miss(case.question, expected, f"{primary.status.value} {shown}", primary.score))
    return right, primary.status is Status.ANSWERED and not right
