"""The answer-card size rule: an answer as Discord shows it, with its citations and related questions, must
fit one embed. Checked for every entry read (reliability D6)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..citations import shown_length
from ..models import Entry, Problem, Source
from .cross_files import Collected

# An answer as Discord shows it, one embed: its title, text, every citation (title cut at CITED_TITLE_CHARS,
# URL, publisher, date) and every related question must fit Discord's 6,000-character embed total, with
# room for the member's question (up to 256 characters, above an answer to one of several questions) and
# the footer (confidence, entry id, "read as a follow-up about …"). The markup around a citation and a
# related line is counted generously, and a citation's text twice for each character markdown escaping may
# double; the renderer's shortening of the answer (bot/render/embeds.py fit) stays as a last resort.
# Checked for every entry read (reliability D6).
MAX_ANSWER_CARD_CHARS = 5400
CITED_TITLE_CHARS = 200
MAX_TITLE_CHARS = 256  # Discord's embed title; longer ones are cut
CITATION_MARKUP_CHARS = 20  # "**[12]** [" "](" ") — " ", " and the line break
_ESCAPABLE = re.compile(r"[*`_~|\[\\#>-]")  # what discord.utils.escape_markdown may put a backslash before
RELATED_MARKUP_CHARS = 3  # "• " and the line break


def check_answer_sizes(collected: Collected) -> None:
    """Every entry read this time must fit Discord as it is shown (MAX_ANSWER_CARD_CHARS)."""
    for read in collected.pending:
        if (size := answer_card_chars(read.entry, collected.sources, collected.entry_ids)) > MAX_ANSWER_CARD_CHARS:
            message = (
                f"shown with its {len(read.entry.sources)} sources and {len(read.entry.related)} related questions, "
                f"this answer is {size} characters; Discord shows at most {MAX_ANSWER_CARD_CHARS}: shorten the "
                "answer or cite fewer sources"
            )
            collected.problems.append(Problem(read.entry.file, read.answer_line, f"{read.entry.id}.answer", message))


def answer_card_chars(entry: Entry, sources: Mapping[str, Source], entries: Mapping[str, Entry]) -> int:
    """The characters an answer takes on Discord (see MAX_ANSWER_CARD_CHARS); unknown ids count nothing."""
    size = min(len(entry.title), MAX_TITLE_CHARS) + shown_length(entry.answer)
    for source in (sources[s] for s in entry.sources if s in sources):
        escaped = f"{source.title[:CITED_TITLE_CHARS]}{source.publisher or ''}{source.date or ''}"
        size += len(escaped) + len(_ESCAPABLE.findall(escaped)) + len(source.url) + CITATION_MARKUP_CHARS
    for related in (entries[r] for r in entry.related if r in entries):
        size += len(related.title) + RELATED_MARKUP_CHARS
    return size
