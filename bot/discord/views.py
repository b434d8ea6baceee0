"""Buttons members use. Did-you-mean choices and votes are DynamicItems: the entry id lives in the
custom_id, so a click is understood even after the bot restarts (no in-memory state to lose). The Ask cog
registers them (cog_load)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from ..core.loader import ID_PATTERN
from ..render.embeds import answer_embed, button_label
from ..runtime import RuntimeDataUnavailable

if TYPE_CHECKING:
    from .client import FaqBot

log = logging.getLogger(__name__)

CUSTOM_ID_LIMIT = 100  # Discord's limit for a component's custom_id
PICK_TEMPLATE = rf"faq:pick:(?P<entry_id>{ID_PATTERN})"
VOTE_TEMPLATE = rf"faq:vote:(?P<entry_id>{ID_PATTERN}):(?P<helpful>[01])"
MENTION = re.compile(r"<@!?\d+>")
ENTRY_GONE = (
    "That answer has since been removed from the knowledge base, so there is nothing to vote on; please ask again."
)


class PickSuggestion(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PICK_TEMPLATE):
    def __init__(self, entry_id: str, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=button_label(label), style=discord.ButtonStyle.primary, custom_id=f"faq:pick:{entry_id}"
            )
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PickSuggestion:
        return cls(match["entry_id"])

    async def callback(self, interaction: discord.Interaction[FaqBot]) -> None:  # type: ignore[override]
        answer = interaction.client.engine.answer_entry(self.entry_id)
        if answer is None:  # removed since the choices were offered
            await interaction.response.send_message("That entry no longer exists; please ask again.", ephemeral=True)
            return
        answer = interaction.client.solved_threads.linkable(answer)
        if interaction.message is None or len(interaction.message.embeds) <= 1:
            # the chosen answer replaces the choices, publicly, in the same message, with the vote buttons
            await interaction.response.edit_message(embed=answer_embed(answer), view=vote_view(self.entry_id))
        else:  # the choices share a message with other answers, which stay: the answer comes below
            await interaction.response.send_message(embed=answer_embed(answer), view=vote_view(self.entry_id))
        await interaction.client.record([answer])


class VoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=VOTE_TEMPLATE):
    """👍/👎 under an answer; persistent like the did-you-mean buttons. Votes feed /kb stats."""

    def __init__(self, entry_id: str, helpful: bool, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="👍" if helpful else "👎",
                label=label,  # the answer's number when one message answers several questions
                style=discord.ButtonStyle.secondary,
                custom_id=f"faq:vote:{entry_id}:{int(helpful)}",
            )
        )
        self.entry_id, self.helpful = entry_id, helpful

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(match["entry_id"], match["helpful"] == "1")

    async def callback(self, interaction: discord.Interaction[FaqBot]) -> None:  # type: ignore[override]
        if interaction.client.engine.entry(self.entry_id) is None:  # removed since (or a forged id): no vote
            await interaction.response.send_message(ENTRY_GONE, ephemeral=True)
            return
        thanks = "Thanks — glad it helped." if self.helpful else "Thanks — moderators will look at this answer."
        await interaction.response.send_message(thanks, ephemeral=True)  # first: the vote is stored after
        message_id = interaction.message.id if interaction.message else interaction.id
        question = None if self.helpful else await self._question(interaction)
        runtime = interaction.client.runtime

        def record() -> None:
            runtime.record_vote(message_id, interaction.user.id, self.entry_id, self.helpful)
            if question is not None:
                runtime.record_unhelpful(question, self.entry_id)

        try:
            await interaction.client.runtime_call(record)
        except RuntimeDataUnavailable:
            pass  # optional: the member was thanked either way; RuntimeData has logged the outage once
        except Exception:
            log.exception("could not record a vote")

    async def _question(self, interaction: discord.Interaction[FaqBot]) -> str:
        """The question this answer replied to (mentions and replies), else the entry's own title."""
        reference = interaction.message.reference if interaction.message else None
        asked = reference.resolved if reference else None
        if isinstance(asked, discord.Message):
            text = MENTION.sub(" ", asked.content).strip()
            if text:
                return text
        entry = interaction.client.engine.entry(self.entry_id)
        return f"(answer to) {entry.title if entry else self.entry_id}"


def vote_view(entry_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton(entry_id, True))
    view.add_item(VoteButton(entry_id, False))
    return view


class Pager(discord.ui.View):
    """Previous/next over pre-rendered embeds; only the member who asked can turn the pages."""

    def __init__(self, pages: Sequence[discord.Embed], owner_id: int, refusal: str, *, timeout: float = 300) -> None:
        super().__init__(timeout=timeout)
        self.pages = list(pages)
        self.owner_id = owner_id
        self.refusal = refusal  # what anyone else is told when they press a button
        self.index = 0
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(self.refusal, ephemeral=True)
            return False
        return True

    async def _show(self, interaction: discord.Interaction[Any], step: int) -> None:
        self.index = max(0, min(len(self.pages) - 1, self.index + step))
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        await self._show(interaction, -1)

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        await self._show(interaction, +1)
