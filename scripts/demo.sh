#!/bin/sh
# The first README command: install, create the SQLite database, seed the demo, start louwu.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
exec .venv/bin/louwu demo "$@"
