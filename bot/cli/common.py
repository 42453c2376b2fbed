"""What every command shares: the config option, database sessions, and errors as one clear line."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import importlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import click
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Config, ConfigError, load_config
from bot.wechat.api import WeChatAPI
from handlers.texts import LOCAL_TZ
from storage.db import make_engine, make_sessionmaker
from storage.errors import DatabaseUnavailable, is_schema_missing, is_unavailable

T = TypeVar("T")


class Fail(click.ClickException):
    """An error the user can fix; printed as one line, exit code 1."""


class LazyGroup(click.Group):
    """A group whose commands are imported when named: `louwu serve` then never loads what only the
    CLI's other commands use (rich, NumPy and scikit-learn for training)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, str] = {}  # command name → "module:attribute"

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = self.lazy.get(cmd_name)
        if where is None:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = where.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (default: ./config.toml if present, else built-in defaults).",
)
@click.pass_context
def main_group(ctx: click.Context, config_path: Path | None) -> None:
    """louwu (楼务): the back end of a building affairs committee's WeChat Official Account."""
    ctx.obj = config_path


def get_config() -> Config:
    path = click.get_current_context().find_root().obj
    try:
        return load_config(path)
    except ConfigError as exc:
        raise Fail(str(exc)) from None


def run(coro_fn: Callable[..., Awaitable[T]]) -> Callable[..., T]:
    """Run an async command body, turning database outages into one clear line."""

    @functools.wraps(coro_fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with database_errors():
            return asyncio.run(coro_fn(*args, **kwargs))

    return wrapper


def new_event_loop(config: Config) -> asyncio.AbstractEventLoop:
    """The loop `serve` and `worker` run on: uvloop unless [server] uvloop is false or uvloop is not
    installed (it has no Windows build)."""
    if config.server.uvloop:
        try:
            import uvloop
        except ImportError:
            pass
        else:
            return uvloop.new_event_loop()
    return asyncio.new_event_loop()


@contextmanager
def database_errors() -> Iterator[None]:
    """A database that is down or unreachable becomes one line saying which key to check."""
    try:
        yield
    except Exception as exc:
        if is_schema_missing(exc):
            raise Fail("the database has no louwu tables yet: run `louwu db upgrade` first") from None
        if isinstance(exc, DatabaseUnavailable) or is_unavailable(exc):
            msg = str(exc).splitlines()[0]
            raise Fail(f"database unavailable: {msg} (check [database] url)") from None
        raise


@asynccontextmanager
async def session_scope(config: Config) -> AsyncIterator[AsyncSession]:
    """One transaction: committed when the block ends, rolled back on error."""
    engine = make_engine(config.database.url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            yield session
    finally:
        await engine.dispose()


@asynccontextmanager
async def wechat_api(config: Config) -> AsyncIterator[WeChatAPI]:
    """The WeChat API client on its own HTTP session and database engine (for the shared token)."""
    engine = make_engine(config.database.url)
    try:
        async with aiohttp.ClientSession() as http:
            yield WeChatAPI(http, config.wechat, make_sessionmaker(engine), Clock().now)
    finally:
        await engine.dispose()


def day_start(value: str, option: str) -> dt.datetime:
    """The start of a day given as YYYY-MM-DD, Shanghai time; Fail names the option otherwise."""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise Fail(f"{option} {value!r}: expected a date like 2026-11-01") from None
    return dt.datetime.combine(day, dt.time(), LOCAL_TZ)
