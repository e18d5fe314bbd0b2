"""Turns the bench's JSON lines into the results table and results.json.

    python3 bench/report.py META.json RAW.jsonl... > table

META holds what run.sh measured about the machine and the build; each RAW
line is one measurement printed by bench/c/bench.c, bench/python/bench.py or
bench/go/main.go. Medians are taken over rounds; ratios are ours / theirs
(below 1 means bwvoice is faster). Exit status 0, or 1 when BENCH_STRICT=1
and a target is missed.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from typing import Any, Optional

FANOUT_DELAY_S = 0.020
RSS_NOISE_KIB = 512  # any per-call leak of even one small allocation exceeds this over 99k calls
MARK = {"yes": "yes", "NO": "NO", "undecided": "?"}


def load(paths: list[str]) -> list[dict[str, Any]]:
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f if line.strip().startswith("{"))
    return rows


def find(rows: list[dict[str, Any]], lang: str, kind: str, side: str) -> Optional[dict[str, Any]]:
    for row in rows:
        if row.get("lang") == lang and row.get("kind") == kind and row.get("side") == side:
            return row
    return None


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        meta = json.load(f)
    rows = load(sys.argv[2:])
    results: dict[str, Any] = {
        "machine": meta["machine"],
        "config": meta["config"],
        "versions": {},
        "pairs": [],
        "fanout": [],
        "rejected": [],
        "memory": {},
        "library": meta["library"],
        "server": meta["server"],
        "targets": [],
    }
    for row in rows:
        if row.get("kind") == "versions":
            results["versions"].update({k: v for k, v in row.items() if k not in ("lang", "kind")})

    def target(
        name: str, value: float, limit: float, op: str, unit: str, noise: float = 0.0
    ) -> dict[str, Any]:
        """Records a target; `noise` is the row's spread, as a fraction.

        A "<=" target is met only when value x (1 + noise) still clears it,
        and missed only when value x (1 - noise) does not: in between the
        run cannot tell, and "undecided" counts as not met.
        """
        if op == "<=":
            met = value * (1 + noise) <= limit
            missed = value * (1 - noise) > limit
        else:
            met = value >= limit if op == ">=" else value < limit
            missed = not met
        t = {
            "target": name,
            "value": round(value, 4),
            "limit": limit,
            "op": op,
            "unit": unit,
            "spread": round(noise, 4),
            "met": met,
            "verdict": "yes" if met else "NO" if missed else "undecided",
        }
        results["targets"].append(t)
        return t

    def check(
        name: str, value: float, limit: float, op: str, unit: str, *, shown: str, noise: float = 0.0
    ) -> str:
        """Records a target; returns the row's tail, "target OP SHOWN  yes" (NO, or ? undecided)."""
        verdict = target(name, value, limit, op, unit, noise)
        return f"target {op} {shown}  {MARK[verdict['verdict']]}"

    def fanout_rate(row: dict[str, Any], width: str, **fields: Any) -> tuple[str, float]:
        """Records a fan-out row (row[width] in flight); returns its rate text and fraction."""
        ideal = row[width] / FANOUT_DELAY_S
        rate = spread(row["calls_per_s"])
        frac = rate["median"] / ideal
        results["fanout"].append(
            {
                "lang": row["lang"],
                **fields,
                "calls_per_s": rate,
                "rounds": row["calls_per_s"],
                "ideal_calls_per_s": ideal,
                "fraction": round(frac, 4),
            }
        )
        return f"{rate['median']:>7.0f} calls/s = {frac * 100:5.1f} % of {ideal:.0f}", frac

    lines = []
    m = meta["machine"]
    c = meta["config"]
    lines.append(
        f"bwvoice bench, {m['date']}: {m['cores']} cores ({m['cpu']}), Linux {m['kernel']}"
    )
    busy = max(m.get("busy_cores_before", 0), m.get("busy_cores_after", 0))
    if busy > 0.25:
        lines.append(
            f"WARNING: other processes kept {busy:.2f} of {m['cores']} cores busy around "
            f"the run: these numbers are distorted; rerun on an idle machine"
        )
    lines.append(
        f"latency: {c['rounds']} alternating rounds x {c['calls']} calls per side after "
        f"{c['warmup']} warm-up calls, loopback keep-alive server answering 200 (median of rounds)"
    )
    pin = c.get("pinned_cpu")
    lines.append(
        f"client and server pinned to CPU {pin} for latency runs"
        if pin is not None
        else "latency runs not pinned (BENCH_PIN=0): expect more spread"
    )
    lines.append("")
    lines.append(
        f"{'pair':<42} {'ours us':>9} {'theirs us':>10} {'ratio':>7} {'target':>9}  met  spread"
    )
    # ((lang, kind), ours, theirs, label, target ratio; None: for comparison only)
    c, go = ("c", "latency"), ("go", "latency")
    py, py_async = ("python", "latency"), ("python", "async")
    py_bxml, py_callback = ("python", "bxml"), ("python", "callback")
    pairs: list[tuple[tuple[str, str], str, str, str, Optional[float]]] = [
        (c, "bwvoice", "libcurl", "C: bw_modify_call vs libcurl (reused easy)", 1.00),
        (c, "bwvoice-state", "libcurl-state", "C: bw_get_call_state vs libcurl GET", 1.00),
        (c, "bwvoice-create", "libcurl-create", "C: bw_create_call vs libcurl POST", 1.00),
        (c, "bwvoice-on-event", "bwvoice-no-event", "C: no-op on_event vs none", 1.10),
        (c, "bwvoice-tls", "libcurl-tls", "C, HTTPS warm: vs libcurl/OpenSSL", 1.00),
        (c, "bwvoice-tls-cold", "libcurl-tls-cold", "C, HTTPS cold start: vs libcurl", 1.00),
        (py, "bwvoice", "requests", "Python: bwvoice vs requests.Session", 0.40),
        (py, "bwvoice", "bandwidth-sdk", "Python: bwvoice vs bandwidth-sdk", 0.40),
        (py_async, "bwvoice", "aiohttp", "Python async x64: AsyncClient vs aiohttp", 0.50),
        (py_async, "bwvoice", "httpx", "Python async x64: AsyncClient vs httpx", None),
        (py_bxml, "bwvoice", "bandwidth-sdk", "Python: BXML build vs bandwidth-sdk", 0.25),
        (py_callback, "bwvoice", "bandwidth-sdk", "Python: callback parse vs bandwidth-sdk", 0.50),
        (go, "bwvoice", "net/http", "Go: bwvoice vs net/http (reused Client)", 1.15),
    ]
    for (lang, kind), ours_name, theirs_name, label, limit in pairs:
        ours, theirs = (
            find(rows, lang, kind, ours_name),
            find(rows, lang, kind, theirs_name),
        )
        if not ours or not theirs:
            lines.append(f"{label:<42} {'missing':>9}")
            results["targets"].append({"target": label, "met": False, "value": None})
            continue
        o, t = spread(ours["us_per_call"]), spread(theirs["us_per_call"])
        ratio = o["median"] / t["median"]
        # Sides alternate round by round, so a round's ratio cancels what
        # the machine did to both; the spread of those ratios is the noise.
        per_round = [a / b for a, b in zip(ours["us_per_call"], theirs["us_per_call"])]
        r = spread(per_round)
        noise = (r["max"] - r["min"]) / r["median"]
        if limit is None:
            goal, met = "(compare)", "   "
        else:
            verdict = target(label, ratio, limit, "<=", "x", noise)
            goal, met = "<= " + format(limit, ".2f") + "x", MARK[verdict["verdict"]]
        results["pairs"].append(
            {
                "pair": label,
                "lang": lang,
                "ours": ours_name,
                "theirs": theirs_name,
                "ours_us": o,
                "theirs_us": t,
                "ratio": round(ratio, 4),
                "ours_rounds": ours["us_per_call"],
                "theirs_rounds": theirs["us_per_call"],
            }
        )
        results["pairs"][-1]["ratio_rounds"] = [round(x, 4) for x in per_round]
        results["pairs"][-1]["ratio_spread"] = round(noise, 4)
        lines.append(
            f"{label:<42} {o['median']:>9.1f} {t['median']:>10.1f} {ratio:>6.2f}x "
            f"{goal:>9}  {met:<3}  {noise * 100:4.0f} %"
        )
    lines.append("")

    # The floor: a prebuilt request on a bare kept-alive socket, alternating
    # with bw_modify_call in the same process; every language's redirect as
    # a multiple of it shows how far each is from the machine's round trip.
    floor, c_floor = find(rows, "c", "floor", "floor"), find(rows, "c", "floor", "bwvoice")
    if floor and c_floor:
        base = spread(floor["us_per_call"])
        costs = [
            ("C", c_floor),
            ("Python", find(rows, "python", "latency", "bwvoice")),
            ("Go", find(rows, "go", "latency", "bwvoice")),
        ]
        multiples: dict[str, float] = {}
        parts = []
        for name, cost in costs:
            if cost:
                us = statistics.median(cost["us_per_call"])
                multiples[name.lower()] = round(us / base["median"], 3)
                parts.append(f"{name} {us:.1f} us = {us / base['median']:.2f}x")
        results["floor"] = {
            "us_per_call": base,
            "rounds": floor["us_per_call"],
            "multiples": multiples,
        }
        wobble = (base["max"] - base["min"]) / base["median"]
        lines.append(
            f"{'Floor (C, prebuilt request, bare socket)':<42} {base['median']:>9.1f} us  "
            f"spread {wobble * 100:.0f} %: " + "; ".join(parts)
        )
        lines.append("")

    for row in rows:
        if row.get("kind") != "fanout":
            continue
        rate, frac = fanout_rate(
            row,
            "threads",
            side=row["side"],
            threads=row["threads"],
            calls_per_thread=row["calls_per_thread"],
        )
        label = f"Fan-out {row['lang']}/{row['side']}: {row['threads']} threads, 20 ms server"
        if row["lang"] == "c" and row["side"] == "bwvoice":
            name = "Fan-out (C, 64 threads) fraction of ideal"
            tail = check(name, frac, 0.90, ">=", "", shown="90 %")
        else:
            tail = "(for comparison)"
        lines.append(f"{label:<52} {rate}  {tail}")

    for row in rows:
        if row.get("kind") != "async-fanout":
            continue
        rate, frac = fanout_rate(
            row, "concurrency", side=row["side"] + " (async)", concurrency=row["concurrency"]
        )
        name = f"Async ({row['lang']}, {row['concurrency']} in flight) fraction of ideal"
        tail = check(name, frac, 0.90, ">=", "", shown="90 %")
        label = f"Async {row['lang']}: {row['concurrency']} in flight, 20 ms server"
        lines.append(f"{label:<52} {rate}  {tail}")

    # Scale: no target, a curve of what concurrency costs through one client.
    results["scale"] = []
    for row in rows:
        if row.get("kind") != "scale":
            continue
        per_s = spread(row["calls_per_s"])
        running = min(row["in_flight"], row["max_concurrency"])
        ideal = running / FANOUT_DELAY_S
        results["scale"].append({**row, "calls_per_s": per_s, "rounds": row["calls_per_s"]})
        label = f"Scale C: {row['in_flight']:,} in flight, 20 ms server"
        lines.append(
            f"{label:<52} {per_s['median']:>7.0f} calls/s = {per_s['median'] / ideal * 100:5.1f} % "
            f"of {ideal:,.0f}; peak {row['peak_threads']} threads, "
            f"{row['peak_rss_kib'] / 1024:.0f} MiB RSS"
        )

    threads = {r["side"]: r for r in rows if r.get("lang") == "go" and r.get("kind") == "threads"}
    if "async" in threads:
        a = threads["async"]
        limit = a["max_concurrency"] + 50
        name = f"Go peak OS threads, {a['goroutines']} goroutines (async)"
        tail = check(name, a["peak_threads"], limit, "<=", "threads", shown=str(limit))
        blocking = threads.get("blocking", {}).get("peak_threads", "?")
        results["go_threads"] = threads
        label = f"Go: {a['goroutines']} concurrent calls, peak OS threads"
        lines.append(f"{label:<52} {a['peak_threads']:>7} (blocking cgo: {blocking})  {tail}")

    for row in rows:
        if row.get("kind") != "rejected":
            continue
        ns = spread(row["ns_per_call"])
        results["rejected"].append(
            {
                "case": row["side"],
                "field": row.get("field"),
                "ns_per_call": ns,
                "rounds": row["ns_per_call"],
            }
        )
        name = f"Rejected input ({row['side']}) ns per call"
        tail = check(name, ns["median"], 2000, "<", "ns", shown="2000 ns")
        label = f"Rejected input (C, {row['side']}, nothing sent)"
        lines.append(f"{label:<52} {ns['median']:>7.0f} ns/call  {tail}")

    # BXML and callback parsing in C: absolute targets, nothing to compare against.
    absolute_rows = [
        (
            "bxml",
            "render",
            "us_per_doc",
            "us/doc",
            5.0,
            "5 us",
            "BXML render (C): IVR answer, {elements} elements",
        ),
        (
            "bxml",
            "check-64k",
            "ms_per_doc",
            "ms/doc",
            1.0,
            "1 ms",
            "BXML check 64 KB (C): {verbs} verbs, {bytes:,} B",
        ),
        (
            "callback",
            "parse",
            "us_per_body",
            "us/body",
            5.0,
            "5 us",
            "Callback parse (C): gather, {bytes} B",
        ),
    ]
    results["bxml"] = []
    results["callback"] = []
    for kind, side, unit, shown_unit, limit, shown, label in absolute_rows:
        row = find(rows, "c", kind, side)
        if not row:
            lines.append(f"{label.split(':')[0]:<52} {'missing':>7}")
            results["targets"].append({"target": label.split(":")[0], "met": False, "value": None})
            continue
        per = spread(row[unit])
        wobble = (per["max"] - per["min"]) / per["median"]
        results[kind].append({**row, unit: per, "rounds": row[unit]})
        text = label.format(**row)
        tail = check(
            text.split(":")[0], per["median"], limit, "<=", shown_unit, shown=shown, noise=wobble
        )
        lines.append(
            f"{text:<52} {per['median']:>7.2f} {shown_unit}  {tail}  spread {wobble * 100:.0f} %"
        )

    mem = find(rows, "c", "memory", "bwvoice")
    if mem:
        rss = {int(k): v for k, v in mem["rss_kib"].items()}
        first, last = min(rss), max(rss)
        growth = rss[last] - rss[first]
        results["memory"] = {"rss_kib": rss, "growth_kib": growth, "noise_kib": RSS_NOISE_KIB}
        name = f"RSS growth {first} -> {last} calls (KiB)"
        tail = check(name, growth, RSS_NOISE_KIB, "<=", "KiB", shown=f"{RSS_NOISE_KIB} KiB")
        marks = " / ".join(f"{rss[k]} KiB after {k:,}" for k in sorted(rss))
        lines.append(f"{'RSS, one client (C):':<22} {marks}: growth {growth:+d} KiB  {tail}")
    lib = meta["library"]
    lines.append(
        f"{'libbwvoice.so:':<22} {lib['stripped_bytes'] / 1e6:.2f} MB stripped "
        f"({lib['bytes'] / 1e6:.2f} MB as built)"
    )
    srv = meta["server"]
    lines.append(
        f"{'server check:':<22} {srv['requests']:,} requests, {srv['bad']} malformed "
        f"(every side sent POST .../calls/{{id}} with JSON, Basic auth and the redirect URL or a hang-up, "
        f"a bodiless GET, or POST .../calls with an application and the URL)"
    )
    if results["versions"]:
        v = results["versions"]
        lines.append("versions: " + ", ".join(f"{k} {v[k]}" for k in sorted(v)))
    missed = [t for t in results["targets"] if not t["met"]]
    results["all_targets_met"] = not missed
    lines.append("")
    undecided = [t["target"] for t in missed if t.get("verdict") == "undecided"]
    failed = [t["target"] for t in missed if t.get("verdict") != "undecided"]
    if not missed:
        lines.append("all targets met, each beyond its spread")
    if failed:
        lines.append("targets missed: " + "; ".join(failed))
    if undecided:
        lines.append(
            "undecided (the spread of the rounds is wider than the margin; rerun on a quiet "
            "machine or with more BENCH_ROUNDS): " + "; ".join(undecided)
        )

    out = meta["results_path"]
    with open(out, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    print("\n".join(lines))
    print(f"\n(written to {os.path.relpath(out)})")
    if srv["bad"]:
        print("error: the server saw malformed requests", file=sys.stderr)
        return 1
    return 1 if missed and os.environ.get("BENCH_STRICT") == "1" else 0


if __name__ == "__main__":
    sys.exit(main())
