"""The web adapter: `python -m bot serve` (app.py, an aiohttp server) and `python -m bot site` (site.py, a
static export). Both render the pages of bot/render/html.py from the same Engine; aiohttp is imported by
app.py only, so the static export and the templates (package data here) need no server."""
