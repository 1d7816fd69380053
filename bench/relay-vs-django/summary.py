#!/usr/bin/env python3
"""Summary of one bench/relay-vs-django run: a table, the bars, and ONE final JSON line.

    summary.py OUTDIR IDLE_N

Reads OUTDIR/relay/results.jsonl and OUTDIR/django-<layer>/results.jsonl (one line per
loadgen run: name, load1, rss_kb, summary = loadgen's JSON summary).
"""
import glob
import json
import os
import re
import sys

out, idle_n = sys.argv[1], int(sys.argv[2])


def load(path):
    runs = {}
    if os.path.exists(path):
        for line in open(path):
            line = line.strip()
            if line:
                try:
                    r = json.loads(line)
                except json.JSONDecodeError:
                    continue
                runs[r["name"]] = r
    return runs


def p99(s, key="latency_ms"):
    return (s.get(key) or {}).get("p99")


def all_2xx(s):
    return sum(v for k, v in s.get("post_status", {}).items() if k.startswith("2")) == s.get("posts")


def reached(s):
    """The load generator actually sent >= 90 % of the target rate (open loop with an
    in-flight cap: beyond the server's capacity it sends less and the step proves nothing)."""
    return s.get("achieved_rate", 0) >= 0.9 * s.get("target_rate", 0)


def passes(s):
    """Ladder pass: target rate reached, >=99.9 % delivered, p99 < 100 ms, every POST 2xx."""
    lat = p99(s)
    return (s.get("delivered_frac", 0) >= 0.999 and lat is not None and lat < 100
            and all_2xx(s) and reached(s))


def ladder(runs):
    """[(rate, summary)] of the fanout 100x1 ladder, by rate."""
    rows = []
    for name, r in runs.items():
        m = re.fullmatch(r"fanout100x1_r(\d+)", name)
        if m and isinstance(r.get("summary"), dict):
            rows.append((int(m.group(1)), r["summary"]))
    return sorted(rows)


def max_rate(runs):
    ok = [rate for rate, s in ladder(runs) if passes(s)]
    return max(ok) if ok else 0


def lost_after_2xx(s):
    """2xx POSTs (counted per expected delivery) that never reached their subscriber."""
    return max(0, s.get("expected", 0) - s.get("delivered", 0))


def idle_kb(runs, baseline):
    rows = [r for n, r in runs.items() if n.startswith("idle_") and isinstance(r.get("summary"), dict)]
    if not rows:
        return None
    r = max(rows, key=lambda r: r["summary"].get("connected", 0))
    conn = r["summary"].get("connected") or 0
    base = r.get("baseline_rss_kb", baseline)
    if not conn or r.get("rss_kb") is None or base is None:
        return None
    return {"connected": conn, "rss_kb": r["rss_kb"], "baseline_kb": base,
            "kb_per_conn": round((r["rss_kb"] - base) / conn, 2)}


relay = load(os.path.join(out, "relay", "results.jsonl"))
django = {}
for d in sorted(glob.glob(os.path.join(out, "django-*"))):
    layer = os.path.basename(d)[len("django-"):]
    runs = load(os.path.join(d, "results.jsonl"))
    base = None
    bf = os.path.join(d, "idle_baseline_rss.txt")
    if os.path.exists(bf):
        m = re.search(r"(\d+) kB", open(bf).read())
        base = int(m.group(1)) if m else None
    django[layer] = (runs, base)

rows = []  # (workload, side, figure, p99, note)


def sessions_row(side, runs):
    r = runs.get("sessions_c50")
    if not r or not isinstance(r.get("summary"), dict):
        return None
    s = r["summary"]
    fails = s.get("connect_fail", 0) + s.get("post_fail", 0) + s.get("timeouts", 0) + s.get("closed_early", 0)
    rows.append(("sessions c=50", side, f'{s["sessions_per_s"]}/s', p99(s), f"failures {fails}, load1 {r['load1']}"))
    return s


rs = sessions_row("relay", relay)
dj_sessions = {layer: sessions_row(f"django {layer}", runs) for layer, (runs, _) in django.items()}

for rate, s in ladder(relay):
    rows.append((f"fanout 100x1 r={rate}", "relay", f'{s["delivered_frac"]*100:.3f}% delivered', p99(s),
                 f'{"PASS" if passes(s) else "fail"}; sent {s.get("achieved_rate")}/s; statuses {s["post_status"]}; lost {lost_after_2xx(s)}'))
for layer, (runs, _) in django.items():
    for rate, s in ladder(runs):
        rows.append((f"fanout 100x1 r={rate}", f"django {layer}", f'{s["delivered_frac"]*100:.3f}% delivered', p99(s),
                     f'{"PASS" if passes(s) else "fail"}; statuses {s["post_status"]}; lost {lost_after_2xx(s)}'))

overload = [(n, r["summary"]) for n, r in relay.items() if n.startswith("overload") and isinstance(r.get("summary"), dict)]
for n, s in overload:
    rows.append((n, "relay", f'{s["achieved_rate"]}/s sent', p99(s),
                 f'statuses {s["post_status"]}; delivered {s["delivered"]}/{s["expected"]}; lost after 2xx {lost_after_2xx(s)}'))


def f1000(side, runs):
    r = runs.get("fanout1x1000_r10")
    if not r or not isinstance(r.get("summary"), dict):
        return None
    s = r["summary"]
    rows.append(("fanout 1x1000 r=10", side, f'{s["delivered_frac"]*100:.3f}% delivered', p99(s),
                 f'connected {s["connected"]}; statuses {s["post_status"]}'))
    return s


rf = f1000("relay", relay)
for layer, (runs, _) in django.items():
    f1000(f"django {layer}", runs)

ri = idle_kb(relay, None)
if ri:
    rows.append((f"idle {idle_n}", "relay", f'{ri["kb_per_conn"]} KB/conn', None,
                 f'{ri["connected"]} connected; RSS {ri["baseline_kb"]} -> {ri["rss_kb"]} kB'))
dj_idle = {}
for layer, (runs, base) in django.items():
    di = idle_kb(runs, base)
    dj_idle[layer] = di
    if di:
        rows.append((f"idle", f"django {layer}", f'{di["kb_per_conn"]} KB/conn', None,
                     f'{di["connected"]} connected; RSS {di["baseline_kb"]} -> {di["rss_kb"]} kB'))

print(f'{"workload":<26} {"side":<15} {"result":<22} {"p99 ms":>9}  notes')
for w, side, fig, lat, note in rows:
    print(f'{w:<26} {side:<15} {fig:<22} {"-" if lat is None else lat:>9}  {note}')

# Figures and bars.
best_layer, best = None, None
for layer, s in dj_sessions.items():
    if s and (best is None or s["sessions_per_s"] > best["sessions_per_s"]):
        best_layer, best = layer, s
relay_max = max_rate(relay)
dj_max = {layer: max_rate(runs) for layer, (runs, _) in django.items()}
dj_best_max = max(dj_max.values()) if dj_max else 0
relay_runs = [s for _, s in ladder(relay)] + [s for _, s in overload] + ([rf] if rf else [])
lost = sum(lost_after_2xx(s) for s in relay_runs) if relay_runs else None

summary = {
    "relay_sessions_per_s": rs["sessions_per_s"] if rs else None,
    "relay_sessions_p99_ms": p99(rs) if rs else None,
    "django_sessions_per_s": best["sessions_per_s"] if best else None,
    "django_sessions_p99_ms": p99(best) if best else None,
    "django_sessions_best_layer": best_layer,
    "relay_fanout_max_rate": relay_max,
    "django_fanout_max_rate": dj_best_max,
    "django_fanout_max_rate_by_layer": dj_max,
    "relay_lost_after_201": lost,
    "relay_overload": [{"name": n, "achieved_rate": s["achieved_rate"], "post_status": s["post_status"],
                        "lost_after_201": lost_after_2xx(s)} for n, s in overload],
    "relay_fanout1000_delivered_frac": rf["delivered_frac"] if rf else None,
    "relay_fanout1000_p99_ms": p99(rf) if rf else None,
    "relay_idle_connections": ri["connected"] if ri else None,
    "relay_idle_kb_per_conn": ri["kb_per_conn"] if ri else None,
    "django_idle_kb_per_conn": {k: (v["kb_per_conn"] if v else None) for k, v in dj_idle.items()},
}


def bar(name, ok):
    print(f'bar {name:<58} {"PASS" if ok else "FAIL"}')
    return ok


print()
bars = {}
if rs and best:
    bars["sessions"] = bar("sessions >= 50x Django best, lower p99",
                           rs["sessions_per_s"] >= 50 * best["sessions_per_s"] and (p99(rs) or 1e9) < (p99(best) or 0))
if relay_max or dj_best_max:
    bars["fanout"] = bar("fanout 100x1 max rate >= 50x Django", relay_max >= 50 * max(dj_best_max, 1))
if rf:
    bars["fanout1000"] = bar("fanout 1x1000 @10/s: 100% delivered, p99 < 50 ms",
                             rf["delivered_frac"] >= 1.0 and (p99(rf) or 1e9) < 50)
if lost is not None:
    bars["lost"] = bar("relay_lost_after_201 == 0 at every rate", lost == 0)
if ri:
    bars["idle"] = bar(f"idle: <= 10 KB per connection ({ri['connected']} connections)", ri["kb_per_conn"] <= 10)
summary["bars"] = bars
print(json.dumps(summary, separators=(",", ":")))
