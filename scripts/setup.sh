#!/usr/bin/env bash
# Bootstrap the development environment: a pinned uv, then the project venv from uv.lock.
#
#   bash scripts/setup.sh          # install/refresh .venv (idempotent, fast when warm)
#   source scripts/setup.sh        # same, and leaves $UV pointing at the uv binary
#
# Works on a fresh Debian 12 machine with only python3 (3.11): uv is taken from PATH when it
# is the pinned version, otherwise installed into .cache/tools (a private venv, so the
# system Python — "externally managed" on Debian — is never touched).
# Nothing here downloads a Python interpreter or a browser build: only PyPI packages.
set -euo pipefail

HER2GUIDE_UV_VERSION="${HER2GUIDE_UV_VERSION:-0.13.9}"
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$_root"

# uv must use the machine's Python; it may not fetch one (the network reaches registries only).
export UV_PYTHON_DOWNLOADS=never
# Scripts and CI have no terminal: keep uv's output plain.
export UV_NO_PROGRESS=1

_log() { printf '==> %s\n' "$*" >&2; }

_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    _log "need root (or sudo) to run: $*"; return 1; fi
}

_uv_ok() { [ -x "$1" ] && [ "$("$1" --version 2>/dev/null | awk '{print $2}')" = "$HER2GUIDE_UV_VERSION" ]; }

_find_uv() {
  local c
  for c in "$(command -v uv 2>/dev/null || true)" "$_root/.cache/tools/bin/uv" "$HOME/.local/bin/uv"; do
    if [ -n "$c" ] && _uv_ok "$c"; then printf '%s\n' "$c"; return 0; fi
  done
  return 1
}

_install_uv() {
  local py="${PYTHON:-python3}"
  command -v "$py" >/dev/null || { _log "python3 not found: install Python 3.11 (apt-get install python3)"; return 1; }
  _log "installing uv==$HER2GUIDE_UV_VERSION into .cache/tools"
  if ! "$py" -m venv --clear "$_root/.cache/tools" >/dev/null 2>&1; then
    # Debian ships venv/ensurepip separately.
    _log "python3 -m venv failed; installing python3-venv with apt-get"
    _as_root apt-get update -qq
    _as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip >/dev/null
    "$py" -m venv --clear "$_root/.cache/tools"
  fi
  "$_root/.cache/tools/bin/python" -m pip install --quiet --disable-pip-version-check \
    "uv==$HER2GUIDE_UV_VERSION"
}

UV="$(_find_uv || true)"
if [ -z "$UV" ]; then
  _install_uv
  UV="$_root/.cache/tools/bin/uv"
fi
export UV

_log "uv sync --frozen ($("$UV" --version))"
"$UV" sync --frozen --quiet

# The site's navigator page runs the engine in Pyodide, pinned in package-lock.json and
# copied from node_modules/ into the built site (never loaded from a CDN). `npm ci` only
# when the installed copy does not match the lock file.
if [ -f package-lock.json ]; then
  if ! command -v npm >/dev/null; then
    _log "npm not found; installing nodejs and npm with apt-get (for the navigator page)"
    _as_root apt-get update -qq
    _as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
  if ! cmp -s package-lock.json node_modules/.package-lock.json 2>/dev/null \
      && ! node -e 'const a=require("./package-lock.json").packages,b=require("./node_modules/.package-lock.json").packages;for(const k in a){if(k&&(!b[k]||b[k].version!==a[k].version))process.exit(1)}' 2>/dev/null; then
    _log "npm ci (Pyodide for the navigator page, from package-lock.json)"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  fi
fi
