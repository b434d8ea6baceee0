"""Answers as plain data and plain text: what the CLI prints and tooling parses.

The JSON shape is a public contract (README, "JSON output"); change it only compatibly.
"""

from __future__ import annotations

from typing import Any

from ..core.models import Answer, Status
from .wording import NOT_SURE, OFF_TOPIC, source_line, topics_sentence


def answer_json(answer: Answer) -> dict[str, Any]:
    answered = answer.status is Status.ANSWERED
    return {
        "question": answer.question,
        "status": answer.status.value,
        "entry_id": answer.entry.id if answer.entry else None,
        "score": round(answer.score, 1),
        "answer": answer.entry.answer if answer.entry else None,
        "citations": [
            {"id": s.id, "title": s.title, "url": s.url, "publisher": s.publisher, "date": s.date}
            for s in answer.citations
        ],
        "suggestions": []
        if answered
        else [
            {"entry_id": c.entry.id, "question": c.entry.title, "score": round(c.score, 1)} for c in answer.candidates
        ],
    }


def answer_text(answer: Answer) -> str:
    if answer.entry is not None:
        lines = [answer.entry.title, "", answer.entry.answer.strip()]
        if answer.citations:
            lines += ["", "Sources:"]
            for number, source in enumerate(answer.citations, 1):
                lines += [f"  [{number}] {source_line(source)}", f"      {source.url}"]
        if answer.related:
            lines += ["", "Related: " + " · ".join(r.title for r in answer.related)]
        lines += ["", f"(confidence {answer.score:.0f}/100)"]
        return "\n".join(lines)
    if answer.status is Status.SUGGEST:
        lines = [NOT_SURE]
        lines += [f"  {n}. {c.entry.title}  [{c.entry.id}, {c.score:.0f}]" for n, c in enumerate(answer.candidates, 1)]
        return "\n".join(lines)
    if not answer.topics:
        return f"{OFF_TOPIC}."
    return f"{OFF_TOPIC} — for example: {topics_sentence(answer.topics)}."
