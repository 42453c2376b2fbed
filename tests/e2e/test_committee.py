"""Binding, routing, topics and the committee's commands, one behaviour per test, through /wechat."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.simulator.fake_wechat import FakeWeChatAPI
from storage.models import Issue
from tests.wx import WeChatSender

pytestmark = pytest.mark.usefixtures("demo")


async def test_scan_by_a_follower_binds_the_building(wx: WeChatSender) -> None:
    await wx.reporter("o_alice").follows()
    answer = await wx.event("o_alice", "SCAN", "citic")
    assert "已绑定「中信泰富广场」" in answer.text


async def test_ambiguous_building_gets_a_numbered_choice(wx: WeChatSender) -> None:
    alice = wx.reporter("o_alice")
    choice = await alice.says("绑定 广场")
    assert "1. 恒隆广场" in choice and "2. 中信泰富广场" in choice
    assert "已绑定「中信泰富广场」" in await alice.says("２")


async def test_unbound_complaint_is_kept_and_routed_once_bound(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI
) -> None:
    alice = wx.reporter("o_alice")
    filed = await alice.says("电梯又坏了，十几层要爬楼梯")
    assert "#1" in filed and "绑定" in filed
    await wx.reporter("o_conv_oocl").says("待办")
    bound = await alice.says("绑定 东方海外")
    assert "#1" in bound and "已转给楼务会" in bound
    await jobs.dispatch_outbox()
    assert any("#1" in m and "东方海外大厦" in m for m in fake_wechat.sent_to("o_conv_oocl"))


async def test_enterprise_issue_goes_to_the_service_team(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI
) -> None:
    await wx.reporter("o_service_team").says("待办")
    await wx.reporter("o_conv_kdk").says("待办")
    alice = wx.reporter("o_alice")
    await alice.follows("kdk")
    await alice.says("公司营业执照变更要跑好几个部门，手续太麻烦")
    await jobs.dispatch_outbox()
    assert any("企业服务" in m for m in fake_wechat.sent_to("o_service_team"))
    assert fake_wechat.sent_to("o_conv_kdk") == []


async def test_urgent_issue_alert_names_it_urgent(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI
) -> None:
    await wx.reporter("o_conv_hlgc").says("待办")
    alice = wx.reporter("o_alice")
    await alice.follows("hlgc")
    assert "紧急" in await alice.says("12楼茶水间插座冒烟了，有焦糊味")
    await jobs.dispatch_outbox()
    [alert] = fake_wechat.sent_to("o_conv_hlgc")
    assert "紧急" in alert


async def test_support_by_number_counts_the_supporter(wx: WeChatSender) -> None:
    alice, bob = wx.reporter("o_alice"), wx.reporter("o_bob")
    await alice.follows("kdk")
    await bob.follows("kdk")
    await alice.says("门口共享单车堆成山，进出都困难")
    assert "现已有 2 人反映" in await bob.says("附议 ＃１")
    assert "您已在 #1 上" in await bob.says("附议 1")


async def test_a_different_problem_files_a_new_issue(wx: WeChatSender) -> None:
    alice, bob = wx.reporter("o_alice"), wx.reporter("o_bob")
    await alice.follows("kdk")
    await bob.follows("kdk")
    await alice.says("四楼食堂下个月就关了，九百多人以后去哪吃饭？")
    assert "#2" in await bob.says("食堂的菜太贵了，一份快餐要三十块")


async def test_accepting_twice_is_refused_clearly(wx: WeChatSender) -> None:
    alice, conv = wx.reporter("o_alice"), wx.reporter("o_conv_kdk")
    await alice.follows("kdk")
    await alice.says("电梯又坏了")
    await conv.says("受理 1")
    assert "当前状态为「已受理」，不能受理" in await conv.says("受理 1")


async def test_progress_needs_a_note(wx: WeChatSender) -> None:
    alice, conv = wx.reporter("o_alice"), wx.reporter("o_conv_kdk")
    await alice.follows("kdk")
    await alice.says("电梯又坏了")
    assert "请写明说明" in await conv.says("进展 1")


async def test_transfer_to_another_building_routes_it_there(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI
) -> None:
    await wx.reporter("o_conv_bohua").says("待办")
    alice, conv = wx.reporter("o_alice"), wx.reporter("o_conv_kdk")
    await alice.follows("kdk")
    await alice.says("楼下工地晚上施工太吵了")
    assert "转派给 博华大厦" in await conv.says("转派 1 博华大厦 工地在博华那边")
    await jobs.dispatch_outbox()
    assert any("#1" in m for m in fake_wechat.sent_to("o_conv_bohua"))


async def test_grid_leader_above_may_act(wx: WeChatSender) -> None:
    alice = wx.reporter("o_alice")
    await alice.follows("kdk")
    await alice.says("电梯又坏了")
    assert "已受理 #1" in await wx.reporter("o_street_nanxi").says("受理 1")


async def test_progress_lists_my_open_issues(wx: WeChatSender) -> None:
    alice = wx.reporter("o_alice")
    await alice.follows("kdk")
    await alice.says("电梯又坏了")
    mine = await alice.says("我的反映")
    assert "#1 待受理" in mine


async def test_progress_of_someone_elses_issue_is_not_shown(wx: WeChatSender) -> None:
    alice = wx.reporter("o_alice")
    await alice.follows("kdk")
    await alice.says("电梯又坏了")
    assert "不是您提出或附议" in await wx.reporter("o_eve").says("进度 1")


async def test_menu_click_does_what_the_command_does(wx: WeChatSender) -> None:
    alice = wx.reporter("o_alice")
    await alice.follows("kdk")
    await alice.says("电梯又坏了")
    answer = await wx.event("o_alice", "CLICK", "MY_ISSUES")
    assert "#1 待受理" in answer.text


async def test_an_emergency_gets_the_numbers_and_duty_phone_first_and_alerts_at_once(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI
) -> None:
    await wx.reporter("o_conv_kdk").says("待办")
    alice = wx.reporter("o_alice")
    await alice.follows("kdk")
    reply = await alice.says("五楼茶水间起火了，好多烟")
    first, rest = reply.split("\n", 1)
    assert first.startswith("如有人身危险，请先拨打 119")
    assert "「凯迪克大厦」值班电话 021-6279-0002" in first
    assert "#1" in rest and "紧急" in rest
    await jobs.dispatch_outbox()
    [alert] = fake_wechat.sent_to("o_conv_kdk")
    assert "紧急" in alert and "#1" in alert


async def test_a_complaint_that_only_mentions_fire_is_not_an_emergency(wx: WeChatSender) -> None:
    alice = wx.reporter("o_alice")
    await alice.follows("kdk")
    reply = await alice.says("上次消防演习说起火怎么办，大家都没听清")
    assert "119" not in reply and "紧急" not in reply


async def test_a_danger_is_not_folded_into_a_calm_issue(wx: WeChatSender) -> None:
    alice, bob = wx.reporter("o_alice"), wx.reporter("o_bob")
    await alice.follows("kdk")
    await bob.follows("kdk")
    await alice.says("茶水间的插座有点松，插头老是掉")
    reply = await bob.says("茶水间的插座冒烟了，有焦糊味")
    assert "#2" in reply and "紧急" in reply


async def test_a_transfer_without_a_reason_is_refused_and_says_how(wx: WeChatSender) -> None:
    alice, conv = wx.reporter("o_alice"), wx.reporter("o_conv_kdk")
    await alice.follows("kdk")
    await alice.says("楼下工地晚上施工太吵了")
    assert "转派 1 物业经理 属于设备维修" in await conv.says("转派 1 博华大厦")


async def test_the_reporter_is_told_why_it_was_transferred(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI
) -> None:
    alice, conv = wx.reporter("o_alice"), wx.reporter("o_conv_kdk")
    await alice.follows("kdk")
    await alice.says("楼下工地晚上施工太吵了")
    await conv.says("转派 1 博华大厦 工地在博华那边")
    await jobs.dispatch_outbox()
    assert any("理由：工地在博华那边" in m for m in fake_wechat.sent_to("o_alice"))


async def test_the_third_transfer_goes_to_the_grid_leader_with_its_history(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI
) -> None:
    await wx.reporter("o_leader_west").says("待办")
    alice, kdk, bohua = wx.reporter("o_alice"), wx.reporter("o_conv_kdk"), wx.reporter("o_conv_bohua")
    await alice.follows("kdk")
    await alice.says("楼下工地晚上施工太吵了")
    await kdk.says("转派 1 博华大厦 工地在博华那边")
    await bohua.says("转派 1 凯迪克大厦 噪音投诉归凯迪克")
    answer = await kdk.says("转派 1 博华大厦 还是博华的")
    assert "已转派 2 次" in answer and "上报" in answer
    await jobs.dispatch_outbox()
    [alert] = [m for m in fake_wechat.sent_to("o_leader_west") if "#1" in m]
    assert "督办·第3次转派" in alert and "经过：" in alert
    assert "工地在博华那边" in alert and "噪音投诉归凯迪克" in alert


async def test_a_phone_number_is_masked_for_supporters_but_not_for_the_reporter_or_convener(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI
) -> None:
    conv, alice, bob = wx.reporter("o_conv_kdk"), wx.reporter("o_alice"), wx.reporter("o_bob")
    await conv.says("待办")
    await alice.follows("kdk")
    await bob.follows("kdk")
    await alice.says("13812345678这辆车天天堵在门口")
    await bob.says("附议 1")
    await conv.says("受理 1")
    await jobs.dispatch_outbox()
    assert any("13812345678" in m for m in fake_wechat.sent_to("o_conv_kdk"))
    assert any("13812345678" in m for m in fake_wechat.sent_to("o_alice"))
    [update] = fake_wechat.sent_to("o_bob")
    assert "138****5678" in update and "13812345678" not in update


DINING = ["食堂饭菜太咸了", "外卖送不进大楼", "午饭排队要四十分钟", "餐厅没有素菜可选", "早餐供应太晚"]


async def test_a_spike_alerts_the_grid_leader_once(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI
) -> None:
    await wx.reporter("o_leader_west").says("待办")
    for i, text in enumerate(DINING):
        who = wx.reporter(f"o_diner_{i}")
        await who.follows("kdk" if i % 2 else "hlgc")  # two buildings of one cluster
        await who.says(text)
    assert await jobs.check_spikes() == 1
    assert await jobs.check_spikes() == 1  # still a spike, but told already
    await jobs.dispatch_outbox()
    [alert] = [m for m in fake_wechat.sent_to("o_leader_west") if "未诉先办" in m]
    assert "「餐饮就餐」新增 5 件" in alert and "凯迪克大厦" in alert and "恒隆广场" in alert


async def test_fewer_than_the_threshold_is_no_spike(wx: WeChatSender, jobs: Any) -> None:
    for i, text in enumerate(DINING[:4]):
        who = wx.reporter(f"o_diner_{i}")
        await who.follows("kdk")
        await who.says(text)
    assert await jobs.check_spikes() == 0


async def test_a_convener_files_on_someones_behalf(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI, sessionmaker: Any
) -> None:
    conv = wx.reporter("o_conv_kdk")
    answer = await conv.says("代报 凯迪克 一楼大堂的自动门坏了，夹到人")
    assert "已代为登记 #1" in answer and "凯迪克大厦" in answer
    async with sessionmaker() as s:
        issue = (await s.execute(select(Issue))).scalar_one()
    assert issue.source == "代报" and issue.reporter_id is None and issue.building_id is not None
    await jobs.dispatch_outbox()
    assert any("#1" in m for m in fake_wechat.sent_to("o_conv_kdk"))


async def test_only_members_may_file_on_someones_behalf(wx: WeChatSender) -> None:
    assert "代报" in await wx.reporter("o_alice").says("代报 凯迪克 门坏了")
