"""Work to do apart in, forked children and the pickled messages they send back out.

One helper for every process the engine forks: the build's workers and the preview's PDF
process and its children. A child dies with its parent (PR_SET_PDEATHSIG) and ignores Ctrl-C,
which the terminal sends to the whole group: stopping children is the parent's job. Messages go
through pipes as pickles framed by their length, so that one pipe can carry several.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import pickle
import signal
import time
from collections.abc import Callable, Iterable

PR_SET_PDEATHSIG = 1
SIZE = 8  # bytes of the length before each message


@functools.cache
def libc() -> ctypes.CDLL | None:
    """The C library through ctypes (with errno), or None where it cannot be found."""
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name else None


def fork(body: Callable[[int], object], close: Iterable[int] = ()) -> tuple[int, int]:
    """Run `body(write_end)` in a forked child that dies with its parent; the child's pid and
    the read end of its pipe. The child closes `close` (the parent's ends of other pipes)."""
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return pid, read_end
    # The child: never returns into the caller's stack (a test runner, the CLI, the server).
    status = 1
    try:
        for fd in (read_end, *close):
            os.close(fd)
        die_with_parent(parent)
        body(write_end)
        status = 0
    finally:
        os._exit(status)


def fork_child(work: Callable[[], object]) -> tuple[int, int]:
    """Run `work` in a forked child; its pid and the pipe its result comes back on (one message,
    see `read_message`; none if the child died or its result could not be pickled)."""
    return fork(lambda pipe: send_message(pipe, work()))


def die_with_parent(parent: int) -> None:
    """Ignore Ctrl-C, take the default action on stop signals, be killed when the parent dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGALRM):
        signal.signal(signum, signal.SIG_DFL)
    c = libc()
    if c is not None:
        c.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def send_message(fd: int, message: object) -> None:
    """One message through a pipe: its pickle's length, then the pickle (written whole)."""
    data = pickle.dumps(message)
    view = memoryview(len(data).to_bytes(SIZE, "big") + data)
    while view:
        view = view[os.write(fd, view) :]


def read_message(fd: int) -> object | None:
    """The next message from a pipe (blocking), or None once the pipe ended before one."""
    size = read_exactly(fd, SIZE)
    data = read_exactly(fd, int.from_bytes(size, "big")) if size is not None else None
    return None if data is None else pickle.loads(data)  # our own child, through our own pipe


def read_exactly(fd: int, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def kill_and_reap(pid: int, fd: int | None = None, grace: float = 0) -> None:
    """Give the child `grace` seconds to end by itself, then kill it; reap it, close `fd`."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0]:
            break
        time.sleep(0.02)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
