"""`louwu serve --workers N`: start-up done once, then N serving processes forked from it, which share
its pages (the shipped model, the rules, every imported module) instead of each building its own.

The parent only watches: it forwards SIGTERM and Ctrl-C to the workers, starts a worker again if one
dies, and gives up if a worker cannot even start.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.config import Config, model_settings
from bot.rules import read_ahead
from nlp.defaults import default_model, default_pack
from nlp.normalize import normalize
from nlp.similarity import shared_similarity

logger = logging.getLogger("louwu.workers")

# A worker that exits with an error sooner than this after its start could not start (a port in use, a
# database refusing it): starting it again would only fail again. One killed by a signal is restarted.
START_SECONDS = 3.0
RESTART_PAUSE = 1.0


def preload(config: Config) -> None:
    """Build what every worker reads and never changes, then freeze it: the garbage collector of a
    worker never writes to those objects' pages, so they stay shared with the parent's.

    Python's advice for fork without exec: no collection in the parent (what it frees leaves holes
    that a worker's new objects would fill, copying the page), `gc.freeze()` just before the fork
    and the collector back on in each worker (`Workers._child`)."""
    gc.disable()
    normalize("")  # its translation table
    shared_similarity()
    default_pack()
    default_model()
    read_rules_ahead(config)
    gc.freeze()


def read_rules_ahead(config: Config) -> None:
    """The database's rules and model read before serving, then what reading them freed (the
    model's JSON, the rule pack's parse) returned to the system: C's allocator keeps it otherwise,
    in the resident size of this process and of every fork."""
    asyncio.run(read_ahead(config.database.url, model_settings(config)))
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # glibc's; elsewhere nothing to do


@dataclass
class Workers:
    """The parent's view of its workers: pid → (slot, started at)."""

    serve: Callable[[int], None]
    running: dict[int, tuple[int, float]] = field(default_factory=dict)
    stopping: bool = False

    def run(self, n: int) -> int:
        """Start `n` workers and watch them until they have all stopped; the exit status."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._stop)
        for slot in range(n):
            self._start(slot)
        status = 0
        while self.running:
            try:
                pid, wait_status = os.wait()
            except ChildProcessError:
                break
            slot, started = self.running.pop(pid)
            code = os.waitstatus_to_exitcode(wait_status)
            if self.stopping:
                continue
            if code > 0 and time.monotonic() - started < START_SECONDS:
                logger.error("worker %d could not start (exit %d): stopping the others", slot, code)
                status = 1
                self._stop(signal.SIGTERM, None)
                continue
            logger.error("worker %d (pid %d) ended with %d: starting it again", slot, pid, code)
            time.sleep(RESTART_PAUSE)
            self._start(slot)
        return status

    def _start(self, slot: int) -> None:
        pid = os.fork()
        if pid == 0:
            os._exit(self._child(slot))
        self.running[pid] = (slot, time.monotonic())

    def _child(self, slot: int) -> int:
        # Its own process group: Ctrl-C in a terminal reaches the parent alone, which passes it on once.
        os.setpgid(0, 0)
        gc.enable()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_DFL)
        try:
            self.serve(slot)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            logger.exception("worker %d failed", slot)
            return 1
        finally:
            logging.shutdown()
        return 0

    def _stop(self, signum: int, _frame: object) -> None:
        if self.stopping:
            return  # each worker is asked once: a second signal would cut its own clean stop short
        logger.info("stopping %d worker(s) (%s)", len(self.running), signal.Signals(signum).name)
        self.stopping = True
        for pid in self.running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
