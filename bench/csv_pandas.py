#!/usr/bin/env python3
"""Peer for the CSV benchmark: pandas.read_csv against the Swift reader, interleaved.

Usage: csv_pandas.py FILE --swift-bench PATH_TO_ForecastBench [--repeat K]

Each round runs the Swift reader once (ForecastBench csv --repeat 1, which times itself)
and pandas.read_csv once (timestamp column parsed as dates, as the Swift reader does), so
both see the same load on this shared machine. Prints one JSON line per tool in the
Swift benchmark's fields (medians over the rounds) and one line with the ratio.
Both run single-threaded.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import time

import pandas as pd

p = argparse.ArgumentParser()
p.add_argument("file")
p.add_argument("--swift-bench", required=True)
p.add_argument("--repeat", type=int, default=9)
a = p.parse_args()

size = os.path.getsize(a.file)
swift_times, swift_rss, pandas_times = [], [], []
rows = 0
for _ in range(a.repeat):
    out = subprocess.run([a.swift_bench, "csv", "--file", a.file, "--repeat", "1",
                          "--rows", "1000000"], check=True, capture_output=True, text=True).stdout
    rec = json.loads(out.strip().splitlines()[-1])
    swift_times.append(rec["seconds_median"])
    swift_rss.append(rec["peak_rss_mb"])
    t0 = time.perf_counter()
    df = pd.read_csv(a.file, parse_dates=["timestamp"])
    pandas_times.append(time.perf_counter() - t0)
    rows = len(df)
    del df


def record(tool, version, times, rss):
    med = statistics.median(times)
    return dict(record="result", tool=tool, tool_version=version, bench="csv_parse", rows=rows, columns=6,
                bytes=size, repeat=a.repeat, seconds_median=round(med, 4), seconds_best=round(min(times), 4),
                rows_per_s=round(rows / med), mb_per_s=round(size / med / 1e6, 1), peak_rss_mb=rss)


swift = record("forecast-swift", None, swift_times, max(swift_rss))
peer = record("pandas", pd.__version__, pandas_times,
              round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
print(json.dumps(swift))
print(json.dumps(peer))
print(json.dumps(dict(record="ratio", bench="csv_parse",
                      swift_over_pandas_rows_per_s=round(swift["rows_per_s"] / peer["rows_per_s"], 2),
                      swift_over_pandas_best=round(min(pandas_times) / min(swift_times), 2),
                      swift_peak_rss_mb=swift["peak_rss_mb"], pandas_peak_rss_mb=peer["peak_rss_mb"])))
