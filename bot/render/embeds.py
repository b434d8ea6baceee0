"""Answers and moderator views → Discord embeds. The only place embeds are built; everything is trimmed
to Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence

import discord

from ..core.citations import number_markers
from ..core.loader import CITED_TITLE_CHARS, MAX_TITLE_CHARS
from ..core.models import Answer, Candidate, Entry
from ..core.solved import SolvedThread
from ..core.yaml_edit import entry_lines
from ..runtime.rows import AuditRow, ReviewItem, Stats
from .wording import (
    CLOSEST_INTRO,
    DID_YOU_MEAN,
    EARLIER_THREADS_NOTE,
    EARLIER_THREADS_TITLE,
    FOLLOW_UP_NOTE,
    HOW_TO,
    HOW_TO_TITLE,
    LEFT_OUT_TITLE,
    NO_SUBJECT,
    NO_SUBJECT_TITLE,
    OFF_TOPIC,
    OFF_TOPIC_TITLE,
    PICK_OR_REPHRASE,
    UNANSWERED_TITLE,
    closest_title,
    left_out_line,
    source_details,
    unanswered_line,
)

CONTENT_LIMIT = 2000
EMBEDS_PER_MESSAGE = 10
ACTION_ROWS = 5  # rows of buttons under one message
TITLE_LIMIT = MAX_TITLE_CHARS  # Discord's; the loader counts answers with it
AUTHOR_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
BUTTON_LABEL_LIMIT = 80
SELECT_OPTION_LIMIT = 100  # label and description of a select-menu option
SELECT_OPTIONS = 25
CHOICE_NAME_LIMIT = 100  # an autocomplete choice's name and value
CHOICES = 25

# Our own sizes, for readability rather than Discord's limits.
SUGGESTION_CHARS = 300  # one did-you-mean line
TOPICS_IN_OFF_TOPIC = 15
EXAMPLES_IN_OFF_TOPIC = 4
TOPICS_PER_PAGE = 15
QUESTIONS_PER_PAGE = 10
WHY_CANDIDATES = 5
MATCHED_PHRASING_CHARS = 120
DIFF_CHARS = 800
DIFF_LINE_CHARS = 110  # one line of a history diff: enough to recognise it
DIFF_LINES_EACH = 2  # removed (and added) lines shown per change before "… n more line(s)"

ANSWER_COLOUR = discord.Colour.blue()
SUGGEST_COLOUR = discord.Colour.gold()
OFF_TOPIC_COLOUR = discord.Colour.light_grey()
REVIEW_COLOUR = discord.Colour.orange()


def trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _lines_into_fields(embed: discord.Embed, name: str, lines: Sequence[str]) -> None:
    """Add lines as one field, continuing in more fields ("Sources, continued") when one would exceed 1,024
    characters."""
    chunk: list[str] = []
    size = 0
    continued = f"{name}, continued"
    for line in lines:
        line = trim(line, FIELD_VALUE_LIMIT)
        if chunk and size + len(line) + 1 > FIELD_VALUE_LIMIT:
            embed.add_field(name=name, value="\n".join(chunk), inline=False)
            name, chunk, size = continued, [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk and len(embed.fields) < FIELD_LIMIT:
        embed.add_field(name=name, value="\n".join(chunk), inline=False)


# ---- what members see ----------------------------------------------------------------------------------


def _asked(embed: discord.Embed, part: int | None, question: str) -> discord.Embed:
    """In a reply to several questions, each embed says which one it answers (as its author line)."""
    if part is not None:
        embed.set_author(name=trim(f"{part}. {' '.join(question.split())}", AUTHOR_LIMIT))
    return embed


def fit(embed: discord.Embed) -> discord.Embed:
    """The last resort for Discord's 6,000-character total, which an answer near its 1,800-character limit
    citing many long sources can pass: shorten the description, ending in "…" (the sources stay: an
    answer is never shown without them). Refusing such entries would need the renderer in the validator."""
    excess = len(embed) - EMBED_TOTAL_LIMIT
    if excess > 0 and embed.description:
        embed.description = trim(embed.description, max(1, len(embed.description) - excess))
    return embed


def answer_embed(answer: Answer, part: int | None = None) -> discord.Embed:
    entry = answer.entry
    assert entry is not None, "answer_embed needs an answered Answer"
    shown = number_markers(entry.answer, [source.id for source in answer.citations])  # [1] beside each claim
    embed = discord.Embed(
        title=trim(entry.title, TITLE_LIMIT), description=trim(shown, DESCRIPTION_LIMIT), colour=ANSWER_COLOUR
    )
    _asked(embed, part, answer.question)
    sources = []
    for number, source in enumerate(answer.citations, 1):
        details = source_details(source)
        line = f"**[{number}]** [{discord.utils.escape_markdown(trim(source.title, CITED_TITLE_CHARS))}]({source.url})"
        sources.append(line + (f" — {discord.utils.escape_markdown(details)}" if details else ""))
    _lines_into_fields(embed, "Sources", sources)
    if answer.related:
        _lines_into_fields(embed, "Related questions", [f"• {r.title}" for r in answer.related])
    follow_up = f" · {FOLLOW_UP_NOTE} “{answer.context}”" if answer.context else ""
    embed.set_footer(text=trim(f"Confidence {answer.score:.0f}/100 · entry {entry.id}{follow_up}", FOOTER_LIMIT))
    return fit(embed)


def earlier_threads_embed(threads: Sequence[SolvedThread]) -> discord.Embed:
    """Earlier forum posts on a new post's subject that a person marked as solved: links, not answers."""
    lines = []
    for thread in threads:
        title = discord.utils.escape_markdown(trim(" ".join(thread.title.split()), CITED_TITLE_CHARS))
        solved = thread.solved_at[: len("2026-01-01")]
        helper = discord.utils.escape_markdown(trim(thread.helper, SUGGESTION_CHARS))
        lines.append(f"• [{title}]({thread.url}) — solution by {helper}, marked {solved}")
    embed = discord.Embed(
        title=EARLIER_THREADS_TITLE, description=trim("\n".join(lines), DESCRIPTION_LIMIT), colour=SUGGEST_COLOUR
    )
    return embed.set_footer(text=EARLIER_THREADS_NOTE)


def suggest_embed(answer: Answer, part: int | None = None) -> discord.Embed:
    lines = [f"**{n}.** {trim(c.entry.title, SUGGESTION_CHARS)}" for n, c in enumerate(answer.candidates, 1)]
    embed = discord.Embed(
        title=DID_YOU_MEAN, description="\n".join(lines) + f"\n\n{PICK_OR_REPHRASE}", colour=SUGGEST_COLOUR
    )
    return _asked(embed, part, answer.question)


def closest_embed(answer: Answer, part: int | None = None) -> discord.Embed:
    """The question names something no entry explains: said plainly, with the closest entries to pick from."""
    lines = [f"**{n}.** {trim(c.entry.title, SUGGESTION_CHARS)}" for n, c in enumerate(answer.candidates, 1)]
    embed = discord.Embed(
        title=trim(closest_title(answer.lacking), TITLE_LIMIT),
        description=f"{CLOSEST_INTRO}\n" + "\n".join(lines) + f"\n\n{PICK_OR_REPHRASE}",
        colour=SUGGEST_COLOUR,
    )
    return _asked(embed, part, answer.question)


def unanswered_embed(parts: Sequence[Answer]) -> discord.Embed:
    """The parts of a message the reply could not answer, named so the member knows (and queued for review)."""
    return _listed(UNANSWERED_TITLE, map(unanswered_line, (p.question for p in parts)), OFF_TOPIC_COLOUR)


def left_out_embed(parts: Sequence[Answer]) -> discord.Embed:
    """The answered parts of a message past the answers one reply shows, named so the member asks them again."""
    return _listed(LEFT_OUT_TITLE, map(left_out_line, (p.question for p in parts)), SUGGEST_COLOUR)


def _listed(title: str, lines: Iterable[str], colour: discord.Colour) -> discord.Embed:
    described = "\n".join(f"• {discord.utils.escape_markdown(line)}" for line in lines)
    return discord.Embed(title=title, description=trim(described, DESCRIPTION_LIMIT), colour=colour)


def no_subject_embed() -> discord.Embed:
    return discord.Embed(title=NO_SUBJECT_TITLE, description=NO_SUBJECT, colour=SUGGEST_COLOUR)


def off_topic_embed(answer: Answer, examples: Sequence[Entry] = ()) -> discord.Embed:
    topics = answer.topics[:TOPICS_IN_OFF_TOPIC]
    description = f"{OFF_TOPIC}." + (f" I know about: **{', '.join(topics)}**." if topics else "")
    if examples:
        description += "\n\nTry, for example:\n" + "\n".join(f"• {e.title}" for e in examples[:EXAMPLES_IN_OFF_TOPIC])
    return discord.Embed(title=OFF_TOPIC_TITLE, description=description, colour=OFF_TOPIC_COLOUR)


def how_to_embed() -> discord.Embed:
    return discord.Embed(title=HOW_TO_TITLE, description=HOW_TO, colour=ANSWER_COLOUR)


def _pages(title: str, lines: Sequence[str], per_page: int, empty: str, note: str = "") -> list[discord.Embed]:
    chunks = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    return [
        discord.Embed(
            title=trim(title, TITLE_LIMIT), description=("\n".join(chunk) or empty) + note, colour=ANSWER_COLOUR
        ).set_footer(text=f"Page {n} of {len(chunks)}")
        for n, chunk in enumerate(chunks, 1)
    ]


def topics_pages(topics: Sequence[tuple[str, int]]) -> list[discord.Embed]:
    """/topics without a topic: each topic, by the name members see, with its number of entries."""
    lines = [f"• **{name}** — {count} question{'s' * (count != 1)}" for name, count in topics]
    note = "\n\nUse `/topics tag:` to list a topic's questions, or just `/ask`."
    return _pages("What I know about", lines, TOPICS_PER_PAGE, "", note)


def tag_pages(name: str, entries: Sequence[Entry]) -> list[discord.Embed]:
    """/topics with a topic: the canonical questions filed under it (`name`: the topic as members see it)."""
    return _pages(
        f"Topic: {name}", [f"• {e.title}" for e in entries], QUESTIONS_PER_PAGE, "Nothing filed under this topic."
    )


def button_label(text: str) -> str:
    return trim(text, BUTTON_LABEL_LIMIT)


# ---- what moderators see (/kb) -------------------------------------------------------------------------


def why_text(answer: Answer, candidates: Sequence[Candidate], entry_id: str | None = None) -> str:
    """Which entries a question matches (its `answer`, and its best WHY_CANDIDATES `candidates`), with the
    phrasing that matched and the confidence."""
    lines = [f"Outcome: **{answer.status.value}** (confidence {answer.score:.0f})"]
    for c in candidates:
        mark = "→ " if c.entry.id == entry_id else ""
        lines.append(
            f"{mark}`{c.entry.id}` {c.score:.0f} — matched “{trim(c.matched_question, MATCHED_PHRASING_CHARS)}”"
        )
    if entry_id and entry_id not in {c.entry.id for c in candidates}:
        lines.append(f"`{entry_id}` is not among the best {WHY_CANDIDATES} for this question.")
    return trim("\n".join(lines), FIELD_VALUE_LIMIT)


def why_embed(question: str, answer: Answer, candidates: Sequence[Candidate]) -> discord.Embed:
    return discord.Embed(title=trim(f"Why: {question}", TITLE_LIMIT), description=why_text(answer, candidates))


def entry_embed(entry: Entry, why: str | None = None) -> discord.Embed:
    """/kb show: the entry as moderators need to see it, optionally with why a question matches it."""
    embed = discord.Embed(title=trim(entry.title, TITLE_LIMIT), description=trim(entry.answer, DESCRIPTION_LIMIT))
    questions = "\n".join(f"• {q}" for q in entry.questions)
    embed.add_field(name="Questions", value=trim(questions, FIELD_VALUE_LIMIT), inline=False)
    for name, values in (("Sources", entry.sources), ("Tags", entry.tags), ("Related", entry.related)):
        embed.add_field(name=name, value=trim(", ".join(values) or "none", FIELD_VALUE_LIMIT))
    dates = "".join(
        f" · {label} {value}"
        for label, value in (("reviewed", entry.reviewed), ("review by", entry.review_by))
        if value
    )
    embed.set_footer(text=trim(f"{entry.id} · {entry.file.rsplit('/', 1)[-1]}:{entry.line}{dates}", FOOTER_LIMIT))
    if why:
        embed.add_field(name="Why", value=why, inline=False)
    return embed


DUE_SHOWN = 25  # entries listed in a review reminder: a long backlog shows its first page and a count


def due_embed(entries: Sequence[Entry], today: dt.date, title: str) -> discord.Embed:
    """/kb stale and the weekly digest: entries whose facts need checking, the overdue first."""
    lines = []
    for entry in entries[:DUE_SHOWN]:
        when = entry.review_by
        state = "no review date" if when is None else ("overdue since" if when < today else "due") + f" {when}"
        lines.append(f"• `{entry.id}` — {trim(entry.title, SUGGESTION_CHARS)} ({state})")
    more = f"\n…and {len(entries) - DUE_SHOWN} more." if len(entries) > DUE_SHOWN else ""
    description = "\n".join(lines) + more if lines else "Nothing is due: every entry's facts were checked in time."
    embed = discord.Embed(title=title, description=trim(description, DESCRIPTION_LIMIT), colour=REVIEW_COLOUR)
    return embed.set_footer(text="Check each against its sources, then edit it with a new review-by date.")


def compact_diff(row: AuditRow, limit: int = DIFF_CHARS) -> str:
    """The lines an edit removed and added, each change showing a few of each (a long answer rewritten shows
    its first lines going and the new ones coming, not 800 characters of what went)."""
    shown: list[str] = []
    before, after = entry_lines(row.before), entry_lines(row.after)
    for group in difflib.SequenceMatcher(None, before, after).get_grouped_opcodes(0):
        for _, i1, i2, j1, j2 in group:
            for sign, lines in (("-", before[i1:i2]), ("+", after[j1:j2])):
                shown += [trim(f"{sign}{line}", DIFF_LINE_CHARS) for line in lines[:DIFF_LINES_EACH]]
                if len(lines) > DIFF_LINES_EACH:
                    shown.append(f"{sign} … {len(lines) - DIFF_LINES_EACH} more line(s)")
    return trim("\n".join(shown) or "(no change)", limit)


def history_embed(rows: Sequence[AuditRow], entry_id: str | None) -> discord.Embed:
    embed = discord.Embed(title=trim(f"History{f' of {entry_id}' if entry_id else ''}", TITLE_LIMIT))
    for row in rows:
        when = discord.utils.format_dt(discord.utils.parse_time(row.at), "R")
        undone = " (undone)" if row.undone else ""
        # a fenced diff plus the who/when line must fit one field: leave room for both
        diff = compact_diff(row, FIELD_VALUE_LIMIT - 100)
        embed.add_field(
            name=trim(f"{row.action} {row.entry_id}{undone}", FIELD_NAME_LIMIT),
            value=trim(f"<@{row.user_id}> {when}\n```diff\n{diff}\n```", FIELD_VALUE_LIMIT),
            inline=False,
        )
    return embed


def stats_embed(stats: Stats) -> discord.Embed:
    embed = discord.Embed(title="Knowledge base stats")
    asked = "\n".join(f"`{entry}` — {count}" for entry, count in stats.most_asked) or "nothing yet"
    by_downvotes = sorted(stats.votes.items(), key=lambda kv: kv[1][1], reverse=True)
    votes = "\n".join(f"`{entry}` — 👍 {up} · 👎 {down}" for entry, (up, down) in by_downvotes[:10]) or "no votes yet"
    embed.add_field(name="Most asked", value=trim(asked, FIELD_VALUE_LIMIT), inline=False)
    embed.add_field(name="Votes", value=trim(votes, FIELD_VALUE_LIMIT), inline=False)
    embed.add_field(name="Waiting for review", value=str(stats.unanswered_open), inline=False)
    return embed


def review_embed(item: ReviewItem, position: int, total: int) -> discord.Embed:
    if item.thread is not None:
        return _solved_thread_review(item.thread, position, total)
    embed = discord.Embed(
        title=f"Review {position + 1} of {total}",
        description=trim(f"**{discord.utils.escape_markdown(item.question)}**", DESCRIPTION_LIMIT),
        colour=REVIEW_COLOUR,
    )
    score = f" ({item.best_score:.0f})" if item.best_score is not None else ""
    embed.add_field(name="Asked", value=f"{item.count} time(s), last {item.last_at}", inline=True)
    embed.add_field(name="Why here", value=item.reason.value, inline=True)
    embed.add_field(name="Best match", value=f"{item.best_entry or 'none'}{score}", inline=True)
    if item.link:
        embed.add_field(name="Last asked in", value=item.link, inline=False)
    return embed


REVIEWED_ANSWER_CHARS = 900  # of a marked solution, in the review (the form holds all of it)


def _solved_thread_review(thread: SolvedThread, position: int, total: int) -> discord.Embed:
    """A solved thread as a candidate entry: the post, the reply marked as its solution, and the link."""
    question = discord.utils.escape_markdown(thread.question)
    embed = discord.Embed(
        title=trim(f"Review {position + 1} of {total}: a solved thread", TITLE_LIMIT),
        description=trim(f"**{discord.utils.escape_markdown(thread.title)}**\n{question}", DESCRIPTION_LIMIT),
        colour=REVIEW_COLOUR,
        url=thread.url,
    )
    embed.add_field(
        name=trim(f"Marked as the solution (by {thread.helper})", FIELD_NAME_LIMIT),
        value=trim(discord.utils.escape_markdown(thread.answer), REVIEWED_ANSWER_CHARS),
        inline=False,
    )
    embed.add_field(
        name="Source", value=trim(f"{thread.url} — {thread.publisher}, {thread.solved_at[:10]}", FIELD_VALUE_LIMIT)
    )
    return embed.set_footer(text="New entry: a form with its questions, this answer and the thread as the source.")
