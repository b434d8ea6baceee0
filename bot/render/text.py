"""Answers as plain data and plain text: what the CLI prints and tooling parses.

The JSON shape is a public contract (README, "JSON output"); change it only compatibly. The text is for
people: the answer's markdown shown as text, its citation markers as [1], [2] matching the numbered sources.
"""

from __future__ import annotations

from typing import Any

from ..core.citations import number_markers
from ..core.conversation import Context, context_after
from ..core.evaluate import EvalReport
from ..core.models import Answer, NoAnswer, Reply, Status
from ..terminal import BOLD, styled
from .plain import markdown_text
from .wording import (
    CLOSEST_INTRO,
    LEFT_OUT_TITLE,
    NO_SUBJECT,
    NOT_SURE,
    OFF_TOPIC,
    UNANSWERED_TITLE,
    closest_title,
    left_out_line,
    source_line,
    topics_sentence,
    unanswered_line,
)


def numbered_answer(answer: Answer, *, markdown_escaped: bool = False) -> str | None:
    """The answer with each `[^source-id]` marker as [n], n the source's place in the citations (the list every
    medium numbers). `markdown_escaped`: as `\\[n\\]`, which markdown reads as text, never as a link."""
    if answer.entry is None:
        return None
    shown = "\\[{}\\]".format if markdown_escaped else "[{}]".format
    return number_markers(answer.entry.answer, [source.id for source in answer.citations], shown)


def answer_json(answer: Answer) -> dict[str, Any]:
    answered = answer.status is Status.ANSWERED
    return {
        "question": answer.question,
        "status": answer.status.value,
        "entry_id": answer.entry.id if answer.entry else None,
        "score": round(answer.score, 1),
        "answer": answer.entry.answer if answer.entry else None,
        "answer_numbered": numbered_answer(answer),
        "citations": [
            {"id": s.id, "title": s.title, "url": s.url, "publisher": s.publisher, "date": s.date}
            for s in answer.citations
        ],
        "suggestions": []
        if answered
        else [
            {"entry_id": c.entry.id, "question": c.entry.title, "score": round(c.score, 1)} for c in answer.candidates
        ],
        "reason": answer.reason.value if answer.reason else None,
        "lacking": list(answer.lacking),
    }


EMPTY_MESSAGE = "(an empty message: nothing to answer)"


def empty_json(message: str) -> dict[str, Any]:
    """The contract's object for a blank message (an empty line in `ask --json -`): no question, so no parts."""
    return {
        "question": message,
        "status": Status.NONE.value,
        "entry_id": None,
        "score": 0.0,
        "answer": None,
        "answer_numbered": None,
        "citations": [],
        "suggestions": [],
        "reason": "empty",
        "lacking": [],
        "parts": [],
        "unanswered": [],
        "left_out": [],
        "conversation": None,
    }


def reply_json(reply: Reply, before: Context | None = None) -> dict[str, Any]:
    """The contract: the top level describes the reply's primary answer (as for a one-question message), and
    `parts` has one object of the same shape per question found, in message order; `unanswered` lists the
    questions of the parts the reply could not answer while it answered others, `left_out` those answered past
    the answers a reply shows; `conversation` is what a
    follow-up leans on (pass it back with the next message), given `before`, what the conversation was about."""
    after = context_after(before, reply)
    return answer_json(reply.primary) | {
        "parts": [answer_json(part) for part in reply.parts],
        "unanswered": [part.question for part in reply.unanswered],
        "left_out": [part.question for part in reply.left_out],
        "conversation": after.as_dict() if after else None,
    }


def reply_text(reply: Reply, *, terminal: bool = False) -> str:
    """A one-question message reads as one answer; several are numbered, each with its own sources.
    `terminal`: bold and italic shown as such (only for a person's terminal, see bot/terminal.py)."""
    shown = reply.shown
    if len(shown) == 1:
        text = answer_text(shown[0], terminal=terminal)
    else:
        text = "\n\n".join(
            f"{n}. {part.question}\n\n{answer_text(part, terminal=terminal)}" for n, part in enumerate(shown, 1)
        )
    if reply.left_out:
        text += f"\n\n{LEFT_OUT_TITLE}:\n" + "\n".join(f"  {left_out_line(p.question)}" for p in reply.left_out)
    if reply.unanswered:
        text += f"\n\n{UNANSWERED_TITLE}:\n" + "\n".join(f"  {unanswered_line(p.question)}" for p in reply.unanswered)
    return text


def answer_text(answer: Answer, *, terminal: bool = False) -> str:
    if answer.entry is not None:
        body = markdown_text(numbered_answer(answer, markdown_escaped=True) or "", styled=terminal)
        lines = [styled(answer.entry.title, BOLD, on=terminal), "", body]
        if answer.citations:
            lines += ["", "Sources:"]
            for number, source in enumerate(answer.citations, 1):
                lines += [f"  [{number}] {source_line(source)}", f"      {source.url}"]
        if answer.related:
            lines += ["", "Related: " + " · ".join(r.title for r in answer.related)]
        lines += ["", f"(confidence {answer.score:.0f}/100)"]
        return "\n".join(lines)
    if answer.status is Status.CLOSEST:
        lines = [f"{closest_title(answer.lacking)}. {CLOSEST_INTRO}"]
        lines += [f"  {n}. {c.entry.title}  [{c.entry.id}, {c.score:.0f}]" for n, c in enumerate(answer.candidates, 1)]
        return "\n".join(lines)
    if answer.status is Status.SUGGEST:
        lines = [NOT_SURE]
        lines += [f"  {n}. {c.entry.title}  [{c.entry.id}, {c.score:.0f}]" for n, c in enumerate(answer.candidates, 1)]
        return "\n".join(lines)
    if answer.reason is NoAnswer.NO_SUBJECT:
        return NO_SUBJECT
    if not answer.topics:
        return f"{OFF_TOPIC}."
    return f"{OFF_TOPIC} — for example: {topics_sentence(answer.topics)}."


def eval_text(part: str, report: EvalReport, *, show_misses: bool = False) -> str:
    """`python -m bot eval`: one part's numbers, the reliability table, and (on request) the misses."""
    r = report.as_dict()
    lines = [
        f"== {part}: {r['questions']} messages ({r['in_scope']} one-question, {r['posts']} posts, "
        f"{r['off_topic']} off-topic, {r['prompts']} with no subject)",
        f"one question   answered right {r['answered_accuracy']}% · answered wrong {r['wrong_answer_rate']}% · "
        f"right entry shown first {r['top1_accuracy']}%",
        f"posts          expected entries answered {r['post_recall']}% · answered entries right {r['post_precision']}%",
        f"off-topic      answered {r['off_topic_answered_rate']}% · got the off-topic reply {r['off_topic_recall']}% · "
        f"off-topic replies that were right {r['off_topic_precision']}%",
        f"no subject     got the prompt {r['prompt_accuracy']}%",
        "reliability    confidence band: answers, of which right",
    ]
    lines += [
        f"               {b.low:>3}-{min(b.high, 100):<3} {b.answered:>5}  {_pct_text(b.right, b.answered)}"
        for b in report.bands
    ]
    if show_misses and report.misses:
        lines.append(f"misses ({len(report.misses)}):")
        lines += [f"  {m.question[:100]!r}: expected {m.expect}, got {m.got} ({m.score:.0f})" for m in report.misses]
    return "\n".join(lines) + "\n"


def _pct_text(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    –"
