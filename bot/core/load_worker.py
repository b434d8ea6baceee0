"""The helper process of loader._read_files: reads {file name: text} pickled in the file named by its
argument, writes the files' reads (loader.read_file) and their entries' TextTerms pickled on stdout.
Started by the loader with this checkout on its path."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from .loader import read_file, read_texts
from .memory import collector_paused
from .normalize import TextTerms


def main() -> None:
    texts: dict[str, str] = pickle.loads(Path(sys.argv[1]).read_bytes())  # noqa: S301 - written by our parent
    with collector_paused():
        reads = [read_file(name, text) for name, text in texts.items()]
        terms = TextTerms.of(read_texts(reads))
        sys.stdout.buffer.write(pickle.dumps((reads, terms), protocol=pickle.HIGHEST_PROTOCOL))


main()
