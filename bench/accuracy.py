#!/usr/bin/env python3
"""Accuracy of the default recurrent model on 28 public series under datasets/PROTOCOL.md,
beside the statsforecast reference models on the same origins.

usage: python3 bench/accuracy.py [--forecast .build/release/forecast] [--every 1]
           [--series a,b] [--jobs 2] [--extra "--flag value ..."] [--markdown FILE]
           [--out .build/bench/accuracy.jsonl] [--resume]

Series: the eight of datasets/*.csv (the table of PROTOCOL.md section 1: target, H, m;
references in datasets/reference/) and the twenty of datasets/dev/series_meta.json
(references in datasets/dev/reference/; chicago_ridership_daily.csv is read from datasets/).
For each: `forecast backtest FILE --target T --horizon H --season m --models gru --format csv
--jobs J --origins K' --step S' EXTRA`, and the `all` row's MASE. K and s are the protocol's
(K = 10 if n < 1000 else 20, s = max(1, min(H, floor((n/2 - H)/(K - 1))))); with --every e
only every e-th origin counted back from the last is run (k = K, K-e, ...: K' = ceil(K/e),
S' = s*e; e = 1 is the whole protocol). The reference models' MASE is recomputed on exactly
those origins from `<name>_forecasts.csv` (PROTOCOL.md section 4: the mean over the kept
(origin, h) pairs with an observed actual of |actual - forecast| / mase_scale). Self-checks
(assertions): the references' train_len are the protocol's T_k, and the recomputation over
all their origins equals the `all` rows of `_metrics.csv`. A cheap run of the tool's naive
and seasonal naive on the same flags must give the reference Naive and SeasonalNaive on the
kept origins (same origins, same scales; `origin_check` in the output, a warning if not).

`best_of_all`: the GRU's MASE lower than every reference model's by more than 1e-6 (the
reference files' precision; a GRU that returns the naive forecast ties, it does not win).
Reference models for the best-of comparison: every model of `<name>_forecasts.csv` (Naive,
SeasonalNaive, RandomWalkWithDrift, AutoETS, AutoARIMA where it ran, AutoTheta on the dev
set). The PyTorch GRU of the eight public series (`<name>_gru_forecasts.csv`) is shown
beside them but is not one of them: on the long series it ran on a subset of origins only
(PROTOCOL.md section 6); it is scored on the kept origins it has (`pytorch_gru_origins`).

Output: one JSON line per series on stdout, then a summary line; --markdown FILE writes a
table and the summary. Each series' line is also appended to --out; --resume skips series
found there with the same every, extra flags and tool binary (sha256). CPU seconds are the
tool's (children's user + sys), wall seconds the run's. Standard library only.
--extra takes one string split like a shell; a single flag without a value needs the
--extra=--flag form (argparse).
"""
import argparse
import csv
import hashlib
import json
import math
import os
import re
import resource
import shlex
import subprocess
import sys
import time
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_ORDER = ["Naive", "SeasonalNaive", "RandomWalkWithDrift", "AutoETS", "AutoARIMA", "AutoTheta"]


# ---------------------------------------------------------------- series and protocol

def public_series():
    """The eight series of PROTOCOL.md section 1, from its parameter table."""
    text = open(os.path.join(ROOT, "datasets", "PROTOCOL.md")).read()
    rows = re.findall(r"^\| (\w+)\.csv \| (\w+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|\s*$",
                      text, re.M)
    assert len(rows) == 8, f"PROTOCOL.md section 1: expected 8 series in the table, found {len(rows)}"
    out = []
    for name, target, n, h, m, k, s, t1, tk in rows:
        out.append(dict(name=name, file=os.path.join("datasets", name + ".csv"), target=target,
                        n=int(n), H=int(h), m=int(m), K=int(k), s=int(s), set="public",
                        refdir=os.path.join("datasets", "reference"), gru_ref=True))
    return out


def dev_series():
    """The twenty of datasets/dev/series_meta.json."""
    meta = json.load(open(os.path.join(ROOT, "datasets", "dev", "series_meta.json")))
    out = []
    for fname, v in meta.items():
        name = fname[:-4] if fname.endswith(".csv") else fname
        path = os.path.join("datasets", "dev", fname)
        if not os.path.exists(os.path.join(ROOT, path)):
            path = os.path.join("datasets", fname)  # chicago_ridership_daily.csv lives in datasets/
        out.append(dict(name=name, file=path, target=v["target"], n=int(v["n"]), H=int(v["H"]),
                        m=int(v["m"]), set="dev", refdir=os.path.join("datasets", "dev", "reference"),
                        gru_ref=False))
    assert len(out) == 20, f"series_meta.json: expected 20 series, found {len(out)}"
    return out


def protocol(n, h):
    k = 10 if n < 1000 else 20
    s = max(1, min(h, int(math.floor((n / 2 - h) / (k - 1)))))
    return k, s


def count_rows(path):
    with open(path, newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


# ---------------------------------------------------------------- reference scores

def read_forecasts(path):
    """model -> origin k -> list of (h, actual or None, forecast, scale); model -> k -> train_len."""
    pairs = defaultdict(lambda: defaultdict(list))
    train_len = defaultdict(dict)
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            k = int(r["origin"])
            a = None if r["actual"] == "" else float(r["actual"])
            pairs[r["model"]][k].append((int(r["h"]), a, float(r["forecast"]), float(r["mase_scale"])))
            train_len[r["model"]][k] = int(r["train_len"])
    return pairs, train_len


def read_overall(path):
    with open(path, newline="") as f:
        return {r["model"]: (float(r["MASE"]), int(r["n"])) for r in csv.DictReader(f) if r["h"] == "all"}


def mase_on(by_origin, origins):
    """PROTOCOL.md section 4: mean of |a - f| / Q_k over the (k, h) pairs with an observed a."""
    terms = [abs(a - f) / q for k in origins for (_, a, f, q) in by_origin.get(k, []) if a is not None]
    return (sum(terms) / len(terms), len(terms)) if terms else (None, 0)


def close(a, b, tol=1e-6):
    return abs(a - b) <= tol * max(1.0, abs(b))


def references(s, kept):
    """The reference models' MASE on the kept origins, with the self-checks."""
    T = {k: s["n"] - s["H"] - (s["K"] - k) * s["s"] for k in range(1, s["K"] + 1)}
    base = os.path.join(ROOT, s["refdir"], s["name"])
    pairs, tl = read_forecasts(base + "_forecasts.csv")
    overall = read_overall(base + "_metrics.csv")
    ref, scored = {}, None
    for model in sorted(pairs, key=lambda m: (MODEL_ORDER.index(m) if m in MODEL_ORDER else 99, m)):
        assert tl[model] == T, f"{s['name']} {model}: train_len of the references is not the protocol's T_k"
        full, n_full = mase_on(pairs[model], range(1, s["K"] + 1))
        assert model in overall, f"{s['name']} {model}: no `all` row in _metrics.csv"
        assert close(full, overall[model][0]) and n_full == overall[model][1], \
            f"{s['name']} {model}: recomputed MASE {full} (n {n_full}) != _metrics.csv {overall[model]}"
        ref[model], n_kept = mase_on(pairs[model], kept)
        scored = n_kept if scored is None else scored
        assert n_kept == scored, f"{s['name']} {model}: {n_kept} scored pairs, another model has {scored}"
    assert scored, f"{s['name']}: no observed actual on the kept origins"
    gru = None
    if s["gru_ref"] and os.path.exists(base + "_gru_forecasts.csv"):
        gp, gtl = read_forecasts(base + "_gru_forecasts.csv")
        gk = sorted(gp["GRU"])
        assert all(gtl["GRU"][k] == T[k] for k in gk), f"{s['name']} GRU: train_len not the protocol's T_k"
        full, n_full = mase_on(gp["GRU"], gk)
        go = read_overall(base + "_gru_metrics.csv")["GRU"]
        assert close(full, go[0]) and n_full == go[1], f"{s['name']} GRU: recomputed {full} != {go}"
        common = [k for k in kept if k in gp["GRU"]]
        value, _ = mase_on(gp["GRU"], common)
        gru = dict(mase=value, origins=len(common), of=len(gk))
    return ref, scored, gru


# ---------------------------------------------------------------- the tool

def overall_rows(stdout):
    return [r for r in csv.DictReader(stdout.splitlines()) if r.get("h") == "all"]


def run_tool(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return p, cpu, wall


def origin_check(args, s, common, extra, ref, scored):
    """The tool's naive and seasonal naive on the same flags against the recomputed references."""
    cmd = [args.forecast, "backtest", s["file"]] + common + ["--models", "naive,seasonal-naive", "--jobs", "1"]
    p, _, _ = run_tool(cmd + extra)
    if p.returncode != 0:  # extra flags a baseline-only run refuses: check the origins without them
        p, _, _ = run_tool(cmd)
    if p.returncode != 0:
        return f"error: {p.stderr.strip()[-200:]}"
    got = {r["model"]: (float(r["mase"]), int(r["n"])) for r in overall_rows(p.stdout)}
    problems = []
    for tool_name, ref_name in (("naive", "Naive"), ("seasonal-naive", "SeasonalNaive")):
        if tool_name not in got or ref_name not in ref:
            problems.append(f"{tool_name} missing")
        elif not close(got[tool_name][0], ref[ref_name]) or got[tool_name][1] != scored:
            problems.append(f"{tool_name} {got[tool_name]} != reference {ref[ref_name]:.9g} (n {scored})")
    return "ok" if not problems else "MISMATCH: " + "; ".join(problems)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def r6(x):
    return None if x is None else round(x, 6)


def evaluate(args, s, extra, binary):
    n = count_rows(os.path.join(ROOT, s["file"]))
    assert n == s["n"], f"{s['name']}: {n} rows, the protocol/meta says {s['n']}"
    K, step = protocol(n, s["H"])
    if "K" in s:
        assert (K, step) == (s["K"], s["s"]), f"{s['name']}: K, s = {K}, {step}; PROTOCOL.md says {s['K']}, {s['s']}"
    s = dict(s, K=K, s=step)
    kept = list(range(K, 0, -args.every))  # k = K, K-e, ...
    n_origins, tool_step = len(kept), step * args.every
    assert n_origins == math.ceil(K / args.every)
    ref, scored, pgru = references(s, kept)
    common = ["--target", s["target"], "--horizon", str(s["H"]), "--season", str(s["m"]), "--format", "csv",
              "--origins", str(n_origins), "--step", str(tool_step)]
    cmd = [args.forecast, "backtest", s["file"]] + common + ["--models", "gru", "--jobs", str(args.jobs)] + extra
    print(f"[{s['name']}] {' '.join(shlex.quote(c) for c in cmd)}", file=sys.stderr, flush=True)
    p, cpu, wall = run_tool(cmd)
    if p.returncode != 0:
        return dict(series=s["name"], error=f"exit {p.returncode}: {p.stderr.strip()[-400:]}", every=args.every,
                    extra=args.extra_str, cpu_s=round(cpu, 2), wall_s=round(wall, 2))
    rows = overall_rows(p.stdout)
    row = next((r for r in rows if r["model"] == "gru"), rows[0] if len(rows) == 1 else None)
    assert row is not None, f"{s['name']}: no `all` row for the gru in the tool's output"
    gru = float(row["mase"])
    check = origin_check(args, s, common, extra, ref, scored)
    if int(row["n"]) != scored:
        check += f"; tool scored {row['n']} pairs, references {scored}"
    if check != "ok":
        print(f"[{s['name']}] WARNING origin check: {check}", file=sys.stderr, flush=True)
    best_name = min(ref, key=lambda m: ref[m])
    best = ref[best_name]
    snaive = ref.get("SeasonalNaive")
    return dict(
        series=s["name"], set=s["set"], file=s["file"], target=s["target"], n=n, H=s["H"], m=s["m"],
        K=K, step=step, origins=n_origins, every=args.every, scored_pairs=scored,
        gru_mase=r6(gru), reference={m: r6(v) for m, v in ref.items()},
        pytorch_gru=None if pgru is None else dict(mase=r6(pgru["mase"]), origins=pgru["origins"]),
        best_reference=dict(name=best_name, mase=r6(best)),
        ratio_to_best=r6(gru / best), ratio_to_snaive=r6(gru / snaive) if snaive else None,
        best_of_all=all(gru < v - 1e-6 * max(1.0, v) for v in ref.values()),  # a tie within the files' precision is no win
        cpu_s=round(cpu, 2), wall_s=round(wall, 2), jobs=args.jobs, extra=args.extra_str,
        origin_check=check, tool_model=row["model"], forecast_sha256=binary,
        # What the fits chose (the anchor's count of network / shrunk / baseline, shortened windows).
        fit_notes=[line.split("note: ", 1)[1] for line in p.stderr.splitlines() if "note: gru:" in line])


# ---------------------------------------------------------------- summary and table

def geomean(xs):
    xs = [x for x in xs if x is not None and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def summarize(results, args):
    n = len(results)
    best = sum(1 for r in results if r["best_of_all"])
    sn = [r for r in results if r["ratio_to_snaive"] is not None]
    worst = max(sn, key=lambda r: r["ratio_to_snaive"]) if sn else None
    return dict(
        record="summary", series=n, every=args.every, extra=args.extra_str,
        best_of_all=best, best_of_all_share=round(best / n, 4) if n else None,
        geomean_ratio_to_best=r6(geomean([r["ratio_to_best"] for r in results])),
        geomean_ratio_to_snaive=r6(geomean([r["ratio_to_snaive"] for r in results])),
        worst_ratio_to_snaive=None if worst is None else dict(series=worst["series"], ratio=worst["ratio_to_snaive"]),
        origin_check_failures=[r["series"] for r in results if r.get("origin_check") != "ok"],
        cpu_s=round(sum(r["cpu_s"] for r in results), 2), wall_s=round(sum(r["wall_s"] for r in results), 2),
        jobs=args.jobs, cpu=cpu_model(), forecast_sha256=results[0]["forecast_sha256"] if results else None)


def markdown(results, summary):
    models = [m for m in MODEL_ORDER if any(m in r["reference"] for r in results)]
    models += sorted({m for r in results for m in r["reference"]} - set(models))
    has_pt = any(r["pytorch_gru"] for r in results)
    head = ["series", "origins", "GRU (this tool)"] + models + (["PyTorch GRU (origins)"] if has_pt else []) + \
           ["best reference", "ratio to best", "ratio to seasonal naive", "CPU s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    for r in results:
        values = dict(r["reference"], _gru=r["gru_mase"])
        low = min(values.values())
        cell = lambda v: "-" if v is None else (f"**{v:.3f}**" if v == low else f"{v:.3f}")
        row = [r["series"], str(r["origins"]), cell(r["gru_mase"])] + [cell(r["reference"].get(m)) for m in models]
        if has_pt:
            pt = r["pytorch_gru"]
            row.append("-" if not pt or pt["mase"] is None else f"{pt['mase']:.3f} ({pt['origins']})")
        row += [f"{r['best_reference']['name']} {r['best_reference']['mase']:.3f}", f"{r['ratio_to_best']:.3f}",
                "-" if r["ratio_to_snaive"] is None else f"{r['ratio_to_snaive']:.3f}", f"{r['cpu_s']:.1f}"]
        lines.append("| " + " | ".join(row) + " |")
    s = summary
    fmt = lambda x: "-" if x is None else f"{x:.3f}"
    lines += [
        "",
        f"MASE under datasets/PROTOCOL.md, {s['series']} series, every {s['every']} origin(s) counted back from the "
        f"last (the reference models recomputed on the same origins); extra flags: `{s['extra'] or '(none)'}`. "
        "Bold: the lowest of the row among this tool's GRU and the statsforecast models. The PyTorch GRU "
        "(public series only, on the kept origins it ran: a subset on the long series) is not a reference model here.",
        "",
        f"- best of all (lower than every reference model): {s['best_of_all']} of {s['series']} "
        f"({100 * (s['best_of_all_share'] or 0):.0f}%)",
        f"- geometric mean of the ratio to the best reference: {fmt(s['geomean_ratio_to_best'])}",
        f"- geometric mean of the ratio to seasonal naive: {fmt(s['geomean_ratio_to_snaive'])}",
        "- worst ratio to seasonal naive: " + ("-" if not s["worst_ratio_to_snaive"] else
                                              f"{s['worst_ratio_to_snaive']['ratio']:.3f} ({s['worst_ratio_to_snaive']['series']})"),
        f"- CPU: {s['cpu_s']:.1f} s in total (tool's user + sys, --jobs {s['jobs']}), wall {s['wall_s']:.1f} s; {s['cpu']}",
    ]
    if s["origin_check_failures"]:
        lines.append(f"- origin check failed: {', '.join(s['origin_check_failures'])}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--forecast", default=".build/release/forecast")
    p.add_argument("--every", type=int, default=1, help="run every e-th origin counted back from the last")
    p.add_argument("--series", default="", help="comma-separated names (default: all 28)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--extra", action="append", default=[], help="flags passed to the tool verbatim")
    p.add_argument("--markdown", help="write a Markdown table and the summary to this file")
    p.add_argument("--out", default=os.path.join(ROOT, ".build", "bench", "accuracy.jsonl"))
    p.add_argument("--resume", action="store_true", help="skip series in --out with the same every, extra, binary")
    args = p.parse_args()
    if args.every < 1:
        p.error("--every must be >= 1")
    extra = [t for e in args.extra for t in shlex.split(e)]
    args.extra_str = " ".join(shlex.quote(t) for t in extra)
    args.forecast = os.path.abspath(args.forecast)
    if not os.access(args.forecast, os.X_OK):
        p.error(f"no executable {args.forecast} (make build)")
    out = os.path.abspath(args.out)

    series = public_series() + dev_series()
    by_name = {s["name"]: s for s in series}
    if args.series:
        names = [x.strip().removesuffix(".csv") for x in args.series.split(",") if x.strip()]
        unknown = [x for x in names if x not in by_name]
        if unknown:
            p.error(f"unknown series {', '.join(unknown)}; known: {', '.join(by_name)}")
        series = [by_name[x] for x in names]

    binary = sha256(args.forecast)
    done = {}
    if args.resume and os.path.exists(out):
        for line in open(out):
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if r.get("every") == args.every and r.get("extra") == args.extra_str and r.get("forecast_sha256") == binary:
                done[r["series"]] = r

    os.makedirs(os.path.dirname(out), exist_ok=True)
    results, failed = [], []
    for s in series:
        if s["name"] in done:
            r = done[s["name"]]
            print(f"[{s['name']}] resumed from {args.out}", file=sys.stderr, flush=True)
        else:
            r = evaluate(args, s, extra, binary)
            if "error" in r:
                print(json.dumps(r), flush=True)
                failed.append(s["name"])
                continue
            with open(out, "a") as f:
                f.write(json.dumps(r) + "\n")
        print(json.dumps(r), flush=True)
        results.append(r)
    summary = summarize(results, args)
    if failed:
        summary["failed"] = failed
    print(json.dumps(summary), flush=True)
    if args.markdown and results:
        path = os.path.abspath(args.markdown)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w") as f:
            f.write(markdown(results, summary))
        print(f"wrote {args.markdown}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
