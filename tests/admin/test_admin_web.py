"""The admin web over HTTP: login and its limits, CSRF, a convener's scope, the board's filters,
actions that tell the people on the issue, the rules editor and the dashboard."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage import repos
from storage.models import Issue
from tests.admin.conftest import Browser
from tests.wx import WeChatSender, filed_number

CANTEEN = "四楼食堂下个月就关了，九百多人以后去哪吃饭？"


async def file_issue(wx: WeChatSender, openid: str, building: str, text: str) -> None:
    alice = wx.reporter(openid)
    await alice.follows(building)
    filed_number(await alice.says(text))


async def test_pages_need_a_login(browser: Browser) -> None:
    resp = await browser.client.get("/admin/issues", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"].startswith("/admin/login")


async def test_a_wrong_password_is_refused_and_five_lock_the_account(browser: Browser) -> None:
    for _ in range(5):
        resp = await browser.login("admin", "wrong password!")
        assert resp.status == 401 and "用户名或密码不对" in resp.body_text
    resp = await browser.login("admin")  # the right password, but locked now
    assert resp.status == 401 and "已锁定" in resp.body_text


async def test_login_sets_an_httponly_samesite_cookie(browser: Browser) -> None:
    resp = await browser.login("admin")
    assert resp.status == 302
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


async def test_a_form_without_its_csrf_token_is_refused(browser: Browser, wx: WeChatSender) -> None:
    await file_issue(wx, "o_alice", "kdk", CANTEEN)
    await browser.login("admin")
    resp = await browser.post("/admin/issues/1", {"action": "accept"}, csrf=False)
    assert resp.status == 403 and "CSRF" in resp.body_text
    assert "待受理" in (await browser.get("/admin/issues/1")).body_text


async def test_accepting_on_the_web_tells_the_reporter(
    browser: Browser, wx: WeChatSender, jobs: Any, fake_wechat: Any
) -> None:
    await file_issue(wx, "o_alice", "kdk", CANTEEN)
    await browser.login("admin")
    await browser.get("/admin/issues/1")
    resp = await browser.post("/admin/issues/1", {"action": "accept", "note": "明天答复"})
    assert resp.status == 302 and "done=" in resp.headers["Location"]
    page = await browser.get(resp.headers["Location"])
    assert "已受理" in page.body_text and "admin（管理后台）" in page.body_text
    await jobs.dispatch_outbox()
    assert any("楼务会受理" in m and "明天答复" in m for m in fake_wechat.sent_to("o_alice"))


async def test_rejecting_without_a_reason_says_what_to_write(browser: Browser, wx: WeChatSender) -> None:
    await file_issue(wx, "o_alice", "kdk", CANTEEN)
    await browser.login("admin")
    await browser.get("/admin/issues/1")
    resp = await browser.post("/admin/issues/1", {"action": "reject", "note": ""})
    page = await browser.get(resp.headers["Location"])
    assert "请写明说明" in page.body_text


async def test_a_convener_sees_and_acts_only_in_their_building(browser: Browser, wx: WeChatSender) -> None:
    await file_issue(wx, "o_alice", "kdk", CANTEEN)
    await file_issue(wx, "o_bob", "hlgc", "恒隆广场电梯坏了，困了好久")
    await browser.login("kdk")
    board = await browser.get("/admin/issues")
    assert "#1" in board.body_text and "#2" not in board.body_text
    assert (await browser.get("/admin/issues/2")).status == 403
    resp = await browser.post("/admin/issues/2", {"action": "accept"})
    assert resp.status == 403
    assert (await browser.get("/admin/rules")).status == 403


async def test_the_board_filters_by_text_and_category(browser: Browser, wx: WeChatSender) -> None:
    await file_issue(wx, "o_alice", "kdk", CANTEEN)
    await file_issue(wx, "o_bob", "kdk", "电梯坏了，困了十分钟")
    await browser.login("admin")
    by_text = await browser.get("/admin/issues", params={"q": "电梯"})
    assert "#2" in by_text.body_text and "#1<" not in by_text.body_text
    by_category = await browser.get("/admin/issues", params={"category": "dining"})
    assert "#1" in by_category.body_text and "#2<" not in by_category.body_text
    assert (await browser.get("/admin/issues", params={"page": "x", "sort": "?"})).status == 200


async def test_a_recategorised_issue_becomes_a_labelled_example(
    browser: Browser, wx: WeChatSender, sessionmaker: Any
) -> None:
    from storage import repos

    await file_issue(wx, "o_alice", "kdk", CANTEEN)
    await browser.login("admin")
    await browser.get("/admin/issues/1")
    await browser.post("/admin/issues/1", {"action": "recategorise", "note": "facilities"})
    async with sessionmaker() as db:
        [example] = await repos.rules.examples(db)
    assert (example.category, example.was, example.text) == ("facilities", "dining", CANTEEN)


async def test_a_rule_added_on_the_web_changes_the_try_it_answer(browser: Browser) -> None:
    """A strong word (weight ≥ [tagging] rules_sure) stands whatever the learned layer says."""
    await browser.login("admin")
    await browser.get("/admin/rules")
    before = await browser.client.post(
        "/admin/rules/try", json={"text": "啦啦啦啦"}, headers={"X-CSRF-Token": browser.csrf}
    )
    assert (await before.json())["winner"] == "other"
    resp = await browser.post(
        "/admin/rules/words", {"category": "facilities", "word": "啦啦啦啦", "kind": "keyword", "weight": "6"}
    )
    assert "done=" in resp.headers["Location"]
    after = await browser.client.post(
        "/admin/rules/try", json={"text": "啦啦啦啦"}, headers={"X-CSRF-Token": browser.csrf}
    )
    assert (await after.json())["winner"] == "facilities"
    assert "啦啦啦啦" in (await browser.get("/admin/rules")).body_text


async def test_a_broken_pack_is_refused_whole_with_its_line(browser: Browser) -> None:
    await browser.login("admin")
    await browser.get("/admin/rules")
    resp = await browser.client.post(
        "/admin/rules/import",
        data={"_csrf": browser.csrf, "toml": 'name = "x"\nthreshold = "high"\n'},
        allow_redirects=False,
    )
    page = await browser.get(resp.headers["Location"])
    assert "未导入" in page.body_text


async def test_the_dashboard_draws_its_charts(browser: Browser, wx: WeChatSender) -> None:
    await file_issue(wx, "o_alice", "kdk", CANTEEN)
    await browser.login("admin")
    page = await browser.get("/admin/dashboard")
    assert page.status == 200
    assert page.body_text.count("<svg") == 6 and "每周反映数" in page.body_text


async def test_the_dashboard_marks_a_spike(browser: Browser, wx: WeChatSender) -> None:
    for i, text in enumerate(
        ["食堂饭菜太咸了", "外卖送不进大楼", "午饭排队要四十分钟", "餐厅没有素菜可选", "早餐供应太晚"]
    ):
        await file_issue(wx, f"o_diner_{i}", "kdk", text)
    await browser.login("admin")
    page = (await browser.get("/admin/dashboard")).body_text
    assert "未诉先办" in page and "「餐饮就餐」5 件（凯迪克大厦）" in page


async def test_a_convener_files_on_someones_behalf_on_the_web(browser: Browser, sessionmaker: Any) -> None:
    await browser.login("kdk")
    await browser.get("/admin/issues")
    async with sessionmaker() as db:
        kdk = await repos.org.building_by_code(db, "kdk")
        hlgc = await repos.org.building_by_code(db, "hlgc")
    resp = await browser.post("/admin/issues/new", {"building": str(kdk.id), "text": "一楼大堂的自动门坏了"})
    assert resp.status == 302 and resp.headers["Location"].startswith("/admin/issues/1?")
    async with sessionmaker() as db:
        issue = (await db.execute(select(Issue))).scalar_one()
    assert (issue.source, issue.building_id, issue.text) == ("代报", kdk.id, "一楼大堂的自动门坏了")
    other = await browser.post("/admin/issues/new", {"building": str(hlgc.id), "text": "别的楼"})
    assert other.status == 403


async def test_an_admin_adds_and_disables_a_member(browser: Browser, sessionmaker: Any) -> None:
    from storage import repos

    await browser.login("admin")
    page = await browser.get("/admin/org")
    assert "凯迪克大厦" in page.body_text
    await browser.post(
        "/admin/org/members", {"openid": "o_new", "name": "新成员", "role": "member", "where": "g:1"}
    )
    async with sessionmaker() as db:
        [member] = [m for m in await repos.org.members(db) if m.openid == "o_new"]
    await browser.post(f"/admin/org/members/{member.id}/disable", {})
    async with sessionmaker() as db:
        assert all(m.openid != "o_new" for m in await repos.org.members(db))


async def test_an_admin_adds_a_grid(browser: Browser) -> None:
    await browser.login("admin")
    await browser.get("/admin/org")
    await browser.post("/admin/org/grids", {"code": "jingan_north", "name": "静安北片", "level": "cluster"})
    assert "静安北片" in (await browser.get("/admin/org")).body_text


async def test_a_grid_is_removed_only_when_empty(browser: Browser, sessionmaker: Any) -> None:
    from storage import repos

    await browser.login("admin")
    await browser.get("/admin/org")
    await browser.post("/admin/org/grids", {"code": "empty", "name": "空网格", "level": "cluster"})
    async with sessionmaker() as db:
        grids = {g.code: g.id for g in await repos.org.grids(db)}
    refused = await browser.post(f"/admin/org/grids/{grids['nanxi']}/remove", {})
    assert "error=" in refused.headers["Location"]
    await browser.post(f"/admin/org/grids/{grids['empty']}/remove", {})
    async with sessionmaker() as db:
        assert {g.code for g in await repos.org.grids(db)} == set(grids) - {"empty"}


async def test_every_page_carries_the_security_headers(browser: Browser) -> None:
    for resp in (
        await browser.client.get("/admin/issues", allow_redirects=False),  # the redirect to login too
        await browser.login("admin"),
        await browser.get("/admin/rules"),
    ):
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
        assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert resp.headers["Cache-Control"] == "no-store"


async def test_html_and_sql_in_a_complaint_are_stored_verbatim_and_shown_escaped(
    browser: Browser, wx: WeChatSender, sessionmaker: Any
) -> None:
    # Control characters XML allows (C0 ones other than tab and newlines cannot reach us: a 400).
    hostile = "<script>alert('x')</script>' OR 1=1; DROP TABLE issues; -- \u202e\u200b\t电梯坏了"
    await file_issue(wx, "o_alice", "kdk", hostile)
    async with sessionmaker() as session:
        [issue] = (await session.execute(select(Issue))).scalars().all()
    assert issue.text == hostile
    await browser.login("admin")
    page = (await browser.get("/admin/issues/1")).body_text
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


async def test_a_nul_character_in_a_form_is_a_clear_400(browser: Browser, wx: WeChatSender) -> None:
    await file_issue(wx, "o_alice", "kdk", CANTEEN)
    await browser.login("admin")
    await browser.get("/admin/issues/1")
    resp = await browser.post("/admin/issues/1", {"action": "progress", "note": "a\x00b"})
    assert resp.status == 400 and "NUL" in resp.body_text
