"""louwu's whole callback path with an intake that stores nothing: every batch is answered from the
intake's loop with a fixed reply. What the HTTP side costs (aiohttp, signature, replay guard, XML,
the hand-off to the intake and back, the reply) without the database and the handlers.

    python bench/servers/callback_only.py CONFIG PORT
"""

import sys
from pathlib import Path

from bot import intake
from bot.cli.serve import run_server
from bot.config import load_config
from bot.intake.delivery import Delivery, settle
from handlers.replies import TextReply

REPLY = TextReply("已收到您的反映，编号 #1（物业设施）。")


async def answer_only(self: intake.Intake, batch: list[Delivery]) -> None:
    for d in batch:
        d.stored = True
        settle(d, REPLY)


if __name__ == "__main__":
    intake.Intake._process = answer_only  # type: ignore[method-assign]
    run_server(load_config(Path(sys.argv[1])), int(sys.argv[2]))
