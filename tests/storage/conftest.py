"""A session factory over the test's own migrated database, without the app around it."""

from __future__ import annotations

import pytest

from storage.db import make_engine, make_sessionmaker


@pytest.fixture
async def sessionmaker(db_url):
    engine = make_engine(db_url)
    yield make_sessionmaker(engine)
    await engine.dispose()
