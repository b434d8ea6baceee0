"""Claim-level citations: the `[^source-id]` markers in an answer, the rule every factual block carries one,
and their numbering in the order of the entry's sources (what every renderer shows as [1], [2], …).

An answer is read as blocks: paragraphs (lines up to a blank line or a list) and list items (`- `, `* `,
`1. `, with their indented continuation lines). Every block must name at least one source that holds what it
says, except a lead-in: one line that ends with a colon and introduces the list right under it (its items carry
the markers). The loader enforces the rule (loader/claims.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

# The id rule is the loader's (models cannot import it without a cycle; tests/core/test_citations.py holds
# the two the same).
MARKER = re.compile(r"\[\^([a-z0-9]+(?:-[a-z0-9]+)*)\]")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_OTHER_LINE_BREAK = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # str.splitlines splits there too
SHOWN_MARKER_CHARS = len("[12]")  # what a marker becomes on every medium, for the length limits


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph or list item of an answer, and the line it starts on (0 = the answer's first line)."""

    text: str
    line: int
    list_item: bool

    @property
    def lead_in(self) -> bool:
        """One line that only introduces a list ("Examples:", "**Worked**:"): a longer paragraph ending with a
        colon still states something before it."""
        return "\n" not in self.text and MARKER.sub("", self.text).rstrip().rstrip("*_").endswith(":")


def blocks(answer: str) -> Iterator[Block]:
    lines: list[str] = []
    start, list_item = 0, False
    for number, line in enumerate([*answer.splitlines(), ""]):
        starts_item = bool(_LIST_ITEM.match(line))
        continues_item = list_item and line.startswith((" ", "\t")) and line.strip()
        if lines and (not line.strip() or starts_item or (list_item and not continues_item)):
            yield Block("\n".join(lines), start, list_item)
            lines = []
        if line.strip():
            if not lines:
                start, list_item = number, starts_item
            lines.append(line)


def marker_ids(answer: str) -> list[str]:
    """Each source id the answer's markers name, once, in the order they first appear."""
    return list(dict.fromkeys(MARKER.findall(answer)))


def unmarked(answer: str) -> list[Block]:
    """The blocks that state something but name no source (a lead-in right above a list excepted)."""
    if _every_line_ends_with_a_marker(answer):
        return []  # the common case, found 3 times faster than by reading the blocks
    found = list(blocks(answer))
    return [
        block
        for i, block in enumerate(found)
        if not MARKER.search(block.text)
        and not (block.lead_in and i + 1 < len(found) and found[i + 1].list_item and not block.list_item)
    ]


def cite_unmarked(answer: str, source_ids: Sequence[str]) -> str:
    """The answer with the markers of `source_ids` at the end of every block that needs one and has none: for
    text that all comes from those sources (an imported answer, a solved thread's reply)."""
    markers = "".join(f"[^{source_id}]" for source_id in source_ids)
    if not markers:
        return answer
    lines = answer.splitlines()
    for block in unmarked(answer):
        last = block.line + block.text.count("\n")
        lines[last] = lines[last].rstrip() + markers
    return "\n".join(lines) + ("\n" if answer.endswith("\n") else "")


def _every_line_ends_with_a_marker(answer: str) -> bool:
    """Then every block has one (its last line's). Lines as blocks() splits them: other line breaks than \\n
    take the long way."""
    if _OTHER_LINE_BREAK.search(answer):
        return False
    for line in answer.split("\n"):
        text = line.rstrip()
        if text and not (text[-1] == "]" and MARKER.fullmatch(text, max(text.rfind("[^"), 0))):
            return False
    return True


def shown_length(answer: str) -> int:
    """The answer's length as members see it, each marker shown as [n]: what the length limits count."""
    return len(MARKER.sub("x" * SHOWN_MARKER_CHARS, answer))


def number_markers(answer: str, sources: Sequence[str], shown: Callable[[int], str] = "[{}]".format) -> str:
    """The answer with each marker replaced by `shown(n)`, n its source's place in `sources` (1-based). A
    marker naming a source not in the list (the loader refuses one) is dropped rather than shown raw."""
    numbers = {source_id: n for n, source_id in enumerate(sources, start=1)}
    return MARKER.sub(lambda m: shown(numbers[m[1]]) if m[1] in numbers else "", answer)


def strip_markers(answer: str) -> str:
    """The answer without its markers (a preview, a search snippet, the matcher's text)."""
    return MARKER.sub("", answer)
