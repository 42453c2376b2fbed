#!/bin/sh
# The second README command: install with test tools, then run lint and the whole test suite.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh test
sh scripts/browser.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/pytest "$@"
