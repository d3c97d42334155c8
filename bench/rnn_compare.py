#!/usr/bin/env python3
"""Swift engine against the PyTorch peer, case by case, one thread each.

Usage: rnn_compare.py --swift-bench PATH [--configs 1,2,3] [--cells gru,lstm,rnn_tanh]
                      [--modes many2one,many2many] [--min-time S] [--markdown FILE]

For every (config, mode, cell) it runs `ForecastBench rnn` for that case, then
`peer_rnn.py --threads 1` for the same case, so both see the same load on this shared
machine; prints both JSON result lines and a "ratio" line (Swift / PyTorch for training
and inference throughput, and peak memory). With --markdown, also writes the table.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

p = argparse.ArgumentParser()
p.add_argument("--swift-bench", required=True)
p.add_argument("--configs", default="1,2,3")
p.add_argument("--cells", default="gru,lstm,rnn_tanh")
p.add_argument("--modes", default="many2one,many2many")
p.add_argument("--min-time", type=float, default=3.0)
p.add_argument("--markdown")
p.add_argument("--peer-threads", type=int, default=1,
               help="PyTorch's threads (2: the second table, PyTorch on both cores against ours on one)")
a = p.parse_args()


def last_result(text):
    lines = [json.loads(l) for l in text.splitlines() if l.startswith("{")]
    results = [r for r in lines if r.get("record") == "result"]
    return results[-1] if results else None


rows = []
env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
peer_threads = str(a.peer_threads)
peer_env = dict(os.environ, OPENBLAS_NUM_THREADS=peer_threads, OMP_NUM_THREADS=peer_threads, MKL_NUM_THREADS=peer_threads)
for cfg in a.configs.split(","):
    for mode in a.modes.split(","):
        for cell in a.cells.split(","):
            ours = last_result(subprocess.run(
                [a.swift_bench, "rnn", "--configs", cfg, "--cells", cell, "--modes", mode,
                 "--min-time", str(a.min_time)], env=env, capture_output=True, text=True, check=True).stdout)
            peer = last_result(subprocess.run(
                [sys.executable, os.path.join(HERE, "peer_rnn.py"), "--threads", str(a.peer_threads), "--configs", cfg,
                 "--cells", cell, "--modes", mode, "--min-time", str(a.min_time),
                 "--min-time-infer", str(a.min_time / 2), "--quiet-wait", "0", "--retries", "0"],
                env=peer_env, capture_output=True, text=True, check=True).stdout)
            print(json.dumps(ours), flush=True)
            print(json.dumps(peer), flush=True)
            ratio = dict(record="ratio", cell=cell, mode=mode, cfg=int(cfg),
                         train=round(ours["train_seq_per_s"] / peer["train_seq_per_s"], 2),
                         infer=round(ours["infer_seq_per_s"] / peer["infer_seq_per_s"], 2),
                         swift_peak_rss_mb=ours["peak_rss_mb"], pytorch_peak_rss_mb=peer["peak_rss_mb"])
            print(json.dumps(ratio), flush=True)
            rows.append((ours, peer, ratio))

if a.markdown:
    with open(a.markdown, "w") as f:
        f.write("| cell | mode | cfg | Swift train seq/s | PyTorch train seq/s | train ratio | Swift infer seq/s "
                "| PyTorch infer seq/s | infer ratio | peak RSS Swift / PyTorch (MB) |\n")
        f.write("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
        for ours, peer, r in rows:
            f.write(f"| {r['cell']} | {r['mode']} | {r['cfg']} | {ours['train_seq_per_s']:,.0f} | "
                    f"{peer['train_seq_per_s']:,.0f} | **{r['train']:.2f}x** | {ours['infer_seq_per_s']:,.0f} | "
                    f"{peer['infer_seq_per_s']:,.0f} | **{r['infer']:.2f}x** | "
                    f"{ours['peak_rss_mb']:.0f} / {peer['peak_rss_mb']:.0f} |\n")
