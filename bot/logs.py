"""Logging for louwu's processes: one format, and no openid in clear in any line (a keyed hash instead).

An openid identifies a person to WeChat; logs are copied, shipped and kept longer than the database.
Each openid-shaped word of a formatted line (including tracebacks) becomes `u:` and 12 hex digits
of an HMAC keyed by the deployment's secrets: the same person reads the same in every process and
restart, so lines can still be followed, but the openid cannot be recovered from the log.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re

from bot.config import Config

# WeChat openids: 28 characters of [A-Za-z0-9_-], starting with "o".
OPENID = re.compile(r"(?<![A-Za-z0-9_-])o[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Pseudonyms(logging.Formatter):
    def __init__(self, key: bytes) -> None:
        super().__init__(FORMAT)
        self._key = key

    def pseudonym(self, openid: str) -> str:
        return "u:" + hmac.new(self._key, openid.encode(), hashlib.sha256).hexdigest()[:12]

    def format(self, record: logging.LogRecord) -> str:
        return OPENID.sub(lambda m: self.pseudonym(m.group()), super().format(record))


def log_key(config: Config) -> bytes:
    wx = config.wechat
    return hashlib.sha256(f"louwu-logs\0{wx.app_id}\0{wx.token}\0{wx.app_secret}".encode()).digest()


def setup_logging(config: Config) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(Pseudonyms(log_key(config)))
    logging.basicConfig(level=config.log.level.upper(), handlers=[handler])
    # APScheduler logs every run of every job at INFO: louwu's own loggers say what matters.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.getLogger().level))
