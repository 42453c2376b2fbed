"""Intake: store every inbound message, then dispatch it to the handlers, in batched transactions.

Transaction 1 records the raw messages (`record`: the UNIQUE dedup key stops WeChat's retries); only
then may a request answer at all. Transaction 2 runs the handlers and stores each reply (`handling`);
only when a handler fails is the batch redone with a savepoint per message. Batching lets SQLite's
single writer commit many messages at once under load; at low load a batch is one message. Because
one task handles a process's messages in order (`queue`), a user's messages never race each other.
Replies whose requests stopped waiting, and messages stranded by a crash, follow as customer-service
messages (`late`); `flood` limits how fast one sender is handled.
"""

from bot.intake.delivery import TOO_LATE, Delivery, settle
from bot.intake.flood import FloodLimit
from bot.intake.queue import Intake

__all__ = ["TOO_LATE", "Delivery", "FloodLimit", "Intake", "settle"]
