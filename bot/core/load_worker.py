"""The helper process of loader._read_files: reads {file name: text} marshalled in the file named by its
argument, writes the files' reads (loader.read_file) and their entries' TextTerms, as plain data, marshalled
on stdout. Started by the loader with this checkout on its path."""

from __future__ import annotations

import marshal
import sys
from pathlib import Path

from .loader import read_file, read_texts
from .memory import collector_paused
from .normalize import TextTerms


def main() -> None:
    texts: dict[str, str] = marshal.loads(Path(sys.argv[1]).read_bytes())  # noqa: S302 - written by our parent
    with collector_paused():
        reads = [read_file(name, text) for name, text in texts.items()]
        terms = TextTerms.of(read_texts(reads))
        sys.stdout.buffer.write(marshal.dumps(([read.plain() for read in reads], terms.plain())))


main()
