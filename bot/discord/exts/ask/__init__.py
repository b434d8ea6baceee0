"""Questions from members: mentions, replies to the bot, follow-ups in a conversation, /ask, /topics, the
"Ask the FAQ" message command, forum posts (with earlier solved threads on their subject) and DMs.

  _cog.py          the Ask cog: /ask, /topics, Apps → Ask the FAQ, and the events it listens to
  _answering.py    the steps every way of asking shares: match off the event loop, render, reply
  _mentions.py     mentions, replies to the bot, a post author's follow-ups, DMs
  _forum_posts.py  a new forum post: answered once (across restarts too), with earlier solved threads
  _catch_up.py     after a new session: the forum posts made while the bot was away
  _follow_ups.py   which conversation a message continues and what it is about (bot.core.conversation)
  _cooldowns.py    each member's and each channel's allowance of questions
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...client import FaqBot


async def setup(bot: FaqBot) -> None:
    # Deferred import: loading the package for its docstring builds no cog.
    from ._cog import Ask

    await bot.add_cog(Ask(bot))
