"""A router with filters, in the manner of aiogram: one handler list per event class, first match wins.

Filters are plain callables `(event, ctx) -> bool | dict`; a dict both matches and passes its items to
the handler as keyword arguments, so filters parse and handlers act.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from handlers.events import Event, TextMessage
from handlers.replies import Reply

if TYPE_CHECKING:
    from handlers.context import HandlerContext

logger = logging.getLogger("louwu.router")

Filter = Callable[[Event, "HandlerContext"], "bool | dict[str, Any]"]
Handler = Callable[..., Awaitable[Reply]]
ErrorHandler = Callable[[BaseException, Event, "HandlerContext"], Awaitable[Reply]]
H = TypeVar("H", bound=Callable[..., Any])


class SkipHandler(Exception):  # noqa: N818 - aiogram's name, a signal rather than an error
    """Raised by a handler to let the next matching handler try."""


class _Unhandled:
    def __repr__(self) -> str:
        return "UNHANDLED"


UNHANDLED = _Unhandled()


@dataclass(frozen=True)
class _Registered:
    callback: Handler
    filters: tuple[Filter, ...]
    # A filter may declare `words`: the only words a text it matches can start with (a command).
    # The router then passes over it for any other text without calling a filter at all.
    words: tuple[str, ...] | None = None

    def check(self, event: Event, ctx: HandlerContext) -> dict[str, Any] | None:
        data: dict[str, Any] = {}
        for f in self.filters:
            result = f(event, ctx)
            if result is False or result is None:
                return None
            if isinstance(result, dict):
                data.update(result)
        return data


class Router:
    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: dict[type[Event], list[_Registered]] = {}
        self._errors: list[tuple[tuple[type[BaseException], ...], ErrorHandler]] = []
        self._children: list[Router] = []
        self._flat: dict[type[Event], list[_Registered]] | None = None

    def on(self, event_cls: type[Event], *filters: Filter) -> Callable[[H], H]:
        def register(callback: H) -> H:
            words = next((f.words for f in filters if isinstance(getattr(f, "words", None), tuple)), None)
            entry = _Registered(callback, filters, words)
            self._handlers.setdefault(event_cls, []).append(entry)
            self._flat = None
            return callback

        return register

    def error(self, *exc_types: type[BaseException]) -> Callable[[H], H]:
        def register(callback: H) -> H:
            self._errors.append((exc_types or (Exception,), callback))
            return callback

        return register

    def include(self, *routers: Router) -> Router:
        self._children.extend(routers)
        self._flat = None
        return self

    def _walk(self) -> list[Router]:
        out = [self]
        for child in self._children:
            out += child._walk()
        return out

    def _table(self) -> dict[type[Event], list[_Registered]]:
        if self._flat is None:
            flat: dict[type[Event], list[_Registered]] = {}
            for router in self._walk():
                for cls, entries in router._handlers.items():
                    flat.setdefault(cls, []).extend(entries)
            self._flat = flat
        return self._flat

    def matches(self, event: Event, ctx: HandlerContext) -> Iterator[tuple[Handler, dict[str, Any]]]:
        """The handlers whose filters all match, in priority order, with what the filters parsed.
        A role filter may refuse outright (a Refusal, raised from here)."""
        text = event.command_text if isinstance(event, TextMessage) else ""
        for entry in self._table().get(type(event), ()):
            if entry.words is not None and not text.startswith(entry.words):
                continue  # a command, and this is not it: most texts are complaints
            data = entry.check(event, ctx)
            if data is not None:
                yield entry.callback, data

    async def dispatch(self, event: Event, ctx: HandlerContext) -> Reply | _Unhandled:
        """Run the first handler whose filters all match (the next, if it skips); errors go to the
        error handlers."""
        found = self.matches(event, ctx)
        while True:
            try:
                match = next(found, None)
                if match is None:
                    return UNHANDLED
                callback, data = match
                return await callback(event, ctx, **data)
            except SkipHandler:
                continue
            except Exception as exc:
                return await self.handle_error(exc, event, ctx)

    async def handle_error(self, exc: BaseException, event: Event, ctx: HandlerContext) -> Reply:
        for router in self._walk():
            for types, callback in router._errors:
                if isinstance(exc, types):
                    return await callback(exc, event, ctx)
        raise exc
