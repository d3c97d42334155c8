#!/usr/bin/env python3
"""A seeded panel of sensor-like hourly series, in long format (id,timestamp,value).

usage: python3 bench/make_panel.py OUT.csv [--series 1000] [--length 720] [--seed 1]
                                   [--missing 0.005]

Each series: a level (log-uniform over three decades, so series of very different sizes
share the panel), a daily season (24 steps) and a weekly one (168 steps) of their own
amplitudes and phases, a slow trend, up to two level shifts, autocorrelated noise (AR(1))
and missing values (empty cells) at the rate --missing, in runs of one to three hours.
Standard library only; the same arguments give the same bytes.
"""
import argparse
import math
import random
from datetime import datetime, timedelta


def series(rng, length):
    level = 10 ** rng.uniform(0, 3)
    daily, weekly = rng.uniform(0.05, 0.3), rng.uniform(0.0, 0.15)
    phase_d, phase_w = rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi)
    trend = rng.uniform(-0.3, 0.3) / length  # share of the level over the whole series
    shifts = sorted(rng.randrange(length // 4, length) for _ in range(rng.randint(0, 2)))
    shift_sizes = [rng.uniform(-0.25, 0.25) for _ in shifts]
    noise_scale, phi = rng.uniform(0.01, 0.08), rng.uniform(0.3, 0.8)
    values, noise = [], 0.0
    for t in range(length):
        noise = phi * noise + rng.gauss(0, noise_scale)
        shift = sum(size for at, size in zip(shifts, shift_sizes) if t >= at)
        relative = (1 + trend * t + shift
                    + daily * math.sin(2 * math.pi * t / 24 + phase_d)
                    + weekly * math.sin(2 * math.pi * t / 168 + phase_w) + noise)
        values.append(level * relative)
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--length", type=int, default=720)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--missing", type=float, default=0.005)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    start = datetime(2024, 1, 1)
    stamps = [(start + timedelta(hours=t)).strftime("%Y-%m-%dT%H:%M:%S") for t in range(args.length)]
    width = len(str(args.series - 1))
    with open(args.out, "w", newline="") as out:
        out.write("id,timestamp,value\n")
        for s in range(args.series):
            values = series(rng, args.length)
            gone = set()
            t = 0
            while t < args.length:
                # Not in the first or last day: every series keeps a full first week and a scored end.
                if 24 <= t < args.length - 24 and rng.random() < args.missing:
                    run = rng.randint(1, 3)
                    gone.update(range(t, t + run))
                    t += run
                else:
                    t += 1
            name = f"sensor{s:0{width}d}"
            for t, value in enumerate(values):
                out.write(f"{name},{stamps[t]},{'' if t in gone else f'{value:.4f}'}\n")


if __name__ == "__main__":
    main()
