#!/usr/bin/env python3
"""Interval and quantile scores computed by utilsforecast, for MetricsTests: CRPS (twice
`mqloss`, the quantile-average approximation), `winkler_score` and `coverage` per central
interval, and the mean interval width (hi - lo, with pandas: utilsforecast has no width).

usage: python3 make_interval_scores.py > interval_scores.json   (utilsforecast 0.2.17, pandas)

A seeded series of 60 values, 3 origins (training lengths 40, 46, 52) forecasting 5 steps
with quantiles at levels 0.025, 0.1, 0.5, 0.9, 0.975 (the 95% and 80% intervals). Scores per
horizon step (each step's pairs as one utilsforecast id) and overall (all pairs one id).
"""
import json
import random

import numpy as np
import pandas as pd
from utilsforecast.losses import coverage, mqloss, winkler_score

LEVELS = [0.025, 0.1, 0.5, 0.9, 0.975]
H, ORIGINS = 5, [40, 46, 52]


def main():
    rng = random.Random(7)
    y = [10 + 0.3 * t + 4 * np.sin(t / 3) + rng.gauss(0, 1.5) for t in range(60)]
    outcomes, rows = [], []
    for t in ORIGINS:
        quantiles = {q: [] for q in LEVELS}
        for h in range(H):
            centre = y[t - 1] + rng.gauss(0, 2)
            spread = abs(rng.gauss(2, 1)) + 0.1
            z = {0.025: -1.96, 0.1: -1.28, 0.5: 0, 0.9: 1.28, 0.975: 1.96}
            for q in LEVELS:
                quantiles[q].append(centre + z[q] * spread * (1 + 0.2 * h))
            row = {"step": h + 1, "y": y[t + h]}
            for q in LEVELS:
                row[f"q{q}"] = quantiles[q][h]
            rows.append(row)
        outcomes.append({"train_length": t, "quantiles": [{"level": q, "values": quantiles[q]} for q in LEVELS]})
    df = pd.DataFrame(rows)
    df["model-lo-95"], df["model-hi-95"] = df["q0.025"], df["q0.975"]
    df["model-lo-80"], df["model-hi-80"] = df["q0.1"], df["q0.9"]

    def scores(frame):
        frame = frame.copy()
        frame["unique_id"] = "s"
        quantile_columns = [f"q{q}" for q in LEVELS]
        out = {"crps": 2 * float(mqloss(frame, {"model": quantile_columns}, np.array(LEVELS))["model"].iloc[0])}
        for level in (80, 95):
            out[f"winkler_{level / 100}"] = float(winkler_score(frame, ["model"], level)["model"].iloc[0])
            out[f"coverage_{level / 100}"] = float(coverage(frame, ["model"], level)["model"].iloc[0])
            out[f"width_{level / 100}"] = float((frame[f"model-hi-{level}"] - frame[f"model-lo-{level}"]).mean())
        return out

    expected = {"all": scores(df)}
    for h in range(1, H + 1):
        expected[str(h)] = scores(df[df["step"] == h])
    print(json.dumps({"series": y, "outcomes": outcomes, "expected": expected}, indent=1))


if __name__ == "__main__":
    main()
