#!/usr/bin/env python3
"""Walk-forward backtest of the default GRU: this tool against the PyTorch peer, same origins.

usage: python backtest_compare.py --forecast .build/release/forecast [--every 4] [--file F ...]

Runs `peer_backtest_gru.py` (the reference GRU loop of datasets/PROTOCOL.md section 6, one
thread) and `forecast backtest --models gru --jobs 1` (one thread) on the same origins of
the same series, one after the other, and prints one JSON line per tool with wall time,
time per origin and the overall MASE, then the ratio. `--every R` keeps every R-th origin
counted back from the last (as the peer's flag), to bound the peer's time: on taylor it
takes about ten minutes per origin.
"""
import argparse, json, math, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))


def protocol_origins(n, h):
    k = 10 if n < 1000 else 20
    s = max(1, min(h, int(math.floor((n / 2 - h) / (k - 1)))))
    return k, s


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--forecast", required=True)
    p.add_argument("--file", default=os.path.join(HERE, "..", "datasets", "taylor_electricity_halfhourly.csv"))
    p.add_argument("--target", default="demand_mw")
    p.add_argument("--horizon", type=int, default=48)
    p.add_argument("--season", type=int, default=48)
    p.add_argument("--every", type=int, default=1)
    a = p.parse_args()
    with open(a.file) as f:
        n = sum(1 for _ in f) - 1
    k, s = protocol_origins(n, a.horizon)
    kept = len(range(k - 1, -1, -a.every))
    ours_args = [a.forecast, "backtest", a.file, "--target", a.target, "--horizon", str(a.horizon),
                 "--season", str(a.season), "--models", "gru", "--jobs", "1", "--format", "json",
                 "--origins", str(kept), "--step", str(s * a.every)]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    t0 = time.time()
    out = subprocess.run(ours_args, check=True, capture_output=True, text=True, env=env).stdout
    ours_wall = time.time() - t0
    overall = next(m for m in json.loads(out)["metrics"] if m["h"] is None)
    ours = dict(tool="forecast", file=os.path.basename(a.file), origins=kept, wall_s=round(ours_wall, 2),
                per_origin_s=round(ours_wall / kept, 3), mase=overall["mase"], smape=overall["smape"])
    print(json.dumps(ours), flush=True)
    peer_args = [sys.executable, os.path.join(HERE, "peer_backtest_gru.py"), a.file, "--target", a.target,
                 "--horizon", str(a.horizon), "--season", str(a.season), "--threads", "1", "--every", str(a.every)]
    peer = json.loads(subprocess.run(peer_args, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    print(json.dumps(peer), flush=True)
    print(json.dumps(dict(record="ratio", peer_wall_over_ours=round(peer["wall_s"] / ours["wall_s"], 2))))


if __name__ == "__main__":
    main()
