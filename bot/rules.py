"""The live rules engine of a process: rebuilt when the database's rules version moves."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from nlp.defaults import default_pack
from nlp.engine import RulesEngine
from nlp.pack import PackError, parse_pack
from storage import repos

logger = logging.getLogger("louwu.rules")


class LiveRules:
    """Checks one counter row per batch of messages; reloads only when it changed."""

    def __init__(self) -> None:
        self._version = -1
        self._engine: RulesEngine | None = None

    async def engine(self, session: AsyncSession) -> RulesEngine:
        version = await repos.rules.version(await session.connection())
        if self._engine is None or version != self._version:
            self._engine = await self._load(session)
            self._version = version
        return self._engine

    async def _load(self, session: AsyncSession) -> RulesEngine:
        row = await repos.rules.active(session)
        if row is None:
            logger.warning("no active rule pack in the database; using the built-in default")
            return RulesEngine(default_pack())
        try:
            pack = parse_pack(row.body, f"rule pack {row.name!r}")
        except PackError as exc:
            # Saving validates packs, so this means a hand edit of the database.
            logger.error("active rule pack is invalid, keeping the previous one: %s", exc)
            return self._engine or RulesEngine(default_pack())
        logger.info("rules loaded: pack %s v%s", row.name, row.version)
        return RulesEngine(pack)
