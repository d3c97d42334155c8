#!/usr/bin/env python3
"""How far apart the kernel paths are: the same backtest on every path FORECAST_KERNELS
can force on this CPU, each against the widest, and --jobs 2 against --jobs 1.

usage: python3 bench/kernel_paths.py [--forecast .build/release/forecast] [-- BACKTEST ARGS...]

Default backtest: the GRU of notebook 03 on air passengers. Prints a JSON line per
comparison (max and median relative difference of the stored forecasts, of the
scale-free metrics, and of bias and skill, plus bias and skill's max absolute
difference). Standard library only.
"""
import json, os, sqlite3, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT = ["datasets/air_passengers_monthly.csv", "--models", "gru"]


def backtest(binary, args, db, kernels, jobs):
    env = dict(os.environ, FORECAST_KERNELS=kernels)
    subprocess.run([binary, "backtest", *args, "--jobs", str(jobs), "--db", db], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)


def rows(db, sql):
    with sqlite3.connect(db) as c:
        return {tuple(r[:-1]): r[-1] for r in c.execute(sql)}


def relative(a, b):
    return [abs(a[k] - b[k]) / max(abs(a[k]), abs(b[k]), 1e-300) for k in a if a[k] is not None and b[k] is not None]


def compare(base, other):
    fa = rows(base, "SELECT model, series, origin, step, forecast FROM forecasts")
    fb = rows(other, "SELECT model, series, origin, step, forecast FROM forecasts")
    ma = rows(base, "SELECT model, series, ifnull(step, 0), metric, value FROM metrics")
    mb = rows(other, "SELECT model, series, ifnull(step, 0), metric, value FROM metrics")
    assert fa.keys() == fb.keys() and ma.keys() == mb.keys(), "the runs differ in shape"
    close = lambda k: k[-1] in ("bias", "skill")  # differences of close numbers
    scale_free = relative({k: v for k, v in ma.items() if not close(k)}, mb)
    differences = {k: v for k, v in ma.items() if close(k)}
    out = {"forecasts": len(fa), "bit_identical": sum(fa[k] == fb[k] for k in fa)}
    for name, values in [("forecast", relative(fa, fb)), ("metric", scale_free), ("bias_skill", relative(differences, mb))]:
        values.sort()
        out[f"{name}_max_rel"] = values[-1] if values else 0.0
        out[f"{name}_median_rel"] = values[len(values) // 2] if values else 0.0
    out["bias_skill_max_abs"] = max((abs(v - mb[k]) for k, v in differences.items() if v is not None and mb[k] is not None),
                                    default=0.0)
    return out


def main():
    args = sys.argv[1:]
    binary = os.path.join(ROOT, ".build", "release", "forecast")
    if "--forecast" in args:
        i = args.index("--forecast")
        binary = os.path.abspath(args[i + 1])
        del args[i:i + 2]
    backtest_args = args[args.index("--") + 1:] if "--" in args else DEFAULT
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
    paths = [p for p in ["avx512", "avx2", "portable"]
             if subprocess.run([binary, "--version"], env=dict(os.environ, FORECAST_KERNELS=p),
                               capture_output=True).returncode == 0]
    with tempfile.TemporaryDirectory() as tmp:
        db = lambda name: os.path.join(tmp, name + ".db")
        for p in paths:
            backtest(binary, backtest_args, db(p), p, 1)
        backtest(binary, backtest_args, db(paths[0] + "-jobs2"), paths[0], 2)
        pairs = [(f"{paths[0]} --jobs 2", paths[0] + "-jobs2")] + [(p, p) for p in paths[1:]]
        for label, name in pairs:
            print(json.dumps({"cpu": cpu, "backtest": " ".join(backtest_args), "base": f"{paths[0]} --jobs 1",
                              "other": label, **compare(db(paths[0]), db(name))}))


if __name__ == "__main__":
    main()
