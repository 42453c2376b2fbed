"""`louwu doctor`: the configuration checked against the Official Account and this machine, one line
each with the fix, so a mistake shows up before a message is lost, not as an errcode in a log later.

The CLI and the admin web run the same checks. Only the holidays are warnings by nature; a check that
cannot run because an earlier one failed is skipped, not failed twice."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncEngine

from bot import menu as menus
from bot.config import Config
from bot.wechat.api import WeChatAPI
from bot.wechat.errors import WeChatAPIError
from handlers import workdays
from storage import repos, schema
from storage.db import make_sessionmaker
from storage.media_store import DirectoryStore, media_store

Status = Literal["ok", "warn", "fail", "skip"]
# What the token endpoint's refusals mean, and what to change where (公众平台 → 设置与开发 → 基本配置).
TOKEN_FIXES = {
    40013: "AppID 不对：把 [wechat] app_id 改成公众平台「基本配置」里的开发者ID(AppID)",
    40125: "AppSecret 不对：在「基本配置」重置开发者密码(AppSecret)，写进 LOUWU_WECHAT__APP_SECRET",
    40164: "本机 IP {ip} 不在 IP 白名单：在「基本配置 → IP白名单」加上 {ip}",
    40001: "AppSecret 不对或已重置：在「基本配置」查看后写进 LOUWU_WECHAT__APP_SECRET",
}
CANNOT_CALL = "数据库或接口凭证未通过，无法向微信查询"
_IP = re.compile(r"invalid ip ([0-9A-Fa-f.:]+)")
_KEY = re.compile(r"\{\{\s*(\w+)\.DATA\s*\}\}")


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""


async def run(config: Config, engine: AsyncEngine, api: WeChatAPI | None, today: dt.date) -> list[Check]:
    """Every check, in the order a person setting up an account meets them."""
    database = await _schema(engine)
    token = await _token(config, api)
    checks = [database, token]
    # API calls share the access token kept in the database: they need both.
    reachable = api if token.status == "ok" and database.status == "ok" else None
    checks += await _templates(config, reachable)
    checks.append(await _menu(config, reachable))
    if database.status == "ok":
        checks.append(await _qr_codes(engine, can_make=reachable is not None))
        checks.append(await _holidays(engine, today))
    checks.append(_media(config))
    return checks


def failed(checks: list[Check]) -> bool:
    return any(c.status == "fail" for c in checks)


async def _schema(engine: AsyncEngine) -> Check:
    try:
        at = await schema.current_revision(engine)
    except Exception as exc:  # noqa: BLE001 - any database error is this check's finding
        return Check("数据库", "fail", f"连不上数据库：{str(exc).splitlines()[0]}", "检查 [database] url")
    if at != schema.head_revision():
        return Check(
            "数据库", "fail", f"表结构是 {at or '空'}，最新是 {schema.head_revision()}", "louwu db upgrade"
        )
    return Check("数据库", "ok", f"表结构最新（{at}）")


async def _token(config: Config, api: WeChatAPI | None) -> Check:
    if api is None or not config.wechat.app_secret:
        return Check(
            "接口凭证",
            "warn",
            "没有 AppSecret：只能被动回复，提醒和进展要等用户下次发消息",
            "设置 LOUWU_WECHAT__APP_SECRET",
        )
    try:
        await api.fetch_token(force=False)
    except WeChatAPIError as exc:
        ip = m.group(1) if (m := _IP.search(exc.errmsg)) else "?"
        fix = TOKEN_FIXES.get(exc.errcode, "查看微信返回码说明").format(ip=ip)
        return Check("接口凭证", "fail", f"微信拒绝了 access_token：{exc.errcode} {exc.errmsg}", fix)
    return Check("接口凭证", "ok", f"AppID {config.wechat.app_id} 取到了 access_token")


async def _templates(config: Config, api: WeChatAPI | None) -> list[Check]:
    t = config.templates
    wanted = [("进展模板", t.issue_update, t.issue_update_keys), ("提醒模板", t.alert, t.alert_keys)]
    if not any(tid for _, tid, _ in wanted):
        return [
            Check(
                "模板消息",
                "warn",
                "没有配置模板：48 小时外的消息等用户下次发言",
                "[templates] issue_update、alert",
            )
        ]
    if api is None:
        return [Check("模板消息", "skip", CANNOT_CALL)]
    try:
        listed = await api.private_templates()
    except WeChatAPIError as exc:
        return [
            Check("模板消息", "fail", f"读不到模板列表：{exc}", "需要认证服务号，并在「模板消息」里添加模板")
        ]
    return [_template(name, tid, keys, listed) for name, tid, keys in wanted if tid]


def _template(name: str, tid: str, keys: dict[str, str], listed: dict[str, str]) -> Check:
    if tid not in listed:
        return Check(
            name,
            "fail",
            f"模板 {tid} 不在公众号的「我的模板」里",
            "在「模板消息 → 我的模板」复制模板ID到 [templates]",
        )
    has = set(_KEY.findall(listed[tid]))
    missing = sorted(set(keys.values()) - has)
    if missing:
        return Check(
            name,
            "fail",
            f"模板 {tid} 没有 {'、'.join(missing)}，它有 {'、'.join(sorted(has)) or '（无）'}",
            "改 [templates] 的 *_keys，让每个字段对上模板里的关键词",
        )
    return Check(name, "ok", f"模板 {tid} 的关键词都对得上（{'、'.join(sorted(keys.values()))}）")


async def _menu(config: Config, api: WeChatAPI | None) -> Check:
    try:
        wanted = menus.load(Path(config.wechat.menu) if config.wechat.menu else None)
    except menus.MenuError as exc:
        return Check("菜单", "fail", f"菜单文件有错：{exc}", "改正菜单文件")
    if api is None:
        return Check("菜单", "skip", CANNOT_CALL)
    try:
        body = await api.get_menu()
    except WeChatAPIError as exc:
        return Check("菜单", "fail", f"读不到公众号的菜单：{exc}", "louwu menu push")
    if body is None:
        return Check("菜单", "fail", "公众号还没有菜单", "louwu menu push（或管理后台「公众号」页）")
    if menus.from_wechat(body) != wanted:
        return Check(
            "菜单", "fail", "公众号的菜单和菜单文件不一样", "louwu menu push（louwu menu show 看区别）"
        )
    return Check("菜单", "ok", f"公众号的菜单就是菜单文件（{len(wanted.buttons)} 个按钮）")


async def _qr_codes(engine: AsyncEngine, can_make: bool) -> Check:
    async with make_sessionmaker(engine)() as session:
        buildings = await repos.org.buildings(session)
    if not buildings:
        return Check("楼宇二维码", "warn", "还没有楼宇", "louwu seed FILE")
    missing = [b.code for b in buildings if not b.qr_url]
    if missing and not can_make:  # SPEC: without the API people bind by name
        return Check("楼宇二维码", "warn", f"{len(missing)} 栋楼宇没有二维码：用户回复「绑定 楼宇名」绑定")
    if missing:
        shown = "、".join(missing[:5]) + ("…" if len(missing) > 5 else "")
        return Check(
            "楼宇二维码",
            "fail",
            f"{len(missing)} 栋楼宇没有二维码：{shown}",
            f"louwu buildings qrcode {missing[0]}（每栋一次）",
        )
    return Check("楼宇二维码", "ok", f"{len(buildings)} 栋楼宇都有二维码")


def _media(config: Config) -> Check:
    store = media_store(config.database.url, config.media.dir)
    if isinstance(store, DirectoryStore):
        try:
            store.root.mkdir(parents=True, exist_ok=True)
            probe = store.root / ".louwu-doctor"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            return Check(
                "媒体存储",
                "fail",
                f"{store.where} 不能写入：{exc.strerror}",
                "改 [media] dir，或给 louwu 写权限",
            )
    return Check("媒体存储", "ok", f"图片和语音存在 {store.where}")


async def _holidays(engine: AsyncEngine, today: dt.date) -> Check:
    async with make_sessionmaker(engine)() as session:
        calendar = await workdays.current(session)
    warning = workdays.coverage_warning(calendar, today)
    if warning:
        return Check(
            "节假日", "warn", warning, "pip install -U chinese-calendar，或 louwu holidays import FILE"
        )
    return Check("节假日", "ok", f"未来十二个月都有放假安排（chinese-calendar {workdays.package_version()}）")
