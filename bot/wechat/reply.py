"""Passive replies rendered as WeChat XML with wechatpy, and encrypted in safe mode."""

from __future__ import annotations

from wechatpy.crypto import WeChatCrypto
from wechatpy.replies import TextReply as WxTextReply

SUCCESS = "success"


def render_text(to_openid: str, from_account: str, text: str, timestamp: int) -> str:
    return WxTextReply(target=to_openid, source=from_account, content=text, time=timestamp).render()


class ReplyEncrypter:
    def __init__(self, token: str, encoding_aes_key: str, app_id: str) -> None:
        self._crypto = WeChatCrypto(token, encoding_aes_key, app_id)

    def encrypt(self, xml: str, nonce: str, timestamp: int) -> str:
        return self._crypto.encrypt_message(xml, nonce, str(timestamp))
