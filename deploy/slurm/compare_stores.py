#!/usr/bin/env python3
"""Check that a merged store of a sharded backtest equals the store of the same backtest run
in one process, exactly.

usage: compare_stores.py MERGED.db SINGLE.db

Each store must hold one run. The merged run must be `complete` and hold all its shards
(runs.shard NULL, a `shards` row for each of 0..shard_count-1); its origins (but for
completed_at), forecasts, quantiles and metrics (every column but run_id) must be the same
rows as the single run's, values compared exactly. Prints one line per table; exit 0 when
all match, 1 otherwise. Standard library only.
"""
import sqlite3
import sys

# table -> columns compared (run_id and times of writing left out)
TABLES = {
    "origins": "series, origin, train_start, train_length, origin_time",
    "forecasts": "model, series, origin, origin_time, step, target_time, forecast, lower, upper, actual",
    "quantiles": "model, series, origin, step, level, value",
    "metrics": "model, series, step, metric, value, n",
}


def open_run(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    runs = db.execute("SELECT id, status, kind FROM runs").fetchall()
    if len(runs) != 1:
        sys.exit(f"compare_stores: {path} holds {len(runs)} runs, not one")
    return db, runs[0]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: compare_stores.py MERGED.db SINGLE.db")
    merged, (merged_run, status, kind) = open_run(sys.argv[1])
    single, (single_run, _, _) = open_run(sys.argv[2])
    ok = True
    print(f"merged run {merged_run}: {kind}, {status}")
    if status != "complete":
        print(f"  the merged run is {status}, not complete")
        ok = False
    shard, count = merged.execute("SELECT shard, shard_count FROM runs WHERE id = ?", (merged_run,)).fetchone()
    held = [row[0] for row in merged.execute("SELECT shard FROM shards WHERE run_id = ? ORDER BY shard", (merged_run,))]
    print(f"merged run: shards {held} of {count}")
    if shard is not None or held != list(range(count)):
        print(f"  not a merged run of all its shards (runs.shard = {shard})")
        ok = False
    for table, columns in TABLES.items():
        a = select(merged, table, columns, merged_run)
        b = select(single, table, columns, single_run)
        if a == b:
            print(f"{table}: {len(a)} rows, identical")
            continue
        ok = False
        only_a, only_b = sorted(set(a) - set(b), key=str), sorted(set(b) - set(a), key=str)
        print(f"{table}: DIFFERENT ({len(a)} merged rows, {len(b)} single; "
              f"{len(only_a)} only merged, {len(only_b)} only single)")
        for row in only_a[:3]:
            print(f"  only merged: {row}")
        for row in only_b[:3]:
            print(f"  only single: {row}")
    if not single.execute("SELECT count(*) FROM forecasts").fetchone()[0]:
        print("the single store holds no forecasts")
        ok = False
    return 0 if ok else 1


def select(db, table, columns, run):
    # NULL sorts before every value, so rows with NULLs (e.g. metrics over all steps) order.
    key = lambda row: tuple((value is not None, value) for value in row)
    return sorted(db.execute(f"SELECT {columns} FROM {table} WHERE run_id = ?", (run,)).fetchall(), key=key)


if __name__ == "__main__":
    sys.exit(main())
