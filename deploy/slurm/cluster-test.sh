#!/usr/bin/env bash
# `make cluster-test`: a sharded backtest on a real one-node Slurm cluster on localhost.
# Starts the cluster of cluster.sh (installing slurm-wlm and munge when missing), submits
# the 4-task array and its afterok merge job with submit.sh, waits for them, runs the same
# backtest in one process, and checks that the merged store is complete and holds exactly
# the single run's origins, forecasts, quantiles and metrics (compare_stores.py).
# Stops the daemons it started, whatever happens. Last line: "cluster-test: PASS" or FAIL.
#
# Settings: FORECAST (default .build/release/forecast), CLUSTER_DIR (the cluster's state,
# default .build/cluster), CLUSTER_TEST_TIMEOUT (seconds for the jobs, default 900).
# Work files (panel, shard stores and job logs, single.db): .build/cluster-test/.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
FORECAST=${FORECAST:-$root/.build/release/forecast}
state=${CLUSTER_DIR:-$root/.build/cluster}
work=$root/.build/cluster-test
timeout=${CLUSTER_TEST_TIMEOUT:-900}
shards=4
models=gru,seasonal-naive
flags="--origins 8 --max-steps 100 --hidden 16 --refit cold --quantiles 0.1,0.5,0.9"

step="checking the binary"
result=""
stop_cluster=""
finish() {
    local code=$?
    [ -z "$stop_cluster" ] || "$root/deploy/slurm/cluster.sh" stop "$state" || true
    if [ "$result" = PASS ] && [ "$code" = 0 ]; then echo "cluster-test: PASS"; exit 0; fi
    echo "cluster-test: FAIL: ${result:-$step (exit $code)}"
    exit 1
}
trap finish EXIT
fail() { result=$*; exit 1; }
show() { for f in "$@"; do [ -f "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }; done; }

[ -x "$FORECAST" ] || fail "no $FORECAST (make build)"
# (output into strings, not pipes: grep -q stops reading early, which pipefail would see)
grep -q -- --shard <<<"$("$FORECAST" backtest --help 2>&1)" || fail "$FORECAST has no backtest --shard"
grep -q -- '--db' <<<"$("$FORECAST" merge --help 2>&1)" || fail "$FORECAST has no merge command"

rm -rf "$work"
mkdir -p "$work"
cd "$work"
step="making the panel"
python3 "$root/bench/make_panel.py" panel.csv --series 40 --length 400 --seed 1

step="starting the cluster"
"$root/deploy/slurm/cluster.sh" status "$state" || stop_cluster=1
"$root/deploy/slurm/cluster.sh" start "$state" || fail "the cluster did not start"
eval "$("$root/deploy/slurm/cluster.sh" env "$state")"
sinfo

step="running the jobs"
# The deploy scripts as a user runs them, from the data's directory.
t0=$SECONDS
ids=$(DATA=panel.csv SHARDS=$shards OUT=shards MODELS=$models FORECAST_FLAGS="$flags" FORECAST="$FORECAST" \
      "$root/deploy/slurm/submit.sh" --cpus-per-task=1 --time=30) || fail "sbatch refused the jobs"
read -r array merge <<<"$ids"
echo "array job $array, merge job $merge"
while :; do
    queue=$(squeue -h -o %A) || fail "squeue failed"
    grep -qx -e "$array" -e "$merge" <<<"$queue" || break
    if ((SECONDS - t0 > timeout)); then
        squeue
        scancel "$array" "$merge" || true
        show shards/*.out
        fail "the jobs took more than $timeout s"
    fi
    sleep 2
done
cluster_time=$((SECONDS - t0))

# Each task and the merge must have completed with exit code 0 (slurmctld keeps finished
# jobs for MinJobAge = 600 s; there is no accounting).
states=$( { scontrol -o show job "$array"; scontrol -o show job "$merge"; } | awk '{
    for (i = 1; i <= NF; i++) if ($i ~ /^(JobId|ArrayTaskId|JobState|ExitCode)=/) printf "%s ", $i; print "" }')
echo "$states"
good=$(grep -c 'JobState=COMPLETED ExitCode=0:0' <<<"$states" || true)
if [ "$good" != $((shards + 1)) ]; then
    show shards/*.out
    fail "$good of $((shards + 1)) jobs completed with exit code 0"
fi
for ((i = 0; i < shards; i++)); do [ -s "shards/shard-$i.db" ] || fail "no shards/shard-$i.db"; done
[ -s shards/merged.db ] || fail "no shards/merged.db"
show shards/merge.out
echo "cluster: $shards shards and the merge in ${cluster_time} s"

step="the single-process backtest"
t0=$SECONDS
# shellcheck disable=SC2086 # flags is a list of flags
"$FORECAST" backtest panel.csv --series-column id --target value --models "$models" $flags --db single.db \
    >single.out || { show single.out; fail "the single-process backtest failed"; }
echo "one process: $((SECONDS - t0)) s"

step="comparing the stores"
python3 "$root/deploy/slurm/compare_stores.py" shards/merged.db single.db \
    || fail "the merged store differs from the single run's"
result=PASS
