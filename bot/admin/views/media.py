"""Kept pictures and voice, served to the people whose scope holds the issue they belong to."""

from __future__ import annotations

from aiohttp import web

from bot.admin import USER
from bot.admin.scope import scope_of
from bot.keys import JOBS, SESSIONMAKER
from storage import repos
from storage.models import Issue


def routes(router: web.UrlDispatcher) -> None:
    router.add_get(r"/media/{id:\d+}", full)
    router.add_get(r"/media/{id:\d+}/thumb", thumb)


async def full(request: web.Request) -> web.Response:
    return await _serve(request, thumb=False)


async def thumb(request: web.Request) -> web.Response:
    return await _serve(request, thumb=True)


async def _serve(request: web.Request, thumb: bool) -> web.Response:
    async with request.config_dict[SESSIONMAKER]() as db:
        item = await repos.media.get(db, int(request.match_info["id"]))
        issue = await db.get(Issue, item.issue_id) if item and item.issue_id else None
        if item is None or issue is None:
            raise web.HTTPNotFound(text="没有这个图片或语音。")
        if not (await scope_of(db, request[USER])).allows(issue.building_id):
            raise web.HTTPForbidden(text=f"#{issue.number} 不在您负责的楼宇范围内。")
        data = await request.config_dict[JOBS].keeper.store.read(item, thumb=thumb and item.kind == "image")
    if data is None:
        raise web.HTTPNotFound(text="文件不在媒体存储里了（可能已按保留期限删除）。")
    kind = "image/jpeg" if thumb or item.kind == "image" else item.content_type or "application/octet-stream"
    headers = {"Cache-Control": "private, max-age=3600"}
    if item.kind != "image":
        headers["Content-Disposition"] = f'attachment; filename="issue-{issue.number}-voice-{item.id}"'
    return web.Response(body=data, content_type=kind, headers=headers)
