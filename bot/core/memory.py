"""Memory habits of a process that holds a large engine.

Building the knowledge creates millions of small objects that all stay alive; the garbage collector would
walk them again and again for nothing. Measured at 100,000 entries: loading 20 s → 8 s, indexing 15.5 s →
9.9 s with it paused (python -m benchmarks speed).

An edit builds a new engine beside the one answering, then drops the old one: hundreds of MB of numpy arrays
freed at once. glibc's malloc raises its mmap threshold as large blocks are freed (up to 32 MB), so the next
edit's arrays come from the heap, where freed memory stays with the process: at 100,000 entries the resident
size grew 343 → 884 MB over three edits, peaking at 1,062 MB. Fixing the threshold at 8 MB keeps large
arrays in their own mappings, returned when freed: 396–446 MB between edits, 805 MB at the peak, an edit's
median 1.0 → 1.3 s (fresh pages to fault in; six edits each way). 128 KB kept 340 MB between edits, peaked
at 797 MB and made edits slower still (1.3–2.3 s).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import sys
from collections.abc import Iterator

_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
MMAP_THRESHOLD_BYTES = 8 << 20


def return_large_blocks_when_freed() -> bool:
    """For the whole process, on Linux with glibc (elsewhere nothing happens): blocks of MMAP_THRESHOLD_BYTES
    and more get their own mapping, so freeing them gives the memory back. True if it was set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
