"""#20: who may see and touch what, as one table: every action of the chat, the admin web and the API,
tried by every kind of actor on an issue of their own building and on one of another, on both backends.

The world: 小李 (凯迪克大厦) filed #1 with her phone number and 小王 (凯迪克) supports it; 小周 works
in 恒隆广场 (the same grid as 凯迪克), 小孙 files #2 in 中信泰富 (another grid), 小吴 never bound;
#3 is a second 凯迪克 issue. A refused action changes nothing and shows no phone number in clear."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

import pytest
from sqlalchemy import func, select

from bot import passwords
from bot.api.auth import api_token_hash
from storage import repos
from storage.models import Issue, Supporter
from tests.admin.conftest import PASSWORD, Browser
from tests.wx import WeChatSender

PHONE_1, PHONE_2 = "13511112222", "13699998888"
ISSUES = (
    ("o_li", "kdk", f"电梯坏了一个星期了，一直没人修，我的电话是{PHONE_1}"),
    ("o_sun", "citic", f"中信泰富门口的共享单车堆成山，进出都困难，联系{PHONE_2}"),
    ("o_li", "kdk", "四楼食堂下个月就关了，九百多人以后去哪吃饭？"),
)
# Who may read each issue's personal data in clear: its reporter and those who answer for it.
CLEAR = {
    1: {"o_li", "o_conv_kdk", "o_leader_west", "o_street_nanxi"},
    2: {"o_sun", "o_conv_citic", "o_leader_east", "o_street_nanxi"},
}
CHAT_ACTORS = (
    "o_li",  # reporter of #1
    "o_wang",  # supporter of #1
    "o_zhou",  # bound to 恒隆广场, a neighbour in the same grid
    "o_sun",  # bound to 中信泰富, another grid
    "o_wu",  # never bound
    "o_conv_kdk",
    "o_conv_hlgc",  # convener of a neighbour building
    "o_conv_citic",  # convener of another grid's building
    "o_leader_west",  # grid leader above 凯迪克
    "o_leader_east",
    "o_street_nanxi",
    "o_service_team",  # enterprise matters only
)
COMMITTEE = {"o_conv_kdk", "o_leader_west", "o_street_nanxi"}
# command → the actors for whom it is not refused; everyone else is.
CHAT = {
    "进度 1": {"o_li", "o_wang", *COMMITTEE},
    "附议 1": {"o_li", "o_wang", "o_zhou"},
    "撤回 1": {"o_li"},
    "受理 1": COMMITTEE,
    "驳回 1 不属于楼务范围": COMMITTEE,
    "上报 1": COMMITTEE,
    "转派 1 恒隆广场 属于恒隆": COMMITTEE,
    "拆分 1": COMMITTEE,
    "合并 1 3": COMMITTEE,
    "合并 3 1": COMMITTEE,
    "合并 1 2": {"o_street_nanxi"},  # both sides must be theirs
    "合并 2 1": {"o_street_nanxi"},
    "改类 1 safety": COMMITTEE,
}
REFUSALS = ("没有找到编号", "不是您提出或附议", "的提出人可以撤回", "是楼务会成员的指令", "您不负责")


@dataclass(frozen=True)
class Snapshot:
    rows: tuple[tuple[Any, ...], ...]


async def snapshot(sessionmaker: Any) -> Snapshot:
    async with sessionmaker() as db:
        count = select(func.count(Supporter.id)).where(Supporter.issue_id == Issue.id).scalar_subquery()
        stmt = select(
            Issue.number, Issue.status, Issue.category, Issue.building_id, Issue.merged_into, count
        ).order_by(Issue.number)
        return Snapshot(tuple(tuple(r) for r in (await db.execute(stmt)).all()))


@pytest.fixture
async def world(demo: None, wx: WeChatSender, sessionmaker: Any) -> WeChatSender:
    for openid, building in (("o_li", "kdk"), ("o_wang", "kdk"), ("o_zhou", "hlgc"), ("o_sun", "citic")):
        await wx.reporter(openid).follows(building)
    await wx.reporter("o_wu").follows()
    for number, (openid, _, text) in enumerate(ISSUES, 1):
        assert f"编号 #{number}" in await wx.reporter(openid).says(text)
    assert "已附议 #1" in await wx.reporter("o_wang").says("附议 1")
    async with sessionmaker() as db:
        numbers = (await db.execute(select(Issue.number).order_by(Issue.number))).scalars().all()
    assert list(numbers) == [1, 2, 3]
    return wx


@pytest.mark.parametrize("command", sorted(CHAT))
@pytest.mark.parametrize("actor", CHAT_ACTORS)
async def test_chat(world: WeChatSender, sessionmaker: Any, command: str, actor: str) -> None:
    before = await snapshot(sessionmaker)
    reply = await world.reporter(actor).says(command)
    refused = any(r in reply for r in REFUSALS)
    assert refused == (actor not in CHAT[command]), reply
    if refused:
        assert await snapshot(sessionmaker) == before
    for number, phone in ((1, PHONE_1), (2, PHONE_2)):
        if actor not in CLEAR[number]:
            assert phone not in reply, reply


async def test_a_refused_support_reads_like_a_missing_number(world: WeChatSender) -> None:
    stranger = await world.reporter("o_sun").says("附议 1")
    missing = await world.reporter("o_sun").says("附议 99")
    assert stranger == missing.replace("99", "1")


async def test_a_supporter_reads_the_timeline_with_the_phone_masked(world: WeChatSender) -> None:
    reply = await world.reporter("o_wang").says("进度 1")
    assert "135****2222" in reply and PHONE_1 not in reply


# The admin web and the API: accounts by scope, and what each may do to #1 (凯迪克) and #2 (中信泰富).
WEB_USERS = {
    "admin": (None, None),
    "kdk": ("kdk", None),
    "citic": ("citic", None),
    "west": (None, "nanxi_west"),
}
SEES = {"admin": {1, 2, 3}, "kdk": {1, 3}, "citic": {2}, "west": {1, 3}}
WEB_ACTIONS = (
    ("view", 1, ""),
    ("accept", 1, ""),
    ("merge", 1, "3"),
    ("merge", 1, "2"),
    ("merge", 2, "1"),
    ("recategorise", 1, "safety"),
    ("split", 1, "1"),
)


def web_allowed(user: str, action: str, number: int, note: str) -> bool:
    touched = {number, int(note)} if action == "merge" else {number}
    return touched <= SEES[user]


@pytest.fixture
async def accounts(world: WeChatSender, sessionmaker: Any) -> None:
    async with sessionmaker.begin() as db:
        for name, (building, grid) in WEB_USERS.items():
            b = await repos.org.building_by_code(db, building) if building else None
            g = await repos.org.grid_by_code(db, grid) if grid else None
            role = "admin" if name == "admin" else "convener"
            user = await repos.users.add(
                db, name, passwords.hash_password(PASSWORD), role, world.clock.now(), b and b.id, g and g.id
            )
            await repos.users.add_token(
                db, user, "masked", api_token_hash(f"{name}-masked"), world.clock.now()
            )
            await repos.users.add_token(
                db, user, "clear", api_token_hash(f"{name}-clear"), world.clock.now(), personal_data=True
            )


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize(("action", "number", "note"), WEB_ACTIONS)
@pytest.mark.parametrize("user", sorted(WEB_USERS))
async def test_web(client: Any, sessionmaker: Any, user: str, action: str, number: int, note: str) -> None:
    browser = Browser(client)
    await browser.login(user)
    before = await snapshot(sessionmaker)
    page = await browser.get(f"/admin/issues/{number}")
    if action == "view":
        assert (page.status == 200) == web_allowed(user, action, number, note)
    else:
        resp = await browser.post(f"/admin/issues/{number}", {"action": action, "note": note})
        said = unquote_plus(resp.headers.get("Location", ""))
        refused = resp.status == 403 or "没有找到编号" in said
        assert refused != web_allowed(user, action, number, note), resp.headers.get("Location")
        if refused:
            assert await snapshot(sessionmaker) == before
        page = await browser.get(f"/admin/issues/{number}")
    for n, phone in ((1, PHONE_1), (2, PHONE_2)):
        if n not in SEES[user]:
            assert phone not in page.body_text


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize(("action", "number", "note"), WEB_ACTIONS)
@pytest.mark.parametrize("token", ["admin-masked", "admin-clear", "kdk-masked", "kdk-clear", "citic-masked"])
async def test_api(client: Any, sessionmaker: Any, token: str, action: str, number: int, note: str) -> None:
    user, clear = token.split("-")[0], token.endswith("clear")
    headers = {"Authorization": f"Bearer {token}"}
    before = await snapshot(sessionmaker)
    if action == "view":
        resp = await client.get(f"/api/v1/issues/{number}", headers=headers)
        assert (resp.status == 200) == web_allowed(user, action, number, note)
    else:
        body = {"action": action, "note": note}
        resp = await client.post(f"/api/v1/issues/{number}/actions", json=body, headers=headers)
        refused = resp.status == 404 or "没有找到编号" in (await resp.json()).get("error", "")
        assert refused != web_allowed(user, action, number, note), await resp.text()
        if refused:
            assert await snapshot(sessionmaker) == before
    text = await resp.text()
    listed = await (await client.get("/api/v1/issues?size=100", headers=headers)).text()
    for n, phone in ((1, PHONE_1), (2, PHONE_2)):
        if not (clear and n in SEES[user]):
            assert phone not in text and phone not in listed


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize("probe", ["1351", "13511", "2222", "11112222", "135****2222"])
async def test_a_masked_token_finds_only_what_it_can_read(client: Any, probe: str) -> None:
    """Hidden digits cannot be recovered one guess at a time: search matches the masked text."""
    headers = {"Authorization": "Bearer admin-masked"}
    found = await (await client.get("/api/v1/issues", params={"q": probe}, headers=headers)).json()
    clear = await (
        await client.get(
            "/api/v1/issues", params={"q": probe}, headers={"Authorization": "Bearer admin-clear"}
        )
    ).json()
    shown = "135****2222"
    assert [i["number"] for i in found["items"]] == ([1] if probe in shown else [])
    assert [i["number"] for i in clear["items"]] == ([1] if probe in PHONE_1 else [])
