"""`python -m bot`: the louwu command."""

from bot.cli import main

main()
