"""louwu's own commands as subprocesses, for tests of crashes and of several processes at once."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_serial = itertools.count(1)


@dataclass
class Louwu:
    """A running `louwu` command; its log goes to a file (a pipe nobody reads would block it)."""

    proc: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, config: Path, *args: str) -> Louwu:
        log = config.parent / f"{args[0]}-{next(_serial)}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(_cmd(config, args), env=_env(), stdout=out, stderr=out)  # noqa: S603
        return cls(proc, log)

    def alive(self) -> bool:
        assert self.proc.poll() is None, f"exited with {self.proc.returncode}: {self.tail()}"
        return True

    def listening(self, port: int) -> bool:
        self.alive()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        """SIGTERM, and the process must leave cleanly."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(30)
        assert code == 0, f"exited with {code}: {self.tail()}"

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def run_louwu(config: Path, *args: str) -> str:
    """Run a louwu command to its end; its output."""
    done = attempt_louwu(config, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def attempt_louwu(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a louwu command to its end, whatever its exit status."""
    return subprocess.run(_cmd(config, args), env=_env(), capture_output=True, text=True, check=False)  # noqa: S603


def _cmd(config: Path, args: tuple[str, ...]) -> list[str]:
    return [sys.executable, "-m", "bot", "--config", str(config), *args]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(what: str, done: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
