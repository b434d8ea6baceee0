"""One editor of a knowledge directory at a time, across threads and processes: an advisory lock (flock) on a
file in the directory, which also holds a token that every save under the lock changes.

Several bot processes may share one knowledge directory (docs/scaling.md, "Several processes, one knowledge"). An edit
reads a file, checks the entry's version and writes the file back; without a lock that spans processes, two
such edits interleave and the later write drops the earlier one. Under this lock an editor first compares the
token with the one it saw last: if another process saved meanwhile, it reads the files' bytes again (their
sizes and modification times can look unchanged for saves within one clock tick). The lock dies with its
process, so a crash never leaves the knowledge locked."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

LOCK_FILE = ".edit.lock"  # hidden, and not *.yaml: the loader never reads it
# How long an edit waits for another process's edit (which takes well under a second, or a few seconds for
# a very large knowledge base) before it is refused as busy; the moderator can simply try again.
WAIT_S = 30.0
FIRST_POLL_S, LAST_POLL_S = 0.002, 0.05  # flock has no timeout: poll, quickly at first
TOKEN_BYTES = 8


class KnowledgeBusy(OSError):
    """Another process has held the knowledge's edit lock for WAIT_S; nothing was written."""


@dataclass(frozen=True)
class Held:
    """The lock, held: read and renew the token of the last save."""

    fd: int

    def last_save(self) -> str:
        return os.pread(self.fd, 4 * TOKEN_BYTES, 0).decode("ascii", "replace").strip()

    def new_save(self) -> str:
        """Mark that the knowledge is about to change (called before writing: a crash mid-save still tells
        the other processes to look)."""
        token = secrets.token_hex(TOKEN_BYTES)
        data = f"{token}\n".encode("ascii")
        os.pwrite(self.fd, data, 0)
        os.ftruncate(self.fd, len(data))
        return token


@contextlib.contextmanager
def locked(directory: Path, wait_s: float = WAIT_S) -> Iterator[Held]:
    """Hold the directory's edit lock (KnowledgeBusy after `wait_s`). The caller also holds a thread lock:
    flock excludes other open files, and this opens the lock file anew each time, so threads are excluded
    too, but waiting on a threading.Lock is cheaper than polling."""
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        deadline, pause = time.monotonic() + wait_s, FIRST_POLL_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise KnowledgeBusy(
                        errno.EWOULDBLOCK, f"another process has been saving the knowledge for {wait_s:g} s"
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, LAST_POLL_S)
        yield Held(fd)
    finally:
        os.close(fd)  # releases the lock
