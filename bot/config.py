"""Configuration: typed sections read from a TOML file, each key overridable by environment.

`LOUWU_WECHAT__APP_SECRET=…` overrides `[wechat] app_secret`, so secrets stay out of files.
Every mistake is a `ConfigError` whose message names the file and the key.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.engine import ModelSettings

WECHAT_API = "https://api.weixin.qq.com"
ENV_PREFIX = "LOUWU_"


class ConfigError(Exception):
    """A configuration problem, worded for the person who wrote the file."""


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    # WeChat gives 5 s for a passive reply; past this we answer "success" and finish later.
    reply_deadline: float = 4.0
    max_body_bytes: int = 64 * 1024
    # A client slower than this to send its body (or idle this long between requests) is cut off,
    # so a connection that trickles bytes cannot hold the server.
    read_timeout: float = 10.0
    # Messages a minute from one user beyond which they are stored but not handled (a flood).
    messages_per_user_per_minute: int = 20
    # uvloop (where installed) answers the same requests with 10–20% less CPU than asyncio's own loop.
    uvloop: bool = True


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = "sqlite+aiosqlite:///louwu.db"


@dataclass(frozen=True)
class WeChatConfig:
    app_id: str = "wx_louwu_demo"
    app_secret: str = ""
    token: str = "louwu"  # noqa: S105 - the demo's callback token, replaced in real configs
    encoding_aes_key: str = ""  # empty = plaintext mode
    api_base_url: str = WECHAT_API
    timestamp_tolerance: int = 300
    api_timeout: float = 5.0
    menu: str = ""  # the menu file `louwu menu push` sends and the simulator shows; "" = louwu's own

    @property
    def safe_mode(self) -> bool:
        return bool(self.encoding_aes_key)


@dataclass(frozen=True)
class OutboxConfig:
    concurrency: int = 16
    batch: int = 200
    max_attempts: int = 8
    backoff_base: float = 2.0
    backoff_max: float = 3600.0
    lease_seconds: float = 60.0


@dataclass(frozen=True)
class SchedulerConfig:
    in_process: bool = True
    timezone: str = "Asia/Shanghai"
    dispatch_interval: float = 2.0
    deadline_interval: float = 300.0
    reporter_digest: str = "0 18 * * *"
    member_digest: str = "0 9 * * *"


def _update_keys() -> dict[str, str]:
    return {"number": "character_string1", "title": "thing2", "status": "phrase3", "time": "time4"}


@dataclass(frozen=True)
class TemplatesConfig:
    """Template ids (empty = none) and which template key carries each of louwu's fields."""

    issue_update: str = ""
    issue_update_keys: dict[str, str] = field(default_factory=_update_keys)
    alert: str = ""
    alert_keys: dict[str, str] = field(default_factory=_update_keys)


@dataclass(frozen=True)
class MediaConfig:
    """Pictures and voice kept as evidence (WeChat keeps its temporary media three days)."""

    dir: str = ""  # "" = a `media` directory beside a SQLite database; on PostgreSQL, the database
    max_bytes: int = 10_000_000  # larger downloads are refused
    max_pixels: int = 40_000_000  # larger pictures are refused before they are decoded
    retention_days: int = 0  # 0 = keep; else media older than this are removed every night
    public: bool = False  # true: Open311 and exports link to kept pictures


@dataclass(frozen=True)
class TopicsConfig:
    threshold: float = 0.25
    window_days: int = 14
    undo_minutes: int = 10


@dataclass(frozen=True)
class TaggingConfig:
    model: bool = True  # the learned layer beside the rules
    model_sure: float = -0.5  # the model's margin above which it overrides rules that disagree
    model_floor: float = -0.9  # where the rules are silent, below this margin the message is 其他
    rules_sure: float = 5.0  # a rule score this high stands whatever the model says
    danger_sure: float = 0.1  # without a danger word, the danger head's margin that makes a message urgent
    danger_over_calm: float = 0.6  # the same where every danger word was read as calm in its context
    retrain_after: int = 20  # new corrections that start a retraining on their own (0: never)


@dataclass(frozen=True)
class DeadlinesConfig:
    # After an overdue warning, how long until the issue is escalated one grid level.
    escalate_after_hours: float = 24.0


@dataclass(frozen=True)
class SpikesConfig:
    # 未诉先办: this many new issues of one category in one cluster within the window alert its leader.
    min_issues: int = 5
    window_hours: float = 24.0


@dataclass(frozen=True)
class AdminConfig:
    session_hours: float = 8.0  # a login lasts this long without use
    secure_cookies: bool = False  # true behind HTTPS, so the browser never sends the cookie in clear
    login_attempts: int = 5  # failures in a row before the account is locked
    lockout_minutes: float = 15.0


@dataclass(frozen=True)
class SimulatorConfig:
    # The /simulator page and an in-process fake of WeChat's API in place of the real one.
    enabled: bool = False


@dataclass(frozen=True)
class Open311Config:
    # GeoReport v2 read side at /open311/v2: public, the texts masked, no one named.
    enabled: bool = False


@dataclass(frozen=True)
class LogConfig:
    level: str = "INFO"


@dataclass(frozen=True)
class Config:
    server: ServerConfig = field(default_factory=ServerConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    wechat: WeChatConfig = field(default_factory=WeChatConfig)
    outbox: OutboxConfig = field(default_factory=OutboxConfig)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    templates: TemplatesConfig = field(default_factory=TemplatesConfig)
    topics: TopicsConfig = field(default_factory=TopicsConfig)
    tagging: TaggingConfig = field(default_factory=TaggingConfig)
    deadlines: DeadlinesConfig = field(default_factory=DeadlinesConfig)
    spikes: SpikesConfig = field(default_factory=SpikesConfig)
    admin: AdminConfig = field(default_factory=AdminConfig)
    simulator: SimulatorConfig = field(default_factory=SimulatorConfig)
    open311: Open311Config = field(default_factory=Open311Config)
    media: MediaConfig = field(default_factory=MediaConfig)
    log: LogConfig = field(default_factory=LogConfig)
    source: str = "built-in defaults"


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read `path` (default ./config.toml, else built-in defaults), then apply LOUWU_* overrides."""
    env = os.environ if env is None else env
    data: dict[str, Any] = {}
    source = "built-in defaults"
    if path is None and Path("config.toml").is_file():
        path = Path("config.toml")
    if path is not None:
        source = str(path)
        data = _read_toml(path)
    _apply_env(data, env)
    return config_from_dict(data, source)


def config_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Config:
    """Build a Config from nested dicts, rejecting unknown sections, keys and wrong types."""
    sections: dict[str, Any] = {}
    hints = typing.get_type_hints(Config)
    for name, value in data.items():
        if name not in hints or name == "source":
            known = ", ".join(f"[{n}]" for n in hints if n != "source")
            raise ConfigError(f"{source}: unknown section [{name}] (known: {known})")
        if not isinstance(value, Mapping):
            raise ConfigError(f"{source}: [{name}] must be a table of keys")
        sections[name] = _build_section(hints[name], name, value, source)
    return Config(**sections, source=source)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file (copy config.example.toml to start)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def _apply_env(data: dict[str, Any], env: Mapping[str, str]) -> None:
    for key, raw in env.items():
        if not key.startswith(ENV_PREFIX) or "__" not in key:
            continue
        section, _, name = key[len(ENV_PREFIX) :].lower().partition("__")
        data.setdefault(section, {})
        if isinstance(data[section], dict):
            data[section][name] = _EnvValue(raw, key)


@dataclass(frozen=True)
class _EnvValue:
    """A string from the environment, converted to the key's type when the section is built."""

    raw: str
    origin: str


def _build_section(cls: type, section: str, values: Mapping[str, Any], source: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in fields:
            known = ", ".join(fields)
            raise ConfigError(f"{source}: unknown key [{section}] {key} (known: {known})")
        kwargs[key] = _coerce(value, hints[key], f"[{section}] {key}", source)
    return cls(**kwargs)


def _coerce(value: Any, kind: Any, key: str, source: str) -> Any:
    if isinstance(value, _EnvValue):
        return _from_env(value, kind, key)
    if typing.get_origin(kind) is dict:
        if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
            raise ConfigError(f"{source}: {key} must be a table of strings, not {value!r}")
        return dict(value)
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not ok:
        raise ConfigError(f"{source}: {key} must be {_kind_name(kind)}, not {value!r}")
    return value


def _from_env(value: _EnvValue, kind: Any, key: str) -> Any:
    raw = value.raw
    if typing.get_origin(kind) is dict:
        raise ConfigError(f"environment {value.origin}: {key} is a table; set it in the config file")
    try:
        if kind is bool:
            if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError
            return raw.lower() in ("1", "true", "yes")
        if kind in (int, float):
            return kind(raw)
    except ValueError:
        raise ConfigError(
            f"environment {value.origin}: {key} must be {_kind_name(kind)}, not {raw!r}"
        ) from None
    return raw


def _kind_name(kind: Any) -> str:
    return {int: "an integer", float: "a number", bool: "true or false", str: "a string"}.get(kind, str(kind))


def model_settings(config: Config) -> ModelSettings | None:
    """The learned layer's settings, or None when `[tagging] model = false`."""
    t = config.tagging
    return (
        ModelSettings(t.model_sure, t.model_floor, t.rules_sure, t.danger_sure, t.danger_over_calm)
        if t.model
        else None
    )
