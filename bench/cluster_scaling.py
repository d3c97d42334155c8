#!/usr/bin/env python3
"""Sharded backtests through a real Slurm cluster: wall time against the shard count, and
the merge's time against the shard count and rows. One JSON line per measurement.

usage: python3 bench/cluster_scaling.py --forecast .build/release/forecast
           [--series 1000] [--shards 1,2,4] [--steps 1000] [--merge-shards 1,2,4,8,16]

Part 1 (`"part": "cluster"`): the panel of bench/make_panel.py (--series series x 720 hourly
steps), backtested with a global GRU per origin as `make bench-panel` runs it (5 origins,
H = 24, --max-steps), but with cold refits so that each origin is a unit of work that a
shard can take, submitted with deploy/slurm/submit.sh (one CPU per shard) to the one-node
cluster of deploy/slurm/cluster.sh on this machine. Shards beyond its cores queue: the
point is that the total work does not grow with the shard count. Reported: the wall time
from submission to the end of the merge job, each shard's time (its store's run start to
its shards.completed_at), their sum, and the merged GRU MASE (the same for every count).

Part 2 (`"part": "merge"`): `forecast merge` into a new store, timed, for the cluster runs'
shard stores and for per-series baseline backtests of the same panel split into
--merge-shards shards (cheap to make, as many rows as a network's): the merge time against
shards and forecast rows, with the metrics computed at its end.

Starts the cluster when it is not running and stops it then (only what it started).
Standard library only.
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def iso_seconds(text):
    """Seconds since the epoch of an ISO-8601 UTC time as the store writes it."""
    from datetime import datetime
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def shard_times(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    created, = db.execute("SELECT created_at FROM runs").fetchone()
    completed, origins = db.execute("SELECT completed_at, origins FROM shards").fetchone()
    return iso_seconds(completed) - iso_seconds(created), origins


def scalar(path, sql):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return db.execute(sql).fetchone()[0]


def timed_merge(forecast, out, stores, cwd):
    if os.path.exists(out):
        os.remove(out)
    start = time.monotonic()
    subprocess.run([forecast, "merge", "--db", out, *stores], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forecast", required=True)
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--shards", default="1,2,4")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--merge-shards", default="1,2,4,8,16")
    parser.add_argument("--state", default=os.path.join(ROOT, ".build/cluster"))
    parser.add_argument("--work", default=os.path.join(ROOT, ".build/bench/cluster"))
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()
    forecast = os.path.abspath(args.forecast)
    cpu = open("/proc/cpuinfo").read().split("model name")[1].split(":")[1].split("\n")[0].strip()
    os.makedirs(args.work, exist_ok=True)
    panel = f"panel{args.series}.csv"
    subprocess.run([sys.executable, os.path.join(ROOT, "bench/make_panel.py"), os.path.join(args.work, panel),
                    "--series", str(args.series)], check=True, stdout=subprocess.DEVNULL)

    cluster = os.path.join(ROOT, "deploy/slurm/cluster.sh")
    started = subprocess.run([cluster, "status", args.state], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL).returncode != 0
    subprocess.run([cluster, "start", args.state], check=True)
    env = dict(os.environ)
    for line in subprocess.run([cluster, "env", args.state], check=True, capture_output=True, text=True).stdout.splitlines():
        if line.startswith("export "):
            key, _, value = line[len("export "):].partition("=")
            env[key] = value.strip("'\"")
    try:
        flags = (f"--global --origins 5 --step 24 --horizon 24 --season 24 --max-steps {args.steps} "
                 "--refit cold")
        for n in [int(x) for x in args.shards.split(",")]:
            out = f"shards{n}"
            subprocess.run(["rm", "-rf", os.path.join(args.work, out)], check=True)
            job_env = dict(env, DATA=panel, SHARDS=str(n), OUT=out, MODELS="gru,seasonal-naive",
                           FORECAST_FLAGS=flags, FORECAST=forecast)
            start = time.monotonic()
            ids = subprocess.run([os.path.join(ROOT, "deploy/slurm/submit.sh"), "--cpus-per-task=1"], cwd=args.work,
                                 env=job_env, check=True, capture_output=True, text=True).stdout.split()
            while True:
                queue = subprocess.run(["squeue", "-h", "-o", "%A"], env=env, check=True, capture_output=True,
                                       text=True).stdout.split()
                if not set(ids) & set(queue):
                    break
                if time.monotonic() - start > args.timeout:
                    sys.exit(f"cluster_scaling: {n} shards took more than {args.timeout} s")
                time.sleep(1)
            wall = time.monotonic() - start
            merged = os.path.join(args.work, out, "merged.db")
            status = scalar(merged, "SELECT status FROM runs")
            if status != "complete":
                sys.exit(f"cluster_scaling: {n} shards: the merged run is {status}; see {args.work}/{out}/*.out")
            stores = [os.path.join(out, f"shard-{i}.db") for i in range(n)]
            times = [shard_times(os.path.join(args.work, s)) for s in stores]
            mase = scalar(merged, "SELECT value FROM metrics WHERE model = 'gru' AND series IS NULL AND step IS NULL "
                                  "AND metric = 'mase'")
            rows = scalar(merged, "SELECT count(*) FROM forecasts")
            print(json.dumps({"part": "cluster", "tool": "forecast", "series": args.series, "shards": n,
                              "wall_s": round(wall, 1), "shard_s": [round(t, 1) for t, _ in times],
                              "shard_origins": [o for _, o in times], "shard_total_s": round(sum(t for t, _ in times), 1),
                              "forecast_rows": rows, "mase": round(mase, 4), "cpu": cpu}), flush=True)
            merge = timed_merge(forecast, os.path.join(args.work, "remerge.db"), stores, args.work)
            print(json.dumps({"part": "merge", "tool": "forecast", "source": "gru cluster run", "shards": n,
                              "forecast_rows": rows, "merge_s": round(merge, 2), "cpu": cpu}), flush=True)
    finally:
        if started:
            subprocess.run([cluster, "stop", args.state])

    # Merges of many shards: per-series baselines, split by series name.
    base = [forecast, "backtest", panel, "--series-column", "id", "--no-global", "--models", "seasonal-naive,naive,drift",
            "--origins", "5", "--step", "24", "--horizon", "24", "--season", "24", "--jobs", "1"]
    for n in [int(x) for x in args.merge_shards.split(",")]:
        folder = os.path.join(args.work, f"baseline{n}")
        subprocess.run(["rm", "-rf", folder], check=True)
        os.makedirs(folder)
        stores = [os.path.join(f"baseline{n}", f"shard-{i}.db") for i in range(n)]
        for i, store in enumerate(stores):
            subprocess.run(base + ["--shard", f"{i}/{n}", "--db", store], cwd=args.work, check=True,
                           stdout=subprocess.DEVNULL)
        merged = os.path.join(args.work, "remerge.db")
        merge = timed_merge(forecast, merged, stores, args.work)
        rows = scalar(merged, "SELECT count(*) FROM forecasts")
        print(json.dumps({"part": "merge", "tool": "forecast", "source": "per-series baselines", "shards": n,
                          "forecast_rows": rows, "merge_s": round(merge, 2), "cpu": cpu}), flush=True)


if __name__ == "__main__":
    main()
