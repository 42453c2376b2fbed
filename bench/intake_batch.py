"""The intake alone, in this process, without HTTP: CPU microseconds a text complaint by batch size
(the demo's buildings seeded, every sender new, as in bench/intake.py), with the rules alone and with
the learned layer beside them.

    .venv/bin/python bench/intake_batch.py [--messages 6400] [--batches 64,32,16,1]

Under `valgrind --tool=callgrind` it also gives instruction counts, which do not drift with the
machine (run it for two sizes and take the difference per message).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.intake import Intake  # noqa: E402
from bot.intake.delivery import Delivery  # noqa: E402
from bot.intake.flood import FloodLimit  # noqa: E402
from bot.rules import LiveRules  # noqa: E402
from bot.seed import load_seed, read_seed  # noqa: E402
from handlers import build_router  # noqa: E402
from handlers.events import TextMessage  # noqa: E402
from nlp.similarity import shared_similarity  # noqa: E402
from storage import schema  # noqa: E402
from storage.db import make_engine, make_sessionmaker  # noqa: E402

TEXTS = [
    "四楼食堂下个月就关了，九百多人以后去哪吃饭？",
    "门口共享单车堆成山了，早上根本进不去大门",
    "电梯又坏了，等了二十分钟才上来，能不能快点修",
    "楼道里有人给电动车充电，太危险了，万一起火怎么办",
    "三楼男厕所好臭，保洁好几天没来打扫了",
    "AC不製冷，辦公室熱死了，物業說在修也沒下文",
    "公司想申请人才补贴，不知道找谁办，窗口说材料不对",
    "隔壁工地半夜还在施工，吵得加班的人没法休息",
]
RAW = "<xml><ToUserName><![CDATA[gh]]></ToUserName><Content><![CDATA[…]]></Content></xml>" * 4


async def run(url: str, messages: int, batch: int, model: bool) -> float:
    engine = make_engine(url, inline=True)
    async with make_sessionmaker(engine).begin() as session:
        await load_seed(session, read_seed(ROOT / "bot" / "demo" / "demo.toml"))
    intake = Intake(
        engine,
        build_router(),
        LiveRules() if model else LiveRules(None),
        lambda: dt.datetime.now(dt.UTC),
        similarity=shared_similarity(),
        flood=FloodLimit(20),
    )
    intake.start()
    now = dt.datetime.now(dt.UTC)

    async def submit(first: int, n: int) -> list[Delivery]:
        ds = [
            intake.submit(TextMessage(f"o_{first + i}", now, 10**9 + first + i, text=TEXTS[i % 8]), RAW)
            for i in range(n)
        ]
        await asyncio.gather(*(d.answered for d in ds))
        return ds

    await submit(0, 640)  # warm: statements compiled, caches filled
    start = time.process_time()
    for b in range(messages // batch):
        await submit(1000 + b * batch, batch)
    used = time.process_time() - start
    await intake.stop()
    await engine.dispose()
    return used / (messages // batch * batch) * 1e6


def main() -> None:
    logging.basicConfig(level=logging.ERROR)  # the demo seeds no rule pack: the built-in one is meant
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=6400)
    ap.add_argument("--batches", default="64,32,16,1")
    args = ap.parse_args()
    print(f"{'batch':>6} {'µs/message, rules':>18} {'rules + model':>14}")
    for batch in (int(b) for b in args.batches.split(",")):
        messages = args.messages if batch > 1 else min(args.messages, 400)
        cost = []
        for model in (False, True):  # the learned layer's share of the intake, same run
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite+aiosqlite:///{tmp}/bench.db"
                schema.upgrade(url)
                cost.append(asyncio.run(run(url, messages, batch, model)))
        print(f"{batch:>6} {cost[0]:18.1f} {cost[1]:14.1f}", flush=True)


if __name__ == "__main__":
    main()
