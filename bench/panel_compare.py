#!/usr/bin/env python3
"""A panel backtest side by side: NeuralForecast's GRU cross_validation against
`forecast backtest --global`, on the same generated panel (bench/make_panel.py).

usage: python3 bench/panel_compare.py PANEL.csv --forecast .build/release/forecast
           [--threads 1] [--windows 5] [--horizon 24] [--steps 1000] [--skip-peer]

Settings matched: input size 72 (our L = 3H), one GRU layer of 64 units, the same number
of optimizer steps per fit, 64 windows per step, the learning rate 1e-3, H = 24, five
windows 24 rows apart, a fit at every window (ours: the defaults of a global backtest, so
`auto` scaling and warm refits in chains of ceil(5 / threads) origins, a warm refit
training a quarter of the steps). Missing values are interpolated for the peer as our
backtest does for its model input (datasets/PROTOCOL.md section 3). Prints one JSON line
per tool: wall and CPU seconds, peak memory (MB, the process's maximum resident set), and
the mean over series of MASE (each origin's scale the in-sample seasonal-naive MAE, m = 24,
on that origin's training rows; as the tool scores), with seasonal naive's.
"""
import argparse, json, os, resource, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchutil import pooled_mase  # noqa: E402


def read_panel(path):
    """The panel with `raw` (NaN where missing, for scoring) and `y` interpolated (the model input)."""
    import pandas as pd
    df = pd.read_csv(path)
    df = df.rename(columns={"id": "unique_id", "timestamp": "ds", "value": "y"})
    df["ds"] = pd.to_datetime(df["ds"])
    df["raw"] = df["y"]
    df["y"] = df.groupby("unique_id")["y"].transform(lambda s: s.interpolate(limit_direction="both"))
    return df


def mase_of(cv, df, season, model):
    """The GRU's or a baseline's MASE over the panel (`benchutil.pooled_mase` on the raw values)."""
    return pooled_mase(cv, df, season, model, values="raw")


def peer(args):
    import torch
    torch.set_num_threads(args.threads)
    import logging
    logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    from neuralforecast import NeuralForecast
    from neuralforecast.models import GRU
    df = read_panel(args.panel)
    start, cpu = time.time(), time.process_time()
    model = GRU(h=args.horizon, input_size=3 * args.horizon, encoder_n_layers=1, encoder_hidden_size=64,
                decoder_layers=1, decoder_hidden_size=64, max_steps=args.steps, batch_size=32,
                windows_batch_size=64, learning_rate=1e-3, scaler_type="standard", random_seed=1,
                enable_progress_bar=False, enable_model_summary=False, logger=False,
                accelerator="cpu", devices=1)
    nf = NeuralForecast(models=[model], freq="h")
    cv = nf.cross_validation(df[["unique_id", "ds", "y"]], n_windows=args.windows, step_size=args.horizon, refit=True)
    wall, cpu = time.time() - start, time.process_time() - cpu
    cv = cv.reset_index() if "unique_id" not in cv.columns else cv
    # Seasonal naive on the same windows, from the data.
    import numpy as np
    naive = []
    for uid, g in cv.groupby("unique_id"):
        y = df[df.unique_id == uid].set_index("ds")["y"]  # seasonal naive reads the interpolated history
        naive.append(g.assign(SeasonalNaive=[y.get(ds - np.timedelta64(args.season, "h"), np.nan) for ds in g["ds"]]))
    import pandas as pd
    cv = pd.concat(naive)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"tool": "neuralforecast", "threads": args.threads, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "peak_mb": round(peak), "mase": round(mase_of(cv, df, args.season, "GRU"), 4),
            "seasonal_naive_mase": round(mase_of(cv, df, args.season, "SeasonalNaive"), 4)}


def ours(args):
    command = ["/usr/bin/time", "-f", "%U %S %M", args.forecast, "backtest", args.panel, "--series-column", "id",
               "--global", "--models", "gru,seasonal-naive", "--origins", str(args.windows), "--step", str(args.horizon),
               "--horizon", str(args.horizon), "--season", str(args.season), "--max-steps", str(args.steps),
               "--jobs", str(args.threads), "--format", "json",
               # Warm refits (the default for global networks) run in chains: one per thread.
               "--warm-chain", str(-(-args.windows // args.threads))]
    start = time.time()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.time() - start
    user, system, rss = result.stderr.strip().splitlines()[-1].split()
    rows = json.loads(result.stdout)["metrics"]
    mase = {r["model"]: r["mase"] for r in rows if r["series"] is None and r["h"] is None}
    return {"tool": "forecast", "threads": args.threads, "wall_s": round(wall, 1), "cpu_s": round(float(user) + float(system), 1),
            "peak_mb": round(int(rss) / 1024), "mase": round(mase["gru"], 4),
            "seasonal_naive_mase": round(mase["seasonal-naive"], 4)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("panel")
    parser.add_argument("--forecast", required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--windows", type=int, default=5)
    parser.add_argument("--horizon", type=int, default=24)
    parser.add_argument("--season", type=int, default=24)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--cpu", default=open("/proc/cpuinfo").read().split("model name")[1].split(":")[1].split("\n")[0].strip()
                        if os.path.exists("/proc/cpuinfo") else "")
    args = parser.parse_args()
    print(json.dumps({**ours(args), "cpu": args.cpu}), flush=True)
    if not args.skip_peer:
        print(json.dumps({**peer(args), "cpu": args.cpu}), flush=True)


if __name__ == "__main__":
    main()
