"""A time limit and the process's stop signals in, exceptions that unwind a build cleanly out.

The CLI runs a build inside `guard(seconds)`: SIGALRM (the time limit), SIGTERM and SIGHUP raise an
exception in the main thread, so the build's `finally` blocks remove the staging folder and the
previous outputs stay as they were; Ctrl-C raises KeyboardInterrupt as usual. The exceptions derive
from BaseException because libraries catch `Exception` broadly; WeasyPrint even swallows
BaseException while drawing an SVG, so the build also calls `checkpoint()` between steps.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class BuildTimeout(BaseException):
    """The build ran longer than its time limit."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"build took longer than {seconds:g} s")


class BuildStopped(BaseException):
    """The process was asked to stop (SIGTERM, SIGHUP)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


_pending: list[BaseException] = []


def checkpoint() -> None:
    """Raise again a timeout or stop signal that a library may have swallowed."""
    if _pending:
        raise _pending[0]


@contextmanager
def guard(seconds: float | None) -> Iterator[None]:
    """Run the block with a wall-clock limit (None: no limit), turning stop signals into exceptions."""

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        _pending.append(BuildTimeout(seconds or 0))
        raise _pending[-1]

    def on_stop(signum: int, frame: FrameType | None) -> None:
        _pending.append(BuildStopped(signum))
        raise _pending[-1]

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        _pending.append(KeyboardInterrupt())
        raise _pending[-1]

    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = {sig: signal.signal(sig, on_stop) for sig in STOP_SIGNALS}
    previous[signal.SIGALRM] = signal.signal(signal.SIGALRM, on_alarm)
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, on_interrupt)
    if seconds:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _pending.clear()


@contextmanager
def deferred() -> Iterator[None]:
    """Hold back Ctrl-C, stop signals and the alarm while the block runs; deliver them after it.

    Used around the swap of the new outputs into place, so that it is never cut in half.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[signal.Signals] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signal.Signals(signum))

    held = (signal.SIGINT, signal.SIGALRM, *STOP_SIGNALS)
    previous = {sig: signal.signal(sig, hold) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if caught:
        handler = previous[caught[0]]
        if callable(handler):
            handler(caught[0], None)
        elif handler == signal.SIG_DFL:
            signal.raise_signal(caught[0])
