"""Who may change the knowledge, and the private replies every /kb step uses."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import discord

from ....core.models import Entry
from ....core.store import EditConflict, EditRefused, EditResult
from ....core.versions import changed_fields
from ....render.embeds import CONTENT_LIMIT, trim
from ...servers import curation_refusal, joined_servers

if TYPE_CHECKING:
    from ...client import FaqBot

REFUSAL = "Only moderators (the configured moderator roles, or Manage Server) can change the knowledge."
UNAVAILABLE = (
    "History, undo, review and stats are unavailable until the runtime database is back (the bot's log says "
    "why). Answers and edits work as usual."
)
FAILED = "Something went wrong; the knowledge files are unchanged."
NOT_RECORDED = (
    "⚠️ Saved, but it could not be recorded in the history (the runtime database is unavailable): "
    "`/kb undo` will not see this change."
)
PROBLEMS_SHOWN = 10  # a refused edit lists this many problems: the first ones are the ones to fix
PROBLEM_CHARS = 300


def moderator_refusal(interaction: discord.Interaction[FaqBot]) -> str | None:
    """None if the member may change the knowledge here; else why not, for them. The real guard (Discord's
    default_permissions is only a hint a server can override): a moderator of a curating server (servers.py),
    by role or by Manage Server there, whatever their permissions in any other server."""
    bot = interaction.client
    config = bot.config.discord
    refusal = curation_refusal(config, interaction.guild_id, joined_servers(bot, config))
    if refusal is not None:
        return refusal
    member = interaction.user
    if not isinstance(member, discord.Member):
        return REFUSAL
    if interaction.permissions.manage_guild:  # as Discord resolved them for this member, in this channel
        return None
    allowed = set(config.moderator_role_ids)
    return None if any(role.id in allowed for role in member.roles) else REFUSAL


def is_moderator(interaction: discord.Interaction[FaqBot]) -> bool:
    return moderator_refusal(interaction) is None


async def refused(interaction: discord.Interaction[FaqBot]) -> bool:
    """Tell a member who may not change the knowledge here why (privately); True if they were refused."""
    refusal = moderator_refusal(interaction)
    if refusal is not None:
        await tell(interaction, refusal)
    return refusal is not None


async def thinking(interaction: discord.Interaction[Any]) -> None:
    """Acknowledge at once, privately ("thinking…"): Discord allows 3 s for the first response, and saving,
    re-indexing or a busy database can take longer. What the step has to say follows as a follow-up."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)


async def tell(interaction: discord.Interaction[Any], text: str = "", **kwargs: Any) -> None:
    """An ephemeral reply, whether or not the interaction was already answered."""
    kwargs = {"ephemeral": True, **kwargs}
    if text:
        kwargs["content"] = trim(text, CONTENT_LIMIT)
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


def failure_text(interaction: discord.Interaction[Any]) -> str:
    """What to say when a step failed unexpectedly: never "unchanged" once its edit was saved."""
    saved = interaction.extras.get("saved")
    if isinstance(saved, EditResult):
        return (
            f"Saved `{saved.entry_id}`, but something went wrong after saving (the bot's log has the details): "
            f"check it with `/kb show` and `/kb history`."
        )
    return FAILED


def problems_text(heading: str, refused: EditRefused, *, full: bool = False) -> str:
    """A refusal as a moderator reads it: the heading, then one line per problem (with file:line if `full`)."""
    lines = [f"• {trim(str(p) if full else p.short(), PROBLEM_CHARS)}" for p in refused.problems[:PROBLEMS_SHOWN]]
    return heading + "\n" + "\n".join(lines)


def refusal_text(refused: EditRefused) -> str:
    return problems_text("Not saved — the knowledge files are unchanged:", refused)


def conflict_text(conflict: EditConflict, seen: Entry | None, since: str, advice: str, *, verb: str = "saved") -> str:
    """Why an edit made from an older version was refused: what happened to the entry since `since`, and
    which of its fields changed."""
    if conflict.current is None:
        what = "no longer exists"
    elif seen is None:
        what = "exists again"
    else:
        what = f"has changed ({', '.join(changed_fields(seen, conflict.current)) or 'its position'})"
    return f"Not {verb} — `{conflict.entry_id}` {what} since {since}. {advice}"


def typed_file(text: str | None, name: str) -> dict[str, Any]:
    """What a moderator typed into a refused form, given back as a file (it may exceed a message)."""
    if text is None:
        return {}
    return {"file": discord.File(io.BytesIO(text.encode("utf-8")), filename=f"{name}.txt")}
