"""Each member's and each channel's allowance of questions: discord.py's token buckets."""

from __future__ import annotations

from discord.ext import commands

from ....config import DiscordConfig

COOLDOWN_REACTION = "⏳"  # a mention over the allowance: silence plus a reaction (a reply adds to the flood)


def cooldown(rate: int, per: float) -> commands.CooldownMapping[int] | None:
    """discord.py's token buckets, keyed by an id we pass in (a member's, a channel's); None = no limit.
    The mapping forgets buckets idle for a whole window, so memory stays flat."""
    return commands.CooldownMapping.from_cooldown(rate, per, lambda key: key) if rate > 0 else None


def asking_quickly(wait: float) -> str:
    """What a member told to wait reads (privately)."""
    return f"You're asking quickly — please try again in {wait:.0f} s."


class Cooldowns:
    def __init__(self, settings: DiscordConfig) -> None:
        self.per_member = cooldown(settings.user_cooldown_count, settings.user_cooldown_seconds)
        self.per_channel = cooldown(settings.channel_cooldown_count, settings.channel_cooldown_seconds)

    def take_token(self, user_id: int, channel_id: int) -> float:
        """Spend one question from the member's and the channel's allowance: 0.0 if allowed, else the
        seconds until it would be."""
        waits = [
            mapping.update_rate_limit(key)
            for mapping, key in ((self.per_member, user_id), (self.per_channel, channel_id))
            if mapping
        ]
        return max((w for w in waits if w), default=0.0)
