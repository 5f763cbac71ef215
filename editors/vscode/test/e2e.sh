#!/usr/bin/env bash
# End-to-end test of the Byline VS Code extension in real VS Code (code-server 4.100.3
# = VS Code 1.100.3) in headless Chromium. Fresh profile and a copy of tests/corpus
# each run; everything stays on 127.0.0.1.
#
#   editors/vscode/test/e2e.sh
#
# Env: BYLINE_BIN (default <repo>/target/release/byline), VSIX (a prebuilt .vsix;
# default: package one now), E2E_OUT (screenshots + logs; default a new temp dir),
# E2E_FILE / E2E_TXT_FILE / E2E_PERSON / E2E_HOVER (see e2e.cjs), E2E_TIMEOUT (s, 300).
# Installs code-server + playwright-core (shared/clients/vscode/install-code-server.sh,
# cached in /opt/code-server) and Debian's chromium when missing.
# Prints PASS/FAIL per check and "vscode e2e: N passed, M failed"; exit 1 on failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ext="$(cd "$here/.." && pwd)"
root="$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../../.." && pwd))"
shared="${BYLINE_SHARED_CLIENTS:-$root/../shared/clients}"
BYLINE_BIN="${BYLINE_BIN:-$root/target/release/byline}"
log() { echo "[vscode-e2e] $*" >&2; }

[ -x "$BYLINE_BIN" ] || { echo "FAIL: server binary not found: $BYLINE_BIN (set BYLINE_BIN)"; exit 1; }
BYLINE_BIN="$(cd "$(dirname "$BYLINE_BIN")" && pwd)/$(basename "$BYLINE_BIN")"

if ! command -v chromium >/dev/null 2>&1; then
  log "apt-get install chromium"
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
fi
CODE_SERVER="${CODE_SERVER:-$(timeout 1200 "$shared/vscode/install-code-server.sh")}"
prefix="$(cd "$(dirname "$CODE_SERVER")/../.." && pwd)"   # <prefix>/node_modules/.bin/code-server

work="${E2E_OUT:-$(mktemp -d /tmp/byline-vscode-e2e.XXXXXX)}"
mkdir -p "$work"
if [ -z "${VSIX:-}" ] || [ ! -f "$ext/out/helpers.js" ]; then
  ( cd "$ext"
    [ -d node_modules/vscode-languageclient ] || npm ci --no-audit --no-fund >&2
    npm run --silent compile >&2 )
fi
if [ -z "${VSIX:-}" ]; then
  VSIX="$work/byline.vsix"
  ( cd "$ext" && npx --no-install vsce package --allow-missing-repository --skip-license -o "$VSIX" >&2 )
fi

rm -rf "$work/corpus" "$work/data" "$work/ext"
cp -r "$root/tests/corpus" "$work/corpus"
ws="$work/corpus"
timeout 120 "$CODE_SERVER" --user-data-dir "$work/data" --extensions-dir "$work/ext" \
  --install-extension "$VSIX" >&2
mkdir -p "$work/data/User"
python3 - "$work/data/User/settings.json" "$BYLINE_BIN" <<'PY'
import json, sys
path, binary = sys.argv[1:]
json.dump({
  "byline.server.path": binary,
  "byline.trace.server": "messages",
  "editor.semanticHighlighting.enabled": True,
  "workbench.startupEditor": "none", "security.workspace.trust.enabled": False,
  "telemetry.telemetryLevel": "off", "extensions.autoCheckUpdates": False,
  "extensions.autoUpdate": False, "editor.hover.delay": 100,
  "git.openRepositoryInParentFolders": "never", "workbench.tips.enabled": False,
  "chat.commandCenter.enabled": False, "workbench.colorTheme": "Default Dark Modern",
}, open(path, "w"), indent=2)
PY

PORT="${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
"$CODE_SERVER" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry \
  --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --user-data-dir "$work/data" --extensions-dir "$work/ext" "$ws" > "$work/code-server.log" 2>&1 &
cs_pid=$!
cleanup() { kill "$cs_pid" 2>/dev/null || true; wait "$cs_pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

status=0
E2E_URL="http://127.0.0.1:$PORT/?folder=$ws" E2E_WORKSPACE="$ws" E2E_OUT="$work" \
  BYLINE_BIN="$BYLINE_BIN" NODE_PATH="$prefix/node_modules" CHROMIUM="${CHROMIUM:-/usr/bin/chromium}" \
  timeout --kill-after=10 "${E2E_TIMEOUT:-300}" node "$here/e2e.cjs" || status=$?
[ "$status" = 124 ] && echo "FAIL: vscode e2e timed out after ${E2E_TIMEOUT:-300} s"
trace="$(ls "$work"/data/logs/*/exthost*/output_logging_*/*Byline.log 2>/dev/null | head -n1 || true)"
echo "artifacts: $work (screenshots vscode-hover.png, vscode-final.png; code-server.log; LSP trace: ${trace:-none})"
exit "$status"
