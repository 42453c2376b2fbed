"""Open311 GeoReport v2, read side, checked against the specification's field list: services,
requests with their filters and paging, one request, errors; texts masked, no one named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.app import create_app
from tests.conftest import APP_ID, TOKEN, make_config
from tests.wx import WeChatSender

pytestmark = pytest.mark.usefixtures("demo")

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
    "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
}  # fmt: skip


@pytest.fixture
async def open311(aiohttp_client: Any, db_url: str, fake_wechat: Any, clock: Any) -> Any:
    config = make_config(db_url, fake_wechat.url, open311={"enabled": True})
    client = await aiohttp_client(create_app(config, clock=clock))
    wx = WeChatSender(client, TOKEN, APP_ID, clock=clock)
    alice, bob, conv = wx.reporter("o_alice"), wx.reporter("o_bob"), wx.reporter("o_conv_kdk")
    await alice.follows("kdk")
    await bob.follows("kdk")
    await alice.says("四楼食堂下个月就关了，有事打我13812345678")
    await bob.says("电梯又坏了，等了二十分钟")
    await conv.says("办结 2 已修好")
    return client


async def get(client: Any, path: str) -> tuple[int, Any]:
    resp = await client.get(f"/open311/v2/{path}")
    return resp.status, await resp.json()


async def test_services_are_the_categories_with_the_georeport_fields(open311: Any) -> None:
    status, services = await get(open311, "services.json")
    assert status == 200
    assert all(set(s) == SERVICE_FIELDS for s in services)
    assert {"service_code": "dining", "service_name": "餐饮就餐"}.items() <= services[0].items()
    assert all(s["type"] == "realtime" and s["metadata"] is False for s in services)


async def test_requests_have_the_georeport_fields_and_masked_text(open311: Any) -> None:
    status, found = await get(open311, "requests.json")
    assert status == 200 and len(found) == 2
    assert all(set(r) == REQUEST_FIELDS for r in found)
    canteen = next(r for r in found if r["service_request_id"] == "1")
    assert canteen["status"] == "open" and canteen["service_code"] == "dining"
    assert "138****5678" in canteen["description"] and "13812345678" not in canteen["description"]
    assert canteen["agency_responsible"] == "凯迪克大厦楼务会" and canteen["address"] == "凯迪克大厦"
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert dt.datetime.fromisoformat(canteen[key]).utcoffset() == dt.timedelta(hours=8)


async def test_status_notes_carry_the_resolution(open311: Any) -> None:
    _, [lift] = await get(open311, "requests/2.json")
    assert lift["status"] == "closed" and lift["status_notes"] == "已修好"


async def test_requests_filter_by_service_code_status_and_dates(open311: Any) -> None:
    assert [
        r["service_request_id"] for r in (await get(open311, "requests.json?service_code=dining"))[1]
    ] == ["1"]
    assert [r["service_request_id"] for r in (await get(open311, "requests.json?status=closed"))[1]] == ["2"]
    assert (await get(open311, "requests.json?start_date=2030-01-01T00:00:00Z"))[1] == []
    assert len((await get(open311, "requests.json?end_date=2030-01-01T00:00:00%2B08:00"))[1]) == 2
    assert len((await get(open311, "requests.json?page_size=1&page=2"))[1]) == 1


async def test_errors_are_georeport_error_lists(open311: Any) -> None:
    status, body = await get(open311, "requests/99.json")
    assert status == 404 and set(body[0]) == {"code", "description"}
    status, body = await get(open311, "requests.json?start_date=yesterday")
    assert status == 400 and "W3C" in body[0]["description"]


async def test_open311_is_off_unless_configured(client: Any) -> None:
    assert (await client.get("/open311/v2/services.json")).status == 404
