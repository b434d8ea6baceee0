"""The /kb commands. Each one acknowledges at once ("thinking…", private), then validates through the store,
saves, re-indexes and audits off the event loop, and answers the moderator in a private follow-up. Only the
commands that open a form answer with the form itself (a form must be the first response)."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from ....core.engine import Engine
from ....core.loader import MAX_QUESTION_CHARS, due_for_review
from ....core.models import Answer, Candidate, Entry
from ....core.store import Audit, EditAction, EditConflict, EditRefused, EditResult
from ....core.versions import entry_version
from ....render.embeds import (
    CHOICE_NAME_LIMIT,
    CHOICES,
    WHY_CANDIDATES,
    due_embed,
    entry_embed,
    history_embed,
    stats_embed,
    trim,
    why_embed,
    why_text,
)
from ....runtime import RuntimeDataUnavailable
from ...client import FaqBot
from ...servers import curation_refusal, joined_servers
from ._checks import (
    NOT_RECORDED,
    UNAVAILABLE,
    conflict_text,
    failure_text,
    is_moderator,
    problems_text,
    refusal_text,
    refused,
    tell,
    thinking,
    typed_file,
)
from ._forms import EntryForm, SourceForm
from ._links import LinkChecks
from ._views import ConfirmRemove, ReviewView

log = logging.getLogger(__name__)

# The weekly digest: Mondays at 09:00 UTC (the start of a working week in Europe), entries due in two weeks.
DIGEST_WEEKDAY = 0
DIGEST_TIME = dt.time(9, 0, tzinfo=dt.UTC)
DIGEST_AHEAD = dt.timedelta(days=14)


@dataclass(frozen=True)
class Saved:
    result: EditResult
    done: str  # "Added a phrasing to `x` (file)."
    notes: tuple[str, ...]  # warnings, and whether the history has it

    @property
    def text(self) -> str:
        return "\n".join((self.done, *self.notes))


HISTORY_ROWS = 8
TYPED_FILE = "what-you-typed"
QUOTED_TITLE_CHARS = 200
DONE = {
    EditAction.ADD: "Added",
    EditAction.EDIT: "Saved",
    EditAction.ALIAS: "Added a phrasing to",
    EditAction.REMOVE: "Removed",
    EditAction.SOURCE: "Added source",
    EditAction.UNDO: "Reverted",
}


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Kb(LinkChecks, commands.GroupCog, group_name="kb", group_description="Moderators: curate the knowledge base"):
    def __init__(self, bot: FaqBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[FaqBot]) -> bool:  # type: ignore[override]
        return not await refused(interaction)

    async def cog_app_command_error(
        self,
        interaction: discord.Interaction[FaqBot],  # type: ignore[override]
        error: app_commands.AppCommandError,
    ) -> None:
        if isinstance(error, app_commands.CheckFailure):
            return  # interaction_check has already told the member why
        if isinstance(getattr(error, "original", None), RuntimeDataUnavailable):
            await tell(interaction, UNAVAILABLE)  # RuntimeData has logged the outage once
            return
        log.error("/kb failed", exc_info=error)
        await tell(interaction, failure_text(interaction))

    async def apply(
        self,
        interaction: discord.Interaction[FaqBot],
        operation: Callable[..., EditResult],
        *args: Any,
        undoes: int | None = None,
        resolves: str | None = None,
        announce: bool = True,
        conflict: Callable[[EditConflict], str] | None = None,
        typed: str | None = None,
        **options: Any,
    ) -> Saved | None:
        """Run one store edit off the event loop, audited as one operation in the same step (marking the
        operation it `undoes` and closing the review item it `resolves`), and tell the moderator what happened
        — unless `announce` is False: the caller shows `Saved.text` its own way. The interaction must already
        be acknowledged. None if nothing was saved: then the moderator is told why (`conflict` words an edit
        made from an older version) and gets back what they `typed`. `options` go to the store operation
        (expected=VERSION)."""
        audit = Audit(interaction.user.id, undoes=undoes, resolves=resolves)
        try:
            result = await asyncio.to_thread(functools.partial(operation, *args, audit=audit, **options))
        except EditConflict as changed:
            words = (conflict or _conflict_text)(changed)
            await tell(interaction, words + _attached(typed), **typed_file(typed, TYPED_FILE))
            return None
        except EditRefused as refused:
            await tell(interaction, refusal_text(refused) + _attached(typed), **typed_file(typed, TYPED_FILE))
            return None
        except OSError as error:  # disk full, permissions, another process's long save: the old file stays
            log.exception("saving the knowledge failed")
            await tell(interaction, f"Could not save ({error.strerror or error}); the knowledge files are unchanged.")
            return None
        interaction.extras["saved"] = result  # from here on, nothing may tell the moderator "unchanged"
        notes = [f"⚠️ {warning}" for warning in result.warnings]
        if not result.recorded:  # the history could not be written (retried already); the edit stays saved
            notes.append(NOT_RECORDED)
        done = f"{DONE.get(result.action, result.action.value)} `{result.entry_id}` ({Path(result.file).name})."
        if result.added_sources:
            done += " With the source " + ", ".join(f"`{step.entry_id}`" for step in result.added_sources) + "."
        saved = Saved(result, done, tuple(notes))
        if announce:
            await tell(interaction, saved.text)
        return saved

    async def entry_autocomplete(
        self, interaction: discord.Interaction[FaqBot], current: str
    ) -> list[app_commands.Choice[str]]:
        if not is_moderator(interaction):  # discord.py runs no check before autocomplete
            return []
        matches = await asyncio.to_thread(_entries_matching, self.bot.engine, current)
        return [app_commands.Choice(name=trim(f"{e.id} — {e.title}", CHOICE_NAME_LIMIT), value=e.id) for e in matches]

    async def _entry_or_tell(self, interaction: discord.Interaction[FaqBot], entry_id: str) -> Entry | None:
        found = self.bot.engine.entry(entry_id.strip())
        if found is None:
            await tell(interaction, f"No entry `{entry_id}`.")
        return found

    @app_commands.command(name="add", description="Add an entry (opens a form)")
    @app_commands.describe(
        entry_id="Optional: the new entry's id, a slug like eu-drone-wall (else made from its question)"
    )
    async def add(self, interaction: discord.Interaction[FaqBot], entry_id: str = "") -> None:
        await interaction.response.send_modal(EntryForm(self, interaction.user.id, new_id=entry_id))

    @app_commands.command(name="edit", description="Edit an entry (opens the form, prefilled)")
    @app_commands.describe(entry="The entry to edit")
    async def edit(self, interaction: discord.Interaction[FaqBot], entry: str) -> None:
        found = await self._entry_or_tell(interaction, entry)
        if found is not None:
            await interaction.response.send_modal(EntryForm(self, interaction.user.id, existing=found))

    @app_commands.command(name="alias", description="Add another phrasing to an entry")
    @app_commands.describe(entry="The entry", question="The new phrasing, as members ask it")
    async def alias(
        self,
        interaction: discord.Interaction[FaqBot],
        entry: str,
        question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
    ) -> None:
        await thinking(interaction)
        await self.apply(interaction, self.bot.store.add_alias, entry.strip(), question)

    @app_commands.command(name="remove", description="Remove an entry (asks to confirm)")
    @app_commands.describe(entry="The entry to remove")
    async def remove(self, interaction: discord.Interaction[FaqBot], entry: str) -> None:
        await thinking(interaction)
        found = await self._entry_or_tell(interaction, entry)
        if found is None:
            return
        linking = await asyncio.to_thread(_linking_to, self.bot.engine, found.id)
        note = f"\nThese entries link to it; the links will be removed too: {', '.join(linking)}" if linking else ""
        title = trim(found.title, QUOTED_TITLE_CHARS)
        await tell(interaction, f"Remove `{found.id}` — “{title}”?{note}", view=ConfirmRemove(self, found))

    source = app_commands.Group(name="source", description="Sources entries can cite")

    @source.command(name="add", description="Add a source (opens a form)")
    async def source_add(self, interaction: discord.Interaction[FaqBot]) -> None:
        await interaction.response.send_modal(SourceForm(self, interaction.user.id))

    @app_commands.command(name="show", description="Show an entry, or why a question matches it")
    @app_commands.describe(entry="The entry", question="Optional: show how this question matches the entry")
    async def show(self, interaction: discord.Interaction[FaqBot], entry: str, question: str | None = None) -> None:
        await thinking(interaction)
        found = await self._entry_or_tell(interaction, entry)
        if found is None:
            return
        why = why_text(*await asyncio.to_thread(_matched, self.bot.engine, question), found.id) if question else None
        await tell(interaction, embed=entry_embed(found, why))

    @app_commands.command(name="why", description="Which entries a question matches, with phrasings and scores")
    async def why(self, interaction: discord.Interaction[FaqBot], question: str) -> None:
        await thinking(interaction)
        matched = await asyncio.to_thread(_matched, self.bot.engine, question)
        await tell(interaction, embed=why_embed(question, *matched))

    @app_commands.command(name="history", description="Recent changes: who, when, what")
    @app_commands.describe(entry="Only this entry's changes")
    async def history(self, interaction: discord.Interaction[FaqBot], entry: str | None = None) -> None:
        await thinking(interaction)
        entry_id = entry.strip() if entry else None
        rows = await self.bot.runtime_call(self.bot.runtime.history, entry_id, limit=HISTORY_ROWS)
        if not rows:
            await tell(interaction, "No changes recorded yet.")
            return
        await tell(interaction, embed=history_embed(rows, entry_id))

    @app_commands.command(name="undo", description="Revert an entry's last change")
    @app_commands.describe(entry="The entry whose last change to revert")
    async def undo(self, interaction: discord.Interaction[FaqBot], entry: str) -> None:
        await thinking(interaction)
        row = await self.bot.runtime_call(self.bot.runtime.last_change, entry.strip())
        if row is None:
            await tell(interaction, f"No change to undo for `{entry}`.")
            return
        relink: tuple[Entry, ...] = ()
        if row.action is EditAction.REMOVE:  # the related links the removal took away come back with it
            steps = await self.bot.runtime_call(self.bot.runtime.operation_rows, row.operation)
            relink = tuple(s.before for s in steps if s.action is EditAction.UNLINK and s.before is not None)
        # Undo only what the history knows: if the entry is not as the audited change left it (a hand edit, or a
        # save the history could not record), restoring the older text would silently drop that change.
        await self.apply(
            interaction,
            self.bot.store.restore_entry,
            row.entry_id,
            row.before,
            row.file,
            expected=entry_version(row.after),
            relink=relink,
            undoes=row.operation,
            conflict=lambda changed: conflict_text(
                changed,
                row.after,
                "its last recorded change",
                "That was a hand edit or a save the history could not record; undoing would lose it. "
                "Change it with `/kb edit` instead.",
                verb="undone",
            ),
        )

    @app_commands.command(name="review", description="Questions the bot could not answer, most frequent first")
    async def review(self, interaction: discord.Interaction[FaqBot]) -> None:
        await thinking(interaction)
        items = await self.bot.runtime_call(self.bot.runtime.review_queue)
        if not items:
            await tell(interaction, "Nothing to review: every recent question was answered confidently.")
            return
        view = await ReviewView.build(self, items)
        await tell(interaction, embed=view.embed(), view=view)

    @app_commands.command(name="reload", description="Re-read the knowledge files after hand edits")
    async def reload(self, interaction: discord.Interaction[FaqBot]) -> None:
        await thinking(interaction)
        try:
            result = await asyncio.to_thread(self.bot.store.reload)
        except EditRefused as refused:
            await tell(
                interaction, problems_text("Not reloaded — the previous knowledge stays live:", refused, full=True)
            )
            return
        knowledge = result.knowledge
        warnings = f", {len(result.problems)} warning(s)" if result.problems else ""
        await tell(
            interaction, f"Reloaded: {len(knowledge.entries)} entries, {len(knowledge.sources)} sources{warnings}."
        )

    @app_commands.command(name="stale", description="Entries whose facts are due for checking against their sources")
    async def stale(self, interaction: discord.Interaction[FaqBot]) -> None:
        today = dt.datetime.now(dt.UTC).date()
        due = due_for_review(self.bot.engine.knowledge, today)
        await tell(interaction, embed=due_embed(due, today, f"Due for review on {today}: {len(due)}"))

    @tasks.loop(time=DIGEST_TIME)
    async def weekly_digest(self) -> None:
        if dt.datetime.now(dt.UTC).weekday() == DIGEST_WEEKDAY:
            await self.send_review_digest(dt.datetime.now(dt.UTC).date())

    async def send_review_digest(self, today: dt.date) -> bool:
        """Post the entries due within DIGEST_AHEAD (and the overdue) to the moderators' channel, if set."""
        config = self.bot.config.discord
        channel = self.bot.get_channel(config.review_digest_channel_id) if config.review_digest_channel_id else None
        if not isinstance(channel, discord.abc.Messageable):
            return False
        guild = getattr(channel, "guild", None)
        if curation_refusal(config, guild.id if guild else None, joined_servers(self.bot, config)):
            log.warning("no review digest: its channel is not in a server that curates the knowledge (servers.py)")
            return False
        due = due_for_review(self.bot.engine.knowledge, today + DIGEST_AHEAD)
        title = f"Weekly review digest: {len(due)} entr{'y' if len(due) == 1 else 'ies'} due by {today + DIGEST_AHEAD}"
        await channel.send(embed=due_embed(due, today, title))
        if self.bot.config.discord.review_digest_links:
            await self.send_link_report(channel, "Weekly link check")
        return True

    async def cog_load(self) -> None:
        if self.bot.config.discord.review_digest_channel_id:
            self.weekly_digest.start()

    async def cog_unload(self) -> None:
        self.weekly_digest.cancel()
        if self._running_check is not None:  # a link check still running when the bot stops
            self._running_check.cancel()

    @app_commands.command(name="stats", description="Most asked entries, votes, unanswered questions")
    async def stats(self, interaction: discord.Interaction[FaqBot]) -> None:
        await thinking(interaction)
        await tell(interaction, embed=stats_embed(await self.bot.runtime_call(self.bot.runtime.stats)))

    for _command in (edit, alias, remove, show, undo, history):
        _command.autocomplete("entry")(entry_autocomplete)
    del _command


def _conflict_text(conflict: EditConflict) -> str:
    return conflict_text(conflict, None, "this edit was started", "Look at it again and redo the change.")


def _attached(typed: str | None) -> str:
    return "\nWhat you typed is attached, so nothing is lost." if typed is not None else ""


def _matched(engine: Engine, question: str) -> tuple[Answer, list[Candidate]]:
    """What /kb why and /kb show explain: the question's outcome and its best WHY_CANDIDATES entries."""
    return engine.ask(question), engine.candidates(question, WHY_CANDIDATES)


def _entries_matching(engine: Engine, current: str) -> list[Entry]:
    """Entries whose id or title contains what was typed, else the best matches for it (a worker thread:
    a scan of a large knowledge base must not hold up the event loop)."""
    needle = current.strip().lower()
    matches = [e for e in engine.knowledge.entries if needle in e.id or needle in e.title.lower()]
    if not matches and needle:
        matches = [c.entry for c in engine.candidates(current, CHOICES)]
    return matches[:CHOICES]


def _linking_to(engine: Engine, entry_id: str) -> list[str]:
    return [e.id for e in engine.knowledge.entries if entry_id in e.related]
