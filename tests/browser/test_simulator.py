"""SPEC.md's canteen story, played in the simulator page by a person with a mouse: QR binding, a
complaint, a second voice joining the topic, the convener's alert, accepting, the updates, the clock
button, resolution and the rating. Everything travels through /wechat and the fake of WeChat's API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.async_api import Page, expect

CANTEEN = "四楼食堂下个月就关了，九百多人以后去哪吃饭？"
SAME_CANTEEN = "听说食堂要停业了，我们中午去哪里吃饭"
WANG, LI, CONVENER = "o_sim_wang", "o_sim_li", "o_conv_hlgc"


class Simulator:
    def __init__(self, page: Page, shots: Path) -> None:
        self.page, self.shots = page, shots

    async def be(self, openid: str) -> None:
        await self.page.click(f".person[data-openid={openid}]")

    async def scan(self, code: str) -> None:
        await self.page.click(f".qr[data-code={code}]")

    async def say(self, text: str) -> None:
        await self.page.fill("#text", text)
        await self.page.click("#send")

    async def sees(self, text: str, kind: str = "bot") -> None:
        """A bubble from the bot with `text` shows in the current person's chat."""
        bubble = self.page.locator(f"#chat .bubble.{kind}", has_text=text)
        await expect(bubble.last).to_be_visible(timeout=10_000)

    async def shot(self, name: str) -> None:
        await self.page.screenshot(path=self.shots / f"simulator-{name}.png", full_page=True)


async def test_the_canteen_story_in_the_simulator(server: Any, browser: Any, screenshot_dir: Path) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    await page.goto(str(server.make_url("/simulator")))
    sim = Simulator(page, screenshot_dir)

    await sim.be(WANG)
    await sim.scan("hlgc")  # the building's QR code: follows and binds at once
    await sim.sees("恒隆广场")
    await sim.say(CANTEEN)
    await sim.sees("#1")
    await sim.shot("1-reporter-files")

    await sim.be(LI)
    await sim.scan("hlgc")
    await sim.sees("恒隆广场")
    await sim.say(SAME_CANTEEN)
    await sim.sees("2 人")  # joined the topic rather than filing #2

    badge = page.locator(f".person[data-openid={CONVENER}] .badge")
    await expect(badge).to_be_visible(timeout=10_000)  # the alert arrived while we played 小李
    await sim.be(CONVENER)
    await sim.sees("#1", kind="template")  # outside the convener's 48 h window: the alert template
    await sim.shot("2-convener-alert")

    await page.click(".clockbtns button[data-hours='24']")  # a day passes without anyone accepting
    await sim.sees("受理超时预警", kind="template")
    await sim.say("受理 1")
    await sim.sees("已受理 #1")

    await sim.be(WANG)
    await sim.sees("楼务会受理", kind="push")
    await sim.be(LI)
    await sim.sees("楼务会受理")

    await sim.be(CONVENER)
    await sim.say("办结 1 新食堂已开业，每天供应1000份")
    await sim.sees("已办结 #1")

    await sim.be(WANG)
    await sim.sees("回复 1 满意")
    await sim.say("1")
    await sim.sees("评价为「满意」")
    await sim.shot("3-reporter-rates")
    await page.close()


async def test_the_simulators_menu_is_the_menu_file_with_its_sub_buttons(server: Any, browser: Any) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    await page.goto(str(server.make_url("/simulator")))
    sim = Simulator(page, Path("."))
    await sim.be(WANG)
    await page.click(".menu .opens")  # 楼务: opens its sub-buttons, as WeChat does
    await page.click(".menu .subs button[data-key=BIND]")
    await sim.sees("菜单：绑定楼宇", kind="action")
    await sim.sees("绑定")
    await expect(page.locator(".menu .subs")).to_be_hidden()
