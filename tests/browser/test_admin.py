"""The admin web in Chromium: log in, filter the board, accept and resolve an issue, add a rule and
watch the try-it box change its answer, and read the dashboard. Screenshots in artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.async_api import Page, expect

from bot.keys import JOBS
from tests.admin.conftest import PASSWORD, make_user

CANTEEN = "四楼食堂下个月就关了，九百多人以后去哪吃饭？"


async def report(page: Page, base: str, openid: str, building: str, text: str) -> None:
    """A reporter scans the building's code and complains, through the simulator's phone."""
    for kind, value in (("scan", building), ("text", text)):
        resp = await page.request.post(
            f"{base}/simulator/act", data={"openid": openid, "kind": kind, "value": value}
        )
        assert resp.ok, await resp.text()


async def log_in(page: Page, base: str, name: str) -> None:
    await page.goto(f"{base}/admin/issues")
    await page.fill("input[name=name]", name)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")


async def test_an_admin_works_an_issue_and_a_rule(
    server: Any, browser: Any, sessionmaker: Any, screenshot_dir: Path
) -> None:
    await make_user(sessionmaker, "admin", "admin")
    base = str(server.make_url("")).rstrip("/")
    page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    await report(page, base, "o_sim_wang", "kdk", CANTEEN)
    await report(page, base, "o_sim_li", "hlgc", "电梯坏了，困了十分钟")

    await log_in(page, base, "admin")
    await expect(page.locator("#board tbody tr")).to_have_count(2)
    await page.fill("input[name=q]", "食堂")
    await page.click("#filters button[type=submit]")
    await expect(page.locator("#board tbody tr")).to_have_count(1)
    await page.screenshot(path=screenshot_dir / "admin-1-board.png", full_page=True)

    await page.click("#board a:has-text('#1')")
    await page.fill("form[data-action=accept] input[name=note]", "明天与物业面谈")
    await page.click("form[data-action=accept] button")
    await expect(page.locator(".ok")).to_contain_text("已受理 #1")
    await page.fill("form[data-action=resolve] input[name=note]", "新食堂已开业")
    await page.click("form[data-action=resolve] button")
    await expect(page.locator(".ok")).to_contain_text("已办结 #1")
    await page.screenshot(path=screenshot_dir / "admin-2-issue.png", full_page=True)

    await page.click("nav a:has-text('关键词规则')")
    # A strong word (weight ≥ [tagging] rules_sure) stands whatever the learned layer guessed.
    await page.fill("#try-text", "碎纸机又卡纸了")
    await expect(page.locator("#try-out .winner")).not_to_have_text("物业设施", timeout=10_000)
    await page.select_option("#add-word select[name=category]", "facilities")
    await page.fill("#add-word input[name=word]", "碎纸机")
    await page.fill("#add-word input[name=weight]", "5")
    await page.click("#add-word button")
    await expect(page.locator(".ok")).to_contain_text("碎纸机")
    await page.fill("#try-text", "碎纸机又卡纸了！")
    await expect(page.locator("#try-out .winner")).to_have_text("物业设施", timeout=10_000)
    await page.screenshot(path=screenshot_dir / "admin-3-rules.png")

    # The same browser, signed in, posting a form that lacks its CSRF token (as a forged page would).
    forged = await page.request.post(f"{base}/admin/issues/2", form={"action": "accept"})
    assert forged.status == 403 and "CSRF" in await forged.text()

    await page.click("nav a:has-text('数据看板')")
    await expect(page.locator(".chart svg")).to_have_count(6)
    await page.screenshot(path=screenshot_dir / "admin-4-dashboard.png", full_page=True)
    await page.close()


async def test_a_convener_is_refused_another_buildings_issue(
    server: Any, browser: Any, sessionmaker: Any
) -> None:
    await make_user(sessionmaker, "kdk", "convener", "kdk")
    base = str(server.make_url("")).rstrip("/")
    page = await browser.new_page(locale="zh-CN")
    await report(page, base, "o_sim_li", "hlgc", "电梯坏了，困了十分钟")
    await log_in(page, base, "kdk")
    await expect(page.locator("#board tbody tr")).to_have_count(1)  # only the "nothing here" row
    await expect(page.locator("#board")).to_contain_text("没有符合条件的反映")
    resp = await page.goto(f"{base}/admin/issues/1")
    assert resp is not None and resp.status == 403
    await page.close()


async def test_a_picture_sent_from_the_simulator_is_shown_on_the_issue_page(
    server: Any, browser: Any, sessionmaker: Any, screenshot_dir: Path
) -> None:
    await make_user(sessionmaker, "admin", "admin")
    base = str(server.make_url("")).rstrip("/")
    page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    await report(page, base, "o_sim_wang", "kdk", "五楼男厕所水管漏水，地上全是水")
    photo = str(server.make_url("/simulator/static/photo.jpg"))
    resp = await page.request.post(
        f"{base}/simulator/act", data={"openid": "o_sim_wang", "kind": "image", "value": photo}
    )
    assert resp.ok, await resp.text()
    await server.app[JOBS].keep_media()  # the scheduler would within a second; the test does not wait
    await log_in(page, base, "admin")
    await page.goto(f"{base}/admin/issues/1")
    thumb = page.locator("ul.media img")
    await expect(thumb).to_be_visible()
    assert await thumb.evaluate("img => img.complete && img.naturalWidth") == 240
    await page.screenshot(path=screenshot_dir / "admin-5-picture.png", full_page=True)
