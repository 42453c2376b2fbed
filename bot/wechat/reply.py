"""Passive replies as WeChat XML (wechatpy's layout, with CDATA made safe), encrypted with wechatpy in
safe mode."""

from __future__ import annotations

SUCCESS = "success"

# wechatpy's TextReply.render() lays a reply out exactly so (tests/test_reply.py holds them equal);
# one format call instead of its field objects, which cost more than the rest of an answer.
_TEXT = (
    "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[{content}]]></Content>\n"
    "<FromUserName><![CDATA[{source}]]></FromUserName>\n<ToUserName><![CDATA[{target}]]></ToUserName>\n"
    "<CreateTime>{time}</CreateTime>\n</xml>"
)


def render_text(to_openid: str, from_account: str, text: str, timestamp: int) -> str:
    return _TEXT.format(
        content=_cdata(text), source=_cdata(from_account), target=_cdata(to_openid), time=int(timestamp)
    )


def _cdata(value: str) -> str:
    # A "]]>" inside would close the section early: what a sender typed could then become markup.
    return value.replace("]]>", "]]]]><![CDATA[>")


class ReplyEncrypter:
    def __init__(self, token: str, encoding_aes_key: str, app_id: str) -> None:
        from wechatpy.crypto import WeChatCrypto  # safe mode only, as in bot/wechat/verify.py

        self._crypto = WeChatCrypto(token, encoding_aes_key, app_id)

    def encrypt(self, xml: str, nonce: str, timestamp: int) -> str:
        return self._crypto.encrypt_message(xml, nonce, str(timestamp))
