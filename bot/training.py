"""Retraining the learned layer on the shipped examples and every correction people made (改类),
by `louwu rules train` and on its own once `[tagging] retrain_after` new corrections have come in."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy.ext.asyncio import AsyncSession

from nlp.evaluate import Example
from storage import repos
from storage.models import TaggingModel

logger = logging.getLogger("louwu.training")


async def corrections(session: AsyncSession) -> list[Example]:
    return [Example(e.text, e.category) for e in await repos.rules.examples(session)]


async def due(session: AsyncSession, every: int) -> bool:
    """Whether `every` corrections (or more) came in since the active model was trained."""
    if every <= 0:
        return False
    model = await repos.rules.active_model(session)
    learned = model.corrections if model is not None else 0
    return await repos.rules.count_examples(session) - learned >= every


async def retrain(session: AsyncSession, actor: str, now: dt.datetime) -> TaggingModel:
    """Train on the shipped examples and the corrections (off the event loop) and make it active."""
    # NumPy and scikit-learn only when training: a serving process that never trains is 14 MiB lighter.
    from nlp.train import shipped_dangers, shipped_examples, train

    shipped, fixes = shipped_examples(), await corrections(session)
    where = f"{len(shipped)} shipped, {len(fixes)} corrections"
    model = await asyncio.to_thread(train, [*shipped, *fixes], where, shipped_dangers())
    row = await repos.rules.save_model(
        session, model.dumps(), len(shipped) + len(fixes), len(fixes), where, actor, now
    )
    logger.info("model #%s trained on %s", row.id, where)
    return row
