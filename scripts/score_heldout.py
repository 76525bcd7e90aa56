#!/usr/bin/env python3
"""Scores `phiscrub scan` against a labelled held-out set.

The set is JSON lines: {"text": "...", "spans": [[start, end, "TYPE"], ...], "template": "..."}
with UTF-8 byte offsets (end exclusive). Scoring is type-agnostic, as redaction is: a
labelled span counts as found when any finding overlaps it; a finding counts as correct
when it overlaps any labelled span. Per-type recall uses the labelled type.

usage: score_heldout.py SET.jsonl [PHISCRUB_BINARY] [--engine auto|hyperscan|portable]
                        [--out DIR]   (writes misses.txt and fps.txt there; default: no files)
"""

import argparse
import collections
import json
import subprocess
import sys


def overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set")
    ap.add_argument("binary", nargs="?", default="target/release/phiscrub")
    ap.add_argument("--engine", default="auto")
    ap.add_argument("--out")
    args = ap.parse_args()

    with open(args.set, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    texts = [r["text"].encode("utf-8") for r in records]
    if any(b"\n" in t for t in texts):
        sys.exit("a text holds a raw newline: the set is malformed")
    scan = subprocess.run(
        [args.binary, "scan", "--engine", args.engine],
        input=b"\n".join(texts) + b"\n",
        capture_output=True,
        check=True,
    )
    findings = collections.defaultdict(list)
    for line in scan.stdout.decode().splitlines():
        f = json.loads(line)
        findings[f["line"]].append((f["start"], f["end"], f["type"], f["rule"]))

    labelled = found = n_findings = correct = 0
    clean = clean_touched = 0
    per_type = collections.defaultdict(lambda: [0, 0])
    misses, fps = [], []
    for i, (r, text) in enumerate(zip(records, texts)):
        spans = [tuple(s) for s in r["spans"]]
        got = findings.get(i, [])
        if not spans:
            clean += 1
            clean_touched += bool(got)
        for s in spans:
            hit = any(overlaps(s, g) for g in got)
            labelled += 1
            found += hit
            per_type[s[2]][0] += hit
            per_type[s[2]][1] += 1
            if not hit:
                value = text[s[0]:s[1]].decode("utf-8", "replace")
                misses.append(f"{i}\t{r.get('template', '')}\t{s[2]}\t{value}\t{r['text']}")
        for g in got:
            n_findings += 1
            if any(overlaps(g, s) for s in spans):
                correct += 1
            else:
                value = text[g[0]:g[1]].decode("utf-8", "replace")
                fps.append(f"{i}\t{r.get('template', '')}\t{g[2]}\t{g[3]}\t{value}\t{r['text']}")

    recall = found / labelled if labelled else 1.0
    precision = correct / n_findings if n_findings else 1.0
    touched = clean_touched / clean if clean else 0.0
    print(f"lines {len(records)}  labelled {labelled}  findings {n_findings}")
    print(f"recall {recall:.3f}  precision {precision:.3f}  "
          f"PHI-free lines touched {clean_touched}/{clean} = {100 * touched:.2f}%")
    for t in sorted(per_type):
        hit, n = per_type[t]
        print(f"  {t:15} {hit:5}/{n:<5} {hit / n:.3f}")
    if args.out:
        with open(f"{args.out}/misses.txt", "w", encoding="utf-8") as f:
            f.write("\n".join(misses) + "\n")
        with open(f"{args.out}/fps.txt", "w", encoding="utf-8") as f:
            f.write("\n".join(fps) + "\n")


if __name__ == "__main__":
    main()
