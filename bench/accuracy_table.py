#!/usr/bin/env python3
"""The accuracy table of BENCHMARKS.md: this tool's stored backtests against the reference models.

usage: python3 bench/accuracy_table.py RUNS.db [RUNS.db ...] [--model gru]

For every complete backtest run in the stores, takes the origins it ran (by training
length) and scores, on exactly those origins, its model and the reference forecasts of
datasets/reference (SeasonalNaive, AutoETS, AutoARIMA, the PyTorch GRU where it ran them
all) with the formulas of datasets/PROTOCOL.md section 4: MASE (each origin's own scale,
`mase_scale` in the reference files) and sMAPE. Prints a Markdown table. Standard
library only.
"""
import csv, json, math, os, sqlite3, sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = ["SeasonalNaive", "AutoETS", "AutoARIMA", "GRU"]


def reference_forecasts(name):
    rows = defaultdict(dict)  # model -> (train_len, h) -> (forecast, actual, scale)
    for suffix in ["_forecasts.csv", "_gru_forecasts.csv"]:
        path = os.path.join(ROOT, "datasets", "reference", name + suffix)
        if not os.path.exists(path):
            continue
        for r in csv.DictReader(open(path)):
            if r["actual"] == "":
                continue
            rows[r["model"]][(int(r["train_len"]), int(r["h"]))] = (float(r["forecast"]), float(r["actual"]), float(r["mase_scale"]))
    return rows


def score(pairs):
    mase = [abs(a - f) / q for f, a, q in pairs]
    smape = [0.0 if abs(a) + abs(f) == 0 else 200 * abs(a - f) / (abs(a) + abs(f)) for f, a, q in pairs]
    return sum(mase) / len(mase), sum(smape) / len(smape)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    model = "gru"
    if "--model" in sys.argv:
        model = sys.argv[sys.argv.index("--model") + 1]
    print("| series | origins | this tool's GRU MASE (sMAPE) | SeasonalNaive | AutoETS | AutoARIMA | PyTorch GRU |")
    print("|---|---|---|---|---|---|---|")
    for db in args:
        c = sqlite3.connect(db)
        for run_id, dataset, config in c.execute("SELECT id, dataset, config_json FROM runs WHERE kind = 'backtest' AND status = 'complete'"):
            name = os.path.splitext(os.path.basename(dataset))[0]
            lengths = {o: t for o, t in c.execute("SELECT origin, train_length FROM origins WHERE run_id = ?", (run_id,))}
            ref = reference_forecasts(name)
            ours = []
            for origin, step, forecast, actual in c.execute(
                    "SELECT origin, step, forecast, actual FROM forecasts WHERE run_id = ? AND model = ? AND actual IS NOT NULL",
                    (run_id, model)):
                key = (lengths[origin], step)
                scale = next((m[key][2] for m in ref.values() if key in m), None)
                if scale is not None:
                    ours.append((forecast, actual, scale))
            if not ours:
                continue
            cells = []
            for r in REFERENCE:
                keys = [(t, h) for (t, h) in ref.get(r, {}) if t in lengths.values()]
                wanted = {(t, h) for t in lengths.values() for (tt, h) in ref.get("SeasonalNaive", {}) if tt == t}
                if not ref.get(r) or not wanted <= set(ref[r]):
                    cells.append("-")
                    continue
                m, s = score([ref[r][k] for k in sorted(wanted)])
                cells.append(f"{m:.3f} ({s:.2f})")
            m, s = score(ours)
            print(f"| {name} | {len(lengths)} | **{m:.3f}** ({s:.2f}) | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
