"""Reply templates and the holidays file (admins): what reporters hear on each state, per category,
and which days count as working days for the dates promised to them."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from bot.admin import USER, admin_only, render
from bot.admin.views.issues import categories
from bot.keys import CLOCK, SESSIONMAKER
from handlers import reply_templates, workdays
from handlers.texts import LOCAL_TZ
from storage import repos
from storage.models import ANY_CATEGORY

MAX_HOLIDAYS = 64 * 1024


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/replies", page)
    router.add_post("/replies/templates", save_template)
    router.add_post("/replies/holidays", save_holidays)


def _back(**params: str) -> web.HTTPFound:
    return web.HTTPFound("/admin/replies?" + urlencode(params))


async def page(request: web.Request) -> web.Response:
    admin_only(request, "回复模板和节假日")
    return await _page(request, request.query.get("error", ""))


async def _page(request: web.Request, error: str, typed: str | None = None) -> web.Response:
    """The page; `typed`: a refused holidays file, shown again to be corrected."""
    today = request.config_dict[CLOCK].now().astimezone(LOCAL_TZ)
    async with request.config_dict[SESSIONMAKER]() as db:
        names = await categories(request, db)
        rows = await repos.templates.all_templates(db)
        holidays = await workdays.text_of(db)
        calendar = await workdays.current(db)
        audit = await repos.rules.audit(db, 20, of=reply_templates.AUDIT)
        audit += await repos.rules.audit(db, 10, of=workdays.AUDIT)
    return await render(
        request,
        "replies.html",
        states=reply_templates.STATES,
        defaults=reply_templates.DEFAULTS,
        placeholders=reply_templates.PLACEHOLDERS,
        templates=rows,
        preview=lambda text, c="": reply_templates.example(text, names.get(c, "餐饮就餐")),
        categories={ANY_CATEGORY: "全部分类", **names},
        holidays=holidays if typed is None else typed,
        warning=workdays.coverage_warning(calendar, today.date()),
        sample=workdays.say_date(calendar.due(today, 7)),
        package=workdays.package_version(),
        published=f"{min(workdays.published().years)}–{max(workdays.published().years)}",
        audit=sorted(audit, key=lambda a: a.at, reverse=True),
        done=request.query.get("done", ""),
        error=error,
        status=400 if typed is not None else 200,
    )


async def save_template(request: web.Request) -> web.StreamResponse:
    """Set one template (category × state), or remove it with an empty text."""
    admin_only(request, "回复模板")
    form = await request.post()
    category, state = str(form.get("category", ANY_CATEGORY)), str(form.get("state", ""))
    text = str(form.get("text", ""))[: reply_templates.MAX_CHARS * 2]
    actor, now = f"{request[USER].name}（管理后台）", request.config_dict[CLOCK].now()
    async with request.config_dict[SESSIONMAKER].begin() as db:
        if category != ANY_CATEGORY and category not in await categories(request, db):
            raise _back(error=f"没有分类「{category}」。")
        try:
            await reply_templates.save(db, category, state, text, actor, now)
        except reply_templates.TemplateError as exc:
            raise _back(error=f"未保存：{exc}") from None
    what = "已恢复默认句子" if not text.strip() else "已保存"
    raise _back(done=f"{what}（{reply_templates.STATES.get(state, state)}），下一次办理起生效。")


async def save_holidays(request: web.Request) -> web.StreamResponse:
    """A new holidays file, from an upload or the text box: taken whole or refused with the reason."""
    admin_only(request, "节假日")
    form = await request.post()
    upload = form.get("file")
    body = upload.file.read(MAX_HOLIDAYS + 1) if isinstance(upload, web.FileField) else form.get("toml", "")
    if len(body) > MAX_HOLIDAYS:
        raise _back(error="节假日文件太大（超过 64 KB）。")
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
    except UnicodeDecodeError:
        raise _back(error="节假日文件要用 UTF-8 编码。") from None
    actor, now = f"{request[USER].name}（管理后台）", request.config_dict[CLOCK].now()
    try:
        async with request.config_dict[SESSIONMAKER].begin() as db:
            calendar = await workdays.save(db, text, actor, now, "节假日文件")
    except workdays.HolidaysError as exc:
        return await _page(request, f"未保存，日历未变：{exc}", typed=text)
    years = "、".join(str(y) for y in sorted(calendar.years))
    raise _back(
        done=f"已保存节假日：{years} 年，{len(calendar.off)} 天放假、{len(calendar.work)} 天调休上班。"
    )
