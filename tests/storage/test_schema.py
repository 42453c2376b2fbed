"""`serve`'s schema check reads the revisions itself: the same head and current revision as Alembic's."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from storage import schema
from storage.db import make_engine


def test_the_head_read_from_the_files_is_alembics_head():
    alembic_head = ScriptDirectory.from_config(schema.alembic_config("sqlite://")).get_current_head()
    assert schema.head_revision() == alembic_head


async def test_a_migrated_database_is_at_head(db_url):
    engine = make_engine(db_url)
    assert await schema.is_at_head(engine)
    await engine.dispose()


async def test_an_empty_database_has_no_revision(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/empty.db")
    assert await schema.current_revision(engine) is None
    await engine.dispose()
