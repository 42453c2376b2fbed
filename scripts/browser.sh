#!/bin/sh
# The browser tests drive Debian's Chromium (never a downloaded browser) and need a font for Chinese.
# Installs both with apt when run as root; otherwise says what to install, and those tests skip.
set -u
need=""
command -v chromium >/dev/null 2>&1 || need="chromium"
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need="$need fonts-wqy-microhei"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing for the browser tests:$need"
    apt-get update -qq >/dev/null 2>&1
    # shellcheck disable=SC2086 - one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null && exit 0
fi
echo "browser tests will be skipped: install$need (apt-get install$need)" >&2
exit 0
