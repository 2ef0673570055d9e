#!/usr/bin/env bash
# Runs before `npm test`: the browser test drives Debian's Chromium through playwright-core (which
# never downloads a browser). Installs it when it is missing and this user may; otherwise says how.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium not found at $CHROMIUM: installing Debian's chromium package for the browser test"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
echo "The browser test needs Chromium at $CHROMIUM (sudo apt-get install chromium, or set CHROMIUM_PATH)." >&2
exit 1
