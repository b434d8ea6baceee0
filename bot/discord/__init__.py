"""The Discord adapter: the bot, its cogs (exts/), and what is Discord's alone (ids, buttons, delivery)."""
