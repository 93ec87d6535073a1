#!/usr/bin/env bash
# Runs the README's quick start exactly as written: starts `npm start` on a fresh data directory
# (port 8080, as the README assumes), then runs every ```sh block between the README's
# quickstart markers in one bash, printing each command before its output. It checks that the
# walk-through works verbatim, and its output is what the README shows.
#
# Usage: scripts/quickstart-demo.sh   (needs curl, jq, port 8080 free, ../shared/fixtures)
# QUICKSTART_DATA_DIR picks the data directory (default: a fresh temporary one, removed after).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "quickstart-demo: $tool is required" >&2; exit 2; }
done
if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
  echo 'quickstart-demo: port 8080 is in use; the README assumes it is free' >&2
  exit 2
fi
if [ ! -d ../shared/fixtures/images ]; then
  echo 'quickstart-demo: ../shared/fixtures/images is absent' >&2
  exit 2
fi

data_dir="${QUICKSTART_DATA_DIR:-$(mktemp -d)}"
if [ -e "$data_dir/khien.sqlite" ]; then
  echo "quickstart-demo: $data_dir already holds a database; the walk-through needs an empty one" >&2
  exit 2
fi
export KHIEN_DATA_DIR="$data_dir"
work="$(mktemp -d)"
server_log="$work/server.log"

# The server in its own process group, so that npm and node stop together.
set -m
npm start >"$server_log" 2>&1 &
server=$!
set +m
cleanup() {
  kill -TERM -- "-$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  if [ -z "${QUICKSTART_DATA_DIR:-}" ]; then rm -rf "$data_dir"; fi
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 600); do
  curl -sf http://127.0.0.1:8080/readyz >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$server_log" >&2; exit 1; }
  sleep 0.2
done
echo '--- npm start printed:'
cat "$server_log"

# Every ```sh block between the markers, in order, as one script.
awk '/<!-- quickstart:begin -->/{on=1} /<!-- quickstart:end -->/{on=0}
     on && /^```sh$/{code=1; next} code && /^```$/{code=0; next} code' \
  README.md >"$work/walkthrough.sh"
echo '--- the walk-through:'
bash -euo pipefail -v "$work/walkthrough.sh" 2>&1
echo '--- quickstart-demo: every command of the README ran'
