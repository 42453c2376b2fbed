"""WeRoBot's echo robot, sessions off, served by gunicorn with threads (the comparison of SPEC.md)."""

import os

import werobot

robot = werobot.WeRoBot(token=os.environ.get("BENCH_TOKEN", "louwu"), enable_session=False)


@robot.text
def echo(message):
    return message.content


app = robot.wsgi
