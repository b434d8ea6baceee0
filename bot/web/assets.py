"""The files every page links to, shipped as package data (bot/web/static): one stylesheet, the icon (so
browsers do not ask for a missing /favicon.ico), and the static site's filter script."""

from __future__ import annotations

import functools
from importlib import resources

STYLESHEET = "style.css"
ICON = "icon.svg"
FILTER_SCRIPT = "filter.js"
ASSETS = {STYLESHEET: "text/css", ICON: "image/svg+xml", FILTER_SCRIPT: "text/javascript"}


@functools.cache
def asset(name: str) -> bytes:
    if name not in ASSETS:
        raise KeyError(name)
    return resources.files(__package__).joinpath("static", name).read_bytes()
