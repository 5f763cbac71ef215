#!/usr/bin/env python3
"""Score `byline index --format json` attributions against PolNeAR's annotations.

Stdlib only.  PolNeAR (networkdynamics/PolNeAR) has no licence: the data stays outside the
repository (default /tmp/polnear, or $POLNEAR_DIR; see ../shared/eval/polnear/README.md for how
to extract it).  Use the TRAIN split only: dev and test are held out for the team.

    python3 tests/eval/polnear_attributions.py --byline target/release/byline [--list cue-fn]

Prints, over every article of the split:
  - cue spans: exact-match and overlap precision / recall / F1 (one-to-one matching);
  - source spans and content spans: overlap P / R / F1 (one-to-one, independent of cues);
  - source spans of cue-matched pairs: overlap agreement;
  - the source-kind confusion table (byline's kind × the gold source's class, classified by
    the head-word heuristic `classify_source` of ../shared/eval/polnear/score_polnear.py).
`--list cue-fp|cue-fn|src-fp|src-fn` prints those errors with their sentence, to read in bulk.
"""
from __future__ import annotations

import argparse
import collections
import glob
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "eval", "polnear"))


def load_gold(cache, split):
    """base -> (text, [attr]) with attr = {"cue": [(a,b)], "source": [(a,b)] | None, "content": [(a,b)]}."""
    tdir = os.path.join(cache, "data", split, "text")
    adir = os.path.join(cache, "data", split, "attributions")
    if not os.path.isdir(tdir):
        sys.exit(f"no PolNeAR {split} split under {cache}: see {SHARED}/README.md")
    out = {}
    for tpath in sorted(glob.glob(os.path.join(tdir, "*.txt"))):
        base = os.path.basename(tpath)[:-4]
        anns = sorted(p for p in glob.glob(os.path.join(adir, glob.escape(base) + "_*.ann"))
                      if re.fullmatch(re.escape(base) + r"_[0-9a-f]{4}\.ann", os.path.basename(p)))
        if not anns:
            continue
        with open(tpath, encoding="utf-8") as fh:
            text = fh.read()
        spans, attrs = {}, []
        with open(anns[0], encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 2:
                    continue
                if parts[0].startswith("T") and " " in parts[1]:
                    label, rest = parts[1].split(" ", 1)
                    try:
                        spans[parts[0]] = (label, [tuple(map(int, s.split())) for s in rest.split(";")])
                    except ValueError:
                        continue
                elif parts[0].startswith("E"):
                    roles = collections.defaultdict(list)
                    for item in parts[1].split():
                        if ":" in item:
                            role, tid = item.split(":", 1)
                            roles[re.sub(r"\d+$", "", role)].append(tid)
                    attrs.append(roles)
        gold = []
        for roles in attrs:
            def get(role):
                out_spans = []
                for tid in roles.get(role, []):
                    if tid in spans:
                        out_spans.extend(spans[tid][1])
                return out_spans
            cue = get("Cue")
            if not cue:
                continue
            src = get("Source")
            gold.append({"cue": cue, "source": src or None, "content": get("Content")})
        out[base] = (text, gold)
    return out


def lsp_to_cp(text):
    """A function (line, utf16 col) -> code point offset, for LSP ranges of `text`."""
    starts = [0]
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\r":
            if i + 1 < len(text) and text[i + 1] == "\n":
                i += 1
            starts.append(i + 1)
        elif c == "\n":
            starts.append(i + 1)
        i += 1

    def conv(pos):
        line, col = pos["line"], pos["character"]
        if line >= len(starts):
            return len(text)
        k, units = starts[line], 0
        while k < len(text) and units < col and text[k] not in "\r\n":
            units += 2 if ord(text[k]) > 0xFFFF else 1
            k += 1
        return k
    return conv


def hull(spans):
    return (min(a for a, _ in spans), max(b for _, b in spans))


def overlap(x, y):
    return x[0] < y[1] and y[0] < x[1]


def match(pred, gold, same):
    """Greedy one-to-one matching in text order; returns list of (pi, gi)."""
    pairs, used = [], set()
    for pi, p in enumerate(pred):
        for gi, g in enumerate(gold):
            if gi not in used and same(p, g):
                pairs.append((pi, gi))
                used.add(gi)
                break
    return pairs


def prf(tp, npred, ngold):
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {100 * p:5.1f}  R {100 * r:5.1f}  F1 {100 * f:5.1f}  (tp {tp}, pred {npred}, gold {ngold})"


def sentence_of(text, a, b):
    s = max(text.rfind(". ", 0, a), text.rfind("\n", 0, a)) + 1
    e = min([x for x in (text.find(". ", b), text.find("\n", b)) if x >= 0] or [len(text)])
    return text[s:e + 1].strip().replace("\n", " ")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", default=os.environ.get("POLNEAR_DIR", "/tmp/polnear"))
    ap.add_argument("--byline", default="target/release/byline")
    ap.add_argument("--split", default="train", choices=["train"])
    ap.add_argument("--list", choices=["cue-fp", "cue-fn", "src-fp", "src-fn"])
    ap.add_argument("--limit", type=int, default=200)
    args = ap.parse_args()
    gold = load_gold(args.cache, args.split)
    tdir = os.path.join(args.cache, "data", args.split, "text")
    res = subprocess.run([args.byline, "index", "--format", "json", tdir],
                         capture_output=True, text=True, check=False)
    if res.returncode not in (0, 1):
        sys.exit(f"byline index failed: {res.stderr[:500]}")
    data = json.loads(res.stdout)
    pred = collections.defaultdict(list)
    for a in data.get("attributions", []):
        pred[os.path.basename(a["path"])[:-4]].append(a)

    sys.path.insert(0, SHARED)
    try:
        from score_polnear import classify_source, proper_tokens  # type: ignore
    except Exception:  # the measuring heuristic is optional
        classify_source, proper_tokens = None, None

    c = collections.Counter()
    confusion = collections.defaultdict(collections.Counter)
    listing = []
    for base, (text, gattrs) in gold.items():
        conv = lsp_to_cp(text)
        rng = lambda r: (conv(r["start"]), conv(r["end"]))
        patts = pred.get(base, [])
        pcues = [rng(a["cue"]["range"]) for a in patts]
        gcues = [hull(g["cue"]) for g in gattrs]
        exact = match(pcues, gcues, lambda p, g: p == g)
        ov = match(pcues, gcues, overlap)
        c["cue_pred"] += len(pcues)
        c["cue_gold"] += len(gcues)
        c["cue_exact"] += len(exact)
        c["cue_overlap"] += len(ov)
        psrc = [(rng(a["source"]["range"]), a) for a in patts if a["source"] and a["source"]["text"]]
        gsrc = [(hull(g["source"]), g) for g in gattrs if g["source"]]
        sm = match(psrc, gsrc, lambda p, g: overlap(p[0], g[0]))
        c["src_pred"] += len(psrc)
        c["src_gold"] += len(gsrc)
        c["src_overlap"] += len(sm)
        pcon = [rng(a["content"]["range"]) for a in patts]
        pcon = [x for x in pcon if x[1] > x[0]]
        gcon = [hull(g["content"]) for g in gattrs if g["content"]]
        cm = match(pcon, gcon, overlap)
        c["con_pred"] += len(pcon)
        c["con_gold"] += len(gcon)
        c["con_overlap"] += len(cm)
        # Sources of cue-matched pairs.
        for pi, gi in ov:
            pa, ga = patts[pi], gattrs[gi]
            c["pair"] += 1
            if pa["source"] is None and ga["source"] is None:
                c["pair_src_agree"] += 1
            elif pa["source"] is not None and ga["source"] is not None and pa["source"]["text"] and \
                    overlap(rng(pa["source"]["range"]), hull(ga["source"])):
                c["pair_src_agree"] += 1
        if classify_source is not None:
            proper = proper_tokens(text)
            for pi, gi in sm:
                gspan = gsrc[gi][0]
                gclass, _ = classify_source(text[gspan[0]:gspan[1]], proper)
                confusion[psrc[pi][1]["source"]["kind"]][gclass] += 1
        if args.list:
            mp = {p for p, _ in (ov if args.list.startswith("cue") else sm)}
            mg = {g for _, g in (ov if args.list.startswith("cue") else sm)}
            if args.list == "cue-fp":
                listing += [(base, text, pcues[i]) for i in range(len(pcues)) if i not in mp]
            elif args.list == "cue-fn":
                listing += [(base, text, gcues[i]) for i in range(len(gcues)) if i not in mg]
            elif args.list == "src-fp":
                listing += [(base, text, psrc[i][0]) for i in range(len(psrc)) if i not in mp]
            else:
                listing += [(base, text, gsrc[i][0]) for i in range(len(gsrc)) if i not in mg]

    print(f"PolNeAR {args.split}: {len(gold)} articles, {c['cue_gold']} annotated attributions, "
          f"{c['cue_pred']} predicted")
    print(f"cue exact     {prf(c['cue_exact'], c['cue_pred'], c['cue_gold'])}")
    print(f"cue overlap   {prf(c['cue_overlap'], c['cue_pred'], c['cue_gold'])}")
    print(f"source overlap  {prf(c['src_overlap'], c['src_pred'], c['src_gold'])}")
    print(f"content overlap {prf(c['con_overlap'], c['con_pred'], c['con_gold'])}")
    if c["pair"]:
        print(f"cue-matched pairs whose sources agree (both none, or overlapping): "
              f"{c['pair_src_agree']}/{c['pair']} = {100 * c['pair_src_agree'] / c['pair']:.1f}%")
    if confusion:
        classes = sorted({g for row in confusion.values() for g in row})
        print("source kind (rows: byline) x gold class (columns), overlapping sources:")
        print("  " + " ".join(f"{k[:12]:>12}" for k in ["byline"] + classes))
        for kind in sorted(confusion):
            print("  " + f"{kind[:12]:>12} " + " ".join(f"{confusion[kind][g]:>12}" for g in classes))
    for base, text, (a, b) in listing[: args.limit]:
        s = sentence_of(text, a, b)
        print(f"- {base[:40]} [{text[a:b]}] :: {s[:300]}")


if __name__ == "__main__":
    main()
