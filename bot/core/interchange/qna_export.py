"""The knowledge as a QnA Maker / Azure question answering export: one row per question, all the questions of an
entry under one QnaId, the answer with its `[^source-id]` markers kept and its sources as footnote definitions
under it (footnotes.py), so importing the export gives the same entries back. Its id and tags go to Metadata as
`id:entry-id|tag:name`; what the format has no column for is named in NOT_EXPORTED."""

from __future__ import annotations

from ..models import Knowledge
from .footnotes import with_footnotes

NOT_EXPORTED = "related entries, reviewed and review_by dates"
NO_SOURCE = "Editorial"  # what QnA Maker writes for a pair typed in by hand


def export_rows(knowledge: Knowledge) -> list[list[str]]:
    """Rows in table.COLUMNS order: Question, Answer, Source, Metadata, SuggestedQuestions, IsContextOnly,
    Prompts, QnaId."""
    rows = []
    for number, entry in enumerate(knowledge.entries, start=1):
        sources = [knowledge.sources[s] for s in entry.sources if s in knowledge.sources]
        answer = with_footnotes(entry.answer, sources)
        source = sources[0].url if sources else NO_SOURCE
        metadata = "|".join([f"id:{entry.id}", *(f"tag:{tag.replace('|', '/')}" for tag in entry.tags)])
        rows += [[question, answer, source, metadata, "[]", "false", "[]", str(number)] for question in entry.questions]
    return rows
