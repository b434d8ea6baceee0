"""A warm start: the built engine kept on disk, keyed by everything it was built from.

The key is a hash of the knowledge files' bytes, the engine's code and data files, and the matcher's
weights; anything different means another key, so a stale cache is never used — it is just not found.
A file that cannot be read, or was written by another version, is ignored with one log line and rebuilt.
The cache is never used for validation: `check` always reads the files, and an engine is only cached
after its files passed validation. Deleting the cache directory is always safe.

The file is a pickle, so it is trusted like the code: keep the cache directory writable only by the
user that runs the bot (the default, ~/.cache/defence-faq-bot, is).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import pickle
from collections.abc import Iterable
from pathlib import Path

from .atomic import atomic_writer
from .engine import Engine
from .index import Weights

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the cached objects change shape in a way the code hash would not show
_CODE = Path(__file__).parent
_SUFFIX = ".engine.pickle"
KEEP = 3  # cached engines kept per directory: the current one and a couple being replaced


def default_directory() -> Path:
    """$XDG_CACHE_HOME/defence-faq-bot, else ~/.cache/defence-faq-bot."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "defence-faq-bot"


def _code_hash() -> bytes:
    digest = hashlib.sha256(str(FORMAT).encode())
    for path in sorted([*_CODE.rglob("*.py"), *(_CODE / "data").glob("*")]):  # rglob: the index/ and loader/ packages
        digest.update(path.relative_to(_CODE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def key(files: Iterable[tuple[str, bytes]], weights: Weights | None) -> str:
    """The cache key of a knowledge set: its files' full paths and bytes, the engine's code and the weights.
    (The path matters: the engine remembers where each entry was read, and edits are written there.)"""
    digest = hashlib.sha256(_code_hash())
    digest.update(repr(dataclasses.astuple(weights or Weights())).encode())
    for name, content in sorted(files):
        digest.update(str(Path(name).resolve()).encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


def load(directory: Path, cache_key: str) -> Engine | None:
    path = directory / f"{cache_key}{_SUFFIX}"
    if not path.is_file():
        return None
    try:
        with path.open("rb") as stream:
            engine = pickle.load(stream)  # noqa: S301 - our own file, written by save() below (see module doc)
    except Exception as error:  # a truncated, corrupt or foreign file: ignore it, build, overwrite it
        log.warning("ignoring the engine cache %s (%s); building from the knowledge files", path, error)
        return None
    if not isinstance(engine, Engine):
        log.warning("ignoring the engine cache %s (not an engine); building from the knowledge files", path)
        return None
    return engine


def save(directory: Path, cache_key: str, engine: Engine) -> None:
    """Write atomically (a reader never sees half a file), streamed, and keep only the newest few."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with atomic_writer(directory / f"{cache_key}{_SUFFIX}") as stream:
            pickle.dump(engine, stream, pickle.HIGHEST_PROTOCOL)
        stale = sorted(directory.glob(f"*{_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]
        for old in stale:
            old.unlink(missing_ok=True)
    except OSError as error:  # a read-only or full disk: the bot works without its cache
        log.warning("could not write the engine cache in %s (%s)", directory, error)
