"""The router on its own, as a table: which handler a message reaches first, for a reporter and for a
committee member (commands before free text; a member's command word never filed as a complaint)."""

from __future__ import annotations

import datetime as dt

import pytest

from handlers import build_router
from handlers.events import ImageMessage, MenuClick, TextMessage, VoiceMessage
from handlers.refusals import Refusal

NOW = dt.datetime(2026, 12, 4, tzinfo=dt.UTC)
ROUTER = build_router()


class Reporter:
    step = ""
    building_id = 1


class Ctx:
    """What the filters read of a HandlerContext."""

    def __init__(self, member: object | None) -> None:
        self.member, self.reporter = member, Reporter()


def first(event: object, member: object | None = None) -> str:
    callback, _ = next(ROUTER.matches(event, Ctx(member)))  # type: ignore[arg-type]
    return f"{callback.__module__.rpartition('.')[2]}.{callback.__name__}"


def text(content: str) -> TextMessage:
    return TextMessage("o_x", NOW, 1, text=content)


@pytest.mark.parametrize(
    ("said", "handler"),
    [
        ("电梯坏了，困了十分钟", "complaints.complaint"),
        ("绑定 凯迪克", "onboarding.bind"),
        ("进度", "reporter.progress"),
        ("进度 3", "reporter.progress"),
        ("我的反映", "reporter.progress"),
        ("附议 3", "reporter.support"),
        ("撤回 3", "reporter.withdraw"),
        ("1", "reporter.rate"),
        ("0", "reporter.undo_join"),
        ("受理我觉得不行", "complaints.complaint"),  # a command word must stand as one
    ],
)
def test_a_reporters_message_reaches_its_handler(said: str, handler: str) -> None:
    assert first(text(said)) == handler


@pytest.mark.parametrize(
    ("said", "handler"),
    [
        ("待办", "convener.todo"),
        ("受理 3", "convener.transition"),
        ("办结 3 已修好", "convener.transition"),
        ("上报 3", "convener.escalate_cmd"),
        ("转派 3 博华大厦", "convener.transfer"),
        ("改类 3 物业设施", "convener.recategorise"),
        ("代报 凯迪克 电梯坏了", "convener.file_for"),
        ("电梯坏了", "complaints.complaint"),  # a member may complain like anyone
    ],
)
def test_a_members_command_reaches_the_convener_handlers(said: str, handler: str) -> None:
    assert first(text(said), member=object()) == handler


@pytest.mark.parametrize("said", ["待办", "受理 3", "上报 3", "代报 凯迪克 电梯坏了"])
def test_a_members_command_from_anyone_else_is_refused_not_filed(said: str) -> None:
    with pytest.raises(Refusal, match="是楼务会成员的指令"):
        first(text(said))


@pytest.mark.parametrize(
    ("event", "handler"),
    [
        (MenuClick("o_x", NOW, 0, key="REPORT"), "menu.click"),
        (ImageMessage("o_x", NOW, 1, url="http://x/1.jpg", media_id="m"), "media.image"),
        (VoiceMessage("o_x", NOW, 1, media_id="m", recognition=""), "media.voice"),
    ],
)
def test_other_kinds_of_message_reach_their_area(event: object, handler: str) -> None:
    assert first(event) == handler
