"""The admin web's 回复与节假日 page and the issue page's 拆分 and 并入本件."""

from __future__ import annotations

from typing import Any

from tests.admin.conftest import Browser
from tests.admin.test_admin_web import file_issue
from tests.wx import WeChatSender


async def test_an_admin_sets_a_template_and_a_bare_acceptance_uses_it(
    browser: Browser, wx: WeChatSender, jobs: Any, fake_wechat: Any
) -> None:
    await browser.login("admin")
    await browser.get("/admin/replies")
    form = {"state": "accepted", "category": "*", "text": "#{number} 已受理，{due} 前给您答复。{note}"}
    page = await browser.get((await browser.post("/admin/replies/templates", form)).headers["Location"])
    assert "已保存" in page.body_text and "#12 已受理，12月3日 前给您答复。" in page.body_text
    await file_issue(wx, "o_alice", "kdk", "电梯又坏了")
    await wx.reporter("o_conv_kdk").says("受理 1")
    await jobs.dispatch_outbox()
    assert any("#1 已受理，11月11日 前给您答复。" in m for m in fake_wechat.sent_to("o_alice"))


async def test_a_template_with_an_unknown_placeholder_is_refused_and_shown_why(browser: Browser) -> None:
    await browser.login("admin")
    await browser.get("/admin/replies")
    form = {"state": "accepted", "category": "*", "text": "已受理 {who}"}
    page = await browser.get((await browser.post("/admin/replies/templates", form)).headers["Location"])
    assert "未保存" in page.body_text and "{who}" in page.body_text


async def test_a_bad_holidays_file_is_refused_and_kept_in_the_box(browser: Browser) -> None:
    await browser.login("admin")
    await browser.get("/admin/replies")
    resp = await browser.post("/admin/replies/holidays", {"toml": '[2027]\noff = ["2027-02-30"]'})
    assert resp.status == 400 and "日历未变" in resp.body_text and "2027-02-30" in resp.body_text


async def test_conveners_cannot_edit_templates(browser: Browser) -> None:
    await browser.login("kdk")
    resp = await browser.get("/admin/replies")
    assert resp.status == 403


async def test_the_issue_page_splits_a_supporter_and_merges_another_issue(
    browser: Browser, wx: WeChatSender
) -> None:
    await file_issue(wx, "o_alice", "kdk", "门口共享单车堆成山，进出都困难")
    bob = wx.reporter("o_bob")
    await bob.follows("kdk")
    assert "已有人提出：#1" in await bob.says("大门口的共享单车堆成山了，进不去")  # joins #1
    await file_issue(wx, "o_carol", "kdk", "电梯又坏了")
    await browser.login("admin")
    page = await browser.get("/admin/issues/1")
    assert 'data-action="split"' in page.body_text
    [supporter] = page.body_text.split('name="action" value="split">')[1:]
    supporter_id = supporter.split('name="note" value="')[1].split('"')[0]
    resp = await browser.post("/admin/issues/1", {"action": "split", "note": supporter_id})
    assert "拆出 #3" in (await browser.get(resp.headers["Location"])).body_text
    resp = await browser.post("/admin/issues/1", {"action": "merge", "note": "3"})
    assert "已将 #3 并入 #1" in (await browser.get(resp.headers["Location"])).body_text
    merged = await browser.get("/admin/issues/3")
    assert "已合并" in merged.body_text and 'href="/admin/issues/1"' in merged.body_text
