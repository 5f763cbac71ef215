#!/usr/bin/env bash
# Accuracy gate on the shared, externally labelled dev data (../shared/eval): runs the scorer
# with the given binary, prints the table, and fails below the floors set in the issues.
set -euo pipefail
bin="${1:?usage: tests/eval-gate.sh path/to/byline}"
here="$(cd "$(dirname "$0")/.." && pwd)"
eval_dir="$here/../shared/eval"
out="$(mktemp -d)"
python3 "$eval_dir/run_eval.py" --split dev --cmd "$bin" --out "$out"
python3 - "$out/summary.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
# (dataset, task) -> (mention F1 floor, CoNLL F1 floor), from the people and events issues.
floors = {
    ("ecbplus", "people"): (80.0, 70.0),
    ("meantime", "people"): (None, 55.0),
    ("ecbplus", "events"): (60.0, 50.0),
}
passed = failed = 0
for r in rows:
    key = (r["dataset"], r["task"])
    if key not in floors:
        continue
    mf, cf = floors[key]
    got_m, got_c = 100 * r["mention_F1"], 100 * r["CoNLL_F1"]
    ok = (mf is None or got_m >= mf) and (cf is None or got_c >= cf)
    print(f"eval {key[0]:9s} {key[1]:7s} mention F1 {got_m:6.2f} (floor {mf}) CoNLL F1 {got_c:6.2f} (floor {cf}) {'ok' if ok else 'BELOW TARGET'}")
    passed += ok
    failed += not ok
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
