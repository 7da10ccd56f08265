#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need on a fresh machine: system packages
# (redis-server, and chromium for the browser tests) and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ "${1:-}" = "--with-browser" ] && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]} with apt-get…"
  if [ "$(id -u)" = "0" ]; then sudo_cmd=(); elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo_cmd=(sudo); else sudo_cmd=(none); fi
  if [ "${sudo_cmd[*]:-}" = "none" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "error: ${missing[*]} missing and cannot be installed here (need apt-get as root); install them, or set REDIS_URL / UPSTASH_REDIS_REST_URL for Redis" >&2
    exit 1
  fi
  if ! { "${sudo_cmd[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
    echo "error: apt-get could not install ${missing[*]}; install them by hand and run again" >&2
    exit 1
  fi
fi

# npm packages: install when missing or when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: installing npm packages…"
  npm ci --no-audit --no-fund --loglevel=error
fi
