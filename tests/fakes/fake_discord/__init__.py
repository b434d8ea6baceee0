"""A fake Discord (REST v10 + Gateway v10) on 127.0.0.1 that stock discord.py connects to.

Its server has @everyone, a Moderators role and the bot's own managed role (the permissions the invite link
asks for), a text channel and a forum; a server the bot is not in has a forum of its own (403 Missing
Access to the bot); and a test may invite the bot to a second server of someone else's (`second_server`
before it starts, `join_second_server` while it runs), whose members' interactions carry that server.
Commands registered for one server are sent with its `guild_id`, as Discord does (`visible_commands`).
Tests change roles, overwrites and application flags to show what `doctor` reports.

It records every request the bot makes, answers the calls a bot needs, echoes the bot's own messages
back as MESSAGE_CREATE (as Discord does), refuses what Discord refuses (messages over its limits, a first
response to an interaction after 3 s, a second acknowledgement, follow-ups without one, a post's tags that
are not its forum's or more than 5) and lets a test inject events (messages, forum posts, deleted posts,
interactions: slash and message commands, clicks, forms), drop the websocket, invalidate the session, or
answer the next requests to a path with a 429, 503 or any status (`fail_next`).
Run it by hand with `python -m tests.fakes.fake_discord` (README, "Try it without Discord").

  server.py    state, and what members do (say, forum posts, slash and message commands, clicks, forms)
  rest.py      the REST endpoints, request recording, 401, injected faults, interaction deadlines
  guilds.py    the servers over REST: roles, the bot's member and role, channels and their overwrites
  gateway.py   the websocket protocol
  payloads.py  Discord's objects
  control.py   HTTP endpoints to drive it by hand
"""

from .payloads import Permission
from .rest import REJECTED_TOKEN
from .server import FakeDiscord, Recorded

MANAGE_GUILD = Permission.MANAGE_GUILD

__all__ = ["MANAGE_GUILD", "REJECTED_TOKEN", "FakeDiscord", "Recorded"]
