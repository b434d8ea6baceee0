"""The pure engine every adapter shares: knowledge in, answers out; no discord or aiohttp import."""
