"""Buildings' permanent QR codes: asked of WeChat once per building, stored, drawn locally."""

from __future__ import annotations

import io

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.wechat.api import WeChatAPI
from storage import repos


class UnknownBuilding(LookupError):
    pass


async def building_qr_url(sm: async_sessionmaker[AsyncSession], api: WeChatAPI, code: str) -> str:
    """The QR code's URL for building `code`, created through WeChat's API the first time.

    The scene is the building's code, so scanning it binds (subscribe `qrscene_<code>` or SCAN)."""
    async with sm.begin() as session:
        building = await repos.org.building_by_code(session, code)
        if building is None:
            raise UnknownBuilding(code)
        if building.qr_url:
            return building.qr_url
    made = await api.create_qrcode(code)  # WeChatAPIError goes to the caller, which knows its audience
    async with sm.begin() as session:
        building = await repos.org.building_by_code(session, code)
        assert building is not None
        building.qr_ticket, building.qr_url = made.ticket, made.url
    return made.url


def png(url: str, scale: int = 8) -> bytes:
    """Drawn here from the code's url: WeChat's showqrcode host is not the API host."""
    import segno  # for the admin's and the CLI's codes, not for every serving process

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
