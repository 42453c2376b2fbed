"""The outbox dispatcher against the local fake of WeChat's API: channels, retries, failures."""

from __future__ import annotations

import json

from bot.clock import FrozenClock
from bot.jobs import Jobs
from bot.simulator.fake_wechat import FakeWeChatAPI
from tests.outbound.conftest import open_window, queue, rows, text

CUSTOM = "/cgi-bin/message/custom/send"
TEMPLATE = "/cgi-bin/message/template/send"


async def test_message_inside_the_window_goes_as_customer_service(
    jobs: Jobs, fake_wechat: FakeWeChatAPI
) -> None:
    await open_window(jobs, "o_alice")
    await queue(jobs, text("o_alice", "您反映的 #1 已被受理"))
    assert await jobs.dispatch_outbox() == 1
    assert fake_wechat.sent_to("o_alice") == ["您反映的 #1 已被受理"]
    [row] = await rows(jobs)
    assert (row.status, row.channel, row.attempts) == ("sent", "custom", 1)


async def test_json_is_utf8_without_ascii_escapes(jobs: Jobs, fake_wechat: FakeWeChatAPI) -> None:
    await open_window(jobs, "o_alice")
    await queue(jobs, text("o_alice", "食堂"))
    await jobs.dispatch_outbox()
    [call] = fake_wechat.calls_to(CUSTOM)
    assert "食堂" in call.raw and "\\u" not in call.raw
    assert json.loads(call.raw)["touser"] == "o_alice"


async def test_token_is_fetched_once_for_many_sends(jobs: Jobs, fake_wechat: FakeWeChatAPI) -> None:
    users = [f"o_u{i}" for i in range(30)]
    await open_window(jobs, *users)
    await queue(jobs, *(text(u, f"hello {u}") for u in users))
    assert await jobs.dispatch_outbox() == 30
    assert fake_wechat.token_calls == 1


async def test_token_expiring_mid_batch_is_refreshed_once(jobs: Jobs, fake_wechat: FakeWeChatAPI) -> None:
    users = [f"o_u{i}" for i in range(20)]
    await open_window(jobs, *users)
    await queue(jobs, text(users[0], "first"))
    await jobs.dispatch_outbox()
    fake_wechat.expire_tokens()
    await queue(jobs, *(text(u, f"second {u}") for u in users))
    assert await jobs.dispatch_outbox() == 20
    assert fake_wechat.token_calls == 2
    assert all(r.status == "sent" for r in await rows(jobs))


async def test_token_is_shared_through_the_database(jobs: Jobs, fake_wechat: FakeWeChatAPI) -> None:
    """A second process (a fresh provider) reuses the stored token instead of asking WeChat."""
    await open_window(jobs, "o_alice")
    await queue(jobs, text("o_alice", "one"))
    await jobs.dispatch_outbox()
    other = type(jobs.dispatcher.api.tokens)(jobs.sessionmaker, "wx_louwu_test", _no_fetch, jobs.now)
    assert await other.get() == await jobs.dispatcher.api.tokens.get()


async def _no_fetch(force: bool) -> tuple[str, int]:
    raise AssertionError("the token should have come from the database")


async def test_transient_error_is_retried_with_backoff(
    jobs: Jobs, fake_wechat: FakeWeChatAPI, clock: FrozenClock
) -> None:
    await open_window(jobs, "o_alice")
    fake_wechat.fail_next(CUSTOM, -1, times=3)
    await queue(jobs, text("o_alice", "retry me"))
    for attempt in range(1, 4):
        assert await jobs.dispatch_outbox() == 0
        [row] = await rows(jobs)
        assert (row.status, row.attempts) == ("pending", attempt)
        assert row.next_attempt_at > clock.now()
        assert await jobs.dispatch_outbox() == 0  # not due yet
        clock.advance(seconds=3600)
    assert await jobs.dispatch_outbox() == 1
    assert fake_wechat.sent_to("o_alice") == ["retry me"]


async def test_server_error_is_transient(jobs: Jobs, fake_wechat: FakeWeChatAPI, clock: FrozenClock) -> None:
    await open_window(jobs, "o_alice")
    fake_wechat.fail_next(CUSTOM, 502)
    await queue(jobs, text("o_alice", "after a 502"))
    await jobs.dispatch_outbox()
    [row] = await rows(jobs)
    assert row.status == "pending" and "502" in (row.last_error or "")
    clock.advance(seconds=3600)
    assert await jobs.dispatch_outbox() == 1


async def test_retries_give_up_after_the_limit(
    jobs: Jobs, fake_wechat: FakeWeChatAPI, clock: FrozenClock
) -> None:
    await open_window(jobs, "o_alice")
    fake_wechat.fail_next(CUSTOM, -1, times=100)
    await queue(jobs, text("o_alice", "never"))
    for _ in range(jobs.config.outbox.max_attempts):
        await jobs.dispatch_outbox()
        clock.advance(seconds=4000)
    [row] = await rows(jobs)
    assert row.status == "failed" and row.last_error and "gave up" in row.last_error


async def test_closed_window_falls_back_to_template(
    aiohttp_client, db_url: str, fake_wechat: FakeWeChatAPI, clock: FrozenClock
) -> None:
    jobs = await _jobs_with_templates(aiohttp_client, db_url, fake_wechat, clock)
    await open_window(jobs, "o_alice")
    fake_wechat.close_window("o_alice")
    await queue(jobs, text("o_alice", "您反映的 #1（四楼食堂下个月就关了，九百多人以后去哪吃饭？）已受理"))
    assert await jobs.dispatch_outbox() == 1
    [sent] = [d for d in fake_wechat.delivered if d.openid == "o_alice"]
    assert sent.channel == "template"
    assert sent.data["character_string1"] == "#1"
    assert all(len(v) <= 20 and "\n" not in v for v in sent.data.values())
    [row] = await rows(jobs)
    assert row.channel == "template"


async def test_outside_the_window_goes_by_template_without_trying_custom(
    aiohttp_client, db_url: str, fake_wechat: FakeWeChatAPI, clock: FrozenClock
) -> None:
    jobs = await _jobs_with_templates(aiohttp_client, db_url, fake_wechat, clock)
    await queue(jobs, text("o_never_wrote", "update"))
    assert await jobs.dispatch_outbox() == 1
    assert fake_wechat.calls_to(CUSTOM) == []
    assert [d.channel for d in fake_wechat.delivered] == ["template"]


async def test_digest_never_goes_by_template(
    aiohttp_client, db_url: str, fake_wechat: FakeWeChatAPI, clock: FrozenClock
) -> None:
    jobs = await _jobs_with_templates(aiohttp_client, db_url, fake_wechat, clock)
    await queue(jobs, text("o_never_wrote", "今日更新", kind="digest"))
    await jobs.dispatch_outbox()
    [row] = await rows(jobs)
    assert row.status == "waiting" and fake_wechat.delivered == []


async def _jobs_with_templates(aiohttp_client, url: str, fake: FakeWeChatAPI, clock: FrozenClock) -> Jobs:
    from bot.app import create_app
    from bot.keys import JOBS
    from tests.conftest import make_config

    config = make_config(url, fake.url, templates={"issue_update": "TPL_UPDATE", "alert": "TPL_ALERT"})
    client = await aiohttp_client(create_app(config, clock=clock))
    return client.server.app[JOBS]


async def test_no_channel_waits_for_the_users_next_message(
    jobs: Jobs, fake_wechat: FakeWeChatAPI, wx
) -> None:
    await queue(jobs, text("o_alice", "您反映的 #1 已办结"))
    await jobs.dispatch_outbox()
    [row] = await rows(jobs)
    assert row.status == "waiting" and "next message" in (row.last_error or "")
    await wx.text("o_alice", "进度")
    assert await jobs.dispatch_outbox() == 1
    assert fake_wechat.sent_to("o_alice") == ["您反映的 #1 已办结"]


async def test_customer_service_quota_is_five_per_message(jobs: Jobs, fake_wechat: FakeWeChatAPI) -> None:
    await open_window(jobs, "o_alice")
    await queue(jobs, *(text("o_alice", f"update {i}") for i in range(7)))
    assert await jobs.dispatch_outbox() == 5
    assert sorted(r.status for r in await rows(jobs)) == ["sent"] * 5 + ["waiting"] * 2


async def test_unsubscribed_user_fails_with_the_reason(jobs: Jobs, fake_wechat: FakeWeChatAPI) -> None:
    await open_window(jobs, "o_alice")
    fake_wechat.unsubscribe("o_alice")
    await queue(jobs, text("o_alice", "gone"))
    await jobs.dispatch_outbox()
    [row] = await rows(jobs)
    assert row.status == "failed" and row.last_error and row.last_error.startswith("43004")


async def test_unfollowing_drops_pending_messages_and_the_openid(jobs: Jobs, wx) -> None:
    await queue(jobs, text("o_alice", "pending"))
    await wx.event("o_alice", "unsubscribe")
    [row] = await rows(jobs)
    assert (row.status, row.recipient, row.last_error) == ("failed", "", "recipient unsubscribed")


async def test_slow_api_times_out_and_is_retried(
    jobs: Jobs, fake_wechat: FakeWeChatAPI, clock: FrozenClock
) -> None:
    await open_window(jobs, "o_alice")
    await jobs.dispatcher.api.tokens.get()
    fake_wechat.slow(CUSTOM, 0.5)
    jobs.dispatcher.api._timeout = type(jobs.dispatcher.api._timeout)(total=0.1)
    await queue(jobs, text("o_alice", "slow"))
    await jobs.dispatch_outbox()
    [row] = await rows(jobs)
    assert row.status == "pending" and "no answer" in (row.last_error or "")
    fake_wechat.slow(CUSTOM, 0)
    clock.advance(seconds=3600)
    assert await jobs.dispatch_outbox() == 1


async def test_daily_quota_holds_the_channel_until_tomorrow(
    jobs: Jobs, fake_wechat: FakeWeChatAPI, clock: FrozenClock
) -> None:
    await open_window(jobs, "o_alice", "o_bob")
    fake_wechat.fail_next(CUSTOM, 45009)
    await queue(jobs, text("o_alice", "one"))
    await jobs.dispatch_outbox()
    await queue(jobs, text("o_bob", "two"))
    await jobs.dispatch_outbox()
    assert len(fake_wechat.calls_to(CUSTOM)) == 1  # held: not tried again today
    assert {r.status for r in await rows(jobs)} == {"waiting"}


async def test_a_claimed_row_is_released_when_its_lease_runs_out(
    jobs: Jobs, fake_wechat: FakeWeChatAPI, clock: FrozenClock
) -> None:
    """A dispatcher that died after claiming: its rows go out once the lease expires."""
    from storage import repos

    await open_window(jobs, "o_alice")
    await queue(jobs, text("o_alice", "claimed by a dead process"))
    async with jobs.sessionmaker.begin() as session:
        import datetime as dt

        await repos.outbox.claim_due(session, clock.now(), 10, dt.timedelta(seconds=60))
    assert await jobs.dispatch_outbox() == 0
    clock.advance(seconds=61)
    assert await jobs.dispatch_outbox() == 1


async def test_a_refused_app_secret_holds_the_channels_and_says_so(
    jobs: Jobs, fake_wechat: FakeWeChatAPI, caplog
) -> None:
    await open_window(jobs, "o_alice", "o_bob")
    fake_wechat.fail_next("/cgi-bin/stable_token", 40125, times=10)  # a wrong AppSecret
    await queue(jobs, text("o_alice", "一"), text("o_bob", "二"))
    await jobs.dispatch_outbox()
    asked = len(fake_wechat.calls_to("/cgi-bin/stable_token"))
    await jobs.dispatch_outbox()
    assert len(fake_wechat.calls_to("/cgi-bin/stable_token")) == asked  # held, not looped on
    assert [(r.status, r.attempts) for r in await rows(jobs)] == [("pending", 0)] * 2
    assert "check app_id, app_secret" in caplog.text
