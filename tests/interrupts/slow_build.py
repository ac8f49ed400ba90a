"""`python slow_build.py CLI-ARGS`: the CLI with a PDF renderer that stalls after writing.

The renderer writes the real PDF into the staging folder, touches $READY_FILE (so the test knows
the build is part-way) and $READY_FILE.pid (the pid of the process rendering), then sleeps
$SLOW_SECONDS: long enough to be signalled or timed out.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from booklet.builder import jobs
from booklet.cli import main
from booklet.model import Book, Output
from booklet.render.pdf import render as render_screen


def stalling(book: Book, out_dir: Path) -> list[Output]:
    outputs = render_screen(book, out_dir)
    ready = Path(os.environ["READY_FILE"])
    # The pid file first, and each file renamed into place whole: the test reads both as soon
    # as the ready file exists, and on a loaded machine it may look between open and write.
    for path, text in ((ready.with_suffix(".pid"), str(os.getpid())), (ready, str(out_dir))):
        path.with_suffix(".part").write_text(text, encoding="utf-8")
        path.with_suffix(".part").rename(path)
    time.sleep(float(os.environ.get("SLOW_SECONDS", "120")))
    return outputs


if __name__ == "__main__":
    jobs.MEDIA["pdf"] = jobs.Medium(stalling, shared_layout=True)
    main()
