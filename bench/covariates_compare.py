#!/usr/bin/env python3
"""Covariates side by side: `forecast backtest` with future and static covariates against
NeuralForecast 3.3's GRU with futr_exog_list / stat_exog_list, on the Chicago ridership data.

usage: .venv-bench/bin/python bench/covariates_compare.py --forecast .build/release/forecast
           [--part station|panel|all] [--origins K] [--steps N] [--stations N] [--out DIR]
           [--markdown FILE] [--nf-refit cold|warm] [--nf-scaler robust|standard]
           [--skip-peer] [--skip-tool] [--no-plain-peer]

Protocol (datasets/PROTOCOL.md): daily data, H = 14, m = 1, K = 20 origins 14 rows apart, the
last test window ending at the last row; MASE pooled over a series' (origin, h), each |e|
divided by its origin's one-step naive MAE on the raw training rows; for the panel the mean
over series of each series' MASE. `--origins`, `--steps` (max steps for both tools) and
`--stations` (the first N stations) only make smoke tests cheap; the defaults are the full run.

1. station (datasets/chicago_ridership_daily.csv): the tool's default GRU without and with
   `--future-covariates`, a cold fit per origin; NeuralForecast's GRU with futr_exog_list
   (and without, unless --no-plain-peer), a fresh fit per origin.
2. panel (datasets/chicago_stations_daily_long.csv, 20 stations): one global GRU with the
   future covariates and the station as a categorical static covariate (one-hot for NF),
   (a) a cold fit per origin (tool `--refit cold`; NF a fresh fit per origin),
   (b) one fit at the first origin for all (tool `--refit-every K`; NF `refit=False`).

NeuralForecast's `cross_validation(refit=True)` does not start cold: it calls `fit` on the
same model object at every window (use_init_models=False), and Lightning continues from the
previous window's weights with the whole max_steps again. A cold fit per origin, as the tool
runs, is therefore K calls of `cross_validation(df up to origin k's test end, n_windows=1,
use_init_models=True)` (fresh weights from the same seed each time); `--nf-refit warm` runs
the literal chained `cross_validation(n_windows=K, step_size=14, refit=True)` instead.

Settings matched to the tool's defaults where the APIs allow (printed in each peer line):
input_size 42 (max(3H, 2m)); one GRU layer of 64 units; Huber loss (delta 1, the tool's
default loss); Adam, learning rate 1e-3; gradient-norm clip 1.0; 64 windows per step
(windows_batch_size; batch_size = the number of series, so every step samples its 64
windows from all series, as the tool's batches do; --nf-batch-size to change it: NF unfolds
every window of the batch's series at every step, about 0.22 CPU-s a step for 20 stations); max_steps = the optimizer steps the
tool's trainer runs for one candidate fit at the first origin (whole epochs of ceil(train
windows / 64) batches within --steps, at least one; a global fit's epoch cut at --steps);
validation on the windows the tool validates on (10% of each series' windows, at most
8192 / series for a panel: val_size = that + H - 1 rows), checked once per tool epoch
(val_check_steps = batches per epoch), early stopping after 10 checks without improvement
(early_stop_patience_steps = 10, the tool's patience of 10 epochs); per-window temporal
scaling (scaler_type 'robust' by default, NF's GRU default; the tool's window-naive scaling
divides by the window's mean absolute difference); random_seed 0.
Not matched: the tool restores the best validation weights, NF keeps the last ones (it
saves no checkpoints); the tool's learning rate halves after 3 epochs without improvement,
NF's stays constant (num_lr_decays = -1; its scheduler dict has no monitor for
ReduceLROnPlateau); on one series the tool's `auto` scaling trains up to two candidates
(window-naive and global, successive halving, averaged when within 30%), NF one network;
NF's direct GRU decodes each step from the last H hidden states plus that step's future
covariates (decoder_layers = 1: a linear layer), the tool from the final state with the
future covariates into its head.

Each comparison is one JSON line: tool, part, setting, mase, naive_mase (the tool's own
naive model; for the peer, computed here on the peer's cutoffs), cpu_s (the tool: user+sys
of the child process; the peer: getrusage(RUSAGE_SELF) deltas around fit/cross_validation
in a child process with OMP/MKL/OPENBLAS_NUM_THREADS=1 and torch.set_num_threads(1)),
wall_s, peak_mb (maximum resident set), cpu (model name). A `check` line per part holds
the origins check: the peer's cutoffs against the protocol's origins, and the tool's naive
MASE against the one computed here from those origins.
"""
import argparse, csv, json, os, resource, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchutil import pooled_mase  # noqa: E402

HORIZON, SEASON, STEP = 14, 1, 14
FUTURE = ["us_holiday", "bulls_home", "bears_home", "blackhawks_home", "whitesox_home", "cubs_home", "temp_f", "precip_in"]
TARGET = "ridership_thousands"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATION_FILE = os.path.join(ROOT, "datasets", "chicago_ridership_daily.csv")
PANEL_FILE = os.path.join(ROOT, "datasets", "chicago_stations_daily_long.csv")
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}

# The tool's training rules (Sources/Forecasting/Recurrent: RecurrentConfiguration, Trainer,
# DirectForecaster), for the peer's step budget and validation split.
BATCH, MAX_EPOCHS, PATIENCE, VALIDATION_FRACTION, VALIDATION_BUDGET = 64, 100, 10, 0.1, 8192


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def origins(n, k):
    """Training lengths T_1..T_K of PROTOCOL.md section 1 with s = 14 (the last test window ends at the last row)."""
    return [n - HORIZON - (k - i) * STEP for i in range(1, k + 1)]


def tool_budget(train_lengths, steps):
    """What the tool's trainer runs for one (candidate) fit on series of these training
    lengths: validation windows per series, batches per epoch, epochs, steps in all."""
    window = max(3 * HORIZON, 2 * SEASON)
    series = len(train_lengths)
    validation, train = [], 0
    for t in train_lengths:
        n = t - window - HORIZON + 1
        v = min(max(round(VALIDATION_FRACTION * n), 1), n - 1)  # Python round: halves to even, as the tool
        if series > 1:
            v = min(v, max(1, VALIDATION_BUDGET // series))
        validation.append(v)
        train += n - v
    batches = -(-train // BATCH)
    epochs = min(MAX_EPOCHS, max(1, steps // batches))
    per_epoch = min(batches, max(steps, 1)) if series > 1 else batches  # a global fit cuts long epochs
    return {"window": window, "validation_windows": min(validation), "batches_per_epoch": per_epoch,
            "epochs": epochs, "steps": epochs * per_epoch}


# ---------------------------------------------------------------- data and scoring

def read_station():
    import pandas as pd
    df = pd.read_csv(STATION_FILE, parse_dates=["timestamp"])
    df = df.rename(columns={"timestamp": "ds", TARGET: "y"})
    df.insert(0, "unique_id", "station")
    return df


def read_panel(stations):
    import pandas as pd
    df = pd.read_csv(PANEL_FILE, parse_dates=["timestamp"])
    names = list(dict.fromkeys(df["station"]))[:stations]  # the first N stations in file order
    df = df[df["station"].isin(names)]
    return df.rename(columns={"timestamp": "ds", "station": "unique_id", TARGET: "y"}), names


def check_daily(df):
    import numpy as np
    for uid, g in df.groupby("unique_id"):
        steps = np.diff(g["ds"].to_numpy()).astype("timedelta64[D]").astype(int)
        if len(steps) and not (steps == 1).all():
            sys.exit(f"{uid}: rows are not consecutive days; NeuralForecast's windows would not match the tool's rows")
        if g["y"].isna().any():
            sys.exit(f"{uid}: missing targets; this benchmark assumes none")


def mase_of(cv, df, model):
    """Mean over series of each series' MASE (PROTOCOL.md section 4, m = 1: `benchutil.pooled_mase`)."""
    return pooled_mase(cv, df, SEASON, model)


def with_naive(cv, df):
    """cv with a Naive column: the last training value at each cutoff (m = 1)."""
    last = df.set_index(["unique_id", "ds"])["y"]
    cv = cv.copy()
    cv["Naive"] = [last[(u, c)] for u, c in zip(cv["unique_id"], cv["cutoff"])]
    return cv


def protocol_cutoffs(df, k):
    """Per series, the timestamps of rows T_k - 1 (the last training row of each origin)."""
    out = {}
    for uid, g in df.groupby("unique_id"):
        t = g["ds"].to_numpy()
        out[uid] = [t[n - 1] for n in origins(len(t), k)]
    return out


# ---------------------------------------------------------------- the tool

def run_tool(args, command, label):
    """Runs the tool once, one thread; CPU (user + sys) and peak RSS of that child from wait4.
    Returns (metrics rows, measures)."""
    import tempfile
    env = {**os.environ, **ONE_THREAD}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        if child.returncode != 0:
            sys.exit(f"{label}: the tool failed ({child.returncode}): {' '.join(command)}\n{err.read()[-4000:]}")
        rows = list(csv.DictReader(out.read().splitlines()))
    return rows, {"wall_s": round(wall, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
                  "peak_mb": round(usage.ru_maxrss / 1024)}


def aggregate_mase(rows, model, panel):
    for r in rows:
        if r["model"] == model and r["h"] == "all" and (not panel or r["series"] == ""):
            return float(r["mase"])
    sys.exit(f"no `all` row for {model} in the tool's output")


def tool_base(args, file, panel):
    command = [args.forecast, "backtest", file, "--target", TARGET, "--horizon", str(HORIZON), "--season", str(SEASON),
               "--origins", str(args.origins), "--step", str(STEP), "--jobs", "1", "--format", "csv"]
    if panel:
        command += ["--series-column", "station", "--per-series", "none"]
    return command


# ---------------------------------------------------------------- the peer (in a child process)

def peer_job(spec):
    """Runs one NeuralForecast configuration; prints one JSON line (cv written to spec['cv'])."""
    for k, v in ONE_THREAD.items():
        os.environ[k] = v
    import logging, warnings
    warnings.filterwarnings("ignore")
    for name in ("pytorch_lightning", "lightning.pytorch", "lightning", "lightning_fabric"):
        logging.getLogger(name).setLevel(logging.ERROR)
    import torch
    torch.set_num_threads(1)
    import pandas as pd
    from neuralforecast import NeuralForecast
    from neuralforecast.models import GRU
    from neuralforecast.losses.pytorch import HuberLoss

    df = read_station() if spec["part"] == "station" else read_panel(spec["stations"])[0]
    futr = FUTURE if spec["future"] else []
    static_df, stat = None, []
    if spec["static"]:
        names = list(dict.fromkeys(df["unique_id"]))
        stat = [f"station_{n}" for n in names]
        static_df = pd.DataFrame({"unique_id": names, **{c: [float(n == m) for m in names] for c, n in zip(stat, names)}})
    df = df[["unique_id", "ds", "y"] + futr]
    settings = dict(h=HORIZON, input_size=spec["window"], encoder_n_layers=1, encoder_hidden_size=64,
                    decoder_layers=1, decoder_hidden_size=64, loss="HuberLoss(delta=1.0)", learning_rate=1e-3,
                    num_lr_decays=-1, max_steps=spec["max_steps"], val_check_steps=spec["val_check_steps"],
                    early_stop_patience_steps=PATIENCE, batch_size=spec["batch_size"], windows_batch_size=BATCH,
                    scaler_type=spec["scaler"], random_seed=0, gradient_clip_val=1.0,
                    futr_exog_list=futr, stat_exog_list=stat)

    def model():
        kwargs = {k: v for k, v in settings.items() if k != "loss"}
        return GRU(**kwargs, loss=HuberLoss(delta=1.0), enable_progress_bar=False, enable_model_summary=False,
                   logger=False, accelerator="cpu", devices=1)

    nf = NeuralForecast(models=[model()], freq="D")
    k, val = spec["origins"], spec["val_size"]
    steps_run = []  # optimizer steps of each fresh fit (cold), or of the last fit

    def last_step(nf):
        trajectory = nf.models[0].train_trajectories
        return int(trajectory[-1][0]) + 1 if trajectory else None  # global_step counts from 0
    r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    if spec["refit"] == "once":
        cv = nf.cross_validation(df, static_df=static_df, n_windows=k, step_size=STEP, val_size=val, refit=False)
        call = f"cross_validation(n_windows={k}, step_size={STEP}, val_size={val}, refit=False)"
    elif spec["refit"] == "warm":
        cv = nf.cross_validation(df, static_df=static_df, n_windows=k, step_size=STEP, val_size=val, refit=True)
        call = f"cross_validation(n_windows={k}, step_size={STEP}, val_size={val}, refit=True) (each refit continues from the previous weights)"
    else:  # cold: a fresh model per origin
        parts = []
        for i in range(k):
            drop = (k - 1 - i) * STEP  # rows after origin i's test window, per series
            upto = df[df.groupby("unique_id").cumcount(ascending=False) >= drop]
            parts.append(nf.cross_validation(upto, static_df=static_df, n_windows=1, step_size=STEP, val_size=val,
                                             refit=True, use_init_models=True))
            steps_run.append(last_step(nf))
        cv = pd.concat(parts, ignore_index=True)
        call = (f"{k} x cross_validation(df up to origin k's test end, n_windows=1, val_size={val}, refit=True, "
                f"use_init_models=True) (a fresh fit per origin)")
    r1, t1 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    if spec["refit"] != "cold":
        steps_run.append(last_step(nf))
    cv = cv.reset_index() if "unique_id" not in cv.columns else cv
    cv.to_csv(spec["cv"], index=False)
    print(json.dumps({"wall_s": round(t1 - t0, 1),
                      "cpu_s": round((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), 1),
                      "peak_mb": round(r1.ru_maxrss / 1024), "call": call, "nf_steps_run": steps_run,
                      "nf_settings": {**settings, "threads": torch.get_num_threads()}}), flush=True)


def run_peer(args, spec, df):
    import pandas as pd
    spec = {**spec, "cv": os.path.join(args.out, f"nf_{spec['part']}_{spec['setting']}.csv")}
    env = {**os.environ, **ONE_THREAD}
    result = subprocess.run([sys.executable, os.path.abspath(__file__), "--peer-job", json.dumps(spec)],
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"peer job {spec['setting']} failed:\n{result.stderr[-4000:]}")
    measures = json.loads(result.stdout.strip().splitlines()[-1])
    cv = pd.read_csv(spec["cv"], parse_dates=["ds", "cutoff"])
    cv = with_naive(cv, df)
    expected = protocol_cutoffs(df, spec["origins"])
    got = {u: sorted(g["cutoff"].unique()) for u, g in cv.groupby("unique_id")}
    same = set(got) == set(expected) and all(
        [pd.Timestamp(x) for x in got[u]] == [pd.Timestamp(x) for x in expected[u]] for u in expected)
    return {**measures, "mase": round(mase_of(cv, df, "GRU"), 4), "naive_mase": round(mase_of(cv, df, "Naive"), 4),
            "cutoffs_match_protocol": same, "forecasts": int(len(cv))}


# ---------------------------------------------------------------- parts

def emit(args, line, lines):
    line = {**line, "cpu": args.cpu}
    print(json.dumps(line), flush=True)
    lines.append(line)


def station(args, lines):
    df = read_station()
    check_daily(df)
    n = len(df)
    budget = tool_budget([origins(n, args.origins)[0]], args.steps)
    base = tool_base(args, STATION_FILE, panel=False) + ["--max-steps", str(args.steps)]
    common = {"part": "station", "series": 1, "origins": args.origins, "horizon": HORIZON}
    naive = None
    if not args.skip_tool:
        rows, _ = run_tool(args, base + ["--models", "naive"], "naive")
        naive = aggregate_mase(rows, "naive", panel=False)
        for setting, extra in (("gru", []), ("gru+future", ["--future-covariates", ",".join(FUTURE)])):
            command = base + ["--models", "gru"] + extra
            rows, m = run_tool(args, command, setting)
            emit(args, {"tool": "forecast", **common, "setting": setting, "threads": 1, **m,
                        "mase": round(aggregate_mase(rows, "gru", panel=False), 4), "naive_mase": round(naive, 4),
                        "command": " ".join(command[1:])}, lines)
    if not args.skip_peer:
        spec = {"part": "station", "series": 1, "origins": args.origins, "future": True, "static": False,
                "refit": args.nf_refit, "scaler": args.nf_scaler, "window": budget["window"], "batch_size": 1,
                "max_steps": budget["steps"], "val_check_steps": budget["batches_per_epoch"],
                "val_size": budget["validation_windows"] + HORIZON - 1}
        settings = [("gru+future", True)] + ([] if args.no_plain_peer else [("gru", False)])
        for setting, future in settings:
            result = run_peer(args, {**spec, "future": future, "setting": setting.replace("+", "_")}, df)
            emit(args, {"tool": "neuralforecast", **common, "setting": setting, "threads": 1, **result,
                        "tool_budget": budget}, lines)
            if naive is not None:
                check(args, "station", naive, df, result, lines)
                naive = None  # one check per part


def check(args, part, naive, df, peer, lines):
    """The origins check: the tool's naive MASE, the naive MASE computed here on the protocol's
    origins and on the peer's cutoffs (equal when the origins and the formula agree), and
    whether the peer's cutoffs are the protocol's."""
    ours = mase_of_naive_exact(args, df)
    emit(args, {"tool": "check", "part": part, "tool_naive_mase": round(naive, 6),
                "naive_mase_protocol_origins": round(ours, 6), "naive_mase_peer_cutoffs": peer["naive_mase"],
                "naive_matches": abs(naive - ours) <= 1e-6 * max(1.0, abs(ours)),
                "peer_cutoffs_match_protocol": peer["cutoffs_match_protocol"]}, lines)


def mase_of_naive_exact(args, df):
    """The naive MASE from the protocol's origins (the cutoffs the peer's lines were checked against)."""
    import pandas as pd
    rows = []
    for uid, g in df.groupby("unique_id"):
        y, t = g["y"].to_numpy(), g["ds"].to_numpy()
        for n in origins(len(y), args.origins):
            for h in range(HORIZON):
                rows.append((uid, t[n + h], t[n - 1], y[n - 1]))
    cv = pd.DataFrame(rows, columns=["unique_id", "ds", "cutoff", "Naive"])
    return mase_of(cv, df, "Naive")


def panel(args, lines):
    import pandas as pd
    df, names = read_panel(args.stations)
    check_daily(df)
    os.makedirs(args.out, exist_ok=True)
    data = PANEL_FILE
    if args.stations < 20:
        data = os.path.join(args.out, f"stations{args.stations}.csv")
        raw = pd.read_csv(PANEL_FILE)
        raw[raw["station"].isin(names)].to_csv(data, index=False)
    table = os.path.join(args.out, "station_static.csv")
    pd.DataFrame({"station": names, "station_id": names}).to_csv(table, index=False)
    lengths = df.groupby("unique_id").size()
    budget = tool_budget([origins(int(n), args.origins)[0] for n in lengths], args.steps)
    base = tool_base(args, data, panel=True) + ["--max-steps", str(args.steps)]
    model = ["--models", "gru", "--refit", "cold", "--future-covariates", ",".join(FUTURE), "--static", table,
             "--static-covariates", "station_id", "--categorical", "station_id"]
    common = {"part": "panel", "series": len(names), "origins": args.origins, "horizon": HORIZON}
    runs = [("fit per origin", [], "cold" if args.nf_refit == "cold" else "warm"),
            ("one fit", ["--refit-every", str(args.origins)], "once")]
    naive = None
    if not args.skip_tool:
        rows, _ = run_tool(args, base + ["--models", "naive"], "naive")
        naive = aggregate_mase(rows, "naive", panel=True)
    checked = False
    for setting, extra, refit in runs:
        if not args.skip_tool:
            command = base + model + extra
            rows, m = run_tool(args, command, setting)
            emit(args, {"tool": "forecast", **common, "setting": setting, "threads": 1, **m,
                        "mase": round(aggregate_mase(rows, "gru", panel=True), 4), "naive_mase": round(naive, 4),
                        "command": " ".join(command[1:])}, lines)
        if not args.skip_peer:
            spec = {"part": "panel", "series": len(names), "stations": args.stations, "origins": args.origins,
                    "future": True, "static": True, "refit": refit, "scaler": args.nf_scaler,
                    "batch_size": min(args.nf_batch_size or len(names), len(names)),
                    "window": budget["window"], "max_steps": budget["steps"],
                    "val_check_steps": budget["batches_per_epoch"], "setting": setting.replace(" ", "_"),
                    "val_size": budget["validation_windows"] + HORIZON - 1}
            result = run_peer(args, spec, df)
            emit(args, {"tool": "neuralforecast", **common, "setting": setting, "threads": 1, **result,
                        "tool_budget": budget}, lines)
            if naive is not None and not checked:
                check(args, "panel", naive, df, result, lines)
                checked = True


def markdown(args, lines):
    rows = ["| part | setting | series | origins | forecast MASE | NF MASE | naive MASE | forecast CPU s | NF CPU s | NF CPU / forecast CPU |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    keys = []
    for line in lines:
        if line["tool"] in ("forecast", "neuralforecast") and (line["part"], line["setting"]) not in keys:
            keys.append((line["part"], line["setting"]))
    for part, setting in keys:
        ours = next((l for l in lines if l["tool"] == "forecast" and l["part"] == part and l["setting"] == setting), None)
        peer = next((l for l in lines if l["tool"] == "neuralforecast" and l["part"] == part and l["setting"] == setting), None)
        any_ = ours or peer
        f = lambda l, k: "" if l is None else f"{l[k]:g}"
        ratio = f"{peer['cpu_s'] / ours['cpu_s']:.2f}" if ours and peer and ours["cpu_s"] > 0 else ""
        rows.append(f"| {part} | {setting} | {any_['series']} | {any_['origins']} | {f(ours, 'mase')} | {f(peer, 'mase')} | "
                    f"{f(any_, 'naive_mase')} | {f(ours, 'cpu_s')} | {f(peer, 'cpu_s')} | {ratio} |")
    notes = [f"\nOne thread each, {args.cpu}. H = {HORIZON}, m = {SEASON}, step {STEP}; max steps {args.steps}. "
             "CPU s: user + sys of the tool's process; of NeuralForecast's fit/cross_validation calls."]
    for l in lines:
        if l["tool"] == "neuralforecast":
            notes.append(f"\n- NeuralForecast, {l['part']} {l['setting']}: {l['call']}; `{json.dumps(l['nf_settings'])}`")
    os.makedirs(os.path.dirname(os.path.abspath(args.markdown)), exist_ok=True)
    with open(args.markdown, "w") as f:
        f.write("\n".join(rows + notes) + "\n")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--peer-job":
        return peer_job(json.loads(sys.argv[2]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forecast", required=True)
    parser.add_argument("--part", choices=["station", "panel", "all"], default="all")
    parser.add_argument("--origins", type=int, default=20, help="origins (default 20, the protocol's K)")
    parser.add_argument("--steps", type=int, default=3000, help="max steps of both tools (default 3000, the tool's)")
    parser.add_argument("--stations", type=int, default=20, help="the first N stations of the panel")
    parser.add_argument("--out", default=os.path.join(ROOT, ".build", "bench", "covariates"))
    parser.add_argument("--markdown")
    parser.add_argument("--nf-refit", choices=["cold", "warm"], default="cold",
                        help="cold: a fresh NF fit per origin (default); warm: cross_validation(refit=True) as is")
    parser.add_argument("--nf-scaler", choices=["robust", "standard"], default="robust")
    parser.add_argument("--nf-batch-size", type=int, default=0,
                        help="NF batch_size (series per step) on the panel; default all series, as the tool's batches")
    parser.add_argument("--no-plain-peer", action="store_true", help="skip NF's GRU without covariates on one station")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--skip-tool", action="store_true")
    args = parser.parse_args()
    args.forecast = os.path.abspath(args.forecast)
    args.cpu = cpu_model()
    os.makedirs(args.out, exist_ok=True)
    lines = []
    if args.part in ("station", "all"):
        station(args, lines)
    if args.part in ("panel", "all"):
        panel(args, lines)
    if args.markdown:
        markdown(args, lines)


if __name__ == "__main__":
    main()
