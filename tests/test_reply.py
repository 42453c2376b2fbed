"""Passive replies: laid out as wechatpy lays them out, and safe whatever the text holds."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from wechatpy.replies import TextReply

from bot.wechat.reply import render_text


def test_a_reply_is_laid_out_as_wechatpy_renders_it():
    text = "已收到您的反映，编号 #12（餐饮就餐）。"
    theirs = TextReply(target="o_reporter", source="gh_louwu", content=text, time=1_764_662_400).render()
    assert render_text("o_reporter", "gh_louwu", text, 1_764_662_400) == theirs


def test_text_that_would_close_the_cdata_section_stays_text():
    text = "没有找到楼宇「a]]></Content><MsgType>news</MsgType><x>」"
    root = ET.fromstring(render_text("o_reporter", "gh_louwu", text, 1))  # noqa: S314 - our own output
    assert root.findtext("Content") == text
    assert root.findtext("MsgType") == "text"
