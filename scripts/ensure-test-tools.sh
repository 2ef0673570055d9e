#!/usr/bin/env bash
# Runs before `npm test`. The browser tests drive Debian's Chromium through playwright-core (which
# never downloads a browser); the scale-out tests start real redis-server processes. Installs what is
# missing when this user may (root with apt-get); otherwise says what to install.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's ${missing[*]} for the browser and scale-out tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "The tests need Debian's ${missing[*]} (sudo apt-get install ${missing[*]}; or set CHROMIUM_PATH)." >&2
exit 1
