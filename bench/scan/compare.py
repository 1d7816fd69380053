#!/usr/bin/env python3
"""Runs QR decoders over image sets and compares them (called by bench/scan/run).

For every image NAME.{png,jpg,webp} with NAME.txt beside it, a decode counts as correct only
when one decoded text equals the expected text byte for byte (UTF-8). Times per image are CPU times on one core (so other load on the machine hardly matters):
- formdesk-scan: the thread CPU time it reports ("ms": decoding the gray image, file
  reading excluded), one process per set;
- zxing-cpp: thread CPU time of zxingcpp.read_barcodes on the gray image (file reading
  excluded), in-process;
- zbarimg: CPU time of one zbarimg process per image (includes process start and image
  loading, so it overstates ZBar's decode time; 10 ms resolution of os.times).
Prints a table and, last, one JSON line:
{"<set>": {"<decoder>": {"correct", "total", "median_ms", "p95_ms"}}}.

usage: compare.py --scan NAME=PATH [--scan NAME=PATH ...] --set NAME=DIR [--set ...]
"""
import argparse
import json
import os
import statistics
import subprocess
import time
import xml.etree.ElementTree as ET

import numpy as np
import zxingcpp
from PIL import Image

EXTS = (".png", ".jpg", ".jpeg", ".webp")


def images(root):
    out = []
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if f.lower().endswith(EXTS) and os.path.exists(os.path.splitext(p)[0] + ".txt"):
                out.append(p)
    return sorted(out)


def expected(path):
    with open(os.path.splitext(path)[0] + ".txt", "rb") as f:
        return f.read()


def run_formdesk(binary, files):
    res = {}
    for i in range(0, len(files), 200):
        chunk = files[i:i + 200]
        p = subprocess.run([binary, *chunk], capture_output=True, check=False)
        for line in p.stdout.decode("utf-8", "surrogateescape").splitlines():
            r = json.loads(line)
            if "error" in r:
                res[r["file"]] = ([], None)
            else:
                res[r["file"]] = ([t.encode("utf-8", "surrogateescape") for t in r["codes"]], r["ms"])
    return res


def run_zxing(files):
    res = {}
    for f in files:
        img = np.asarray(Image.open(f).convert("L"))
        t = time.thread_time()
        found = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
        ms = (time.thread_time() - t) * 1000
        res[f] = ([b.text.encode("utf-8", "surrogateescape") for b in found], ms)
    return res


def run_zbar(files):
    res = {}
    ns = {"z": "http://zbar.sourceforge.net/2008/barcode"}
    for f in files:
        t = os.times()
        p = subprocess.run(["zbarimg", "-q", "--xml", "-Sdisable", "-Sqrcode.enable", f],
                           capture_output=True, check=False)
        u = os.times()
        ms = ((u.children_user - t.children_user) + (u.children_system - t.children_system)) * 1000
        texts = []
        try:
            root = ET.fromstring(p.stdout.decode("utf-8", "surrogateescape"))
            for d in root.iterfind(".//z:data", ns):
                texts.append((d.text or "").encode("utf-8", "surrogateescape"))
        except ET.ParseError:
            pass
        res[f] = (texts, ms)
    return res


def summary(res, files):
    correct = sum(1 for f in files if expected(f) in res.get(f, ([], None))[0])
    times = sorted(ms for f in files if (ms := res.get(f, ([], None))[1]) is not None)
    pick = lambda q: round(times[min(len(times) - 1, int(round((len(times) - 1) * q)))], 2) if times else None
    return {"correct": correct, "total": len(files), "median_ms": pick(0.5), "p95_ms": pick(0.95)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scan", action="append", default=[], help="NAME=PATH of a formdesk-scan binary")
    ap.add_argument("--set", action="append", required=True, help="NAME=DIR of an image set")
    ap.add_argument("--misses", action="store_true", help="list the images each decoder missed")
    a = ap.parse_args()
    results = {}
    for spec in a.set:
        set_name, root = spec.split("=", 1)
        files = images(root)
        decoders = {}
        for s in a.scan:
            name, binary = s.split("=", 1)
            decoders[name] = run_formdesk(binary, files)
        decoders["zxing-cpp"] = run_zxing(files)
        decoders["zbar"] = run_zbar(files)
        results[set_name] = {}
        for name, res in decoders.items():
            results[set_name][name] = summary(res, files)
            if a.misses:
                miss = [os.path.relpath(f, root) for f in files if expected(f) not in res.get(f, ([], None))[0]]
                print(f"# {set_name} {name} missed: {' '.join(miss)}")
    print(f"{'set':<12} {'decoder':<22} {'correct':>9} {'median ms':>10} {'p95 ms':>8}")
    for set_name, per in results.items():
        for name, s in per.items():
            print(f"{set_name:<12} {name:<22} {s['correct']:>4}/{s['total']:<4} {s['median_ms']!s:>10} {s['p95_ms']!s:>8}")
    print(json.dumps(results, separators=(",", ":")))


if __name__ == "__main__":
    main()
