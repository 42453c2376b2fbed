"""The JSON API: tokens, scope, the same actions as the chat, and errors as JSON with a reason."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from typing import Any

from handlers.texts import LOCAL_TZ
from handlers.workdays import published
from tests.api.conftest import ADMIN_TOKEN, KDK_TOKEN, LiveAPI


def call(api: LiveAPI, path: str, token: str | None = ADMIN_TOKEN, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(api.url + path, data=data, method="POST" if data else "GET")  # noqa: S310
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:  # noqa: S310 - a local test server
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_no_token_or_a_wrong_one_is_refused(live_api: LiveAPI) -> None:
    assert call(live_api, "/api/v1/issues", token=None)[0] == 401
    status, body = call(live_api, "/api/v1/issues", token="nope")
    assert status == 401 and "token" in body["error"]


def test_an_admin_token_lists_every_issue(live_api: LiveAPI) -> None:
    status, page = call(live_api, "/api/v1/issues")
    assert status == 200 and page["total"] == 2
    assert {i["building"] for i in page["items"]} == {"凯迪克大厦", "恒隆广场"}


def test_a_conveners_token_sees_only_their_building(live_api: LiveAPI) -> None:
    _, page = call(live_api, "/api/v1/issues", token=KDK_TOKEN)
    assert [i["building"] for i in page["items"]] == ["凯迪克大厦"]
    hlgc = next(
        i["number"] for i in call(live_api, "/api/v1/issues")[1]["items"] if i["building"] == "恒隆广场"
    )
    assert call(live_api, f"/api/v1/issues/{hlgc}", token=KDK_TOKEN)[0] == 404


def test_an_action_through_the_api_changes_the_issue(live_api: LiveAPI) -> None:
    status, body = call(live_api, "/api/v1/issues/1/actions", body={"action": "accept"})
    assert status == 200 and body["status"] == "accepted"
    _, issue = call(live_api, "/api/v1/issues/1")
    assert any(e["kind"] == "accepted" and "API" in e["actor"] for e in issue["timeline"])


def test_an_illegal_action_is_a_conflict_with_the_reason(live_api: LiveAPI) -> None:
    status, body = call(live_api, "/api/v1/issues/1/actions", body={"action": "reject"})
    assert status == 409 and "说明" in body["error"]


def test_the_try_endpoint_explains_a_message(live_api: LiveAPI) -> None:
    status, body = call(live_api, "/api/v1/rules/try", body={"text": "四楼食堂下个月就关了"})
    assert status == 200 and body["winner"] == "dining"


def test_a_nul_character_is_a_clear_400_on_both_backends(live_api: LiveAPI) -> None:
    status, body = call(live_api, "/api/v1/issues?q=a%00b")
    assert status == 400 and "NUL" in body["error"]
    status, body = call(live_api, "/api/v1/issues/1/actions", body={"action": "progress", "note": "a\x00b"})
    assert status == 400 and "NUL" in body["error"]


def test_a_token_without_the_right_reads_personal_data_masked(live_api: LiveAPI) -> None:
    texts = [i["text"] for i in call(live_api, "/api/v1/issues")[1]["items"]]
    assert any("138****5678" in t for t in texts) and not any("13812345678" in t for t in texts)
    assert "138****5678" in call(live_api, "/api/v1/issues/1")[1]["text"]


def test_a_token_with_the_right_reads_it_in_clear(live_api: LiveAPI) -> None:
    _, page = call(live_api, "/api/v1/issues", token=KDK_TOKEN)
    assert "13812345678" in page["items"][0]["text"]


def test_an_accepted_issue_shows_its_expected_date(live_api: LiveAPI) -> None:
    assert call(live_api, "/api/v1/issues/1")[1]["expected_date"] is None
    call(live_api, "/api/v1/issues/1/actions", body={"action": "accept"})
    today = dt.datetime.now(LOCAL_TZ).date()  # the live server runs on the real clock
    calendar = published()
    expected = calendar.add_workdays(today, 7)  # 四楼食堂 is 餐饮就餐: 7 working days
    assert call(live_api, "/api/v1/issues/1")[1]["expected_date"] == expected.isoformat()
