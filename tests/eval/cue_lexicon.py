#!/usr/bin/env python3
"""Propose cue-lexicon entries from PolNeAR's annotated cues (train split only).

For every word form that heads an annotated Cue (its last word, lower-cased, e.g. "said",
"tweeted"; "has said" and "said in a statement" count for "said"), count how often the form
occurs in the split's text at all and how often that occurrence is (inside) an annotated cue.
Prints forms with at least --min occurrences as cues and a cue rate of at least --rate, sorted by
count, marking those already in server/src/analysis/lexicon/cue-verbs.txt.  The lexicon is data
we write from what this shows (words of English, not text of the corpus): no sentence of
PolNeAR goes into the repository.

    python3 tests/eval/cue_lexicon.py [--min 3] [--rate 0.5] [--new-only]
"""
import argparse
import collections
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from polnear_attributions import load_gold  # noqa: E402

WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=os.environ.get("POLNEAR_DIR", "/tmp/polnear"))
    ap.add_argument("--min", type=int, default=3)
    ap.add_argument("--rate", type=float, default=0.5)
    ap.add_argument("--new-only", action="store_true")
    args = ap.parse_args()
    lex_path = os.path.join(HERE, "..", "..", "server", "src", "analysis", "lexicon", "cue-verbs.txt")
    known = set()
    with open(lex_path, encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if line:
                known.add(line.split("\t")[0].lower())
    gold = load_gold(args.cache, "train")
    as_cue = collections.Counter()
    total = collections.Counter()
    for _, (text, atts) in gold.items():
        cue_words = set()
        for a in atts:
            for s, e in a["cue"]:
                for m in WORD.finditer(text, s, e):
                    cue_words.add((m.start(), m.group().lower()))
        for m in WORD.finditer(text):
            w = m.group().lower()
            total[w] += 1
            if (m.start(), w) in cue_words:
                as_cue[w] += 1
    rows = [(w, n, total[w]) for w, n in as_cue.items()
            if n >= args.min and n / total[w] >= args.rate]
    rows.sort(key=lambda r: -r[1])
    for w, n, t in rows:
        if args.new_only and w in known:
            continue
        print(f"{w}\t{n}\t{t}\t{n / t:.2f}\t{'known' if w in known else 'NEW'}")


if __name__ == "__main__":
    main()
