#!/usr/bin/env bash
# Make sure a Chromium for the browser suite exists: Debian's package, never a Playwright
# download (`playwright install` fetches browser builds from hosts this project cannot reach).
set -euo pipefail
chromium="${HER2GUIDE_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi
if [ "$chromium" != /usr/bin/chromium ]; then
  echo "HER2GUIDE_CHROMIUM=$chromium is not an executable" >&2
  exit 1
fi
echo "==> installing Debian chromium (apt-get install chromium)" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
"$chromium" --version >&2
