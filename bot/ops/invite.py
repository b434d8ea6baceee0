"""`python -m bot invite`: the link that adds the bot to a server with exactly the permissions its enabled
features need (permissions.py), and what each one is for."""

from __future__ import annotations

from urllib.parse import urlencode

from ..config import Config
from .permissions import NEEDS, needed, not_needed, total

AUTHORIZE = "https://discord.com/oauth2/authorize"
SCOPES = "bot applications.commands"  # the bot user, and its slash commands and Apps menu entries
NAME_WIDTH = max(len(need.name) for need in NEEDS) + 2


def invite_url(application_id: int, config: Config, guild_id: int | None = None) -> str:
    query: dict[str, str | int] = {
        "client_id": application_id,
        "scope": SCOPES,
        "permissions": total(needed(config.discord)),
    }
    if guild_id:
        query |= {"guild_id": guild_id, "disable_guild_select": "true"}
    return f"{AUTHORIZE}?{urlencode(query)}"


def explanation(config: Config) -> str:
    """Each permission the link asks for and why; the ones left out and what would need them."""
    asked = needed(config.discord)
    lines = [f"Permissions asked for (integer {total(asked)}), each for a feature this config enables:"]
    lines += [f"  {need.name:<{NAME_WIDTH}}{need.why}" for need in asked]
    left_out = not_needed(config.discord)
    if left_out:
        lines.append("Left out, because the feature is off in this config:")
        lines += [f"  {need.name:<{NAME_WIDTH}}{need.why} (off: {need.unless})" for need in left_out]
    lines.append("Scopes: bot (the bot user) and applications.commands (its slash commands and Apps menu entries).")
    return "\n".join(lines)


def permissions_help() -> str:
    """For --help: every permission the bot may ask for, and when."""
    lines = ["permissions (only those the config's features need are asked for):"]
    lines += [
        f"  {need.name:<{NAME_WIDTH}}{need.why}" + (f" (not when {need.unless})" if need.unless else "")
        for need in NEEDS
    ]
    return "\n".join(lines)
