"""Discord cogs: each parses an event, calls bot.core, and hands the result to bot.render.embeds."""
