"""An answer's sources written under it as markdown footnote definitions, so an export keeps its `[^source-id]`
markers meaningful and an import takes the sources back: `[^id]: [Title](https://…) — Publisher, 2024-11`."""

from __future__ import annotations

import re

from ..loader import ID_PATTERN
from ..models import Source

_DATE = r"\d{4}(?:-\d{2}){0,2}"
_DEFINITION = re.compile(
    rf"^\[\^(?P<id>{ID_PATTERN})\]: \[(?P<title>.+)\]\((?P<url>\S+)\)"
    rf"(?: — (?P<publisher>.+?)(?:, (?P<date>{_DATE}))?| (?P<undated>{_DATE}))?$"
)


def with_footnotes(answer: str, sources: list[Source]) -> str:
    """The answer, a blank line, and a footnote definition for each source (in the entry's order)."""
    if not sources:
        return answer
    return answer.rstrip() + "\n\n" + "\n".join(_definition(source) for source in sources)


def _definition(source: Source) -> str:
    details = ", ".join(part for part in (source.publisher, source.date) if part)
    title = source.title.replace("[", "(").replace("]", ")")  # a bracket would end the link text early
    if source.publisher:
        return f"[^{source.id}]: [{title}]({source.url}) — {details}"
    return f"[^{source.id}]: [{title}]({source.url})" + (f" {source.date}" if source.date else "")


def split_footnotes(answer: str) -> tuple[str, list[Source]]:
    """The answer without the footnote definitions ending it, and the sources they define (none: unchanged)."""
    lines = answer.rstrip().splitlines()
    sources: list[Source] = []
    while lines and (found := _DEFINITION.match(lines[-1].strip())):
        date = found["date"] or found["undated"]
        sources.insert(0, Source(found["id"], found["title"], found["url"], found["publisher"], date))
        lines.pop()
    if not sources:
        return answer, []
    return "\n".join(lines).rstrip(), sources
