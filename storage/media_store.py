"""Where kept pictures and voice live: files in a directory (the default beside a SQLite database), or
the database itself (PostgreSQL without [media] dir, so several hosts share them with nothing more to
run). Either way the row in `media` says what there is; the store holds the bytes."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import make_url

from storage.models import MediaItem


class MediaStore(Protocol):
    where: str

    async def put(self, item: MediaItem, data: bytes, thumb: bytes | None) -> None: ...

    async def read(self, item: MediaItem, thumb: bool = False) -> bytes | None: ...

    async def remove(self, item: MediaItem) -> None: ...


class DatabaseStore:
    """The bytes in the row itself: written and removed with it, in the caller's transaction."""

    where = "the database"

    async def put(self, item: MediaItem, data: bytes, thumb: bytes | None) -> None:
        item.data, item.thumb = data, thumb

    async def read(self, item: MediaItem, thumb: bool = False) -> bytes | None:
        return item.thumb if thumb else item.data

    async def remove(self, item: MediaItem) -> None:
        item.data = item.thumb = None


class DirectoryStore:
    """One file a medium and one a thumbnail, named by the row's id, written whole or not at all."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.where = str(root)

    def _path(self, item: MediaItem, thumb: bool) -> Path:
        return (
            self.root
            / f"{item.id:08d}{'.thumb' if thumb else ''}.{'jpg' if thumb or item.kind == 'image' else 'bin'}"
        )

    async def put(self, item: MediaItem, data: bytes, thumb: bytes | None) -> None:
        await asyncio.to_thread(self._write, self._path(item, False), data)
        if thumb is not None:
            await asyncio.to_thread(self._write, self._path(item, True), thumb)

    async def read(self, item: MediaItem, thumb: bool = False) -> bytes | None:
        path = self._path(item, thumb)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None

    async def remove(self, item: MediaItem) -> None:
        for thumb in (False, True):
            self._path(item, thumb).unlink(missing_ok=True)

    def _write(self, path: Path, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_bytes(data)
        os.replace(partial, path)  # a reader never sees half a picture


def media_store(database_url: str, directory: str) -> MediaStore:
    """[media] dir when set; else a `media` directory beside a SQLite file, or PostgreSQL itself."""
    if directory:
        return DirectoryStore(Path(directory))
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        db = url.database or ""
        return DirectoryStore((Path(db).parent if db and db != ":memory:" else Path.cwd()) / "media")
    return DatabaseStore()
