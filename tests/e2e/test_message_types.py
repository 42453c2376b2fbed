"""Every message type of SPEC.md gets a sensible answer, never an error."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Issue, IssueEvent, Reporter


async def test_subscribe_welcomes_and_explains_binding(wx):
    answer = await wx.event("o_new", "subscribe")
    assert answer.status == 200
    assert "绑定" in answer.text


async def test_voice_with_recognition_is_a_complaint(wx, sessionmaker):
    sent = wx.message("o_v", "voice", MediaId="m1", Format="amr", Recognition="电梯又坏了，困了十分钟")
    answer = await wx.post(sent.xml)
    assert "#1" in answer.text
    async with sessionmaker() as s:
        assert (await s.execute(select(Issue.category))).scalar_one() == "facilities"


async def test_voice_without_recognition_asks_for_text(wx):
    answer = await wx.post(wx.message("o_v", "voice", MediaId="m1", Format="amr").xml)
    assert "文字" in answer.text


async def test_image_attaches_to_the_latest_open_issue(wx, sessionmaker):
    await wx.text("o_i", "垃圾桶满了没人倒")
    answer = await wx.post(wx.message("o_i", "image", PicUrl="http://x/1.jpg", MediaId="m").xml)
    assert "#1" in answer.text
    async with sessionmaker() as s:
        kinds = (await s.execute(select(IssueEvent.kind))).scalars().all()
    assert "attachment" in kinds


async def test_image_without_an_issue_asks_what_happened(wx):
    answer = await wx.post(wx.message("o_i", "image", PicUrl="http://x/1.jpg", MediaId="m").xml)
    assert "说明" in answer.text


async def test_location_attaches_to_the_latest_open_issue(wx):
    await wx.text("o_l", "门口共享单车堆满了")
    sent = wx.message("o_l", "location", Location_X="31.2", Location_Y="121.4", Scale="15", Label="南京西路")
    answer = await wx.post(sent.xml)
    assert "位置" in answer.text and "#1" in answer.text


async def test_unknown_message_type_gets_a_polite_hint(wx):
    answer = await wx.post(wx.message("o_u", "video", MediaId="m", ThumbMediaId="t").xml)
    assert answer.status == 200
    assert "文字" in answer.text


async def test_unknown_event_is_answered_success(wx):
    answer = await wx.event("o_u", "VIEW", "https://example.invalid")
    assert answer.status == 200
    assert answer.body == "success"


async def test_menu_click_is_answered(wx):
    answer = await wx.event("o_u", "CLICK", "NO_SUCH_KEY")
    assert answer.status == 200
    assert answer.text


async def test_unsubscribe_forgets_the_person_but_keeps_the_issue(wx, sessionmaker):
    await wx.text("o_gone", "厕所没有纸")
    answer = await wx.event("o_gone", "unsubscribe")
    assert answer.body == "success"
    async with sessionmaker() as s:
        assert (await s.execute(select(Reporter).where(Reporter.openid == "o_gone"))).first() is None
        issue = (await s.execute(select(Issue))).scalar_one()
    assert issue.reporter_id is None
    assert issue.text == "厕所没有纸"


async def seed_demo(sessionmaker):
    from pathlib import Path

    from bot.seed import load_seed, read_seed

    async with sessionmaker.begin() as s:
        await load_seed(s, read_seed(Path(__file__).parents[2] / "bot" / "demo" / "demo.toml"))


async def test_subscribe_by_building_qr_code_binds_at_once(wx, sessionmaker):
    await seed_demo(sessionmaker)
    answer = await wx.event("o_qr", "subscribe", "qrscene_kdk")
    assert "凯迪克大厦" in answer.text
    filed = await wx.text("o_qr", "食堂要关了")
    assert "凯迪克大厦" in filed.text


async def test_bind_by_name_then_complaint_names_the_building(wx, sessionmaker):
    await seed_demo(sessionmaker)
    assert "已绑定「凯迪克大厦」" in (await wx.text("o_b", "绑定 凯迪克")).text
    assert "凯迪克大厦" in (await wx.text("o_b", "电梯坏了")).text


async def test_bind_with_an_unknown_name_lists_the_buildings(wx, sessionmaker):
    await seed_demo(sessionmaker)
    answer = await wx.text("o_b", "绑定 金茂大厦")
    assert "没有找到" in answer.text and "恒隆广场" in answer.text
