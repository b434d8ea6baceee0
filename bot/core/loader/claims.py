"""The claim-level citation rule (core/citations.py) as the loader applies it to each entry read: every paragraph
and list item of the answer names a source with a `[^source-id]` marker, every marker names a source the entry
cites, and every source it cites is used by a marker. Each problem is at the line of the block concerned when
the answer is a literal block (`answer: |`), else at the answer's line; the source's at its line in `sources`.

An entry that cites no source at all is left to `check` (lints.uncited says so once, not once per paragraph).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..citations import MARKER, marker_ids, unmarked
from .yaml_nodes import Node, ScalarNode

if TYPE_CHECKING:
    from .file_reader import FileReader

EXCERPT_CHARS = 40  # of a block, to say which one (a moderator's form has no line numbers)
# The line holding `answer: |` (or `- |`): the text starts on the next line and keeps its lines as written.
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_LITERAL_BLOCK = re.compile(r"(?:^|[\s:-])\|[-+0-9]*\s*(?:#.*)?$")


def check_claims(reader: FileReader, answer: Node, key: str, cited: Sequence[tuple[str, Node]]) -> None:
    """The rule for one entry: `answer` its answer's node, `cited` its source ids with their nodes."""
    if not isinstance(answer, ScalarNode):
        return
    text = answer.value
    named = marker_ids(text)
    if not cited and not named:
        return
    if cited and ("\n" in text or not named):  # one line with a marker has no block without one
        for block in unmarked(text):
            what = "list item" if block.list_item else "paragraph"
            message = (
                f"{what} {_excerpt(block.text)} names no source: end each claim with a marker like "
                f"[^{cited[0][0]}] naming the source that holds it"
            )
            reader.error(answer, f"{key}.answer", message, _line(reader, answer, block.line))
    cited_ids = {source_id for source_id, _ in cited}
    if not cited_ids.issuperset(named):
        _uncited_markers(reader, answer, key, cited_ids)
    for source_id, node in cited if named else ():  # no marker at all: the blocks' problems say it already
        if source_id not in named:
            message = (
                f"{source_id!r} is cited but no marker in the answer uses it: mark the claims it holds with "
                f"[^{source_id}], or remove it"
            )
            reader.error(node, f"{key}.sources", message)


def _uncited_markers(reader: FileReader, answer: ScalarNode, key: str, cited_ids: set[str]) -> None:
    """Each marker naming a source the entry does not cite, where it first appears."""
    reported = set(cited_ids)
    text = answer.value
    for marker in MARKER.finditer(text):
        if marker[1] not in reported:
            reported.add(marker[1])
            message = (
                f"marker {marker[0]} names a source the entry does not cite: add {marker[1]!r} to its sources, "
                "or correct the marker"
            )
            reader.error(answer, f"{key}.answer", message, _line(reader, answer, text.count("\n", 0, marker.start())))


def _line(reader: FileReader, answer: ScalarNode, offset: int) -> int:
    """The file line of the answer's line `offset` when the answer is a literal block (its lines are the file's
    lines), else the answer's own line (a folded or quoted scalar's lines are not the file's). Only asked for a
    block with a problem: most entries have none, and need not look at their file's lines."""
    return answer.line + 1 + offset if _LITERAL_BLOCK.search(reader.line_text(answer.line)) else answer.line


def _excerpt(text: str) -> str:
    words = " ".join(_LIST_MARK.sub("", MARKER.sub("", text)).split())
    return f"“{words[:EXCERPT_CHARS]}…”" if len(words) > EXCERPT_CHARS else f"“{words}”"
