"""One way to refuse: a handler (or the domain code it calls) raises a Refusal carrying the sentence
the person sees, and the router's error handler turns it into the reply."""

from __future__ import annotations


class Refusal(Exception):
    """What was asked cannot be done; `reply` says why, in the words the person reads."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply
