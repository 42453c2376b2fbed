"""Safe mode (AES): messages decrypted and verified by msg_signature, replies encrypted."""

from __future__ import annotations

import pytest

from bot.app import create_app
from bot.keys import REPLAYS
from bot.wechat.verify import signature
from tests.conftest import AES_KEY, APP_ID, TOKEN, make_config
from tests.wx import WeChatSender


@pytest.fixture
async def safe_wx(aiohttp_client, db_url, clock):
    config = make_config(db_url, wechat={"encoding_aes_key": AES_KEY})
    client = await aiohttp_client(create_app(config, clock=clock))
    return WeChatSender(client, TOKEN, APP_ID, aes_key=AES_KEY, clock=clock)


async def test_encrypted_complaint_gets_an_encrypted_reply_with_its_number(safe_wx):
    answer = await safe_wx.text("o_safe", "食堂饭菜太贵了")
    assert answer.status == 200
    assert "<Encrypt>" in answer.body
    assert "#1" in answer.text


async def test_forged_msg_signature_is_refused(safe_wx):
    answer = await safe_wx.text("o_safe", "食堂饭菜太贵了", forge=True)
    assert answer.status == 403


async def test_message_for_another_app_id_is_refused(safe_wx):
    other = WeChatSender(safe_wx.client, TOKEN, "wx_someone_else", aes_key=AES_KEY, clock=safe_wx.clock)
    answer = await other.text("o_safe", "食堂饭菜太贵了")
    assert answer.status == 403


async def test_corrupt_ciphertext_is_refused(safe_wx):
    ts, nonce = str(safe_wx.now()), "n1"
    enc = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="
    body = f"<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt></xml>"
    params = {
        "timestamp": ts,
        "nonce": nonce,
        "signature": signature(TOKEN, ts, nonce),
        "encrypt_type": "aes",
        "msg_signature": signature(TOKEN, ts, nonce, enc),
    }
    resp = await safe_wx.client.post("/wechat", params=params, data=body)
    assert resp.status in (400, 403)


async def test_an_encrypted_message_needs_no_memory_of_its_signature(safe_wx):
    # Its msg_signature covers the body: another body under the same signature is refused without it.
    answer = await safe_wx.text("o_safe", "食堂饭菜太贵了", timestamp=safe_wx.now(), nonce="once")
    assert answer.status == 200
    assert len(safe_wx.client.app[REPLAYS]) == 0


async def test_plaintext_message_still_accepted_in_safe_mode(safe_wx):
    answer = await safe_wx.text("o_safe", "电梯坏了", encrypt=False)
    assert answer.status == 200
    assert "#1" in answer.text


async def test_url_verification_echoes_echostr_in_safe_mode(safe_wx):
    params = {
        "timestamp": "1",
        "nonce": "n",
        "echostr": "abc",
        "signature": signature(TOKEN, "1", "n"),
    }
    resp = await safe_wx.client.get("/wechat", params=params)
    assert await resp.text() == "abc"
