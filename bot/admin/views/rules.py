"""The rules editor (admins): categories and their words, add and remove, the live try-it box,
import and export, the audit log, and how the active pack does on the labelled examples."""

from __future__ import annotations

import asyncio
import dataclasses
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin import USER, admin_only, render
from bot.admin.views.issues import RULES
from bot.keys import CLOCK, SESSIONMAKER
from nlp import pack_edit
from nlp.engine import RulesEngine
from nlp.evaluate import score
from nlp.explain import explain
from nlp.pack import PackError, RulePack, dump_pack, parse_pack
from nlp.similarity import shared_similarity
from nlp.suggest import Suggestion, from_model
from storage import repos

KINDS = ("keyword", "synonym", "exclude", "urgent")
MAX_PACK = 512 * 1024


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/rules", page)
    router.add_post("/rules/try", try_it)
    router.add_post("/rules/words", add_word)
    router.add_post("/rules/words/remove", remove_word)
    router.add_post("/rules/import", import_pack)
    router.add_get("/rules/export", export_pack)


def _admin_only(request: web.Request) -> None:
    admin_only(request, "关键词规则")


async def _engine(request: web.Request, db: AsyncSession) -> RulesEngine:
    return await request.config_dict[RULES].engine(db)


async def page(request: web.Request) -> web.Response:
    _admin_only(request)
    async with request.config_dict[SESSIONMAKER]() as db:
        engine = await _engine(request, db)
        audit = await repos.rules.audit(db, limit=30)
        examples = await repos.rules.examples(db)
    text = request.query.get("try", "").strip()[:500]
    pairs = [(e.category, engine.tag(e.text).primary) for e in examples]
    report = score(pairs, engine.pack.category_ids) if pairs else None
    return await render(
        request,
        "rules.html",
        pack=engine.pack,
        audit=audit,
        tried=text,
        explained=await asyncio.to_thread(explain, engine.pack, text, engine) if text else None,
        examples=len(examples),
        report=report,
        suggestions=await asyncio.to_thread(_suggestions, engine),
        kinds=KINDS,
        done=request.query.get("done", ""),
        error=request.query.get("error", ""),
    )


def _suggestions(engine: RulesEngine) -> dict[str, list[Suggestion]]:
    """The learned layer's strongest words that no rule holds yet, a few per category."""
    if engine.model is None:
        return {}
    return from_model(engine.model, engine.pack, shared_similarity().segmenter.knows, per_category=5)


async def try_it(request: web.Request) -> web.Response:
    """The try-it box, as you type: the same explanation as `louwu rules try`."""
    _admin_only(request)
    try:
        text = str((await request.json()).get("text", "")).strip()[:500]
    except ValueError:
        return web.json_response({"error": "expected JSON {text}"}, status=400)
    async with request.config_dict[SESSIONMAKER]() as db:
        engine = await _engine(request, db)
    explained = await asyncio.to_thread(explain, engine.pack, text, engine)
    return web.json_response(explained.as_dict())


def _back(**params: str) -> web.HTTPFound:
    return web.HTTPFound("/admin/rules?" + urlencode(params))


async def _edit(request: web.Request, action: str, change: pack_edit.Edit, done: str) -> web.StreamResponse:
    """Apply one edit to the active pack: refused whole with the reason, or saved and audited."""
    app = request.config_dict
    async with app[SESSIONMAKER].begin() as db:
        pack = (await _engine(request, db)).pack
        try:
            changed = change(pack)
        except PackError as exc:
            raise _back(error=exc.reason) from None
        # Editing the built-in default of a database that has no pack yet stores it as the active one.
        await _save(db, request, changed, action, activate=await repos.rules.active(db) is None)
    raise _back(done=done)


async def _save(db: AsyncSession, request: web.Request, pack: RulePack, action: str, activate: bool) -> None:
    actor, now = f"{request[USER].name}（管理后台）", request.config_dict[CLOCK].now()
    await repos.rules.save(db, pack.name, dump_pack(pack), actor, action, now, activate=activate)


async def add_word(request: web.Request) -> web.StreamResponse:
    _admin_only(request)
    form = await request.post()
    cid, word, kind = (str(form.get(k, "")).strip() for k in ("category", "word", "kind"))
    try:
        weight = float(str(form.get("weight", "2") or "2"))
    except ValueError:
        raise _back(error="权重要是数字，例如 2 或 0.5。") from None
    target = str(form.get("synonym_of", "")).strip()
    edits: dict[str, pack_edit.Edit] = {
        "keyword": lambda p: pack_edit.add_keyword(p, cid, word, weight),
        "synonym": lambda p: pack_edit.add_synonym(p, cid, word, target),
        "exclude": lambda p: pack_edit.add_exclusion(p, cid, word),
        "urgent": lambda p: pack_edit.add_urgency(p, word),
    }
    if kind not in edits:
        raise _back(error=f"未知的类型 {kind!r}。")
    return await _edit(request, "add", edits[kind], f"已添加「{word}」，下一条消息起生效。")


async def remove_word(request: web.Request) -> web.StreamResponse:
    _admin_only(request)
    form = await request.post()
    cid, word = str(form.get("category", "")), str(form.get("word", ""))
    change: pack_edit.Edit = lambda p: pack_edit.remove_word(p, cid or None, word)  # noqa: E731
    return await _edit(request, "remove", change, f"已删除「{word}」，下一条消息起生效。")


async def import_pack(request: web.Request) -> web.StreamResponse:
    """A whole pack from a TOML file or the text box: accepted whole or refused with file and line."""
    _admin_only(request)
    form = await request.post()
    upload = form.get("file")
    body = upload.file.read(MAX_PACK + 1) if isinstance(upload, web.FileField) else str(form.get("toml", ""))
    if len(body) > MAX_PACK:
        raise _back(error="规则包太大（超过 512 KB）。")
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        pack = parse_pack(text, getattr(upload, "filename", None) or "导入的规则包")
    except (PackError, UnicodeDecodeError) as exc:
        raise _back(error=f"未导入，规则未变：{exc}") from None
    name = str(form.get("name", "")).strip()
    pack = dataclasses.replace(pack, name=name) if name else pack
    activate = form.get("activate") == "1"
    async with request.config_dict[SESSIONMAKER].begin() as db:
        await _save(db, request, pack, "import", activate)
    state = "并已启用" if activate else "（未启用）"
    raise _back(done=f"已导入规则包 {pack.name}{state}：{len(pack.categories)} 个分类。")


async def export_pack(request: web.Request) -> web.Response:
    _admin_only(request)
    async with request.config_dict[SESSIONMAKER]() as db:
        pack = (await _engine(request, db)).pack
    return web.Response(
        text=dump_pack(pack),
        content_type="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{pack.name}.toml"'},
    )
