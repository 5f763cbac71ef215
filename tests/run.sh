#!/usr/bin/env bash
# The whole test suite, as the README says: Rust unit and property tests, end-to-end tests of
# the real binary (stdio LSP + CLI), accuracy fixtures, then the editor integrations (VS Code,
# Neovim, Helix, TextMate grammar) in real editors. Installs what it needs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

echo "== build (release binary for editors and evaluation; debug binary with test-only fault injection)"
cargo build --release --locked -p byline
cargo build --locked -p byline --features fault-injection

echo "== cargo test (unit, property, end-to-end, accuracy)"
BYLINE_BIN="$PWD/target/debug/byline" cargo test --workspace --locked --features byline/fault-injection

if [ -f editors/run-tests.sh ]; then
  echo "== editor integrations"
  BYLINE_BIN="$PWD/target/release/byline" bash editors/run-tests.sh
fi

if [ -f ../shared/eval/run_eval.py ] && [ -f tests/eval-gate.sh ]; then
  echo "== accuracy on the shared evaluation data"
  bash tests/eval-gate.sh "$PWD/target/release/byline"
fi
echo "== all tests passed"
