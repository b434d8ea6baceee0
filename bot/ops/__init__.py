"""Operator tools over the bot's config: the invite link (invite.py), a backup of the runtime database
(backup.py) and a preflight against Discord (doctor.py); permissions.py is what the bot needs and why."""
