"""/kb: moderators curate the knowledge from Discord. Every change goes through bot.core.store (the
same validator as `python -m bot check`, atomic saves) and is audited in bot.core.runtime_data."""

from __future__ import annotations

import asyncio
import difflib
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from ..client import FaqBot
from ..core.loader import MAX_ANSWER_CHARS
from ..core.models import Entry
from ..core.runtime_data import AuditRow, ReviewItem
from ..core.store import EditRefused, EditResult, entry_record, parse_entry_form, record_lines, slug_from
from ..render import DESCRIPTION_LIMIT, FIELD_VALUE_LIMIT, trim

log = logging.getLogger(__name__)
NO_PINGS = discord.AllowedMentions.none()
REFUSAL = "Only moderators (the configured moderator roles, or Manage Server) can change the knowledge."


def is_moderator(interaction: discord.Interaction[FaqBot]) -> bool:
    """The real guard (Discord's default_permissions is only a hint a server can override)."""
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    if interaction.permissions.manage_guild:  # as Discord resolved them for this member, in this channel
        return True
    allowed = set(interaction.client.config.discord.moderator_role_ids)
    return any(role.id in allowed for role in member.roles)


async def tell(interaction: discord.Interaction[Any], text: str = "", **kwargs: Any) -> None:
    """An ephemeral reply, whether or not the interaction was already answered."""
    kwargs = {"ephemeral": True, "allowed_mentions": NO_PINGS, **kwargs}
    if text:
        kwargs["content"] = trim(text, 2000)
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


def refusal_text(refused: EditRefused) -> str:
    lines = [f"• {trim(str(p) if isinstance(p, str) else _short(p), 300)}" for p in refused.problems[:10]]
    return "Not saved — the knowledge files are unchanged:\n" + "\n".join(lines)


def _short(problem: Any) -> str:
    key = f"{problem.key}: " if problem.key else ""
    return f"{key}{problem.message}"


def compact_diff(row: AuditRow, limit: int = 700) -> str:
    changed = [
        line
        for line in difflib.unified_diff(record_lines(row.before), record_lines(row.after), lineterm="", n=0)
        if not line.startswith(("---", "+++", "@@"))
    ]
    return trim("\n".join(changed) or "(no change)", limit)


class EntryForm(discord.ui.Modal):
    """Add or edit an entry: questions one per line, the answer, source ids, tags."""

    def __init__(self, cog: Kb, existing: dict[str, Any] | None = None, first_question: str = "") -> None:
        super().__init__(
            title="Edit entry" if existing else "New entry",
            timeout=900,
            custom_id=f"kb:form:{existing['id'] if existing else 'new'}",
        )
        self.cog, self.existing = cog, existing
        self.entry_id = discord.ui.TextInput(
            label="Entry id (optional for new entries)",
            required=False,
            max_length=80,
            custom_id="kb:id",
            default=existing["id"] if existing else None,
        )
        self.questions = discord.ui.TextInput(
            label="Questions, one per line (first = title)",
            style=discord.TextStyle.paragraph,
            max_length=4000,
            custom_id="kb:questions",
            default="\n".join(existing["questions"]) if existing else (first_question or None),
        )
        self.answer = discord.ui.TextInput(
            label=f"Answer (markdown, at most {MAX_ANSWER_CHARS} characters)",
            style=discord.TextStyle.paragraph,
            max_length=4000,
            required=False,
            custom_id="kb:answer",
            default=existing["answer"] if existing else None,
        )
        self.sources = discord.ui.TextInput(
            label="Source ids, comma-separated",
            required=False,
            max_length=1000,
            custom_id="kb:sources",
            default=", ".join(existing.get("sources", [])) if existing else None,
        )
        self.tags = discord.ui.TextInput(
            label="Tags, comma-separated",
            required=False,
            max_length=300,
            custom_id="kb:tags",
            default=", ".join(existing.get("tags", [])) if existing else None,
        )
        for item in (self.entry_id, self.questions, self.answer, self.sources, self.tags):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction[FaqBot]) -> None:
        if not is_moderator(interaction):
            await tell(interaction, REFUSAL)
            return
        store = interaction.client.store
        questions = str(self.questions.value)
        entry_id = str(self.entry_id.value).strip()
        if not entry_id and not self.existing:
            first = next((q for q in questions.splitlines() if q.strip()), "")
            entry_id = slug_from(first, lambda candidate: store.engine.entry(candidate) is not None)
        related = tuple(self.existing.get("related", ())) if self.existing else ()
        record = parse_entry_form(
            entry_id, questions, str(self.answer.value), str(self.sources.value), str(self.tags.value), related
        )
        if self.existing:
            await self.cog.apply(interaction, store.replace_entry, self.existing["id"], record)
        else:
            await self.cog.apply(interaction, store.add_entry, record)


class SourceForm(discord.ui.Modal, title="New source"):
    source_id = discord.ui.TextInput(
        label="Source id (a slug like eda-report-2025)", max_length=80, custom_id="kb:source-id"
    )
    source_title = discord.ui.TextInput(label="Title", max_length=300, custom_id="kb:source-title")
    url = discord.ui.TextInput(label="URL (http or https)", max_length=1000, custom_id="kb:source-url")
    publisher = discord.ui.TextInput(label="Publisher", max_length=200, custom_id="kb:source-publisher")
    date = discord.ui.TextInput(label="Date (2025-05-27, 2025-05 or 2025)", max_length=10, custom_id="kb:source-date")

    def __init__(self, cog: Kb) -> None:
        super().__init__(timeout=900, custom_id="kb:source-form")
        self.cog = cog

    async def on_submit(self, interaction: discord.Interaction[FaqBot]) -> None:
        if not is_moderator(interaction):
            await tell(interaction, REFUSAL)
            return
        record = {
            "id": str(self.source_id.value).strip(),
            "title": str(self.source_title.value).strip(),
            "url": str(self.url.value).strip(),
            "publisher": str(self.publisher.value).strip(),
            "date": str(self.date.value).strip(),
        }
        await self.cog.apply(interaction, interaction.client.store.add_source, record)


class ModeratorView(discord.ui.View):
    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if not is_moderator(interaction):
            await tell(interaction, REFUSAL)
            return False
        return True


class ConfirmRemove(ModeratorView):
    def __init__(self, cog: Kb, entry_id: str) -> None:
        super().__init__(timeout=300)
        self.cog, self.entry_id = cog, entry_id

    @discord.ui.button(label="Remove", style=discord.ButtonStyle.danger, custom_id="kb:remove:confirm")
    async def confirm(self, interaction: discord.Interaction[FaqBot], button: discord.ui.Button[Any]) -> None:
        self.stop()
        await self.cog.apply(interaction, interaction.client.store.remove_entry, self.entry_id)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="kb:remove:cancel")
    async def cancel(self, interaction: discord.Interaction[FaqBot], button: discord.ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(content="Nothing removed.", view=None, allowed_mentions=NO_PINGS)


class ReviewView(ModeratorView):
    """One queued question at a time: add it as a phrasing of an entry, start a new entry, or dismiss."""

    def __init__(self, cog: Kb, items: list[ReviewItem], position: int = 0) -> None:
        super().__init__(timeout=900)
        self.cog, self.items, self.position = cog, items, position
        item = items[position]
        candidates = cog.bot.engine.index.search(item.question, 25) if item.question.strip() else []
        options = [
            discord.SelectOption(
                label=trim(c.entry.title, 100), value=c.entry.id, description=trim(f"{c.entry.id} · {c.score:.0f}", 100)
            )
            for c in candidates
        ]
        if options:
            select = discord.ui.Select(
                placeholder="Add as a phrasing of…", options=options, custom_id="kb:review:alias"
            )
            select.callback = self.add_as_phrasing  # type: ignore[method-assign]
            self.add_item(select)
            self.select = select

    def embed(self) -> discord.Embed:
        item = self.items[self.position]
        embed = discord.Embed(
            title=f"Review {self.position + 1} of {len(self.items)}",
            description=trim(f"**{discord.utils.escape_markdown(item.question)}**", 1000),
            colour=discord.Colour.orange(),
        )
        embed.add_field(name="Asked", value=f"{item.count} time(s), last {item.last_at}", inline=True)
        score = f" ({item.best_score:.0f})" if item.best_score >= 0 else ""
        embed.add_field(name="Why here", value=item.reason, inline=True)
        embed.add_field(name="Best match", value=f"{item.best_entry or 'none'}{score}", inline=True)
        return embed

    async def _advance(self, interaction: discord.Interaction[FaqBot], note: str) -> None:
        remaining = [i for n, i in enumerate(self.items) if n != self.position]
        if not remaining:
            await interaction.response.edit_message(
                content=f"{note}\nThe review queue is empty.", embed=None, view=None, allowed_mentions=NO_PINGS
            )
            return
        view = ReviewView(self.cog, remaining, min(self.position, len(remaining) - 1))
        await interaction.response.edit_message(content=note, embed=view.embed(), view=view, allowed_mentions=NO_PINGS)

    async def add_as_phrasing(self, interaction: discord.Interaction[FaqBot]) -> None:
        item = self.items[self.position]
        entry_id = self.select.values[0]
        try:
            result = await asyncio.to_thread(interaction.client.store.add_alias, entry_id, item.question)
        except EditRefused as refused:
            await tell(interaction, refusal_text(refused))
            return
        interaction.client.runtime.record_edit(result, interaction.user.id)
        interaction.client.runtime.close_review(item.question_key, "resolved")
        await self._advance(interaction, f"Added “{trim(item.question, 200)}” as a phrasing of `{entry_id}`.")

    @discord.ui.button(label="New entry", style=discord.ButtonStyle.primary, custom_id="kb:review:new", row=1)
    async def new_entry(self, interaction: discord.Interaction[FaqBot], button: discord.ui.Button[Any]) -> None:
        item = self.items[self.position]
        interaction.client.runtime.close_review(item.question_key, "resolved")
        await interaction.response.send_modal(EntryForm(self.cog, first_question=item.question))

    @discord.ui.button(label="Dismiss", style=discord.ButtonStyle.secondary, custom_id="kb:review:dismiss", row=1)
    async def dismiss(self, interaction: discord.Interaction[FaqBot], button: discord.ui.Button[Any]) -> None:
        item = self.items[self.position]
        interaction.client.runtime.close_review(item.question_key, "dismissed")
        await self._advance(interaction, "Dismissed.")

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary, custom_id="kb:review:next", row=1)
    async def next_item(self, interaction: discord.Interaction[FaqBot], button: discord.ui.Button[Any]) -> None:
        view = ReviewView(self.cog, self.items, (self.position + 1) % len(self.items))
        await interaction.response.edit_message(embed=view.embed(), view=view, allowed_mentions=NO_PINGS)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Kb(commands.GroupCog, group_name="kb", group_description="Moderators: curate the knowledge base"):
    def __init__(self, bot: FaqBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[FaqBot]) -> bool:  # type: ignore[override]
        if is_moderator(interaction):
            return True
        await tell(interaction, REFUSAL)
        return False

    async def cog_app_command_error(
        self, interaction: discord.Interaction[FaqBot], error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CheckFailure):
            return  # interaction_check has already told the member why
        log.error("/kb failed", exc_info=error)
        await tell(interaction, "Something went wrong; the knowledge files are unchanged.")

    async def apply(self, interaction: discord.Interaction[FaqBot], operation: Any, *args: Any) -> EditResult | None:
        """Run one store edit off the event loop, audit it, and tell the moderator what happened."""
        try:
            result: EditResult = await asyncio.to_thread(operation, *args)
        except EditRefused as refused:
            await tell(interaction, refusal_text(refused))
            return None
        except OSError as error:  # disk full, permissions...: the atomic save left the old file in place
            log.exception("saving the knowledge failed")
            await tell(interaction, f"Could not save ({error.strerror or error}); the knowledge files are unchanged.")
            return None
        self.bot.runtime.record_edit(result, interaction.user.id)
        verb = {
            "add": "Added",
            "edit": "Saved",
            "alias": "Added a phrasing to",
            "remove": "Removed",
            "source": "Added source",
            "undo": "Reverted",
        }.get(result.action, result.action)
        lines = [f"{verb} `{result.entry_id}` ({result.file.rsplit('/', 1)[-1]})."]
        lines += [f"⚠️ {w}" for w in result.warnings]
        await tell(interaction, "\n".join(lines))
        return result

    async def entry_autocomplete(
        self, interaction: discord.Interaction[FaqBot], current: str
    ) -> list[app_commands.Choice[str]]:
        engine = self.bot.engine
        needle = current.strip().lower()
        matches = [e for e in engine.knowledge.entries if needle in e.id or needle in e.title.lower()]
        if not matches and needle:
            matches = [c.entry for c in engine.index.search(current, 25)]
        return [app_commands.Choice(name=trim(f"{e.id} — {e.title}", 100), value=e.id) for e in matches[:25]]

    async def _entry_or_tell(self, interaction: discord.Interaction[FaqBot], entry_id: str) -> Entry | None:
        found = self.bot.engine.entry(entry_id.strip())
        if found is None:
            await tell(interaction, f"No entry `{entry_id}`.")
        return found

    @app_commands.command(name="add", description="Add an entry (opens a form)")
    async def add(self, interaction: discord.Interaction[FaqBot]) -> None:
        await interaction.response.send_modal(EntryForm(self))

    @app_commands.command(name="edit", description="Edit an entry (opens the form, prefilled)")
    @app_commands.describe(entry="The entry to edit")
    async def edit(self, interaction: discord.Interaction[FaqBot], entry: str) -> None:
        found = await self._entry_or_tell(interaction, entry)
        if found is None:
            return
        await interaction.response.send_modal(EntryForm(self, existing=entry_record(found)))

    @app_commands.command(name="alias", description="Add another phrasing to an entry")
    @app_commands.describe(entry="The entry", question="The new phrasing, as members ask it")
    async def alias(self, interaction: discord.Interaction[FaqBot], entry: str, question: str) -> None:
        others = self.bot.store.colliding_entries(question, entry.strip())
        result = await self.apply(interaction, self.bot.store.add_alias, entry.strip(), question)
        if result is not None and others:
            await tell(interaction, f"⚠️ The same phrasing also belongs to: {', '.join(others)}")

    @app_commands.command(name="remove", description="Remove an entry (asks to confirm)")
    @app_commands.describe(entry="The entry to remove")
    async def remove(self, interaction: discord.Interaction[FaqBot], entry: str) -> None:
        found = await self._entry_or_tell(interaction, entry)
        if found is None:
            return
        linking = [e.id for e in self.bot.engine.knowledge.entries if found.id in e.related]
        note = f"\nThese entries link to it; the links will be removed too: {', '.join(linking)}" if linking else ""
        await tell(
            interaction, f"Remove `{found.id}` — “{trim(found.title, 200)}”?{note}", view=ConfirmRemove(self, found.id)
        )

    source = app_commands.Group(name="source", description="Sources entries can cite")

    @source.command(name="add", description="Add a source (opens a form)")
    async def source_add(self, interaction: discord.Interaction[FaqBot]) -> None:
        await interaction.response.send_modal(SourceForm(self))

    @app_commands.command(name="show", description="Show an entry, or why a question matches it")
    @app_commands.describe(entry="The entry", question="Optional: show how this question matches the entry")
    async def show(self, interaction: discord.Interaction[FaqBot], entry: str, question: str | None = None) -> None:
        found = await self._entry_or_tell(interaction, entry)
        if found is None:
            return
        embed = discord.Embed(title=trim(found.title, 256), description=trim(found.answer, DESCRIPTION_LIMIT))
        embed.add_field(
            name="Questions", value=trim("\n".join(f"• {q}" for q in found.questions), FIELD_VALUE_LIMIT), inline=False
        )
        embed.add_field(name="Sources", value=trim(", ".join(found.sources) or "none", FIELD_VALUE_LIMIT))
        embed.add_field(name="Tags", value=trim(", ".join(found.tags) or "none", FIELD_VALUE_LIMIT))
        embed.add_field(name="Related", value=trim(", ".join(found.related) or "none", FIELD_VALUE_LIMIT))
        embed.set_footer(
            text=f"{found.id} · {found.file.rsplit('/', 1)[-1]}:{found.line}"
            + (f" · reviewed {found.reviewed}" if found.reviewed else "")
        )
        if question:
            embed.add_field(name="Why", value=self._why(question, found.id), inline=False)
        await tell(interaction, embed=embed)

    def _why(self, question: str, entry_id: str | None = None) -> str:
        candidates = self.bot.engine.index.search(question, 5)
        answer = self.bot.engine.ask(question)
        lines = [f"Outcome: **{answer.status.value}** (confidence {answer.score:.0f})"]
        for c in candidates:
            mark = "→ " if c.entry.id == entry_id else ""
            lines.append(f"{mark}`{c.entry.id}` {c.score:.0f} — matched “{trim(c.matched_question, 120)}”")
        if entry_id and entry_id not in {c.entry.id for c in candidates}:
            lines.append(f"`{entry_id}` is not among the best 5 for this question.")
        return trim("\n".join(lines), FIELD_VALUE_LIMIT)

    @app_commands.command(name="why", description="Which entries a question matches, with phrasings and scores")
    async def why(self, interaction: discord.Interaction[FaqBot], question: str) -> None:
        await tell(
            interaction, embed=discord.Embed(title=trim(f"Why: {question}", 256), description=self._why(question))
        )

    @app_commands.command(name="history", description="Recent changes: who, when, what")
    @app_commands.describe(entry="Only this entry's changes")
    async def history(self, interaction: discord.Interaction[FaqBot], entry: str | None = None) -> None:
        rows = self.bot.runtime.history(entry.strip() if entry else None, limit=8)
        if not rows:
            await tell(interaction, "No changes recorded yet.")
            return
        embed = discord.Embed(title=f"History{f' of {entry}' if entry else ''}")
        for row in rows:
            when = discord.utils.format_dt(discord.utils.parse_time(row.at), "R")
            undone = " (undone)" if row.undone else ""
            embed.add_field(
                name=trim(f"{row.action} {row.entry_id}{undone}", 256),
                value=trim(f"<@{row.user_id}> {when}\n```diff\n{compact_diff(row, 800)}\n```", FIELD_VALUE_LIMIT),
                inline=False,
            )
        await tell(interaction, embed=embed)

    @app_commands.command(name="undo", description="Revert an entry's last change")
    @app_commands.describe(entry="The entry whose last change to revert")
    async def undo(self, interaction: discord.Interaction[FaqBot], entry: str) -> None:
        row = self.bot.runtime.last_change(entry.strip())
        if row is None:
            await tell(interaction, f"No change to undo for `{entry}`.")
            return
        result = await self.apply(interaction, self.bot.store.restore_entry, row.entry_id, row.before, row.file)
        if result is not None:
            self.bot.runtime.mark_undone(row.id)

    @app_commands.command(name="review", description="Questions the bot could not answer, most frequent first")
    async def review(self, interaction: discord.Interaction[FaqBot]) -> None:
        items = self.bot.runtime.review_queue()
        if not items:
            await tell(interaction, "Nothing to review: every recent question was answered confidently.")
            return
        view = ReviewView(self, items)
        await tell(interaction, embed=view.embed(), view=view)

    @app_commands.command(name="reload", description="Re-read the knowledge files after hand edits")
    async def reload(self, interaction: discord.Interaction[FaqBot]) -> None:
        try:
            result = await asyncio.to_thread(self.bot.store.reload)
        except EditRefused as refused:
            lines = [f"• {trim(str(p), 300)}" for p in refused.problems[:10]]
            await tell(interaction, "Not reloaded — the previous knowledge stays live:\n" + "\n".join(lines))
            return
        knowledge = result.knowledge
        await tell(
            interaction,
            f"Reloaded: {len(knowledge.entries)} entries, {len(knowledge.sources)} sources"
            + (f", {len(result.problems)} warning(s)" if result.problems else "")
            + ".",
        )

    @app_commands.command(name="stats", description="Most asked entries, votes, unanswered questions")
    async def stats(self, interaction: discord.Interaction[FaqBot]) -> None:
        stats = self.bot.runtime.stats()
        embed = discord.Embed(title="Knowledge base stats")
        asked = "\n".join(f"`{entry}` — {count}" for entry, count in stats.most_asked) or "nothing yet"
        votes = (
            "\n".join(
                f"`{entry}` — 👍 {up} · 👎 {down}"
                for entry, (up, down) in sorted(stats.votes.items(), key=lambda kv: kv[1][1], reverse=True)[:10]
            )
            or "no votes yet"
        )
        embed.add_field(name="Most asked", value=trim(asked, FIELD_VALUE_LIMIT), inline=False)
        embed.add_field(name="Votes", value=trim(votes, FIELD_VALUE_LIMIT), inline=False)
        embed.add_field(name="Waiting for review", value=str(stats.unanswered_open), inline=False)
        await tell(interaction, embed=embed)

    for _command in (edit, alias, remove, show, undo):
        _command.autocomplete("entry")(entry_autocomplete)
    history.autocomplete("entry")(entry_autocomplete)
    del _command


async def setup(bot: FaqBot) -> None:
    await bot.add_cog(Kb(bot))
