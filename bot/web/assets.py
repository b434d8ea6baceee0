"""The files every page links to, shipped as package data (bot/web/static): one stylesheet, and the static
site's filter script."""

from __future__ import annotations

import functools
from importlib import resources

STYLESHEET = "style.css"
FILTER_SCRIPT = "filter.js"
ASSETS = {STYLESHEET: "text/css", FILTER_SCRIPT: "text/javascript"}


@functools.cache
def asset(name: str) -> bytes:
    if name not in ASSETS:
        raise KeyError(name)
    return resources.files(__package__).joinpath("static", name).read_bytes()
