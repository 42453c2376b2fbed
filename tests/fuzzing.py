"""Generated callbacks for `/wechat` (hypothesis), posted over one keep-alive connection and judged.

Half the cases are what WeChat could send (signed, fresh, plaintext or encrypted, with generated
fields and text full of odd characters), so they reach the handlers; the rest are what an attacker
or a broken proxy could send (no or wrong signatures, stale times, replays, garbage and hostile XML).
Every answer must be a status louwu means, with no traceback, within the client's timeout.
"""

from __future__ import annotations

import http.client
import itertools
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto

from bot.wechat.parse import xml_fields
from bot.wechat.verify import signature

MEANT = {200, 400, 403, 408, 413}
MSG_TYPES = ["text", "voice", "image", "location", "link", "video", "event", "shortvideo", "file", ""]
OPENIDS = [f"o_fuzz_{i}" for i in range(40)] + ["o_conv_kdk", "o_conv_hlgc", "o_leader_west"]
EVENTS = ["subscribe", "unsubscribe", "SCAN", "CLICK", "VIEW", "LOCATION", "TEMPLATESENDJOBFINISH", ""]
WORDS = [
    "电梯坏了",
    "食堂",
    "绑定 凯迪克大厦",
    "进度",
    "受理 1",
    "办结 #2 好了",
    "附议",
    "撤回 3",
    "待办",
    "0",
]
# What XML 1.0 allows in text (the rest WeChat never sends, and the parser refuses: a 400).
XML_TEXT = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\ufffe\uffff"), max_size=300
)


@dataclass(frozen=True)
class Case:
    """One generated request; signed (and encrypted) when posted, so every case has its own nonce."""

    kind: str
    body: bytes
    # None: signed as WeChat signs, `age` seconds ago; else sent with exactly this query.
    query: dict[str, str] | None = None
    encrypt: bool = False
    age: int = 0
    # Posted first under the same signature (the case is then a replay with another body).
    first: bytes | None = None


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    slowest: float = 0.0

    @property
    def cases(self) -> int:
        return sum(self.statuses.values())


@dataclass
class Target:
    """The server under test: its address and the secrets WeChat shares with it."""

    host: str
    port: int
    token: str
    app_id: str
    aes_key: str | None = None
    timeout: float = 15.0
    _conn: http.client.HTTPConnection | None = None
    _nonces: itertools.count = field(default_factory=lambda: itertools.count(1))

    def post(self, query: dict[str, str], body: bytes) -> tuple[int, bytes, float]:
        path = "/wechat?" + urllib.parse.urlencode(query)
        start = time.perf_counter()
        for attempt in (1, 2):
            conn = self._conn or http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._conn = conn
            try:
                conn.request("POST", path, body, {"Content-Type": "text/xml"})
                resp = conn.getresponse()
                answer = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self._drop()
                return resp.status, answer, time.perf_counter() - start
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                self._drop()  # the server closed a kept-alive connection (after a 408 or 413)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    def request(self, case: Case) -> tuple[dict[str, str], bytes]:
        """The query and body to post: signed as WeChat signs (and sealed in safe mode)."""
        if case.query is not None:
            return case.query, case.body
        ts, nonce = str(int(time.time()) - case.age), f"f{next(self._nonces)}"
        query = {"timestamp": ts, "nonce": nonce, "signature": signature(self.token, ts, nonce)}
        if not (case.encrypt and self.aes_key):
            return query, case.body
        crypto = WeChatCrypto(self.token, self.aes_key, self.app_id)
        sealed = xml_fields(crypto.encrypt_message(case.body.decode(), nonce, ts))
        query |= {"encrypt_type": "aes", "msg_signature": sealed["MsgSignature"]}
        body = f"<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>"
        return query, body.encode()

    def judge(self, case: Case, tally: Tally) -> None:
        query, body = self.request(case)
        if case.first is not None:
            self._check(case, query, case.first, tally)
        status = self._check(case, query, body, tally)
        if case.first is not None and case.first != body:
            assert status == 403, f"a replay with another body was answered {status}"

    def _check(self, case: Case, query: dict[str, str], body: bytes, tally: Tally) -> int:
        status, answer, seconds = self.post(query, body)
        kind = case.kind + ("+aes" if case.encrypt and self.aes_key else "")
        tally.statuses[status] += 1
        tally.kinds[f"{kind} {status}"] += 1
        tally.slowest = max(tally.slowest, seconds)
        text = answer.decode("utf-8", "replace")
        assert status in MEANT, f"{status} for {kind} {body[:300]!r}: {text[:500]}"
        assert "Traceback" not in text and 'File "' not in text, text[:500]
        return status


@st.composite
def wechat_xml(draw: st.DrawFn, odd: bool = False) -> str:
    """A message shaped like WeChat's with generated text; `odd`: any field may be strange or missing."""

    def pick(usual: st.SearchStrategy[str], strange: st.SearchStrategy[str]) -> str:
        return draw(usual | strange if odd else usual)

    number = st.integers(-(2**70), 2**70).map(str)
    msg_type = pick(st.sampled_from(MSG_TYPES), st.text(max_size=10))
    fields: dict[str, str] = {
        "ToUserName": "gh_fuzz",
        "FromUserName": pick(st.sampled_from(OPENIDS), st.text(max_size=70)),
        "CreateTime": pick(st.just(str(int(time.time()))), number),
        "MsgType": msg_type,
    }
    if msg_type == "event":
        fields["Event"] = pick(st.sampled_from(EVENTS), st.text(max_size=12))
        fields["EventKey"] = draw(st.sampled_from(["", "qrscene_kdk", "kdk", "MENU_PROGRESS"]) | XML_TEXT)
    else:
        fields["MsgId"] = pick(st.integers(1, 2**63).map(str), number | st.text(max_size=25))
        fields["Content"] = draw(
            st.sampled_from(WORDS) | XML_TEXT | st.lists(st.sampled_from(WORDS)).map(" ".join)
        )
        fields["Recognition"] = draw(XML_TEXT)
        fields["MediaId"] = draw(
            st.text(st.characters(codec="ascii", exclude_categories=["Cc"]), max_size=40)
        )
        fields["Location_X"] = pick(st.floats(-90, 90).map(str), st.floats(allow_nan=True).map(str))
    drop = draw(st.sets(st.sampled_from(sorted(fields)), max_size=1)) if odd else set()
    inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items() if k not in drop)
    return f"<xml>{inner}</xml>"


NASTY = {
    "external entity": '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>',
    "entity expansion": (
        '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><xml><Content>&b;</Content></xml>'
    ),
    "deep nesting": "<xml>" + "<a>" * 3000 + "</a>" * 3000 + "</xml>",
    "unclosed": "<xml><Content><![CDATA[x]]></Content>",
}
QUERY_KEYS = ["signature", "timestamp", "nonce", "encrypt_type", "msg_signature", "echostr", "x"]


def cases() -> st.SearchStrategy[Case]:
    """Half what WeChat could send; half strange, forged, stale, hostile or replayed."""
    xml = wechat_xml().map(str.encode)
    odd = wechat_xml(odd=True).map(str.encode)
    body = st.binary(max_size=2000) | XML_TEXT.map(str.encode) | odd
    genuine = st.builds(lambda b, enc: Case("signed", b, encrypt=enc), xml, st.booleans())
    strange = st.builds(lambda b, enc: Case("odd fields", b, encrypt=enc), odd, st.booleans())
    unsigned = st.builds(
        lambda q, b: Case("unsigned", b, query=q),
        st.dictionaries(st.sampled_from(QUERY_KEYS), st.text(max_size=50)),
        body,
    )
    stale = xml.map(lambda b: Case("stale", b, age=100_000))
    nasty = st.sampled_from(sorted(NASTY)).map(lambda name: Case(name, NASTY[name].encode()))
    garbage = st.binary(max_size=3000).map(lambda b: Case("garbage", b))
    replayed = st.builds(lambda first, b: Case("replayed", b, first=first), xml, body)
    hostile = st.one_of(strange, unsigned, stale, nasty, garbage, replayed)
    # one_of draws its branches evenly: a coin decides first, so half the cases are genuine.
    return st.booleans().flatmap(lambda real: genuine if real else hostile)


def campaign(target: Target, examples: int, tally: Tally, seed: int | None = 0) -> None:
    """Post `examples` generated cases; raises on the first answer that breaks the rules."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=seed is not None,
        suppress_health_check=list(HealthCheck),
    )
    @given(cases())
    def one(case: Case) -> None:
        target.judge(case, tally)

    try:
        one()
    finally:
        target.close()
