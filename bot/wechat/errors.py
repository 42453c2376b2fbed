"""WeChat API errors as a typed hierarchy, decided once from the errcode; callers act on the type.

The classes follow the rules SPEC.md quotes from WeChat's documentation: which codes are worth a retry,
which mean "use the fallback channel", which stop a channel and which are final for one message.
"""

from __future__ import annotations


class WeChatAPIError(Exception):
    def __init__(self, errcode: int, errmsg: str = "") -> None:
        super().__init__(f"WeChat errcode {errcode}: {errmsg}")
        self.errcode, self.errmsg = errcode, errmsg


class TokenInvalid(WeChatAPIError):
    """40001/42001/40014: fetch the access token again and retry the call once."""


class TokenRefused(WeChatAPIError):
    """The token endpoint refused our AppID, secret or IP: a configuration error, never looped on."""


class Transient(WeChatAPIError):
    """-1, 45011, timeouts, 5xx: retry with backoff; `min_delay` seconds at least."""

    def __init__(self, errcode: int, errmsg: str = "", min_delay: float = 0.0) -> None:
        super().__init__(errcode, errmsg)
        self.min_delay = min_delay


class DailyQuota(WeChatAPIError):
    """45009: this channel is spent for today; hold it until tomorrow."""


class WindowClosed(WeChatAPIError):
    """45015/45047: the customer-service window is shut or its count used up: use the fallback."""


class ChannelStopped(WeChatAPIError):
    """48001/40037: the account lacks the right or the template id is wrong: stop the channel, alert."""


class Permanent(WeChatAPIError):
    """Final for this message or user (43004 unsubscribed, 40003 bad openid, 47003 bad value …)."""


TIMEOUT = -2  # our own code for a call that got no answer in time
TOKEN_INVALID = {40001, 42001, 40014}
TOKEN_REFUSED = {40001, 40013, 40125, 40164, 40243, 40002}
WINDOW_CLOSED = {45015, 45047}
CHANNEL_STOPPED = {48001, 40037}
RATE_LIMITED = 45011


def error_for(errcode: int, errmsg: str = "", token_endpoint: bool = False) -> WeChatAPIError:
    """The exception for a non-zero errcode; `token_endpoint` for answers of the token endpoint."""
    if token_endpoint:
        # -1 is WeChat's "busy"; 500–599 are HTTP statuses (every refusal code is larger).
        if errcode == -1 or 500 <= errcode < 600:
            return Transient(errcode, errmsg)
        return TokenRefused(errcode, errmsg)
    if errcode in TOKEN_INVALID:
        return TokenInvalid(errcode, errmsg)
    if errcode == RATE_LIMITED:
        return Transient(errcode, errmsg, min_delay=60.0)
    if errcode == -1:
        return Transient(errcode, errmsg)
    if errcode == 45009:
        return DailyQuota(errcode, errmsg)
    if errcode in WINDOW_CLOSED:
        return WindowClosed(errcode, errmsg)
    if errcode in CHANNEL_STOPPED:
        return ChannelStopped(errcode, errmsg)
    return Permanent(errcode, errmsg)
