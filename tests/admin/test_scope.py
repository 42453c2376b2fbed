"""A convener sees their own building only, through every URL the server has: each GET route of the
admin web and the JSON API (its parameters filled with the other building's issue, with filters
that name the other building), and each action on that issue."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import select

from bot.api.auth import api_token_hash
from storage import repos
from storage.models import Issue
from tests.admin.conftest import Browser
from tests.admin.test_admin_web import file_issue
from tests.wx import WeChatSender

SECRET = "恒隆广场B2车库有人偷电瓶XYZ"
TOKEN = "kdk-scope-token"
FILTERS = ["", "?building=hlgc", "?building=1", f"?q={SECRET[:6]}", "?status=new", "?page=1", "?format=csv"]


def get_urls(app: web.Application, number: int) -> list[str]:
    """Every GET route, its path parameters pointing at the other building and its issue."""
    urls = []
    for resource in app.router.resources():
        info = resource.get_info()
        if "app" in info:  # a page area's sub-application: its routes carry its prefix
            urls += get_urls(info["app"], number)
            continue
        path = info.get("path") or info.get("formatter")
        if path is None or not any(route.method == "GET" for route in resource):
            continue  # static files
        urls.append(path.replace("{number}", str(number)).replace("{code}", "hlgc").replace("{id}", "1"))
    return urls


async def test_no_url_shows_a_convener_another_buildings_issue(
    browser: Browser, wx: WeChatSender, sessionmaker: Any
) -> None:
    await file_issue(wx, "o_bob", "hlgc", SECRET)
    await file_issue(wx, "o_alice", "kdk", "四楼食堂下个月就关了")
    async with sessionmaker.begin() as db:
        number = (await db.execute(select(Issue.number).where(Issue.text == SECRET))).scalar_one()
        user = await repos.users.by_name(db, "kdk")
        await repos.users.add_token(db, user, "scope", api_token_hash(TOKEN), wx.clock.now())
    await browser.login("kdk")
    api = {"Authorization": f"Bearer {TOKEN}"}
    seen = []
    for url in get_urls(browser.client.app, number):
        for query in FILTERS:
            resp = await browser.get(url + query, headers=api if url.startswith("/api/") else {})
            seen.append(f"{url + query} {resp.status}")
            assert SECRET[:8] not in resp.body_text, f"{url + query} showed the other building's issue"
    assert len(seen) >= 100, seen
    assert f"/admin/issues/{number} 403" in seen
    assert f"/api/v1/issues/{number} 404" in seen


async def test_no_action_reaches_another_buildings_issue(
    browser: Browser, wx: WeChatSender, sessionmaker: Any
) -> None:
    await file_issue(wx, "o_bob", "hlgc", SECRET)
    async with sessionmaker.begin() as db:
        number = (await db.execute(select(Issue.number).where(Issue.text == SECRET))).scalar_one()
        user = await repos.users.by_name(db, "kdk")
        await repos.users.add_token(db, user, "scope", api_token_hash(TOKEN), wx.clock.now())
    await browser.login("kdk")
    for action in ("accept", "resolve", "reject", "transfer", "escalate", "progress"):
        web_answer = await browser.post(f"/admin/issues/{number}", {"action": action, "note": "x"})
        api_answer = await browser.client.post(
            f"/api/v1/issues/{number}/actions",
            json={"action": action, "note": "x"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert web_answer.status == 403 and api_answer.status == 404, action
    async with sessionmaker() as db:
        issue = (await db.execute(select(Issue).where(Issue.number == number))).scalar_one()
    assert issue.status == "new"
