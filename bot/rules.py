"""The live tagger of a process (rule pack and model): rebuilt when the database's rules version moves."""

from __future__ import annotations

import asyncio
import hashlib
import logging

from sqlalchemy.ext.asyncio import AsyncSession

from nlp.defaults import default_model, default_pack
from nlp.engine import DEFAULT_SETTINGS, ModelSettings, RulesEngine
from nlp.model import ModelError, TextModel, loads
from nlp.pack import PackError, RulePack, parse_pack
from storage import repos
from storage.db import make_engine, make_sessionmaker

logger = logging.getLogger("louwu.rules")

# The model a process read last, by a digest of its body (not its row id, which another database
# may give another model): the intake's, the jobs' and the admin's LiveRules share one copy, and
# workers forked after start-up share their parent's (bot/workers.py).
_read: dict[bytes, TextModel] = {}


class LiveRules:
    """Checks one counter row per batch of messages; reloads only when it changed."""

    def __init__(self, settings: ModelSettings | None = DEFAULT_SETTINGS) -> None:
        """`settings` None: the rules alone, without the learned layer."""
        self._settings = settings
        self._version = -1
        self._engine: RulesEngine | None = None

    async def engine(self, session: AsyncSession) -> RulesEngine:
        version = await repos.rules.version(await session.connection())
        if self._engine is None or version != self._version:
            self._engine = await self._load(session)
            self._version = version
        return self._engine

    async def _load(self, session: AsyncSession) -> RulesEngine:
        pack = await self._pack(session)
        if self._settings is None:
            return RulesEngine(pack)
        return RulesEngine(pack, await self._model(session), self._settings)

    async def _pack(self, session: AsyncSession) -> RulePack:
        row = await repos.rules.active(session)
        if row is None:
            logger.warning("no active rule pack in the database; using the built-in default")
            return default_pack()
        try:
            pack = parse_pack(row.body, f"rule pack {row.name!r}")
        except PackError as exc:
            # Saving validates packs, so this means a hand edit of the database.
            logger.error("active rule pack is invalid, keeping the previous one: %s", exc)
            return self._engine.pack if self._engine else default_pack()
        logger.info("rules loaded: pack %s v%s", row.name, row.version)
        return pack

    async def _model(self, session: AsyncSession) -> TextModel:
        row = await repos.rules.active_model(session)
        if row is None:
            return default_model()
        digest = hashlib.blake2b(row.body, digest_size=16).digest()
        if (model := _read.get(digest)) is not None:
            return model  # a pack edit, or another LiveRules of this process read it first
        try:
            # Tens of milliseconds (gunzip, JSON, the n-gram automaton): not on the loop that answers WeChat.
            model = await asyncio.to_thread(loads, row.body)
        except ModelError as exc:
            logger.error("active model #%s is unreadable, using the shipped one: %s", row.id, exc)
            return default_model()
        _read.clear()
        _read[digest] = model
        logger.info("model loaded: #%s, %s examples (%s)", row.id, row.examples, row.trained_on)
        return model


async def read_ahead(url: str, settings: ModelSettings | None) -> None:
    """Read the active rules and model before serving, over a connection closed again: the first
    message does not wait for them, and workers forked afterwards share the model's pages."""
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            await LiveRules(settings).engine(session)
    finally:
        await engine.dispose()
