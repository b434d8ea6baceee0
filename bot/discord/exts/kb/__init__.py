"""/kb: moderators curate the knowledge from Discord. Every change goes through bot.core.store (the same
validator as `python -m bot check`, atomic saves) and is audited in bot.runtime.

  _cog.py           the /kb commands
  _forms.py         the add/edit and new-source forms (modals)
  _views.py         confirm-remove and the review queue (buttons, select menu)
  _checks.py        who is a moderator, and the private replies every step uses
  _form_parsing.py  what a moderator typed → Entry / Source (pure, tested directly)
  _links.py         /kb links and the digest's link report (bot/ops/links.py checks the links)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from ...client import FaqBot


async def setup(bot: FaqBot) -> None:
    # Deferred import: loading the package for its docstring or its parsing helpers builds no cog.
    from ._cog import Kb

    # Registered only in the curating servers when they are named: Discord shows /kb nowhere else
    curating = [discord.Object(id=guild_id) for guild_id in bot.config.discord.curating_guild_ids]
    await bot.add_cog(Kb(bot), guilds=curating or discord.utils.MISSING)
