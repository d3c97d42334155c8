#!/usr/bin/env python3
"""Peer for the CSV benchmark: pandas.read_csv on the file ForecastBench wrote.

Usage: csv_pandas.py FILE [--repeat K] [--swift JSON_LINE_FILE]
Parses the timestamp column as dates (as the Swift reader does) and prints one JSON
line in the Swift benchmark's fields; with --swift, also the ratio of the two rates.
Single-threaded (pandas' C parser is single-threaded anyway).
"""
import argparse
import json
import os
import resource
import statistics
import time

import pandas as pd

p = argparse.ArgumentParser()
p.add_argument("file")
p.add_argument("--repeat", type=int, default=5)
p.add_argument("--swift", help="file holding the Swift benchmark's JSON line")
a = p.parse_args()

times = []
rows = 0
for _ in range(a.repeat):
    t0 = time.perf_counter()
    df = pd.read_csv(a.file, parse_dates=["timestamp"])
    times.append(time.perf_counter() - t0)
    rows = len(df)
    del df
med = statistics.median(times)
size = os.path.getsize(a.file)
rec = dict(record="result", tool="pandas", tool_version=pd.__version__, bench="csv_parse",
           rows=rows, columns=6, bytes=size, repeat=a.repeat,
           seconds_median=round(med, 4), seconds_best=round(min(times), 4),
           rows_per_s=round(rows / med), mb_per_s=round(size / med / 1e6, 1),
           peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
print(json.dumps(rec))
if a.swift:
    with open(a.swift) as f:
        swift = json.loads(f.read().strip().splitlines()[-1])
    print(json.dumps(dict(record="ratio", bench="csv_parse",
                          swift_over_pandas_rows_per_s=round(swift["rows_per_s"] / rec["rows_per_s"], 2),
                          swift_peak_rss_mb=swift["peak_rss_mb"], pandas_peak_rss_mb=rec["peak_rss_mb"])))
