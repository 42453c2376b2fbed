"""Callback authenticity: signatures (constant-time), timestamp freshness, and safe-mode decryption."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import socket
import struct


class Rejected(Exception):
    """A request WeChat did not send (or sent too long ago); answered 403."""


def signature(token: str, timestamp: str, nonce: str, *extra: str) -> str:
    parts = sorted([token, timestamp, nonce, *extra])
    # surrogatepass: a query string may carry anything; it must fail the check, not the server.
    return hashlib.sha1("".join(parts).encode("utf-8", "surrogatepass")).hexdigest()  # noqa: S324 - WeChat's


def check_signature(token: str, sig: str, timestamp: str, nonce: str, *extra: str) -> None:
    expected = signature(token, timestamp, nonce, *extra)
    if not hmac.compare_digest(expected.encode(), sig.lower().encode("utf-8", "surrogatepass")):
        raise Rejected("bad signature")


def check_fresh(timestamp: str, now: float, tolerance: int) -> None:
    try:
        sent = int(timestamp)
    except ValueError:
        raise Rejected("timestamp is not a number") from None
    if abs(now - sent) > tolerance:
        raise Rejected("stale timestamp")


class SafeMode:
    """WeChat's AES mode: decrypt `Encrypt` and check the pad and the AppID it carries."""

    def __init__(self, encoding_aes_key: str, app_id: str) -> None:
        try:
            key = base64.b64decode(encoding_aes_key + "=")
        except binascii.Error:
            key = b""
        if len(key) != 32:
            raise ValueError("encoding_aes_key must be WeChat's 43-character key")
        # Here, not at the top: importing wechatpy brings requests and cryptography (~15 MiB a
        # process), which a server in plaintext mode never uses.
        from wechatpy.crypto.base import WeChatCipher

        self._cipher = WeChatCipher(key)
        self.app_id = app_id

    def decrypt(self, encrypted: str) -> str:
        try:
            plain = self._cipher.decrypt(base64.b64decode(encrypted, validate=True))
        except (binascii.Error, ValueError):
            raise Rejected("Encrypt is not valid base64 AES data") from None
        if not plain:
            raise Rejected("empty ciphertext")
        pad = plain[-1]
        if not 1 <= pad <= 32 or len(plain) < 20 + pad:
            raise Rejected("bad PKCS#7 padding")
        content = plain[16:-pad]
        (length,) = struct.unpack("I", content[:4])
        length = socket.ntohl(length)
        if length > len(content) - 4:
            raise Rejected("bad message length")
        app_id = content[4 + length :].decode("utf-8", "replace")
        if not hmac.compare_digest(app_id, self.app_id):
            raise Rejected("message is for another AppID")
        try:
            return content[4 : 4 + length].decode("utf-8")
        except UnicodeDecodeError:
            raise Rejected("message is not UTF-8") from None
