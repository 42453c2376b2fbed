"""No secret in a log line or an answer: the AppSecret refused by WeChat, a forged safe-mode message,
the database's password, the callback token; the service names what is wrong, never the value."""

from __future__ import annotations

import logging

from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.keys import JOBS
from tests.conftest import AES_KEY, APP_ID, make_config
from tests.wx import WeChatSender

APP_SECRET = "wrong-app-secret-4f9a8c"  # noqa: S105 - what the fake of WeChat refuses
CALLBACK_TOKEN = "callback-token-77e1"  # noqa: S105
DB_PASSWORD = "db-password-3b0d"  # noqa: S105 - PostgreSQL here trusts local connections


async def test_secrets_never_reach_the_logs_or_the_answers(aiohttp_client, db_url, demo, fake_wechat, caplog):
    caplog.set_level(logging.DEBUG)
    url = db_url if db_url.startswith("sqlite") else make_url(db_url).set(password=DB_PASSWORD)
    config = make_config(
        str(url) if db_url.startswith("sqlite") else url.render_as_string(False),
        fake_wechat.url,
        wechat={"app_secret": APP_SECRET, "token": CALLBACK_TOKEN, "encoding_aes_key": AES_KEY},
    )
    app = create_app(config)
    client = await aiohttp_client(app)
    wx = WeChatSender(client, CALLBACK_TOKEN, APP_ID, aes_key=AES_KEY)
    await wx.reporter("o_conv_kdk").says("待办")  # the convener's window is open: alerts need a token
    bob = wx.reporter("o_bob")
    await bob.follows("kdk")
    await bob.says("电梯坏了")  # its alert: WeChat refuses the AppSecret
    await app[JOBS].dispatch_outbox()
    answers = [
        (await wx.text("o_bob", "x", forge=True)).body,
        (await wx.post("<xml><Encrypt>bm90IGNpcGhlcnRleHQ=</Encrypt></xml>")).body,
        await (await client.get("/healthz")).text(),
        await (await client.get("/api/v1/issues", headers={"Authorization": "Bearer nope"})).text(),
    ]
    logged = caplog.text
    assert "app_secret" in logged, "the refused token was not explained"
    for secret in (APP_SECRET, CALLBACK_TOKEN, AES_KEY, DB_PASSWORD):
        assert secret not in logged
        assert not any(secret in a for a in answers)
