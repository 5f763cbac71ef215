#!/usr/bin/env python3
"""Score Byline's hedge hints on the CoNLL-2010 Wikipedia weasel sentences.

Usage:
    python3 tests/eval/weasel_score.py CSV --byline target/release/byline [--folds 5] [--list]

CSV has columns `text,label` (label 1 = uncertain / weasel sentence), PTB-tokenised. Each
sentence is de-tokenised, written as its own paragraph into temporary text files, and checked
with `byline check --format json`. A sentence counts as flagged when any weasel-word,
vague-attribution or anonymous-source finding starts inside it. Prints precision, recall and F1
of the uncertain class; `--folds K` also prints the same figures on K interleaved folds (the
spread tells how stable the number is); `--list` prints every false alarm and miss.

The data has no licence: keep it out of the repository (see tests/eval/README.md).
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

CODES = {"weasel-word", "vague-attribution", "anonymous-source"}

_PTB = [
    (re.compile(r"-LRB-|-LSB-|-LCB-"), lambda m: {"-LRB-": "(", "-LSB-": "[", "-LCB-": "{"}[m.group(0)]),
    (re.compile(r"-RRB-|-RSB-|-RCB-"), lambda m: {"-RRB-": ")", "-RSB-": "]", "-RCB-": "}"}[m.group(0)]),
]


def detok(text: str) -> str:
    """Undo Penn Treebank tokenisation well enough for a prose checker."""
    t = " ".join(text.split())
    for rx, f in _PTB:
        t = rx.sub(f, t)
    # Quotes: `` and '' become straight double quotes, glued to the quoted words.
    t = re.sub(r"``\s*", '"', t)
    t = re.sub(r"\s*''", '"', t)
    # Single quotes written ` … ' become straight quotes too.
    t = re.sub(r"`\s*", "'", t)
    t = re.sub(r"\(\s+", "(", t)
    t = re.sub(r"\[\s+", "[", t)
    t = re.sub(r"\s+([)\]}])", r"\1", t)
    # Clitics and possessives split off by the tokeniser.
    t = re.sub(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", t, flags=re.I)
    t = re.sub(r"\s+'(?=[\s,.;:)\]]|$)", "'", t)
    t = re.sub(r"\b(can)\s+(not)\b", r"\1\2", t, flags=re.I)
    # Punctuation that hugs the word before it.
    t = re.sub(r"\s+([,.;:!?%])", r"\1", t)
    t = re.sub(r"\$\s+(?=\d)", "$", t)
    t = re.sub(r"\s+--\s+", " -- ", t)
    return t.strip()


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [(detok(r["text"]), r["label"].strip() == "1") for r in csv.DictReader(f)]


def flagged(byline, sentences, batch=400, config=""):
    """Which sentences get a hedge / vague / anonymous finding."""
    out = [False] * len(sentences)
    hits = [[] for _ in sentences]
    with tempfile.TemporaryDirectory(prefix="weasel-") as tmp:
        starts = {}  # file name -> [(line, index)]
        for b in range(0, len(sentences), batch):
            name = f"batch-{b // batch:05}.txt"
            lines = []
            line = 0
            rows = []
            for i in range(b, min(b + batch, len(sentences))):
                # One sentence per paragraph: a blank line after each keeps them apart.
                rows.append((line, i))
                lines.append(sentences[i].replace("\n", " "))
                lines.append("")
                line += 2
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
            starts[name] = rows
        cfg = os.path.join(tmp, "byline.toml")
        with open(cfg, "w") as f:
            f.write(config)
        res = subprocess.run(
            [byline, "check", tmp, "--format", "json", "--fail-on", "never"],
            capture_output=True, text=True, cwd=tmp,
        )
        if res.returncode != 0:
            sys.exit(f"byline failed ({res.returncode}): {res.stderr[:2000]}")
        report = json.loads(res.stdout)
        for fobj in report["files"]:
            name = os.path.basename(fobj["path"])
            rows = starts.get(name)
            if rows is None:
                continue
            by_line = {ln: i for ln, i in rows}
            for d in fobj["diagnostics"]:
                if d["code"] not in CODES:
                    continue
                ln = d["range"]["start"]["line"]
                i = by_line.get(ln)
                if i is not None:
                    out[i] = True
                    hits[i].append(d["message"])
    return out, hits


def prf(pairs):
    tp = sum(1 for g, p in pairs if g and p)
    fp = sum(1 for g, p in pairs if not g and p)
    fn = sum(1 for g, p in pairs if g and not p)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return tp, fp, fn, p, r, f


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv")
    ap.add_argument("--byline", default="target/release/byline")
    ap.add_argument("--folds", type=int, default=0, help="also report K interleaved folds")
    ap.add_argument("--list", action="store_true", help="print false alarms and misses")
    a = ap.parse_args()
    a.byline = os.path.abspath(a.byline)
    rows = read_rows(a.csv)
    pred, hits = flagged(a.byline, [t for t, _ in rows])
    pairs = [(g, p) for (_, g), p in zip(rows, pred)]
    tp, fp, fn, p, r, f = prf(pairs)
    print(f"{len(rows)} sentences, {sum(g for _, g in rows)} uncertain")
    print(f"uncertain class: P {100 * p:.1f}  R {100 * r:.1f}  F1 {100 * f:.1f}  (tp {tp}, fp {fp}, fn {fn})")
    if a.folds > 1:
        fs = []
        for k in range(a.folds):
            part = [x for i, x in enumerate(pairs) if i % a.folds == k]
            _, _, _, pk, rk, fk = prf(part)
            fs.append(fk)
            print(f"  fold {k}: P {100 * pk:.1f}  R {100 * rk:.1f}  F1 {100 * fk:.1f}")
        print(f"  fold F1 min {100 * min(fs):.1f}, max {100 * max(fs):.1f}")
    if a.list:
        for (t, g), p, h in zip(rows, pred, hits):
            if g != p:
                print(("FALSE ALARM" if p else "MISS") + f"\t{t}\t{' | '.join(h)}")


if __name__ == "__main__":
    main()
