"""The ceiling: an aiohttp handler that answers every POST /wechat with a fixed passive reply.

python bench/servers/bare.py [--uvloop] PORT
"""

import asyncio
import sys

from aiohttp import web

REPLY = (
    "<xml><ToUserName><![CDATA[o]]></ToUserName><FromUserName><![CDATA[gh]]></FromUserName>"
    "<CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[已收到您的反映，编号 #1]]></Content></xml>"
)


async def handle(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(text=REPLY, content_type="application/xml")


app = web.Application()
app.router.add_post("/wechat", handle)

if __name__ == "__main__":
    if "--uvloop" in sys.argv:
        import uvloop

        loop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    web.run_app(app, loop=loop, host="127.0.0.1", port=int(sys.argv[-1]), print=None, access_log=None)
