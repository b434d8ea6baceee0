"""The helper process of parallel.read_files: reads {file name: text} marshalled in the file named by its
argument, writes the files' reads (file_reader.read_file) and their entries' TextTerms, as plain data,
marshalled on stdout. Started by parallel.py with this checkout on its path."""

from __future__ import annotations

import marshal
import sys
from pathlib import Path

from ..memory import collector_paused
from ..normalize import TextTerms
from .file_reader import read_file
from .parallel import plain, read_texts


def main() -> None:
    texts: dict[str, str] = marshal.loads(Path(sys.argv[1]).read_bytes())  # noqa: S302 - written by our parent
    with collector_paused():
        reads = [read_file(name, text) for name, text in texts.items()]
        terms = TextTerms.of(read_texts(reads))
        sys.stdout.buffer.write(marshal.dumps(([plain(read) for read in reads], terms.plain())))


main()
