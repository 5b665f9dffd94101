"""The build's worker processes: forked, so that they share the loaded directory and the compiled templates
without pickling anything (copy-on-write), and leave without the parent's clean-up.

``in_processes`` shares a list of work out between processes (the pages to render); ``Background`` runs one piece
of work beside the build (the open data, the sitemap) and hands its result back. Where ``os.fork`` is missing,
everything runs in this process, with the same result.
"""

from __future__ import annotations

import logging
import marshal
import os
import signal
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

Item = TypeVar("Item")
MIN_SHARED = 2000  # items below which one process does all the work (forking costs more than it saves)


def process_count(setting: Any, items: int) -> int:
    """How many processes share ``items``: ``setting`` (DIRECTORY_PROCESSES; 0 or None: one per core) from
    ``MIN_SHARED`` items on, else one."""
    processes = int(setting or os.cpu_count() or 1)
    return processes if items >= MIN_SHARED and hasattr(os, "fork") else 1


def forked(work: Callable[[], None], failure: str) -> int:
    """Run ``work()`` in a forked process, which leaves without the parent's clean-up: exit status 0, or 1 after
    logging ``failure`` with the exception. Returns the process id."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            work()
        except BaseException:
            logger.exception(failure)
            code = 1
        finally:
            os._exit(code)
    return pid


def in_processes(
    work: Callable[[list[Item]], None], items: list[Item], processes: int, failure: str, name: str
) -> None:
    """``work(share)`` for ``processes`` contiguous shares of ``items``, the first in this process and each other
    in a forked one; raises once every process is done if one failed (``failure``: what each logs, ``name``: what
    the error calls them). Contiguous: the languages of a page, listed one after the other, stay together."""
    if processes < 2:
        work(items)
        return
    size = -(-len(items) // processes)

    def share(n: int) -> list[Item]:
        return items[n * size : (n + 1) * size]

    children = [forked(partial(work, share(n)), failure) for n in range(1, processes)]
    try:
        work(share(0))
    except BaseException:  # stop the other processes too: no orphan goes on writing
        for pid in children:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        raise
    failed = [pid for pid in children if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0]
    if failed:
        raise RuntimeError(f"{len(failed)} {name} process(es) failed; see the messages above")


class Background:
    """``work()`` run by a forked process from now on (when ``fork``), else by this one when ``result()`` is asked
    for. The result (plain values) comes back with marshal through a pipe."""

    def __init__(self, work: Callable[[], Any], fork: bool, failure: str) -> None:
        self.work, self.failure = work, failure
        self.child: int | None = None
        if not fork or not hasattr(os, "fork"):
            return
        reader, writer = os.pipe()

        def hand_over() -> None:  # in the child: do the work, hand its result over
            os.close(reader)
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(marshal.dumps(work()))

        self.child, self.reader = forked(hand_over, failure), reader
        os.close(writer)

    def result(self) -> Any:
        if self.child is None:
            return self.work()
        with os.fdopen(self.reader, "rb") as pipe:
            data = pipe.read()
        status, self.child = os.waitpid(self.child, 0)[1], None
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{self.failure}; see the messages above")
        return marshal.loads(data)  # noqa: S302 - from our own child process

    def stop(self) -> None:
        """Stop the process (after a failure elsewhere: no orphan goes on writing)."""
        if self.child is not None:
            os.kill(self.child, signal.SIGTERM)
            os.waitpid(self.child, 0)
            os.close(self.reader)
            self.child = None
