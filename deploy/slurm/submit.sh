#!/bin/bash
# Submits a sharded backtest: the job array of backtest.sbatch (tasks 0..SHARDS-1) and the
# merge job of merge.sbatch, which starts once every task has succeeded (afterok).
#
#   DATA=panel.csv SHARDS=8 OUT=run1 deploy/slurm/submit.sh [sbatch flags for both jobs]
#
# Settings (see backtest.sbatch): DATA, SHARDS (default 4), OUT (default backtest-shards),
# MERGED, MODELS, SERIES_COLUMN, TARGET, FORECAST_FLAGS, FORECAST. Both jobs run in the
# current directory. Job logs: $OUT/shard-I.out and $OUT/merge.out. Prints the two job
# ids, "ARRAY MERGE", on standard output.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export SHARDS=${SHARDS:-4} OUT=${OUT:-backtest-shards}
mkdir -p "$OUT"

array=$(sbatch --parsable --export=ALL --array="0-$((SHARDS - 1))" --output="$OUT/shard-%a.out" "$@" "$here/backtest.sbatch")
array=${array%%;*}   # --parsable prints "id" or "id;cluster"
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" --output="$OUT/merge.out" "$@" "$here/merge.sbatch")
merge=${merge%%;*}

echo "submitted: backtest array $array ($SHARDS shards), merge $merge after it; results in $OUT/" >&2
echo "$array $merge"
