"""Building the knowledge creates millions of small objects that all stay alive; the garbage collector would
walk them again and again for nothing. Measured at 100,000 entries: loading 20 s → 8 s, indexing 15.5 s →
9.9 s with it paused (python -m benchmarks speed)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
