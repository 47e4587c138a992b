#!/usr/bin/env bash
# Runs the browser test of the demo page end to end: builds the server, starts it in demo mode on
# 127.0.0.1 and a free port with a fresh data directory, waits for /readyz, runs `npm ci` and
# `npm test` here with CONFAB_URL set, stops the server, and exits with the test's status.
#
# Needs the .NET SDK, Node.js with npm, and Debian's Chromium at /usr/bin/chromium (installed with
# apt-get when missing and this runs as root). No browser is ever downloaded.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
project="$root/src/Confab.Server"

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "run.sh: installing Debian's chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "run.sh: /usr/bin/chromium is missing: apt-get install -y chromium" >&2
    exit 1
  fi
fi

work="$(mktemp -d)"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "run.sh: building the server"
dotnet build "$project" -nologo -v quiet -clp:ErrorsOnly\;NoSummary
server_dll="$(dotnet msbuild "$project" -nologo -getProperty:TargetPath)"

port="$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")"
url="http://127.0.0.1:$port"

echo "run.sh: starting the server in demo mode at $url (data in $work/data)"
# The project folder is the content root, where wwwroot (the demo page) lives.
(cd "$project" && Confab__Demo=true Confab__DataDirectory="$work/data" exec dotnet "$server_dll" --urls "$url") \
  >"$work/server.log" 2>&1 &
server_pid=$!

ready=""
for _ in $(seq 120); do
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  if node -e "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$url/readyz"; then
    ready=yes
    break
  fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "run.sh: the server did not become ready; its log:" >&2
  cat "$work/server.log" >&2
  exit 1
fi

cd "$here"
npm ci --no-audit --no-fund --loglevel=error
status=0
CONFAB_URL="$url" npm test || status=$?

stop_server
if [ "$status" -ne 0 ]; then
  echo "run.sh: the browser test failed; the server's log:" >&2
  tail -n 50 "$work/server.log" >&2
fi
exit "$status"
