#!/usr/bin/env python3
"""Intervals under datasets/PROTOCOL.md: coverage and Winkler score of the 80% and 95%
intervals of the default GRU with its quantile head, with its Gaussian head and with
conformal intervals, beside statsforecast's conformal intervals around seasonal naive on
the same origins. One JSON line per series and variant, then a Markdown table.

usage: python3 bench/interval_compare.py --forecast .build/release/forecast
           [--series air_passengers_monthly,...] [--jobs 2] [--out .build/bench/intervals]
           [--peer-windows 2]

Ours: `forecast backtest datasets/NAME.csv --target T --models gru` at the protocol's
origins, defaults otherwise, with --quantiles 0.025,0.1,0.5,0.9,0.975 (quantile head),
--gaussian, or --conformal 0.8,0.95 (default --conformal-windows 10 --conformal-step 1),
each stored in OUT/NAME.db; the figures are the run's overall `coverage_0.8`,
`winkler_0.8`, ... rows. The peer: statsforecast's SeasonalNaive(m) with
ConformalIntervals(h=H, n_windows=--peer-windows; statsforecast's default is 2) in
`cross_validation(h=H, n_windows=K, step_size=s)`, the protocol's K and s, so its cutoffs
are our origins; the training values interpolated as PROTOCOL.md section 3 says (no
missing target values but in the weather series), scored by utilsforecast's `coverage`
and `winkler_score` on the actuals that are observed (the same formulas as ours:
Tests/BacktestingTests/Fixtures/make_interval_scores.py holds them equal).
Needs pandas, statsforecast and utilsforecast (make bench-intervals installs them).
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# name, target, H, m (datasets/PROTOCOL.md)
SERIES = [
    ("air_passengers_monthly", "passengers_thousands", 12, 12),
    ("ausbeer_quarterly", "beer_megalitres", 8, 4),
    ("elnino_sst_monthly", "sea_surface_temp_c", 12, 12),
    ("frozen_orange_juice_monthly", "oj_price", 12, 12),
    ("us_gasoline_weekly", "gasoline_million_barrels_per_day", 13, 52),
    ("msft_daily", "close", 14, 1),
    ("nyc_ewr_weather_hourly", "temperature_f", 24, 24),
    ("taylor_electricity_halfhourly", "demand_mw", 48, 48),
]
VARIANTS = {
    "quantile head": ["--quantiles", "0.025,0.1,0.5,0.9,0.975"],
    "gaussian head": ["--gaussian"],
    "conformal": ["--conformal", "0.8,0.95"],
}
FIGURES = ["coverage_0.8", "winkler_0.8", "coverage_0.95", "winkler_0.95"]


def protocol_origins(n, h):
    k = 10 if n < 1000 else 20
    s = max(1, min(h, int((n / 2 - h) / (k - 1))))
    return k, s


def ours(args, name, target, variant, flags):
    db = os.path.join(args.out, f"{name}.db")
    start = time.monotonic()
    subprocess.run([args.forecast, "backtest", os.path.join(ROOT, "datasets", f"{name}.csv"), "--target", target,
                    "--models", "gru", "--jobs", str(args.jobs), "--db", db, "--format", "json", *flags],
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - start
    store = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    run, = store.execute("SELECT max(id) FROM runs").fetchone()
    figures = dict(store.execute("SELECT metric, value FROM metrics WHERE run_id = ? AND model = 'gru' AND step IS NULL",
                                 (run,)).fetchall())
    n, = store.execute("SELECT n FROM metrics WHERE run_id = ? AND model = 'gru' AND step IS NULL AND metric = 'mae'",
                       (run,)).fetchone()
    return {"series": name, "model": f"gru, {variant}", "n": n, "wall_s": round(wall, 1),
            **{f: figures.get(f) for f in FIGURES}, "mase": figures.get("mase")}


def peer(args, name, target, h, m):
    import numpy as np
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import SeasonalNaive
    from statsforecast.utils import ConformalIntervals
    from utilsforecast.losses import coverage, winkler_score

    raw = pd.read_csv(os.path.join(ROOT, "datasets", f"{name}.csv"))
    y = raw[target].astype(float)
    k, s = protocol_origins(len(y), h)
    # Training values interpolated (PROTOCOL.md section 3); a regular index stands for time.
    df = pd.DataFrame({"unique_id": name, "ds": np.arange(len(y)), "y": y.interpolate(limit_direction="both")})
    model = SeasonalNaive(season_length=m, prediction_intervals=ConformalIntervals(h=h, n_windows=args.peer_windows))
    sf = StatsForecast(models=[model], freq=1, n_jobs=1)
    cv = sf.cross_validation(df=df, h=h, n_windows=k, step_size=s, level=[80, 95])
    cv["y"] = y.to_numpy()[cv["ds"].to_numpy()]  # the raw actuals
    cv = cv[cv["y"].notna()].drop(columns=["cutoff"])
    figures = {}
    for level in (80, 95):
        figures[f"coverage_{level / 100}"] = float(coverage(cv, ["SeasonalNaive"], level)["SeasonalNaive"].iloc[0])
        figures[f"winkler_{level / 100}"] = float(winkler_score(cv, ["SeasonalNaive"], level)["SeasonalNaive"].iloc[0])
    return {"series": name, "model": f"statsforecast SeasonalNaive, conformal (n_windows={args.peer_windows})",
            "n": len(cv), **figures}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forecast", required=True)
    parser.add_argument("--series", default=",".join(s[0] for s in SERIES))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default=os.path.join(ROOT, ".build/bench/intervals"))
    parser.add_argument("--peer-windows", type=int, default=2)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args()
    args.forecast = os.path.abspath(args.forecast)
    os.makedirs(args.out, exist_ok=True)
    chosen = args.series.split(",")
    rows = []
    for name, target, h, m in SERIES:
        if name not in chosen:
            continue
        db = os.path.join(args.out, f"{name}.db")
        for suffix in ["", "-wal", "-shm"]:
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        rows.append(peer(args, name, target, h, m))
        print(json.dumps(rows[-1]), flush=True)
        for variant in args.variants.split(","):
            rows.append(ours(args, name, target, variant, VARIANTS[variant]))
            print(json.dumps(rows[-1]), flush=True)
    models = list(dict.fromkeys(r["model"] for r in rows))
    print("\n| model | " + " | ".join(chosen) + " | mean |")
    print("|---|" + "---:|" * (len(chosen) + 1))
    for figure in FIGURES:
        for model in models:
            values = [next((r.get(figure) for r in rows if r["model"] == model and r["series"] == s), None) for s in chosen]
            shown = [f"{v:.3f}" if v is not None else "-" for v in values]
            known = [v for v in values if v is not None]
            mean = f"{sum(known) / len(known):.3f}" if known else "-"
            print(f"| {figure} {model} | " + " | ".join(shown) + f" | {mean} |")


if __name__ == "__main__":
    sys.exit(main())
